import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { rules } from '../../server/src/rules';
import { assertFixture, contextOf, FIXTURES, indexOf, readFixture, yamlFilesUnder } from '../support/fixtureWorkspace';

// Each rule's fixtures live in test/fixtures/<code>/ and are checked against that rule alone.
for (const rule of rules) {
  describe(rule.code, () => {
    const files = yamlFilesUnder(path.join(FIXTURES, rule.code));
    test('has fixtures', () => assert.ok(files.length > 0, `no fixtures in test/fixtures/${rule.code}`));
    for (const file of files) {
      test(path.basename(file, '.yaml'), () => {
        const workspace = readFixture(file);
        const findings = rule.check(indexOf(workspace.files), contextOf(workspace.header));
        for (const finding of findings) assert.equal(finding.code, rule.code);
        assertFixture(file, workspace, findings);
      });
    }
  });
}

test('every fixture folder belongs to a rule or a feature', () => {
  const known = new Set([
    ...rules.map((rule) => rule.code),
    'fixes',
    'suppressions',
    'navigation',
    'workspaces',
    'fuzz-regressions',
  ]);
  for (const entry of fs.readdirSync(FIXTURES)) assert.ok(known.has(entry), `test/fixtures/${entry} matches no rule`);
});
