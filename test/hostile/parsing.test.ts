import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { WorkspaceIndex } from '../../server/src/index/workspaceIndex';
import { parseSimpleDocument } from '../../server/src/model/fastYaml';
import { parseFile } from '../../server/src/model/parse';
import { cursorContext } from '../../server/src/navigation/yamlCursor';

/**
 * Hostile input through the pure core: every case ends in objects or a skipped document,
 * never in an exception, within a time bound far above what it takes.
 */
const SERVICE = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n';
const LEVELS = 100_000;

/**
 * How long any one case may take: each takes well under a second on an idle machine, so a loaded
 * one still passes while a hang or a quadratic blow-up (minutes) fails.
 */
const BOUND_MS = 30_000;

/** Runs `work` and checks that it took less than `BOUND_MS`. */
function bounded<T>(work: () => T): T {
  const started = performance.now();
  const result = work();
  const took = performance.now() - started;
  assert.ok(took < BOUND_MS, `took ${Math.round(took)} ms`);
  return result;
}

function parse(text: string): ReturnType<typeof parseFile> {
  return bounded(() => parseFile('file:///hostile.yaml', text));
}

/** Nine anchors, each holding nine aliases of the one before: 9^9 strings once expanded. */
function billionLaughs(wrap: (previous: string) => string): string {
  let text = 'lol0: &lol0 "lol"\n';
  for (let level = 1; level <= 9; level++) text += `lol${level}: &lol${level} ${wrap(`*lol${level - 1}`)}\n`;
  return text;
}

describe('alias bombs', () => {
  const bombs = {
    'in flow sequences': billionLaughs((alias) => `[${Array(9).fill(alias).join(', ')}]`),
    'in flow mappings, as keys': billionLaughs((alias) => `{${Array(9).fill(`? ${alias} : ${alias}`).join(', ')}}`),
    'in block sequences': billionLaughs((alias) => `\n${Array(9).fill(`  - ${alias}`).join('\n')}`),
  };
  for (const [where, bomb] of Object.entries(bombs)) {
    test(`${where}: the Service is read, the bomb never expanded`, () => {
      // The bomb also sits where the model looks: labels and a selector made of aliases.
      const text = `${SERVICE}  labels: *lol9\nspec:\n  selector: *lol9\n  ports: *lol9\n${bomb}`;
      const parsed = parse(text);
      assert.deepEqual(
        parsed.objects.map((object) => object.name?.value),
        ['web'],
      );
    });
  }

  test('the fast reader leaves aliases to the full parser', () => {
    const bomb = SERVICE + billionLaughs((alias) => `[${Array(9).fill(alias).join(', ')}]`);
    assert.equal(parseSimpleDocument(bomb, 0, bomb.length), undefined);
  });
});

describe(`nesting ${LEVELS} levels deep`, () => {
  const deep = {
    '[': `${SERVICE}spec:\n  ports: ${'['.repeat(LEVELS)}${']'.repeat(LEVELS)}\n`,
    '{': `${SERVICE}spec:\n  ports: ${'{a: '.repeat(LEVELS)}1${'}'.repeat(LEVELS)}\n`,
    '- ': `${SERVICE}spec:\n  ports:\n  ${'- '.repeat(LEVELS)}x\n`,
    // 100k levels of indentation would take 5·10⁹ characters, past V8's longest string: 4,000 (8 MB).
    indentation: `${SERVICE}spec:\n${Array.from({ length: 4_000 }, (_, level) => `${' '.repeat(level + 2)}a${level}:`).join('\n')} x\n`,
  };
  for (const [shape, text] of Object.entries(deep)) {
    test(`${shape}: the document is skipped as broken, in the fast reader, the full parser and the cursor scan`, () => {
      const parsed = parse(text);
      assert.deepEqual(parsed.objects, []);
      assert.equal(parsed.brokenDocuments.length, 1);
      assert.equal(parseSimpleDocument(text, 0, text.length), undefined);
      // Completion reads the cursor's context from the text, at the deepest point too.
      bounded(() => cursorContext(text, text.length - LEVELS));
      bounded(() => cursorContext(text, text.length - 1));
    });
  }

  test('the documents around a deep one are still read', () => {
    const text = `${SERVICE}---\n${deep['{']}---\n${SERVICE.replace('web', 'api')}`;
    const parsed = parse(text);
    assert.deepEqual(
      parsed.objects.map((object) => object.name?.value),
      ['web', 'api'],
    );
    assert.equal(parsed.brokenDocuments.length, 1);
  });
});

describe('long lines', () => {
  test('a 10 MB name on one line is read', () => {
    const name = 'a'.repeat(10_000_000);
    const parsed = parse(SERVICE.replace('web', name));
    assert.equal(parsed.objects[0].name?.value.length, name.length);
  });

  test('completion reads its context beside a 5 MB flow mapping at once', () => {
    const labels = `{${Array.from({ length: 400_000 }, (_, i) => `k${i}: v`).join(', ')}}`;
    const text = `${SERVICE}  labels: ${labels}\nspec:\n  ports:\n    - name: \n`;
    assert.deepEqual(bounded(() => cursorContext(text, text.length - 1))?.path, ['spec', 'ports', '[]', 'name']);
  });

  test('a 10 MB line of garbage is skipped', () => {
    const parsed = parse(`${SERVICE}spec: ${'"\\'.repeat(5_000_000)}\n`);
    assert.deepEqual(parsed.objects, []);
  });
});

describe('templates and patches', () => {
  const read = (text: string) =>
    parse(text).objects.map((object) => `${object.kind} ${object.name?.value ?? '(no name)'}`);

  test('Helm: a document broken by `{{ }}` is skipped, the intact one beside it is read', () => {
    const helm = `${SERVICE.replace('web', '{{ include "app.fullname" . }}')}  labels:\n    {{- include "app.labels" . | nindent 4 }}\n`;
    assert.deepEqual(read(`${helm}---\n${SERVICE}`), ['Service web']);
  });

  test('Jinja: `{% %}` lines make the document unreadable, so it is skipped', () => {
    assert.deepEqual(read(`{% for name in names %}\n${SERVICE}{% endfor %}\n`), []);
  });

  test('ytt: `#@` annotations are comments, so the structure is read', () => {
    assert.deepEqual(read(`#@ load("@ytt:data", "data")\n---\n${SERVICE.replace('web', 'web #@ data.values.name')}`), [
      'Service web',
    ]);
  });

  test('kustomize: a `$patch: delete` document is a patch, not an object', () => {
    assert.deepEqual(read(`${SERVICE}$patch: delete\n---\n${SERVICE.replace('web', 'api')}`), ['Service api']);
  });
});

describe('the size cap and binary text in the index', () => {
  test('counts UTF-8 bytes, as on disk; a NUL character makes the text binary', () => {
    const index = new WorkspaceIndex({ maxFileSize: 10 });
    const uncheckedOf = (text: string) => {
      index.update('file:///a.yaml', text);
      return index.file('file:///a.yaml')!.unchecked;
    };
    assert.equal(uncheckedOf('é'.repeat(5)), undefined);
    assert.deepEqual(uncheckedOf('é'.repeat(6)), { kind: 'too-large', bytes: 12, maxFileSize: 10 });
    assert.deepEqual(uncheckedOf('😀'.repeat(3)), { kind: 'too-large', bytes: 12, maxFileSize: 10 });
    assert.deepEqual(uncheckedOf('a: \0'), { kind: 'binary' });
    assert.equal(index.file('file:///a.yaml')!.text, '');
  });
});
