import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { failureOf, readRegression, REGRESSIONS } from '../support/fuzz';
import { yamlFilesUnder } from '../support/fixtureWorkspace';

/** Every input the fuzz harness (`npm run fuzz`) once failed on, minimized, passes its assertions now. */
describe('fuzz regressions', () => {
  for (const file of yamlFilesUnder(REGRESSIONS)) {
    test(path.basename(file, '.yaml'), () => {
      const { workspace, editSeed } = readRegression(file);
      assert.equal(failureOf(workspace, editSeed)?.message, undefined);
    });
  }
});
