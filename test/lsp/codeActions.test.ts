import * as assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { after, before, test } from 'node:test';
import {
  type CodeAction,
  type InitializeResult,
  type PublishDiagnosticsParams,
  type TextDocumentEdit,
  type TextEdit,
  createConnection,
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver/node';
import { startServer } from '../../server/src/features/startServer';

/**
 * The server over an in-memory connection: code actions of both kinds, with the
 * settings the client answers, as an editor would see them.
 */
const URI = 'file:///workspace/db.yaml';
const TEXT = [
  'apiVersion: v1',
  'kind: Service',
  'metadata:',
  '  name: db',
  'spec:',
  '  ports:',
  '    - port: 5432',
  '---',
  'apiVersion: v1',
  'kind: Endpoints',
  'metadata:',
  '  name: db',
  'subsets:',
  '  - addresses:',
  '      - ip: 10.0.0.5',
  '    ports:',
  '      - port: 5432',
  '',
].join('\n');

const toServer = new PassThrough();
const toClient = new PassThrough();
const server = createConnection(new StreamMessageReader(toServer), new StreamMessageWriter(toClient));
const client = createProtocolConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
let initialized: InitializeResult;
let diagnostics: PublishDiagnosticsParams;

before(async () => {
  startServer(server);
  client.onRequest('workspace/configuration', () => [{ endpointSliceManagedBy: 'platform-team' }]);
  client.onRequest('client/registerCapability', () => null);
  const published = new Promise<PublishDiagnosticsParams>((resolve) =>
    client.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
      if (params.uri === URI && params.diagnostics.length > 0) resolve(params);
    }),
  );
  client.listen();
  initialized = await client.sendRequest('initialize', {
    processId: null,
    rootUri: null,
    workspaceFolders: null,
    capabilities: {
      workspace: { configuration: true, workspaceEdit: { documentChanges: true, resourceOperations: ['create'] } },
    },
  });
  await client.sendNotification('initialized', {});
  await client.sendNotification('textDocument/didOpen', {
    textDocument: { uri: URI, languageId: 'yaml', version: 1, text: TEXT },
  });
  diagnostics = await published;
});

after(() => {
  client.dispose();
  server.dispose();
});

test('advertises quick fixes and refactor.rewrite', () => {
  const provider = initialized.capabilities.codeActionProvider;
  assert.ok(typeof provider === 'object');
  assert.deepEqual(provider.codeActionKinds, ['quickfix', 'refactor.rewrite']);
});

test('the cursor on an Endpoints offers its conversion as refactor.rewrite, with the managed-by setting', async () => {
  const actions = await codeActions({ line: 12, character: 3 }, [], ['refactor']);
  assert.deepEqual(
    actions.map((action) => [action.kind, action.title]),
    [
      ['refactor.rewrite', 'Convert Endpoints "db" to EndpointSlice "db-1"'],
      ['refactor.rewrite', 'Add EndpointSlice "db-1" beside Endpoints "db"'],
    ],
  );
  const edit = actions[0].edit!.documentChanges![0] as TextDocumentEdit;
  assert.match((edit.edits[0] as TextEdit).newText, /endpointslice\.kubernetes\.io\/managed-by: platform-team\n/);
});

test('only quick fixes when only quick fixes are asked for; nothing on the Service', async () => {
  assert.deepEqual(await codeActions({ line: 12, character: 3 }, [], ['quickfix']), []);
  assert.deepEqual(await codeActions({ line: 3, character: 3 }, [], undefined), []);
});

test('the deprecation hint offers the conversion in place as a quick fix, listed once', async () => {
  const hint = diagnostics.diagnostics.find((diagnostic) => diagnostic.code === 'endpoints-deprecated');
  assert.ok(hint, JSON.stringify(diagnostics));
  const actions = await codeActions(hint.range.start, [hint], undefined);
  assert.deepEqual(
    actions.map((action) => [action.kind, action.title, action.isPreferred]),
    [
      ['quickfix', 'Convert Endpoints "db" to EndpointSlice "db-1"', true],
      ['quickfix', 'Ignore endpoints-deprecated for Endpoints "db"', undefined],
      ['refactor.rewrite', 'Add EndpointSlice "db-1" beside Endpoints "db"', undefined],
    ],
  );
});

async function codeActions(
  position: { line: number; character: number },
  context: PublishDiagnosticsParams['diagnostics'],
  only: string[] | undefined,
): Promise<CodeAction[]> {
  return client.sendRequest('textDocument/codeAction', {
    textDocument: { uri: URI },
    range: { start: position, end: position },
    context: { diagnostics: context, ...(only ? { only } : {}) },
  });
}
