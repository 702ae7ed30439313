import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { WorkspaceIndex } from '../../server/src/index/workspaceIndex';
import { KubernetesVersion } from '../../server/src/model/kubernetesVersion';
import { groupByUri } from '../../server/src/model/types';
import { checkAll, rules } from '../../server/src/rules';
import { recheck } from '../../server/src/rules/recheck';
import { EVERY_RULE_ON, indexOfFolder, sortedJson } from '../support/fixtureWorkspace';

/**
 * A rule that throws on the whole index is run again file by file (rules/index.ts), so that only
 * the files it throws on lose its findings. That is exact: file by file, every rule finds what it
 * finds over the whole index.
 */
const ROOT = path.resolve(__dirname, '../../..');
const FOLDERS = [path.join(ROOT, 'examples'), path.join(ROOT, 'test/fixtures')];
const CONTEXT = { kubernetesVersion: KubernetesVersion.LATEST };

test('file by file, every rule finds exactly what it finds over the whole index', () => {
  for (const folder of FOLDERS) {
    const index = indexOfFolder(folder);
    const whole = checkAll(index, EVERY_RULE_ON, CONTEXT).findings;
    for (const rule of rules) {
      const check = rule.check;
      // Throws on the whole index only; the views of single files go through.
      rule.check = (view, context) => {
        if (view === index) throw new Error('injected failure');
        return check.call(rule, view, context);
      };
      try {
        const { findings, failures } = checkAll(index, EVERY_RULE_ON, CONTEXT, (candidate) => candidate === rule);
        const name = `${rule.code} in ${path.relative(ROOT, folder)}`;
        assert.deepEqual(sortedJson(findings), sortedJson(whole.filter((finding) => finding.code === rule.code)), name);
        assert.deepEqual(
          failures.map((failure) => [failure.code, failure.uri]),
          [[rule.code, undefined]],
          `${name}: reported once, for the whole workspace`,
        );
      } finally {
        rule.check = check;
      }
    }
  }
});

test('a rule that throws on the objects of a re-check loses only their findings, and finds the others once', () => {
  const service = (name: string) =>
    `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n  ports:\n    - port: 80\n`;
  const index = new WorkspaceIndex();
  index.update('file:///w/alpha.yaml', service('alpha'));
  index.update('file:///w/poison.yaml', service('beta'));
  index.takeChanges();
  const rule = rules.find((candidate) => candidate.code === 'service-without-endpoints')!;
  const check = rule.check;
  // Throws whenever the objects it starts from include one of poison.yaml, as a bug would.
  rule.check = (view, context) => {
    for (const object of view.objects()) if (object.uri.endsWith('/poison.yaml')) throw new Error('injected failure');
    return check.call(rule, view, context);
  };
  try {
    const before = groupByUri(checkAll(index, {}, CONTEXT).findings);
    assert.deepEqual([...before.keys()], ['file:///w/alpha.yaml']);
    index.update('file:///w/poison.yaml', service('beta2'));
    const { findingsByUri, failures } = recheck(index, before, index.takeChanges(), {}, CONTEXT);
    assert.deepEqual(
      [...findingsByUri].map(([uri, list]) => [uri, list.map((finding) => finding.code)]),
      [['file:///w/alpha.yaml', ['service-without-endpoints']]],
    );
    assert.deepEqual(
      failures.map((failure) => [failure.code, failure.uri]),
      [['service-without-endpoints', 'file:///w/poison.yaml']],
    );
  } finally {
    rule.check = check;
  }
});
