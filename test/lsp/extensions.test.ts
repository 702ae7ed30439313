import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, test } from 'node:test';
import type { ServiceGraphParams, ServiceGraphResult, StatusParams } from '../../server/src/features/protocol';
import { copyToTemp, TestClient, VSCODE_LIKE_CAPABILITIES } from '../support/lspClient';

const EXAMPLES = path.resolve(__dirname, '../../../examples');

let client: TestClient | undefined;
afterEach(async () => {
  await client?.stop();
  client = undefined;
});

function statuses(client: TestClient): StatusParams[] {
  return client.notifications
    .filter((notification) => notification.method === 'kubeEndpoints/status')
    .map((notification) => notification.params as StatusParams);
}

/** Diagnostics published so far, counted by LSP severity name. */
function publishedProblems(client: TestClient): Record<string, number> {
  const names = ['', 'error', 'warning', 'information', 'hint'];
  const counts: Record<string, number> = { error: 0, warning: 0, information: 0, hint: 0 };
  for (const list of client.diagnostics.values()) for (const diagnostic of list) counts[names[diagnostic.severity!]]++;
  return counts;
}

async function startWithStatus(root = copyToTemp(EXAMPLES), settings: Record<string, unknown> = {}) {
  client = await TestClient.start(root, VSCODE_LIKE_CAPABILITIES, settings, { statusNotification: true });
  const started = client;
  await started.until(() => statuses(started).some((status) => status.state !== 'indexing'), 'a ready status');
  return started;
}

describe('kubeEndpoints/status', () => {
  test('reports indexing, then the counts of the workspace and of the problems it published', async () => {
    const client = await startWithStatus();
    const sent = statuses(client);
    assert.equal(sent[0].state, 'indexing');
    const ready = sent.at(-1)!;
    const texts = fs
      .readdirSync(client.root, { recursive: true })
      .filter((file) => /\.ya?ml$/.test(String(file)))
      .map((file) => fs.readFileSync(path.join(client.root, String(file)), 'utf8'));
    const count = (kinds: RegExp) => texts.join('\n').match(new RegExp(`^kind: ${kinds.source}$`, 'gm'))?.length ?? 0;
    assert.ok(ready.revision >= 1);
    assert.deepEqual(
      { ...ready, problems: undefined, revision: undefined },
      {
        state: 'ready',
        files: texts.length,
        services: count(/Service/),
        backends: count(/(Endpoints|EndpointSlice)/),
        workloads: count(/(Pod|Deployment|StatefulSet|DaemonSet|ReplicaSet|Job|CronJob)/),
        problems: undefined,
        revision: undefined,
      },
    );
    // The status follows the diagnostics it counts.
    assert.deepEqual(ready.problems, publishedProblems(client));
    assert.ok(ready.problems.warning > 0 && ready.problems.error > 0);
  });

  test('follows changes on disk and says when checking is disabled', async () => {
    const client = await startWithStatus();
    const before = statuses(client).at(-1)!;
    const file = path.join(client.root, 'cache/redis-service.yaml');
    fs.rmSync(file);
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [{ uri: client.uri('cache/redis-service.yaml'), type: 3 }],
    });
    await client.until(() => statuses(client).at(-1)!.services === before.services - 1, 'the Service to go');
    assert.equal(statuses(client).at(-1)!.problems.warning, before.problems.warning - 1);

    // An edit that changes no count still says that the workspace was checked again.
    const uri = client.uri('web/web.yaml');
    const text = fs.readFileSync(path.join(client.root, 'web/web.yaml'), 'utf8');
    await client.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'yaml', version: 1, text },
    });
    const revision = statuses(client).at(-1)!.revision;
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ text: text.replace('name: web', 'name: website') }],
    });
    await client.until(() => statuses(client).at(-1)!.revision > revision, 'a new revision');

    client.settings.enable = false;
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    await client.until(() => statuses(client).at(-1)!.state === 'disabled', 'the disabled state');
    assert.deepEqual(statuses(client).at(-1)!.problems, { error: 0, warning: 0, information: 0, hint: 0 });
  });

  test('is not sent to clients that did not ask for it', async () => {
    client = await TestClient.start(copyToTemp(EXAMPLES));
    const started = client;
    await started.until(() => started.diagnostics.size === 9, 'diagnostics');
    assert.deepEqual(statuses(started), []);
  });
});

