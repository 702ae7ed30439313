import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { WorkspaceIndex } from '../../server/src/index/workspaceIndex';
import { checkAll, fixesFor } from '../../server/src/rules';
import { FixContext, type Finding, type Fix } from '../../server/src/rules/types';

/**
 * The fix guarantee over real manifests: every fix offered for every finding in
 * ../shared/corpus edits only its own span (no line, comment or other document is
 * touched; a conversion replaces exactly one object), leaves YAML that parses, and
 * removes the finding it was offered for.
 */
const CORPUS = path.resolve(__dirname, '../../../../shared/corpus');
const repositories = fs.existsSync(CORPUS)
  ? fs.readdirSync(CORPUS).filter((name) => fs.statSync(path.join(CORPUS, name)).isDirectory())
  : [];

let totalFixesChecked = 0;

describe('fixes over the corpus', () => {
  test('the corpus is there', () => assert.ok(repositories.length > 0, `no corpus at ${CORPUS}`));

  for (const repository of repositories) {
    test(repository, () => {
      const index = new WorkspaceIndex();
      for (const file of fs.readdirSync(path.join(CORPUS, repository), { recursive: true, encoding: 'utf8' })) {
        if (!/\.ya?ml$/.test(file)) continue;
        const full = path.join(CORPUS, repository, file);
        index.update(pathToFileURL(full).href, fs.readFileSync(full, 'utf8'));
      }
      const { findings, failures } = checkAll(index);
      assert.deepEqual(failures, []);
      let fixesChecked = 0;
      for (const finding of findings) {
        for (const fix of fixesFor(finding, index, FixContext.of({ canCreateFiles: true }))) {
          checkFix(index, finding, fix);
          fixesChecked++;
        }
      }
      totalFixesChecked += fixesChecked;
    });
  }

  test('some fixes were checked', () => assert.ok(totalFixesChecked > 0));
});

function checkFix(index: WorkspaceIndex, finding: Finding, { title, changes, rewritesObjects }: Fix): void {
  const label = `${title} (${finding.uri})`;
  const originals = new Map<string, string>();
  for (const change of changes) {
    if (change.kind === 'create') {
      assert.equal(index.file(change.uri), undefined, `${label}: creates a file that exists`);
      assert.equal(parseAllDocuments(change.text).length, 1, `${label}: the new file holds one document`);
      continue;
    }
    const text = index.file(change.uri)!.text;
    originals.set(change.uri, text);
    if (rewritesObjects) {
      const objects = index.file(change.uri)!.objects;
      const { start, end } = change.range;
      assert.ok(
        objects.some((object) => object.range.start === start && object.range.end === end),
        `${label}: replaces something else than one whole object`,
      );
    } else {
      const replaced = text.slice(change.range.start, change.range.end);
      assert.doesNotMatch(replaced, /[\n#]/, `${label}: replaces a line break or a comment`);
    }
  }
  const before = countFindings(index, finding);
  try {
    for (const [uri, text] of originals) {
      const edits = changes
        .filter((change) => change.kind === 'edit' && change.uri === uri)
        .sort(
          (a, b) => (b as { range: { start: number } }).range.start - (a as { range: { start: number } }).range.start,
        );
      let edited = text;
      for (const edit of edits) {
        if (edit.kind !== 'edit') continue;
        edited = edited.slice(0, edit.range.start) + edit.newText + edited.slice(edit.range.end);
        // Every byte before and after the edit is the original's.
        assert.equal(edited.slice(0, edit.range.start), text.slice(0, edit.range.start), `${label}: prefix changed`);
      }
      const documentsBefore = parseAllDocuments(text);
      const documentsAfter = parseAllDocuments(edited);
      const errors = (documents: typeof documentsBefore) =>
        (Array.isArray(documents) ? documents : []).reduce((sum, document) => sum + document.errors.length, 0);
      assert.equal(errors(documentsAfter), errors(documentsBefore), `${label}: the result does not parse`);
      index.update(uri, edited);
    }
    for (const change of changes) if (change.kind === 'create') index.update(change.uri, change.text);
    assert.ok(countFindings(index, finding) < before, `${label}: the finding stays`);
  } finally {
    for (const [uri, text] of originals) index.update(uri, text);
    for (const change of changes) if (change.kind === 'create') index.remove(change.uri);
  }
}

function countFindings(index: WorkspaceIndex, finding: Finding): number {
  return checkAll(index).findings.filter((other) => other.code === finding.code && other.uri === finding.uri).length;
}
