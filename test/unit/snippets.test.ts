import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { checkAll } from '../../server/src/rules';
import { expandSnippet, tabStopsOf } from '../support/snippets';
import { indexOf } from '../support/fixtureWorkspace';

/**
 * snippets/kubernetes.json: every body is expanded as VS Code would (placeholders,
 * choices, mirrors) into YAML that the checks accept, once with the defaults and
 * once with other values typed at each name and protocol, which proves that the
 * names typed once reach every place that must repeat them.
 */
const ROOT = path.resolve(__dirname, '../../..');
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const snippets: Record<string, { prefix: string; description: string; body: string[] }> = JSON.parse(
  fs.readFileSync(path.join(ROOT, 'snippets/kubernetes.json'), 'utf8'),
);

/** What is left of a check once the snippet is filled in: the deprecation hint of Endpoints snippets, by design. */
const EXPECTED = new Set(['endpoints-deprecated']);

/** What a snippet checked on its own must report: a lone EndpointSlice is for a Service written elsewhere. */
const EXPECTED_ALONE: Record<string, string[]> = { 'k8s-endpointslice': ['endpointslice-without-service'] };

test('package.json contributes the snippets for YAML', () => {
  assert.deepEqual(manifest.contributes.snippets, [{ language: 'yaml', path: './snippets/kubernetes.json' }]);
});

test('the snippets cover each kind of Service and backend, with k8s- prefixes', () => {
  assert.deepEqual(
    Object.values(snippets)
      .map((snippet) => snippet.prefix)
      .sort(),
    [
      'k8s-endpointslice',
      'k8s-service',
      'k8s-service-endpoints',
      'k8s-service-endpoints-multiport',
      'k8s-service-endpointslice',
      'k8s-service-externalname',
      'k8s-service-headless',
    ],
  );
});

for (const [title, snippet] of Object.entries(snippets)) {
  describe(`snippet ${snippet.prefix}`, () => {
    const body = snippet.body.join('\n');

    test('is described and ends at $0', () => {
      assert.ok(snippet.description.length > 0, title);
      assert.ok(body.endsWith('$0'), 'the cursor ends after the inserted objects');
    });

    test('expanded with its defaults, passes every check', () => {
      assert.deepEqual(findingsOf(expandSnippet(body), snippet.prefix), []);
    });

    test('expanded with other names and protocols, passes every check', () => {
      const values: Record<number, string> = {};
      for (const stop of tabStopsOf(body)) {
        if (stop.choices)
          values[stop.stop] = stop.choices.find((choice) => ['UDP', 'false'].includes(choice)) ?? stop.choices[0];
        else if (/^[a-z][a-z0-9-]*$/.test(stop.defaultText)) values[stop.stop] = `typed${stop.stop}`;
      }
      const text = expandSnippet(body, values);
      for (const value of Object.values(values)) assert.ok(text.includes(value), `${value} is used`);
      assert.deepEqual(findingsOf(text, snippet.prefix), []);
    });

    test('names are typed once: each tab stop has one default, the other places mirror it', () => {
      for (const stop of tabStopsOf(body)) {
        const definitions = body.match(new RegExp(`\\$\\{${stop.stop}[:|]`, 'g')) ?? [];
        assert.equal(definitions.length, 1, `tab stop ${stop.stop} is defined once`);
      }
      const mirrored = tabStopsOf(body).filter((stop) => stop.occurrences > 1);
      assert.ok(mirrored.length > 0 || snippet.prefix === 'k8s-service-externalname', 'some name is mirrored');
    });
  });
}

function findingsOf(text: string, prefix: string): string[] {
  const documents = parseAllDocuments(text);
  for (const document of documents) assert.deepEqual(document.errors, [], `valid YAML:\n${text}`);
  const { findings } = checkAll(indexOf(new Map([['snippet.yaml', text]])));
  return findings
    .filter((finding) => !EXPECTED.has(finding.code) && !(EXPECTED_ALONE[prefix] ?? []).includes(finding.code))
    .map((finding) => `${finding.code}: ${finding.message}`);
}
