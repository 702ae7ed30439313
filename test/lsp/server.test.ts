import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, test } from 'node:test';
import type { ClientCapabilities, CodeAction, Diagnostic } from 'vscode-languageserver-protocol';
import { copyToTemp, folderWith, MINIMAL_CAPABILITIES, TestClient } from '../support/lspClient';

const EXAMPLES = path.resolve(__dirname, '../../../examples');

/**
 * The findings the bundled examples must produce, by file, as `line:code`; by default
 * the target is a Kubernetes release that deprecates hand-written Endpoints.
 */
const EXPECTED_EXAMPLE_CODES: Record<string, string[]> = {
  'auth/ldap-endpoints.yaml': ['3:endpoints-deprecated', '5:endpoints-without-service'],
  'auth/ldap-service.yaml': ['4:service-without-endpoints'],
  'cache/redis-service.yaml': ['5:service-without-endpoints'],
  'etcd/etcd-endpoints.yaml': ['12:port-mismatch', '2:endpoints-deprecated'],
  'etcd/etcd-service.yaml': ['10:port-mismatch'],
  'external-database/postgres-endpoints.yaml': ['3:endpoints-deprecated'],
  'external-database/postgres-route.yaml': ['14:route-port-unknown'],
  'legacy/legacy-api.yaml': ['5:service-without-endpoints', '9:service-spec-endpoints'],
  'node-exporter/endpoints.yaml': ['2:endpoints-deprecated'],
  'node-exporter/servicemonitor.yaml': ['11:servicemonitor-port-unknown'],
  'payments/payments-endpoints.yaml': ['5:endpoints-for-external-name'],
  'search/elasticsearch-endpoints.yaml': ['3:endpoints-deprecated', '5:endpoints-without-service'],
  'search/elasticsearch-service.yaml': ['4:service-without-endpoints'],
  'web/ingress.yaml': ['18:route-port-unknown'],
};

let client: TestClient | undefined;
afterEach(async () => {
  await client?.stop();
  client = undefined;
});

/** A server on a fresh copy of examples/, once it has published diagnostics for `filesWithFindings` files. */
async function startOnExamples(
  capabilities?: ClientCapabilities,
  settings?: Record<string, unknown>,
  filesWithFindings = Object.keys(EXPECTED_EXAMPLE_CODES).length,
): Promise<TestClient> {
  client = await TestClient.start(copyToTemp(EXAMPLES), capabilities, settings);
  await client.until(() => client!.diagnostics.size === filesWithFindings, 'initial diagnostics');
  return client;
}

async function quickFixes(
  client: TestClient,
  file: string,
  code: string,
): Promise<{ diagnostic: Diagnostic; actions: CodeAction[] }> {
  const diagnostic = client.diagnostics.get(client.uri(file))?.find((candidate) => candidate.code === code);
  assert.ok(diagnostic, `${file} has no ${code}`);
  const actions: CodeAction[] = await client.connection.sendRequest('textDocument/codeAction', {
    textDocument: { uri: client.uri(file) },
    range: diagnostic.range,
    context: { diagnostics: [diagnostic] },
  });
  // Refactorings where the diagnostic is (converting an Endpoints) are not quick fixes.
  return { diagnostic, actions: actions.filter((action) => action.kind === 'quickfix') };
}

