import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { KubernetesVersion } from '../../server/src/model/kubernetesVersion';
import { checkAll, fixesFor } from '../../server/src/rules';
import { FixContext } from '../../server/src/rules/types';
import { indexOf } from '../support/fixtureWorkspace';

const SERVICE = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: db\nspec:\n  ports:\n    - port: 5432\n';

function offered(context: FixContext): { title: string; isPreferred?: boolean }[] {
  const index = indexOf(new Map([['db.yaml', SERVICE]]));
  const [finding] = checkAll(index, {}, context).findings;
  return fixesFor(finding, index, context)
    .filter((fix) => fix.title.startsWith('Create '))
    .map(({ title, isPreferred }) => ({ title, isPreferred }));
}

test('create fixes: the EndpointSlice first and preferred from Kubernetes 1.33', () => {
  assert.deepEqual(offered(FixContext.of({ canCreateFiles: true })), [
    { title: 'Create EndpointSlice "db-1" in this file', isPreferred: true },
    { title: 'Create EndpointSlice "db-1" in db-endpointslice.yaml', isPreferred: undefined },
    { title: 'Create Endpoints "db" in this file', isPreferred: false },
    { title: 'Create Endpoints "db" in db-endpoints.yaml', isPreferred: undefined },
  ]);
});

test('create fixes: Endpoints first when EndpointSlices are not preferred; no new files when the client cannot', () => {
  const context = FixContext.of({ kubernetesVersion: KubernetesVersion.parse('1.32') });
  assert.deepEqual(offered(context), [
    { title: 'Create Endpoints "db" in this file', isPreferred: true },
    { title: 'Create EndpointSlice "db-1" in this file', isPreferred: false },
  ]);
});
