import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { WorkspaceIndex } from '../../server/src/index/workspaceIndex';
import { checkAll, fixesFor } from '../../server/src/rules';
import { applyFileChanges, applySafeFixes } from '../../server/src/rules/applyFixes';
import { FixContext } from '../../server/src/rules/types';

/**
 * `applySafeFixes` re-checks only what each fix can alter and remembers the findings that have no
 * safe fix: it must end where the plain loop ends, a full check and every fix of every finding
 * before each fix. The workspace mixes safe fixes that interact: several in one file (each moves
 * the findings below it), two misspelt Endpoints near the same Service, stray ports of one
 * Endpoints, non-canonical addresses, and findings that have only fixes needing a person.
 */
function workspace(teams: number): Map<string, string> {
  const files = new Map<string, string>();
  for (let team = 0; team < teams; team++) {
    const services: string[] = [];
    const backends: string[] = [];
    for (let app = 0; app < 6; app++) {
      const name = `app-${team}-${app}`;
      services.push(
        `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n  ports:\n    - name: http\n      port: 80\n    - name: metrics\n      port: 9090\n`,
      );
      // A misspelt name (a near miss), stray port names, a non-canonical address, or a correct pair.
      const endpointsName = app % 3 === 0 ? `${name}x` : name;
      const portNames = app % 2 === 0 ? ['htp', 'metrcs'] : ['http', 'metrics'];
      const ip = app % 4 === 1 ? `10.0.0${team}.${app + 1}` : `10.0.${team}.${app + 1}`;
      backends.push(
        `apiVersion: v1\nkind: Endpoints\nmetadata:\n  name: ${endpointsName}\nsubsets:\n  - addresses:\n      - ip: ${ip}\n    ports:\n      - name: ${portNames[0]}\n        port: 80\n      - name: ${portNames[1]}\n        port: 9090\n`,
      );
    }
    // Two misspellings of one Service: once one is renamed, the other has no safe fix left.
    backends.push(
      `apiVersion: v1\nkind: Endpoints\nmetadata:\n  name: app-${team}-1y\nsubsets:\n  - addresses:\n      - ip: 10.1.${team}.1\n    ports:\n      - name: http\n        port: 80\n`,
    );
    // A Service without backends: its fixes create Endpoints, which needs a person.
    services.push(
      `apiVersion: v1\nkind: Service\nmetadata:\n  name: lonely-${team}\nspec:\n  ports:\n    - port: 5432\n`,
    );
    files.set(`file:///ws/team-${team}/services.yaml`, services.join('---\n'));
    files.set(`file:///ws/team-${team}/endpoints.yaml`, backends.join('---\n'));
  }
  return files;
}

function indexOf(files: Map<string, string>): WorkspaceIndex {
  const index = new WorkspaceIndex();
  for (const [uri, text] of files) index.update(uri, text);
  return index;
}

/** The plain loop: a full check, and every fix of every finding, before each fix. */
function applyOneAtATime(index: WorkspaceIndex, context: FixContext): Map<string, string> {
  const changed = new Map<string, string>();
  for (;;) {
    const fix = checkAll(index, {}, context)
      .findings.flatMap((finding) => fixesFor(finding, index, context))
      .find((candidate) => candidate.safe);
    if (!fix) return changed;
    for (const [uri, text] of applyFileChanges((uri) => index.file(uri)?.text, fix.changes)) {
      index.update(uri, text);
      changed.set(uri, text);
    }
  }
}

test('applying the safe fixes with targeted re-checks ends where a full check before each fix ends', () => {
  const files = workspace(5);
  const context = FixContext.of();
  const expected = applyOneAtATime(indexOf(files), context);
  const index = indexOf(files);
  const { changed, remaining } = applySafeFixes(index, {}, context);
  assert.ok(expected.size > 0);
  assert.deepEqual(
    [...changed].sort(([a], [b]) => a.localeCompare(b)),
    [...expected].sort(([a], [b]) => a.localeCompare(b)),
  );
  // Nothing safe is left, and what is left is what a fresh index of the fixed files finds.
  const fresh = indexOf(new Map([...files, ...changed]));
  const left = checkAll(fresh, {}, context).findings;
  assert.ok(!left.some((finding) => fixesFor(finding, fresh, context).some((fix) => fix.safe)));
  assert.ok(
    left.some((finding) => finding.code === 'service-without-endpoints'),
    'fixes that need a person stay',
  );
  const byPlace = (findings: typeof left) => findings.map((f) => `${f.uri}:${f.range.start}:${f.code}`).sort();
  assert.deepEqual(byPlace(checkAll(index, {}, context).findings), byPlace(left));
  // What the last check found, which the command line reports.
  assert.deepEqual(byPlace(remaining.findings), byPlace(left));
  assert.deepEqual(remaining.failures, []);
});
