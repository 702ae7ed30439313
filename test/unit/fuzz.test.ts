import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { failureOf, readRegression, REGRESSIONS, runFuzz } from '../support/fuzz';
import { yamlFilesUnder } from '../support/fixtureWorkspace';

/** A short fuzz run with a fixed seed; `npm run fuzz` runs longer ones. */
const SEED = 20261203;
const CASES = 5000;

describe('fuzz', () => {
  test(`${CASES} cases of seed ${SEED}`, () => {
    const { cases, failures } = runFuzz({ count: CASES, seconds: Infinity, seed: SEED });
    assert.equal(cases, CASES);
    const first = failures[0];
    assert.equal(
      first &&
        `${first.failure.message.split('\n')[0]} (replay: npm run fuzz -- --seed ${SEED} --case ${first.caseNumber})`,
      undefined,
    );
  });

  // Every input the harness once failed on, minimized, passes its assertions now.
  for (const file of yamlFilesUnder(REGRESSIONS)) {
    test(`regression ${path.basename(file, '.yaml')}`, () => {
      const { workspace, editSeed } = readRegression(file);
      assert.equal(failureOf(workspace, editSeed)?.message, undefined);
    });
  }
});
