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

test('ingress port fixes: the port whose targetPort the backend names, or the one name a typo away, is preferred', () => {
  const service = [
    'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:',
    '    - {name: http, port: 80, targetPort: 8080}\n    - {name: https, port: 443}\n    - {name: admin, port: 9000}',
    '    - {name: metrics, port: 9090}\n---\n',
  ].join('\n');
  const ingressNaming = (port: string) =>
    `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n  defaultBackend:\n    service: {name: web, port: ${port}}\n`;
  const fixesOf = (port: string) => {
    const index = indexOf(new Map([['web.yaml', service + ingressNaming(port)]]));
    const context = FixContext.of();
    const finding = checkAll(index, {}, context).findings.find(({ code }) => code === 'route-port-unknown');
    return fixesFor(finding!, index, context)
      .filter((fix) => fix.title.startsWith('Route '))
      .map(({ title, isPreferred }) => `${title}${isPreferred ? ' (preferred)' : ''}`);
  };
  assert.deepEqual(fixesOf('{number: 8080}'), [
    'Route to port 80 ("http") of the Service (preferred)',
    'Route to port 443 ("https") of the Service',
    'Route to port 9000 ("admin") of the Service',
  ]);
  assert.deepEqual(fixesOf('{name: metric}'), [
    'Route to port 9090 ("metrics") of the Service (preferred)',
    'Route to port 80 ("http") of the Service',
    'Route to port 443 ("https") of the Service',
  ]);
  // Two names a typo away: neither is clearly meant.
  assert.deepEqual(fixesOf('{name: htt}').slice(0, 2), [
    'Route to port 80 ("http") of the Service',
    'Route to port 443 ("https") of the Service',
  ]);
  // A number that is no targetPort either: the ports in the Service's order, none preferred.
  assert.deepEqual(fixesOf('{number: 81}'), [
    'Route to port 80 ("http") of the Service',
    'Route to port 443 ("https") of the Service',
    'Route to port 9000 ("admin") of the Service',
  ]);
});
