import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { checkAll, fixesFor } from '../../server/src/rules';
import {
  applyChanges,
  contextOf,
  expectFile,
  FIXTURES,
  indexOf,
  readFixture,
  renderFixture,
} from '../support/fixtureWorkspace';
import { expandSnippet } from '../support/snippets';

/**
 * Fix fixtures: test/fixtures/fixes/<case>/before.yaml names the fix in a
 * `# fix: <title>` header line; after.yaml is the workspace once it is applied, annotated with
 * the findings that remain. Header lines may set the context (see `contextOf`).
 */
const FIXES = path.join(FIXTURES, 'fixes');

for (const name of fs.readdirSync(FIXES).sort()) {
  test(`fix ${name}`, () => {
    const before = readFixture(path.join(FIXES, name, 'before.yaml'));
    const title = before.header.map((line) => /^# fix: (.*)$/.exec(line)?.[1]).find(Boolean);
    assert.ok(title, 'before.yaml needs a "# fix: <title>" line before the first file');
    const context = contextOf(before.header);
    const index = indexOf(before.files);
    const offered = checkAll(index, {}, context).findings.flatMap((finding) => fixesFor(finding, index, context));
    const chosen = offered.find((fix) => fix.title === title);
    assert.ok(chosen, `no fix titled "${title}"; offered:\n${offered.map((fix) => fix.title).join('\n')}`);
    for (const change of chosen.changes) {
      if (change.kind === 'edit' && change.snippet !== undefined) {
        assert.equal(expandSnippet(change.snippet), change.newText, 'the snippet edit inserts the same text');
      }
    }
    const files = applyChanges(before.files, chosen.changes);
    const after = { header: [], files };
    const remaining = checkAll(indexOf(files), {}, context).findings;
    const file = path.join(FIXES, name, 'after.yaml');
    const { ok, expected } = expectFile(file, renderFixture(after, remaining));
    if (!ok) assert.equal(renderFixture(after, remaining), expected, 'run with UPDATE_EXPECT=1 to accept');
  });
}
