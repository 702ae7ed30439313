import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { WorkspaceIndex } from '../../server/src/index/workspaceIndex';
import { checkAll, fixesFor } from '../../server/src/rules';
import { FixContext } from '../../server/src/rules/types';

// A Service name is copied into the name of the file the new-file fix creates: a name
// with path characters must never lead outside the Service's folder.
test('the new-file fix is offered only for names that cannot leave the folder', () => {
  for (const [name, offered] of [
    ['web', true],
    ['"../../etc/passwd"', false],
    ['"a/b"', false],
    ['"..%2Fescape"', false],
    ['"a\\\\b"', false],
  ] as const) {
    const index = new WorkspaceIndex();
    const uri = 'file:///workspace/app/svc.yaml';
    index.update(uri, `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n  ports:\n    - port: 80\n`);
    const finding = checkAll(index).findings.find((candidate) => candidate.code === 'service-without-endpoints');
    assert.ok(finding, name);
    const changes = fixesFor(finding, index, FixContext.of({ canCreateFiles: true })).flatMap((fix) => fix.changes);
    const created = changes.filter((change) => change.kind === 'create');
    assert.equal(created.length > 0, offered, name);
    for (const change of changes) assert.ok(change.uri.startsWith('file:///workspace/app/'), `${name}: ${change.uri}`);
  }
});