describe('language server over stdio', () => {
  test('publishes diagnostics for every file of the workspace without opening any', async () => {
    const client = await startOnExamples();
    for (const [file, codes] of Object.entries(EXPECTED_EXAMPLE_CODES))
      assert.deepEqual(client.codes(file), codes, file);
    assert.equal(client.diagnostics.size, Object.keys(EXPECTED_EXAMPLE_CODES).length);
    assert.ok(client.registrations.includes('workspace/didChangeWatchedFiles'), 'asks the client to watch YAML files');
    const [diagnostic] = client.diagnostics.get(client.uri('auth/ldap-service.yaml'))!;
    assert.equal(diagnostic.source, 'kube-endpoints');
    assert.equal(diagnostic.relatedInformation?.[0].location.uri, client.uri('auth/ldap-endpoints.yaml'));
  });

  test('the preferred quick fix creates the EndpointSlice in the same file and the warning clears', async () => {
    const client = await startOnExamples();
    const { actions } = await quickFixes(client, 'cache/redis-service.yaml', 'service-without-endpoints');
    assert.deepEqual(
      actions.map((action) => [action.title, action.isPreferred ?? false]),
      [
        ['Create EndpointSlice "redis-cache-1" in this file', true],
        ['Create EndpointSlice "redis-cache-1" in redis-cache-endpointslice.yaml', false],
        ['Create Endpoints "redis-cache" in this file', false],
        ['Create Endpoints "redis-cache" in redis-cache-endpoints.yaml', false],
        ['Ignore service-without-endpoints for Service "redis-cache"', false],
      ],
    );
    const before = fs.readFileSync(new URL(client.uri('cache/redis-service.yaml')), 'utf8');
    await client.applyToDisk(actions[0].edit!);
    // The Service is served now; the placeholder address is flagged until the user types a real one.
    await client.until(
      () => client.codes('cache/redis-service.yaml').join() === '23:endpoint-ip-invalid',
      'the warning to move to the placeholder',
    );
    const after = fs.readFileSync(new URL(client.uri('cache/redis-service.yaml')), 'utf8');
    assert.ok(after.startsWith(before), 'the Service document is untouched');
    assert.match(after.slice(before.length), /^---\napiVersion: discovery.k8s.io\/v1\nkind: EndpointSlice\n/);
  });

  test('the new-file variants create <name>-endpointslice.yaml or <name>-endpoints.yaml beside the Service', async () => {
    const client = await startOnExamples();
    const { actions } = await quickFixes(client, 'cache/redis-service.yaml', 'service-without-endpoints');
    await client.applyToDisk(actions[1].edit!);
    await client.until(
      () =>
        client.codes('cache/redis-service.yaml').length === 0 &&
        client.codes('cache/redis-cache-endpointslice.yaml').join() === '12:endpoint-ip-invalid',
      'the warning to clear and the new file to be checked',
    );
    await client.applyToDisk(actions[3].edit!);
    await client.until(
      () => client.codes('cache/redis-cache-endpoints.yaml').join() === '2:endpoints-deprecated,8:endpoint-ip-invalid',
      'the other new file to be checked',
    );
  });

  test('fixing the namespace in one file clears the warnings of both files', async () => {
    const client = await startOnExamples();
    const { actions } = await quickFixes(client, 'auth/ldap-endpoints.yaml', 'endpoints-without-service');
    assert.deepEqual(
      actions.map((action) => action.title),
      ['Set the namespace of Endpoints "ldap" to "auth"', 'Ignore endpoints-without-service for Endpoints "ldap"'],
    );
    await client.applyToDisk(actions[0].edit!);
    await client.until(
      () =>
        client.codes('auth/ldap-endpoints.yaml').join() === '3:endpoints-deprecated' &&
        client.codes('auth/ldap-service.yaml').length === 0,
      'both warnings to clear',
    );
  });

  test('an open document overrides the disk until it is closed', async () => {
    const client = await startOnExamples();
    const uri = client.uri('search/elasticsearch-endpoints.yaml');
    const text = fs.readFileSync(new URL(uri), 'utf8');
    await client.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'yaml', version: 1, text },
    });
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ text: text.replace('elasticsearh', 'elasticsearch') }],
    });
    await client.until(
      () =>
        client.codes('search/elasticsearch-service.yaml').length === 0 &&
        client.codes('search/elasticsearch-endpoints.yaml').join() === '3:endpoints-deprecated',
      'the typo fixed in the editor to pair the objects',
    );
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
    await client.until(() => client.codes('search/elasticsearch-service.yaml').length === 1, 'the disk to win again');
  });

  test('a client with push diagnostics only and no resource operations gets diagnostics and plain edits', async () => {
    const client = await startOnExamples(MINIMAL_CAPABILITIES);
    for (const [file, codes] of Object.entries(EXPECTED_EXAMPLE_CODES))
      assert.deepEqual(client.codes(file), codes, file);
    const { actions } = await quickFixes(client, 'cache/redis-service.yaml', 'service-without-endpoints');
    assert.deepEqual(
      actions.map((action) => action.title),
      [
        'Create EndpointSlice "redis-cache-1" in this file',
        'Create Endpoints "redis-cache" in this file',
        'Ignore service-without-endpoints for Service "redis-cache"',
      ],
    );
    assert.ok(actions[0].edit?.changes?.[client.uri('cache/redis-service.yaml')], 'a plain `changes` edit');
    await client.applyToDisk(actions[0].edit!);
    await client.until(
      () => !client.codes('cache/redis-service.yaml').includes('5:service-without-endpoints'),
      'the fix',
    );
  });

  test('settings: defaultNamespace and rule severities apply', async () => {
    const client = await startOnExamples(
      undefined,
      { defaultNamespace: 'auth', rules: { 'service-spec-endpoints': 'off' } },
      Object.keys(EXPECTED_EXAMPLE_CODES).length - 1,
    );
    assert.deepEqual(client.codes('auth/ldap-endpoints.yaml'), ['3:endpoints-deprecated']);
    assert.deepEqual(client.codes('auth/ldap-service.yaml'), []);
    assert.deepEqual(client.codes('legacy/legacy-api.yaml'), ['5:service-without-endpoints']);
  });

  test('settings that arrive during the first scan publish nothing before it ends', async () => {
    // The walk reads a.yaml, then the 8,000 files of c/, then b/: a check in between would
    // report alpha's Service without its Endpoints.
    const root = folderWith({
      'a.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: alpha\nspec:\n  ports:\n    - port: 80\n',
      'b/endpoints.yaml':
        'apiVersion: v1\nkind: Endpoints\nmetadata:\n  name: alpha\nsubsets:\n  - addresses:\n      - ip: 10.0.0.1\n    ports:\n      - port: 80\n',
      ...Object.fromEntries(
        Array.from({ length: 8000 }, (_, i) => [
          `c/${i}.yaml`,
          `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${i}\n`,
        ]),
      ),
    });
    client = await TestClient.start(root);
    const started = client;
    await started.until(() => started.progressReports > 0, 'the scan to start');
    await started.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    await started.indexingDone();
    const spurious = started.publications.filter((publication) =>
      publication.diagnostics.some((diagnostic) => diagnostic.code === 'service-without-endpoints'),
    );
    assert.deepEqual(spurious, []);
  });

  test('.kube-endpoints.yaml in the workspace wins over editor settings', async () => {
    const root = copyToTemp(EXAMPLES);
    fs.writeFileSync(path.join(root, '.kube-endpoints.yaml'), 'defaultNamespace: auth\nexclude: [legacy/**]\n');
    client = await TestClient.start(root, undefined, { defaultNamespace: 'elsewhere' });
    await client.until(
      () => client!.diagnostics.size === Object.keys(EXPECTED_EXAMPLE_CODES).length - 2,
      'diagnostics',
    );
    assert.deepEqual(client.codes('auth/ldap-service.yaml'), []);
    assert.deepEqual(client.codes('legacy/legacy-api.yaml'), []);
  });

  test('settings a client reports changed as it starts (VS Code does) are read with the start: one scan', async () => {
    client = await TestClient.start(copyToTemp(EXAMPLES), undefined, {
      defaultNamespace: 'auth',
      exclude: ['legacy/**'],
    });
    const started = client;
    await started.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await started.indexingDone();
    // Compared with the defaults, these settings looked changed: a second scan ran beside the first.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await started.connection.sendRequest('kubeEndpoints/serverStats');
    assert.equal(started.logs.filter((log) => log.message.startsWith('Indexed ')).length, 1);
    assert.deepEqual(started.codes('legacy/legacy-api.yaml'), []);
    assert.deepEqual(started.codes('auth/ldap-service.yaml'), []);
  });

  test('kubeEndpoints.exclude follows the settings: files leave and come back, open ones too', async () => {
    client = await TestClient.start(copyToTemp(EXAMPLES), undefined, { exclude: [] });
    const started = client;
    const legacy = 'legacy/legacy-api.yaml';
    await started.until(() => started.codes(legacy).length === 2, 'the legacy Service checked');
    started.settings.exclude = ['legacy/**'];
    await started.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    await started.until(() => started.codes(legacy).length === 0, 'the legacy folder excluded');
    // Opened while excluded, then included again: its text is checked.
    await started.open(legacy, fs.readFileSync(path.join(started.root, legacy), 'utf8'));
    started.settings.exclude = [];
    await started.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    await started.until(() => started.codes(legacy).length === 2, 'the legacy folder back');
  });

  test('a client that cannot be asked for settings passes them at start and pushes changes', async () => {
    const capabilities = {
      ...MINIMAL_CAPABILITIES,
      workspace: { ...MINIMAL_CAPABILITIES.workspace, configuration: false },
    };
    const root = copyToTemp(EXAMPLES);
    client = await TestClient.start(root, capabilities, {}, { kubeEndpoints: { defaultNamespace: 'auth' } });
    const started = client;
    await started.until(
      () => started.diagnostics.size === Object.keys(EXPECTED_EXAMPLE_CODES).length - 1,
      'diagnostics',
    );
    await started.connection.sendNotification('workspace/didChangeConfiguration', {
      settings: { kubeEndpoints: { defaultNamespace: 'default' } },
    });
    await started.until(() => started.codes('auth/ldap-service.yaml').length === 1, 'the pushed setting to apply');
  });
});
