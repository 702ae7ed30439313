import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { isDiagnosticOf, sameJson, toDiagnostic } from '../../server/src/features/convert';
import { WorkspaceIndex } from '../../server/src/index/workspaceIndex';
import { KubernetesVersion } from '../../server/src/model/kubernetesVersion';
import { LineIndex } from '../../server/src/model/lineIndex';
import { checkAll } from '../../server/src/rules';
import type { Finding, Severity } from '../../server/src/rules/types';

const ROOT = path.resolve(__dirname, '../../..');
const FIXTURES = path.join(ROOT, 'test/fixtures');
const CONTEXT = { kubernetesVersion: KubernetesVersion.LATEST };
const SEVERITIES: Severity[] = ['error', 'warning', 'information', 'hint'];
/** Ends the URI of a copy of a file (same text, so the same lines and columns). */
const COPY = '#copy';

/**
 * Findings as a re-check may bring them beside an earlier one: moved, or changed in one field.
 * `isDiagnosticOf` must say of each what comparing the diagnostics it would make says.
 */
function variantsOf(finding: Finding, other: Finding, lines: LineIndex): Finding[] {
  const { range } = finding;
  // The same columns a line further down.
  const down = (offset: number) => {
    const { line, character } = lines.positionAt(offset);
    return lines.offsetAt({ line: line + 1, character });
  };
  const related = finding.related ?? [];
  const variants: Finding[] = [
    finding,
    other,
    Object.assign({}, finding),
    Object.assign({}, finding, { message: finding.message + '.' }),
    Object.assign({}, finding, { code: other.code }),
    Object.assign({}, finding, { severity: SEVERITIES[(SEVERITIES.indexOf(finding.severity) + 1) % 4] }),
    Object.assign({}, finding, { range: { start: range.start, end: range.end + 1 } }),
    Object.assign({}, finding, { range: { start: range.start + 1, end: range.end + 1 } }),
    Object.assign({}, finding, { range: { start: down(range.start), end: range.end } }),
    Object.assign({}, finding, { range: { start: range.start, end: down(range.end) } }),
    Object.assign({}, finding, { data: structuredClone(finding.data) }),
    Object.assign({}, finding, { data: { ...finding.data, otherNamespace: 'elsewhere' } }),
    Object.assign({}, finding, { related: undefined }),
    Object.assign({}, finding, { related: [...related, { uri: finding.uri, range, message: 'also' }] }),
  ];
  for (let i = 0; i < related.length; i++) {
    const changed = (item: Partial<(typeof related)[number]>) =>
      Object.assign({}, finding, { related: related.map((r, j) => (j === i ? Object.assign({}, r, item) : r)) });
    variants.push(
      changed({ message: related[i].message + '.' }),
      changed({ uri: related[i].uri + COPY }),
      changed({ range: { start: related[i].range.start, end: related[i].range.end + 1 } }),
      changed({ range: { start: related[i].range.start, end: related[i].range.end } }),
    );
  }
  return variants;
}

describe('isDiagnosticOf', () => {
  const folders = [path.join(ROOT, 'examples'), ...fs.readdirSync(FIXTURES).map((name) => path.join(FIXTURES, name))];
  test('agrees with comparing the diagnostics toDiagnostic makes, over every finding of the examples and fixtures', () => {
    const counts = { same: 0, different: 0 };
    for (const folder of folders.filter((folder) => fs.statSync(folder).isDirectory())) {
      const index = new WorkspaceIndex();
      const texts = new Map<string, string>();
      for (const file of fs.readdirSync(folder, { recursive: true, encoding: 'utf8' })) {
        if (!/\.ya?ml$/.test(file)) continue;
        const uri = pathToFileURL(path.join(folder, file)).href;
        texts.set(uri, fs.readFileSync(path.join(folder, file), 'utf8'));
        index.update(uri, texts.get(uri)!);
      }
      const lines = new Map<string, LineIndex>();
      const linesOf = (uri: string) => {
        if (!lines.has(uri)) lines.set(uri, new LineIndex(texts.get(uri.replace(COPY, ''))!));
        return lines.get(uri)!;
      };
      const findings = checkAll(index, {}, CONTEXT).findings;
      findings.forEach((finding, i) => {
        const sent = toDiagnostic(finding, linesOf);
        for (const variant of variantsOf(finding, findings[(i + 1) % findings.length], linesOf(finding.uri))) {
          const expected = sameJson(sent, toDiagnostic(variant, linesOf));
          assert.equal(isDiagnosticOf(variant, sent, linesOf), expected, `${finding.code} ${JSON.stringify(variant)}`);
          counts[expected ? 'same' : 'different']++;
        }
      });
    }
    assert.ok(counts.same > 100 && counts.different > 1000, JSON.stringify(counts));
  });
});
