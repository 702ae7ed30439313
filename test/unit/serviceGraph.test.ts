import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { type ServiceGraph, serviceGraph } from '../../server/src/graph/serviceGraph';
import { WorkspaceIndex } from '../../server/src/index/workspaceIndex';
import { checkAll } from '../../server/src/rules';
import { ExcludeFilter, findYamlFiles, readContentSync } from '../../server/src/node/workspaceFiles';

function indexOf(files: Record<string, string>): WorkspaceIndex {
  const index = new WorkspaceIndex();
  for (const [file, text] of Object.entries(files)) index.update(`file:///ws/${file}`, text);
  return index;
}

/** The graph as lines a person can review: nodes, then edges, by name. */
function outline(graph: ServiceGraph): string[] {
  const names = new Map(graph.nodes.map((node) => [node.id, `${node.kind} ${node.namespace}/${node.name}`]));
  return [
    ...graph.nodes.map(
      (node) =>
        `${names.get(node.id)}${node.detail ? ` (${node.detail})` : ''}${node.severity ? ` !${node.severity}` : ''}`,
    ),
    ...graph.edges.map((edge) => `${names.get(edge.from)} -${edge.kind}-> ${names.get(edge.to)}`),
  ];
}

const manual = `apiVersion: v1
kind: Service
metadata:
  name: db
  namespace: data
spec:
  ports:
    - name: pg
      port: 5432
---
apiVersion: v1
kind: Endpoints
metadata:
  name: db
  namespace: data
subsets:
  - addresses:
      - ip: 10.0.0.1
    notReadyAddresses:
      - ip: 10.0.0.2
    ports:
      - name: pg
        port: 5432
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: db-a
  namespace: data
  labels:
    kubernetes.io/service-name: db
addressType: IPv4
endpoints:
  - addresses: [10.0.1.1, 10.0.1.2]
    conditions:
      ready: false
ports:
  - name: pg
    port: 5432
`;

const selected = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
    - name: http
      port: 80
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  template:
    metadata:
      labels:
        app: web
        tier: front
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    metadata:
      labels:
        app: api
---
apiVersion: v1
kind: Pod
metadata:
  name: web-debug
  namespace: other
  labels:
    app: web
`;

describe('serviceGraph', () => {
  test('links a Service to its Endpoints and slices and each to its addresses, with readiness', () => {
    assert.deepEqual(outline(serviceGraph(indexOf({ 'db.yaml': manual }))), [
      'Service data/db (ClusterIP · no selector · pg 5432)',
      'Endpoints data/db (2 addresses · pg 5432)',
      'Address data/10.0.0.1',
      'Address data/10.0.0.2 (not ready)',
      'EndpointSlice data/db-a (IPv4 · pg 5432)',
      'Address data/10.0.1.1 (not ready)',
      'Address data/10.0.1.2 (not ready)',
      'Service data/db -backend-> Endpoints data/db',
      'Endpoints data/db -address-> Address data/10.0.0.1',
      'Endpoints data/db -address-> Address data/10.0.0.2',
      'Service data/db -backend-> EndpointSlice data/db-a',
      'EndpointSlice data/db-a -address-> Address data/10.0.1.1',
      'EndpointSlice data/db-a -address-> Address data/10.0.1.2',
    ]);
  });

  test('links a selector to the workloads of its namespace whose pod labels carry every pair', () => {
    assert.deepEqual(outline(serviceGraph(indexOf({ 'web.yaml': selected }))), [
      'Service default/web (ClusterIP · http 80)',
      'Deployment default/web (3 replicas)',
      'Service default/web -selects-> Deployment default/web',
    ]);
  });

  test('shows ExternalName targets, orphan backends and problems on the objects they are in', () => {
    const files = {
      'payments.yaml':
        'apiVersion: v1\nkind: Service\nmetadata:\n  name: payments\nspec:\n  type: ExternalName\n  externalName: pay.example.com\n',
      'orphan.yaml':
        'apiVersion: v1\nkind: Endpoints\nmetadata:\n  name: paymnets\nsubsets:\n  - addresses:\n      - ip: 127.0.0.1\n',
    };
    const index = indexOf(files);
    const { findings } = checkAll(index);
    assert.deepEqual(outline(serviceGraph(index, findings)), [
      'Service default/payments (ExternalName)',
      'ExternalName default/pay.example.com (DNS name (CNAME))',
      'Endpoints default/paymnets (1 address · no ports) !error',
      'Address default/127.0.0.1 !error',
      'Service default/payments -externalName-> ExternalName default/pay.example.com',
      'Endpoints default/paymnets -address-> Address default/127.0.0.1',
    ]);
  });

  test('draws the first addresses of a large backend and one node for the rest', () => {
    const ips = Array.from({ length: 10 }, (_, i) => `      - ip: 10.0.0.${i + 1}`).join('\n');
    const text = `apiVersion: v1\nkind: Endpoints\nmetadata:\n  name: big\nsubsets:\n  - addresses:\n${ips}\n`;
    const graph = serviceGraph(indexOf({ 'big.yaml': text }), [], { maxAddresses: 3 });
    assert.deepEqual(
      graph.nodes.map((node) => node.name),
      ['big', '10.0.0.1', '10.0.0.2', '10.0.0.3', '7 more'],
    );
  });

  test('each node points at its name or address in its file, and ids are unique', async () => {
    const examples = path.resolve(__dirname, '../../../examples');
    const index = new WorkspaceIndex();
    const texts = new Map<string, string>();
    for await (const file of findYamlFiles(examples, new ExcludeFilter())) {
      const { text } = readContentSync(file.path, Infinity) as { text: string };
      texts.set(file.uri, text);
      index.update(file.uri, text);
    }
    const graph = serviceGraph(index, checkAll(index).findings);
    assert.equal(new Set(graph.nodes.map((node) => node.id)).size, graph.nodes.length);
    const ids = new Set(graph.nodes.map((node) => node.id));
    for (const edge of graph.edges) assert.ok(ids.has(edge.from) && ids.has(edge.to), JSON.stringify(edge));
    for (const node of graph.nodes) {
      if (node.kind === 'MoreAddresses') continue;
      const written = texts
        .get(node.uri)!
        .slice(node.range.start, node.range.end)
        .replace(/^["']|["']$/g, '');
      assert.equal(written, node.name, `${node.kind} ${node.name}`);
    }
    assert.ok(graph.nodes.some((node) => node.kind === 'Deployment' && node.name === 'web'));
    assert.ok(graph.nodes.some((node) => node.severity === 'warning'));
  });
});