describe('kubeEndpoints/serviceGraph', () => {
  test('returns the graph with LSP ranges on each name and the problems of each object', async () => {
    const client = await startWithStatus();
    const graph: ServiceGraphResult = await client.connection.sendRequest('kubeEndpoints/serviceGraph');
    const web = graph.nodes.find((node) => node.kind === 'Service' && node.name === 'web')!;
    assert.equal(web.uri, client.uri('web/web.yaml'));
    assert.deepEqual(web.range, { start: { line: 4, character: 8 }, end: { line: 4, character: 11 } });
    const deployment = graph.nodes.find((node) => node.kind === 'Deployment')!;
    assert.ok(graph.edges.some((edge) => edge.from === web.id && edge.to === deployment.id && edge.kind === 'selects'));
    const etcd = graph.nodes.find((node) => node.kind === 'Endpoints' && node.name === 'etcd')!;
    assert.equal(etcd.severity, 'warning');
    assert.equal(etcd.namespace, 'kube-system');
  });

  test('sends the part a filter asks for, or only its size when it is larger than the page draws', async () => {
    const client = await startWithStatus();
    const ask = (params: ServiceGraphParams): Promise<ServiceGraphResult> =>
      client.connection.sendRequest('kubeEndpoints/serviceGraph', params);
    const whole = await ask({});
    const namespaces = [...new Set(whole.nodes.map((node) => node.namespace))].sort();
    assert.deepEqual(whole.namespaces, namespaces);
    assert.equal(whole.total, whole.nodes.length);
    const count = (graph: ServiceGraphResult, ...kinds: string[]) =>
      graph.nodes.filter((node) => kinds.includes(node.kind)).length;
    const counts = { services: count(whole, 'Service'), backends: count(whole, 'Endpoints', 'EndpointSlice') };
    assert.deepEqual(whole.counts, counts);

    // One namespace: its nodes and the edges between them, with the namespaces and counts of all.
    const kubeSystem = await ask({ namespace: 'kube-system' });
    const expected = whole.nodes.filter((node) => node.namespace === 'kube-system');
    assert.deepEqual(kubeSystem.nodes, expected);
    const ids = new Set(expected.map((node) => node.id));
    assert.deepEqual(
      kubeSystem.edges,
      whole.edges.filter((edge) => ids.has(edge.from) && ids.has(edge.to)),
    );
    assert.ok(kubeSystem.edges.length > 0);
    assert.deepEqual([kubeSystem.namespaces, kubeSystem.counts], [namespaces, counts]);

    // A search keeps the connected groups with a matching name: the Service web and its Deployment.
    const web = await ask({ query: 'WEB' });
    assert.ok(web.nodes.some((node) => node.kind === 'Deployment'));
    assert.ok(web.nodes.every((node) => node.namespace === whole.nodes.find((n) => n.name === 'web')!.namespace));

    // More than the page draws: no node, and without a search not even their number (the server
    // stops building the graph there); with a search, how many match.
    const capped = await ask({ maxNodes: 3 });
    assert.deepEqual([capped.nodes, capped.edges, capped.total], [[], [], undefined]);
    assert.deepEqual([capped.namespaces, capped.counts], [namespaces, counts]);
    const searched = await ask({ query: 'WEB', maxNodes: 1 });
    assert.deepEqual([searched.nodes, searched.total], [[], web.nodes.length]);
    assert.equal((await ask({ maxNodes: whole.nodes.length })).nodes.length, whole.nodes.length);
  });

  test('a search over every namespace follows edits and checks as it is typed', async () => {
    const client = await startWithStatus();
    const search = async (query: string) => {
      const graph: ServiceGraphResult = await client.connection.sendRequest('kubeEndpoints/serviceGraph', { query });
      const service = graph.nodes.find((node) => node.kind === 'Service' && node.name === 'web')!;
      return { service, selects: graph.edges.filter((edge) => edge.from === service.id && edge.kind === 'selects') };
    };
    const before = await search('web');
    assert.equal(before.selects.length, 1);
    assert.equal(before.service.severity, undefined);
    assert.deepEqual(await search('we'), before);

    // The Service's selector no longer matches the Deployment: the next search shows it at once...
    const revision = statuses(client).at(-1)!.revision;
    const text = fs.readFileSync(path.join(client.root, 'web/web.yaml'), 'utf8');
    await client.open('web/web.yaml', text.replace('  selector:\n    app: web', '  selector:\n    app: webb'));
    assert.deepEqual((await search('web')).selects, []);
    // ...and, once checked, the finding it gets.
    await client.until(() => statuses(client).at(-1)!.revision > revision, 'the check of the edit');
    assert.equal((await search('web')).service.severity, 'information');
  });
});
