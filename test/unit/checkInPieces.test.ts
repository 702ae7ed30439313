import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { KubernetesVersion } from '../../server/src/model/kubernetesVersion';
import { checkAll, checkInPieces, rules } from '../../server/src/rules';
import { EVERY_RULE_ON, indexOfFolder, sortedJson } from '../support/fixtureWorkspace';

/**
 * The server's full check runs in pieces of whole key groups (rules/index.ts): together they must
 * find what one check over the whole index finds, each finding once, whatever the pieces' size.
 */
const ROOT = path.resolve(__dirname, '../../..');
const CORPUS = path.resolve(ROOT, '../shared/corpus');
const FOLDERS = [path.join(ROOT, 'examples'), path.join(ROOT, 'test/fixtures'), CORPUS].filter((folder) =>
  fs.existsSync(folder),
);
const CONTEXT = { kubernetesVersion: KubernetesVersion.LATEST };

/** The rules without `dependsOn`, each a piece of its own. */
const WHOLE_INDEX_RULES = rules.filter((rule) => !rule.dependsOn).length;

describe('a full check in pieces', () => {
  test('the corpus is there', () => assert.ok(FOLDERS.includes(CORPUS), `no corpus at ${CORPUS}`));

  for (const folder of FOLDERS) {
    test(`finds what the whole check finds in ${path.relative(ROOT, folder)}`, () => {
      const index = indexOfFolder(folder);
      const whole = sortedJson(checkAll(index, EVERY_RULE_ON, CONTEXT).findings);
      assert.ok(whole.length > 0, 'findings to compare');
      // One object per piece (each key group alone), a few, and the server's own size.
      for (const size of [1, 7, undefined]) {
        const pieces = [...checkInPieces(index, EVERY_RULE_ON, CONTEXT, size)];
        // Those of the rules that read the whole index, then at least one (several, one object each).
        assert.ok(pieces.length > WHOLE_INDEX_RULES + (size === 1 ? 1 : 0), `${pieces.length} pieces of ${size}`);
        assert.deepEqual(sortedJson(pieces.flatMap((piece) => piece.findings)), whole, `pieces of ${size}`);
        assert.deepEqual(
          pieces.flatMap((piece) => piece.failures),
          [],
        );
      }
    });
  }

  test('a rule that throws on every piece finds file by file what it finds over the whole index, once', () => {
    for (const folder of FOLDERS.slice(0, 2)) {
      const index = indexOfFolder(folder);
      const whole = sortedJson(checkAll(index, EVERY_RULE_ON, CONTEXT).findings);
      for (const rule of rules) {
        const check = rule.check;
        // Throws on the whole index and on the pieces' views of it (of rules that run in pieces), not on
        // the views of single files: those of the whole index are views of it too, those of a piece of the piece.
        const inPieces = rule.dependsOn !== undefined;
        rule.check = (view, context) => {
          if (view === index || (inPieces && Object.getPrototypeOf(view) === index))
            throw new Error('injected failure');
          return check.call(rule, view, context);
        };
        try {
          const pieces = [...checkInPieces(index, EVERY_RULE_ON, CONTEXT, 7)];
          const name = `${rule.code} in ${path.relative(ROOT, folder)}`;
          assert.deepEqual(sortedJson(pieces.flatMap((piece) => piece.findings)), whole, name);
          const failures = pieces.flatMap((piece) => piece.failures);
          assert.ok(failures.length > 0, `${name}: failures reported`);
          assert.deepEqual(
            new Set(failures.map((failure) => [failure.code, failure.uri].join(' '))),
            new Set([`${rule.code} `]),
            `${name}: on the pieces, not on any file`,
          );
        } finally {
          rule.check = check;
        }
      }
    }
  });
});
