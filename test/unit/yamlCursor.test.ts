import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cursorContext } from '../../server/src/navigation/yamlCursor';

/** The context at `$0` in `text`, as `mode path "prefix"`. */
function at(text: string): string {
  const offset = text.indexOf('$0');
  const context = cursorContext(text.replace('$0', ''), offset);
  return context ? `${context.mode} ${context.path.join('.')} "${context.prefix}"` : 'none';
}

describe('cursorContext', () => {
  test('reads the path of keys from indentation and dashes, indented or flush sequences', () => {
    assert.equal(at('spec:\n  ports:\n    - name: a\n      port: $0'), 'value spec.ports.[].port ""');
    assert.equal(at('spec:\n  ports:\n  - name: a\n  - name: b$0'), 'value spec.ports.[].name "b"');
    assert.equal(at('subsets:\n- addresses:\n  - ip: 1.2.3.4\n  ports:\n  - $0'), 'key subsets.[].ports.[] ""');
    assert.equal(at('a:\n  b: 1\nc:\n  $0'), 'key c ""');
    assert.equal(at('- - x: $0'), 'value [].[].x ""');
  });

  test('a key being typed, with or without a colon after it', () => {
    assert.equal(at('metadata:\n  lab$0'), 'key metadata "lab"');
    assert.equal(at('metadata:\n  lab$0els:'), 'key metadata "lab"');
  });

  test('skips block scalars, comments, other documents, and reads quoted keys and CRLF', () => {
    const text =
      'kind: A\n---\nspec:\n  script: |\n    x:\n      y: 1\n  # a: b\n  "quoted key":\r\n    k: $0\n---\nother: 1\n';
    assert.equal(at(text), 'value spec.quoted key.k ""');
    assert.equal(at('a:\n  s: |\n    text $0'), 'none');
    assert.equal(at('a: 1 # comment $0'), 'none');
  });

  test('quoted values: the prefix and range leave the quote out', () => {
    const text = 'metadata:\n  name: "we$0b"\n';
    const offset = text.indexOf('$0');
    const context = cursorContext(text.replace('$0', ''), offset)!;
    assert.equal(context.prefix, 'we');
    assert.equal(context.quoted, true);
    assert.equal(text.replace('$0', '').slice(context.range.start, context.range.end), 'web');
  });

  test('the document scan reads complete flow mappings and the entries of the same item', () => {
    const text =
      'kind: Service\nspec:\n  selector: {app: web, tier: fe}\n  ports:\n    - protocol: UDP\n    - port: 53\n      targetPort: $0\n';
    const context = cursorContext(text.replace('$0', ''), text.indexOf('$0'))!;
    assert.deepEqual(
      [...context.document.children(['spec', 'selector'])].map(([key, value]) => `${key}=${value.value}`),
      ['app=web', 'tier=fe'],
    );
    assert.equal(context.document.sibling(context, 'port')?.value, '53');
    assert.equal(context.document.sibling(context, 'protocol'), undefined);
  });

  test('a sibling of an enclosing mapping: the Service name above an Ingress backend port, in the same path item', () => {
    const text = [
      'kind: Ingress\nspec:\n  rules:\n    - http:\n        paths:',
      '          - backend: {service: {name: api, port: {number: 80}}}',
      '          - backend:\n              service:\n                name: web\n                port:\n                  number: $0',
    ].join('\n');
    const context = cursorContext(text.replace('$0', ''), text.indexOf('$0'))!;
    assert.equal(context.document.sibling(context, 'name', 1)?.value, 'web');
    assert.equal(context.document.sibling(context, 'name'), undefined);
  });
});
