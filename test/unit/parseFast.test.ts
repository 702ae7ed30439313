import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import { pathToFileURL } from 'node:url';
import { describe, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { mayHoldModelledObject, splitDocuments } from '../../server/src/model/documents';
import { parseSimpleDocument } from '../../server/src/model/fastYaml';
import { parseFile, parseWholeFile } from '../../server/src/model/parse';
import { MODELLED_KINDS } from '../../server/src/model/types';
import { seeded } from '../support/edits';

/**
 * The fast paths of parseFile (document splitting, the pre-scan that skips kinds the model
 * does not read, the fast reader and the reuse of unchanged documents) must give exactly the
 * objects of the reference path: `yaml` on the whole file.
 */
const ROOT = path.resolve(__dirname, '../../..');
const CORPUS = path.resolve(ROOT, '../shared/corpus');
const FOLDERS = [CORPUS, path.join(ROOT, 'test/fixtures'), path.join(ROOT, 'examples')];

function yamlFiles(): { uri: string; text: string }[] {
  return FOLDERS.filter((folder) => fs.existsSync(folder)).flatMap((folder) =>
    fs
      .readdirSync(folder, { recursive: true, encoding: 'utf8' })
      .filter((file) => /\.ya?ml$/.test(file))
      .sort()
      .map((file) => {
        const full = path.join(folder, file);
        return { uri: pathToFileURL(full).href, text: fs.readFileSync(full, 'utf8') };
      }),
  );
}

describe('fast parsing', () => {
  const files = yamlFiles();

  test('the corpus is there', () => assert.ok(files.length > 1000, `only ${files.length} files`));

  test('pre-scan + parse gives exactly the objects of the full parse, on every corpus file', () => {
    for (const { uri, text } of files)
      assert.deepEqual(parseFile(uri, text).objects, parseWholeFile(uri, text).objects, uri);
  });

  test('the split finds the documents yaml finds, and the pre-scan skips none the model reads', () => {
    let skipped = 0;
    for (const { uri, text } of files) {
      const spans = splitDocuments(text);
      if (!spans) continue;
      const documents = parseAllDocuments(text);
      const list = Array.isArray(documents) ? documents : [];
      assert.equal(spans.length, list.length, uri);
      spans.forEach((span, i) => {
        if (mayHoldModelledObject(text, span)) return;
        skipped++;
        const value: unknown = list[i].toJS();
        const kind = (value as { kind?: unknown } | null)?.kind;
        assert.ok(typeof kind !== 'string' || !(MODELLED_KINDS.has(kind) || kind.endsWith('List')), `${uri} #${i}`);
      });
    }
    assert.ok(skipped > 500, `the pre-scan skipped only ${skipped} documents`);
  });

  test('damaged documents: the fast paths agree with the full parse and never throw', () => {
    const pieces = [' ', ':', ': ', '- ', '"', "'", '#', ' #', '\n', '[', ']', '{', '}', ',', '\n---\n', '|', '>'];
    const more = ['&a ', '*a', '!t ', '\t', '\r', '\n...\n', '%', '? ', 'kind: Service\n', 'kind: ConfigMap\n', '0x1'];
    const random = seeded(7);
    let compared = 0;
    for (let i = 0; i < 600; i++) {
      const { uri, text: original } = files[Math.floor(random() * files.length)];
      let text = original.slice(0, 8000);
      for (let edits = 1 + Math.floor(random() * 3); edits > 0; edits--) {
        const at = Math.floor(random() * text.length);
        const all = [...pieces, ...more];
        text =
          random() < 0.4
            ? text.slice(0, at) + text.slice(at + 1 + Math.floor(random() * 3))
            : text.slice(0, at) + all[Math.floor(random() * all.length)] + text.slice(at);
      }
      const fast = parseFile(uri, text).objects;
      // Where `yaml` lets an unterminated quote run past a `---` line, the split follows the YAML
      // spec instead (a document marker ends the document); only there may the results differ.
      const documents = parseAllDocuments(text);
      const spans = splitDocuments(text);
      if (spans && (Array.isArray(documents) ? documents.length : 0) !== spans.length) continue;
      // `yaml` also reports a stray `]` or `}` that starts a document as an error of the document before it.
      if (/^---\n[\]}]/m.test(text)) continue;
      // `yaml` places an empty value after the comment lines that follow its key, so its mapping ends
      // after them; the fast reader ends it at the key (ranges differ, objects agree).
      if (/:[ \t]*\n[ \t]*#/.test(text)) continue;
      compared++;
      assert.deepEqual(fast, parseWholeFile(uri, text).objects, `${uri}: ${JSON.stringify(text)}`);
    }
    assert.ok(compared > 400, `compared only ${compared}`);
  });

  test('comment lines at any indentation, between any lines: the fast reader ends every node where yaml does', () => {
    const random = seeded(13);
    // Files with the objects the model reads, of at most 200 lines (a comment per few lines).
    const modelled = files.filter(({ text }) => /^kind: (Service|Endpoints|EndpointSlice|Deployment)\b/m.test(text));
    const small = modelled.filter(({ text }) => text.split('\n').length < 200);
    assert.ok(small.length > 100, `only ${small.length} files`);
    let throughFastReader = 0;
    for (let i = 0; i < 400; i++) {
      const { uri, text } = small[Math.floor(random() * small.length)];
      const lines = text.split('\n');
      for (let comments = 1 + Math.floor(random() * 6); comments > 0; comments--) {
        const at = Math.floor(random() * (lines.length + 1));
        const indent = ' '.repeat(Math.floor(random() * 12));
        // Now and then after a blank line, which yaml's nodes take in or not depending on what follows.
        lines.splice(at, 0, ...(random() < 0.2 ? [''] : []), `${indent}# comment ${i}`);
      }
      const commented = lines.join('\n');
      // A file the split leaves to the full parser (a directive, a `...` marker) has no fast path to compare.
      const spans = splitDocuments(commented);
      if (!spans) continue;
      assert.deepEqual(parseFile(uri, commented).objects, parseWholeFile(uri, commented).objects, commented);
      for (const span of spans) {
        if (!mayHoldModelledObject(commented, span)) continue;
        const indented = /^ +#/m.test(commented.slice(span.contentStart, span.end));
        if (indented && parseSimpleDocument(commented, span.contentStart, span.end)) throughFastReader++;
      }
    }
    // The comparison is worth something only if the fast reader takes many documents with indented comments.
    assert.ok(
      throughFastReader > 300,
      `the fast reader read only ${throughFastReader} documents with indented comments`,
    );
  });

  test('a broken document stays broken while other documents are edited, and is forgotten once it parses', () => {
    const uri = 'file:///ws/chart.yaml';
    const service = (name: string) => `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n`;
    const template =
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Values.name }}\n  labels: {{- include "x" . | nindent 4 }}\n';
    const text = [service('a'), template, service('c')].join('---\n');
    // Each new version takes over the previous one's objects: each edit starts from its own parse.
    const first = () => ({ text, ...parseFile(uri, text) });
    const templateStart = text.indexOf(template);
    assert.deepEqual(first().brokenDocuments, [{ start: templateStart, end: templateStart + template.length }]);
    const renamed = text.replace('name: a', 'name: aaa');
    assert.deepEqual(parseFile(uri, renamed, first()).brokenDocuments, [
      { start: templateStart + 2, end: templateStart + 2 + template.length },
    ]);
    const fixed = text.replace(template, service('b'));
    assert.deepEqual(parseFile(uri, fixed, first()).brokenDocuments, []);
  });

  test('an edited file reuses its unchanged documents and still gives the objects and broken documents of a fresh parse', () => {
    const random = seeded(11);
    const multi = files.filter(({ text }) => (splitDocuments(text)?.length ?? 0) > 3);
    assert.ok(multi.length > 10);
    for (let i = 0; i < 200; i++) {
      const { uri, text } = multi[Math.floor(random() * multi.length)];
      const at = Math.floor(random() * text.length);
      const change =
        random() < 0.5 ? { start: at, end: at + 1, text: '' } : { start: at, end: at, text: 'x\n-: '[i % 4] };
      const edited = text.slice(0, change.start) + change.text + text.slice(change.end);
      const previous = () => ({ text, ...parseFile(uri, text) });
      const fresh = parseFile(uri, edited);
      // Found by comparing the texts, or told by the editor (then only the changed region is read).
      const told = parseFile(uri, edited, previous(), change);
      for (const reparsed of [parseFile(uri, edited, previous()), told]) {
        assert.deepEqual(reparsed.objects, parseWholeFile(uri, edited).objects, uri);
        assert.deepEqual(reparsed.brokenDocuments, fresh.brokenDocuments, uri);
      }
      const edit = told.reused?.edit;
      assert.ok(edit && edit.start <= change.start && edit.end >= change.end, uri);
    }
  });

  test('the model of a file is a tree: no range or other part is shared, so an edit can move it in place', () => {
    const list = 'apiVersion: v1\nkind: List\nitems:\n' + ['a', 'b'].map(listedService).join('');
    for (const { uri, text } of [...files, { uri: 'file:///ws/list.yaml', text: list }]) {
      const seen = new Set<object>();
      const visit = (value: unknown, where: string): void => {
        if (typeof value !== 'object' || value === null) return;
        assert.ok(!seen.has(value), `${uri}: ${where} is shared`);
        seen.add(value);
        for (const [key, child] of Object.entries(value)) visit(child, `${where}.${key}`);
      };
      parseFile(uri, text).objects.forEach((object, i) => visit(object, `objects[${i}]`));
    }
  });

  test('the objects of a kind share one V8 hidden class, so the rules read their fields monomorphically', () => {
    // See `base` in parse.ts: a hidden class per object made every rule's reads megamorphic.
    v8.setFlagsFromString('--allow-natives-syntax');
    const sameHiddenClass = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (a: object, b: object) => boolean;
    const firstOfKind = new Map<string, object>();
    for (const { uri, text } of files)
      for (const object of parseFile(uri, text).objects) {
        const first = firstOfKind.get(object.kind);
        if (!first) firstOfKind.set(object.kind, object);
        else assert.ok(sameHiddenClass(first, object), `${uri}: a ${object.kind} with a hidden class of its own`);
      }
    assert.ok(firstOfKind.size >= 6, `only ${[...firstOfKind.keys()].join(', ')}`);
  });

  test('files without objects or broken documents share one frozen empty list for each', () => {
    const configMap = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: v\n';
    const first = parseFile('file:///ws/a.yaml', configMap);
    const second = parseFile('file:///ws/b.yaml', `${configMap}---\n# nothing\n`);
    assert.equal(first.objects, second.objects);
    assert.equal(first.brokenDocuments, second.brokenDocuments);
    assert.equal(first.objects, first.brokenDocuments);
    assert.ok(Object.isFrozen(first.objects));
    // A file with objects has lists of its own.
    const service = parseFile('file:///ws/c.yaml', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: c\n');
    assert.equal(service.objects.length, 1);
    assert.notEqual(service.objects, first.objects);
  });

  test('a file edited again and again, each version taking over the last, keeps the objects of a fresh parse', () => {
    const random = seeded(5);
    const uri = 'file:///ws/bundle.yaml';
    const service = (name: string) => `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n`;
    const list = `apiVersion: v1\nkind: List\nitems:\n${listedService('c')}${listedService('d')}`;
    let text = [service('a'), service('b'), list, service('e'), list, service('f')].join('---\n');
    let version = { text, ...parseFile(uri, text) };
    // A file read once keeps no documents (the scan reads thousands); its first edit splits it again.
    assert.equal(version.spans, undefined);
    for (let i = 0; i < 300; i++) {
      const at = Math.floor(random() * text.length);
      const change =
        random() < 0.5
          ? { start: at, end: Math.min(text.length, at + 1), text: '' }
          : { start: at, end: at, text: 'x\n '[i % 3] };
      text = text.slice(0, change.start) + change.text + text.slice(change.end);
      version = { text, ...parseFile(uri, text, version, random() < 0.5 ? change : undefined) };
      assert.deepEqual(version.objects, parseWholeFile(uri, text).objects, `edit ${i}: ${JSON.stringify(change)}`);
      // What the next edit starts from.
      assert.deepEqual(version.spans, splitDocuments(text), `edit ${i}`);
    }
  });

  test('an ignore comment is noticed wherever it is typed, and a file without one is known to have none', () => {
    const uri = 'file:///ws/services.yaml';
    const service = (name: string) => `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n`;
    const text = [service('a'), service('b'), service('c')].join('---\n');
    const previous = () => ({ text, ...parseFile(uri, text) });
    assert.equal(previous().mayHoldIgnoreComments, false);
    const comment = '  # kube-endpoints-ignore\n';
    for (const at of [0, text.indexOf('name: b'), text.length]) {
      const change = { start: at, end: at, text: comment };
      const edited = text.slice(0, at) + comment + text.slice(at);
      assert.equal(parseFile(uri, edited, previous(), change).mayHoldIgnoreComments, true, `at ${at}`);
      assert.equal(parseFile(uri, edited, previous()).mayHoldIgnoreComments, true, `at ${at}`);
    }
  });
});

/** A Service as an item of a `kind: List`. */
function listedService(name: string): string {
  return `- apiVersion: v1\n  kind: Service\n  metadata:\n    name: ${name}\n`;
}
