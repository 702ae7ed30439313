import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { checkAll } from '../../server/src/rules';
import { expectFile, FIXTURES, indexOf, readFixture, renderFixture, yamlFilesUnder } from '../support/fixtureWorkspace';

// Suppression fixtures run every rule, as the editor does, and show what is left.
for (const file of yamlFilesUnder(path.join(FIXTURES, 'suppressions'))) {
  test(`suppressions ${path.basename(file, '.yaml')}`, () => {
    const workspace = readFixture(file);
    const { findings } = checkAll(indexOf(workspace.files));
    const { ok, expected } = expectFile(file, renderFixture(workspace, findings));
    if (!ok) assert.equal(renderFixture(workspace, findings), expected, 'run with UPDATE_EXPECT=1 to accept');
  });
}
