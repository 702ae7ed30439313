import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { CodeAction, Diagnostic, WorkspaceEdit } from 'vscode-languageserver-protocol';
import { folderWith, TestClient } from '../support/lspClient';

/** A Service without a selector and without Endpoints: a service-without-endpoints warning. */
const serviceNamed = (name: string) =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n  ports:\n    - port: 80\n`;
/** Endpoints that serve `serviceNamed('alpha')`. */
const ALPHA_ENDPOINTS =
  'apiVersion: v1\nkind: Endpoints\nmetadata:\n  name: alpha\nsubsets:\n  - addresses:\n      - ip: 10.0.0.1\n    ports:\n      - port: 80\n';

let client: TestClient | undefined;
afterEach(async () => {
  await client?.stop();
  client = undefined;
});

/** The code actions for the diagnostic of `code` in `uri`. */
async function actionsFor(client: TestClient, uri: string, code: string): Promise<CodeAction[]> {
  const diagnostic = client.diagnostics.get(uri)?.find((candidate: Diagnostic) => candidate.code === code);
  assert.ok(diagnostic, `${uri} has no ${code}`);
  return client.connection.sendRequest('textDocument/codeAction', {
    textDocument: { uri },
    range: diagnostic.range,
    context: { diagnostics: [diagnostic] },
  });
}

/** Every URI a workspace edit creates or edits. */
function urisOf(edit: WorkspaceEdit | undefined): string[] {
  const fromDocumentChanges = (edit?.documentChanges ?? []).map((change) =>
    'kind' in change ? (change.kind === 'rename' ? change.newUri : change.uri) : change.textDocument.uri,
  );
  return [...fromDocumentChanges, ...Object.keys(edit?.changes ?? {})];
}

describe('fixes stay inside the workspace folders', () => {
  test('a fix that would create a file outside every folder is dropped; the open document may still be fixed', async () => {
    const root = folderWith({ 'alpha.yaml': serviceNamed('alpha') });
    const outside = pathToFileURL(path.join(folderWith({}), 'gamma.yaml')).href;
    client = await TestClient.start(root);
    const started = client;
    await started.indexingDone();

    // Inside the folder, a fix may create a file beside the Service.
    const inside = await actionsFor(started, started.uri('alpha.yaml'), 'service-without-endpoints');
    assert.ok(
      inside.some((action) => action.title.endsWith('in alpha-endpointslice.yaml')),
      'a new file inside',
    );
    for (const action of inside) {
      for (const uri of urisOf(action.edit)) assert.ok(uri.startsWith(pathToFileURL(root).href + '/'), uri);
    }

    // Outside, only edits of the document the user opened are offered.
    await started.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: outside, languageId: 'yaml', version: 1, text: serviceNamed('gamma') },
    });
    await started.until(() => (started.diagnostics.get(outside) ?? []).length > 0, 'the outside document checked');
    const actions = await actionsFor(started, outside, 'service-without-endpoints');
    assert.ok(
      actions.some((action) => action.title.endsWith('in this file')),
      'the open document can be fixed',
    );
    assert.deepEqual(
      actions.filter((action) => urisOf(action.edit).some((uri) => uri !== outside)).map((action) => action.title),
      [],
    );

    // Closed, it is forgotten: the server reads nothing outside the folders.
    await started.connection.sendNotification('textDocument/didClose', { textDocument: { uri: outside } });
    await started.until(() => (started.diagnostics.get(outside) ?? []).length === 0, 'the outside document dropped');
  });
});

describe('a virtual workspace folder', () => {
  test('its open documents are checked together, and a closed one is forgotten, never read from disk', async () => {
    const folder = 'vscode-vfs://github/acme/shop';
    client = await TestClient.start(folderWith({}), undefined, {}, undefined, {
      workspaceFolders: [{ uri: folder, name: 'shop' }],
    });
    const started = client;
    await started.indexingDone();
    const open = async (file: string, text: string) => {
      const uri = `${folder}/${file}`;
      await started.connection.sendNotification('textDocument/didOpen', {
        textDocument: { uri, languageId: 'yaml', version: 1, text },
      });
      return uri;
    };
    const codesOf = (uri: string) => (started.diagnostics.get(uri) ?? []).map((diagnostic) => String(diagnostic.code));

    const service = await open('alpha.yaml', serviceNamed('alpha'));
    await started.until(() => codesOf(service).join() === 'service-without-endpoints', 'the Service checked');
    const endpoints = await open('alpha-endpoints.yaml', ALPHA_ENDPOINTS);
    await started.until(
      () => codesOf(service).length === 0 && codesOf(endpoints).join() === 'endpoints-deprecated',
      'the Endpoints to serve the Service',
    );
    const actions = await actionsFor(started, endpoints, 'endpoints-deprecated');
    for (const action of actions) {
      for (const uri of urisOf(action.edit)) assert.ok(uri.startsWith(`${folder}/`), uri);
    }

    await started.connection.sendNotification('textDocument/didClose', { textDocument: { uri: endpoints } });
    await started.until(() => codesOf(service).join() === 'service-without-endpoints', 'the Endpoints forgotten');
    assert.deepEqual(
      started.logs.filter((log) => log.type <= 2),
      [],
      'no error or warning logged',
    );
  });
});

describe('workspace folders added and removed after start', () => {
  test('an added folder is read and pairs with the others; a removed one is forgotten', async () => {
    const first = folderWith({ 'alpha.yaml': serviceNamed('alpha') });
    const second = folderWith({ 'alpha-endpoints.yaml': ALPHA_ENDPOINTS });
    client = await TestClient.start(first);
    const started = client;
    await started.indexingDone();
    const serviceUri = started.uri('alpha.yaml');
    const endpointsUri = pathToFileURL(path.join(second, 'alpha-endpoints.yaml')).href;
    const codesOf = (uri: string) => (started.diagnostics.get(uri) ?? []).map((diagnostic) => diagnostic.code);
    assert.deepEqual(codesOf(serviceUri), ['service-without-endpoints']);

    const secondFolder = { uri: pathToFileURL(second).href, name: 'second' };
    await started.connection.sendNotification('workspace/didChangeWorkspaceFolders', {
      event: { added: [secondFolder], removed: [] },
    });
    await started.until(
      () => codesOf(serviceUri).length === 0 && codesOf(endpointsUri).includes('endpoints-deprecated'),
      'the Endpoints of the added folder to pair with the Service',
    );

    await started.connection.sendNotification('workspace/didChangeWorkspaceFolders', {
      event: { added: [], removed: [secondFolder] },
    });
    await started.until(
      () => codesOf(serviceUri).includes('service-without-endpoints') && codesOf(endpointsUri).length === 0,
      'the removed folder to be forgotten',
    );
  });
});

describe('a folder reached through a link', () => {
  test('a file opened by its real path stands for the workspace file: its findings are not doubled', async () => {
    const real = folderWith({ 'alpha.yaml': serviceNamed('alpha') });
    const link = path.join(folderWith({}), 'linked');
    fs.symlinkSync(real, link);
    client = await TestClient.start(link);
    const started = client;
    await started.indexingDone();
    const linkedUri = started.uri('alpha.yaml');
    const realUri = pathToFileURL(path.join(real, 'alpha.yaml')).href;
    const codesOf = (uri: string) => (started.diagnostics.get(uri) ?? []).map((diagnostic) => diagnostic.code);
    assert.deepEqual(codesOf(linkedUri), ['service-without-endpoints']);

    // As Neovim opens it: by the path with the link resolved.
    await started.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: realUri, languageId: 'yaml', version: 1, text: serviceNamed('alpha') },
    });
    await started.until(
      () => codesOf(realUri).includes('service-without-endpoints') && codesOf(linkedUri).length === 0,
      'the findings under the real path only',
    );

    await started.connection.sendNotification('textDocument/didClose', { textDocument: { uri: realUri } });
    await started.until(
      () => codesOf(linkedUri).includes('service-without-endpoints') && codesOf(realUri).length === 0,
      'the findings back under the workspace path',
    );
  });

  test('a file opened by its real path keeps its place in the workspace, and answers name it as the client does', async () => {
    // The kustomization of its folder sets its namespace, where its Endpoints are: away from the
    // folder, it would be a Service of `default` without Endpoints, and they Endpoints without a Service.
    const real = folderWith({
      'shop/kustomization.yaml': 'namespace: shop\nresources:\n  - service.yaml\n  - endpoints.yaml\n',
      'shop/service.yaml': serviceNamed('alpha'),
      'shop/endpoints.yaml': ALPHA_ENDPOINTS,
    });
    const link = path.join(folderWith({}), 'linked');
    fs.symlinkSync(real, link);
    client = await TestClient.start(link);
    const started = client;
    await started.indexingDone();
    const codesOf = (uri: string) => (started.diagnostics.get(uri) ?? []).map((diagnostic) => diagnostic.code);
    const endpointsUri = started.uri('shop/endpoints.yaml');
    assert.deepEqual(codesOf(started.uri('shop/service.yaml')), []);
    assert.deepEqual(codesOf(endpointsUri), ['endpoints-deprecated']);

    // Opened as Neovim opens it, with a label the API server refuses: a finding to wait for.
    const realUri = pathToFileURL(path.join(real, 'shop', 'service.yaml')).href;
    const text = serviceNamed('alpha').replace('  name: alpha\n', '  name: alpha\n  labels:\n    bad label: x\n');
    await started.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: realUri, languageId: 'yaml', version: 1, text },
    });
    await started.until(() => codesOf(realUri).length > 0, 'the open file checked');
    assert.deepEqual(codesOf(realUri), ['labels-invalid']);
    assert.deepEqual(codesOf(endpointsUri), ['endpoints-deprecated']);

    // From its Endpoints, the Service is in the file the client holds open.
    const definitions: { uri: string }[] = await started.connection.sendRequest('textDocument/definition', {
      textDocument: { uri: endpointsUri },
      position: { line: 3, character: 9 },
    });
    assert.deepEqual(
      definitions.map((location) => location.uri),
      [realUri],
    );
  });
});
