import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  IPCMessageReader,
  IPCMessageWriter,
  type MessageReader,
  type MessageWriter,
  type PublishDiagnosticsParams,
  SocketMessageReader,
  SocketMessageWriter,
} from 'vscode-languageserver-protocol/node';
import { exitOf, folderWith, SERVER_BIN } from '../support/lspClient';
import { tempFolder } from '../support/tempFolders';

/**
 * The transports the server's usage names besides --stdio (which every other LSP test uses):
 * Node IPC, VS Code's, and a TCP socket or a named pipe that the server connects to. The bundle
 * has stand-ins for two Node modules vscode-languageserver loads (server/src/node/absentModules.ts):
 * no transport may need them.
 */
const ALPHA = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: alpha\nspec:\n  ports:\n    - port: 80\n';

/** How long a server here may take from its start to its exit after shutdown. */
const SESSION_MS = 30_000;

/** Initializes the server over `reader`/`writer` on a folder with one Service, and returns its first diagnostics. */
async function firstDiagnostics(reader: MessageReader, writer: MessageWriter, folder: string): Promise<string[]> {
  const connection = createProtocolConnection(reader, writer);
  const published = new Promise<PublishDiagnosticsParams>((resolve) =>
    connection.onNotification('textDocument/publishDiagnostics', resolve),
  );
  connection.listen();
  try {
    const initialized = await connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(folder).href,
      capabilities: {},
    });
    assert.ok((initialized as { capabilities?: unknown }).capabilities);
    await connection.sendNotification('initialized', {});
    const { uri, diagnostics } = await published;
    assert.equal(uri, pathToFileURL(path.join(folder, 'alpha.yaml')).href);
    await connection.sendRequest('shutdown');
    await connection.sendNotification('exit');
    return diagnostics.map((diagnostic) => String(diagnostic.code));
  } finally {
    connection.dispose();
  }
}

/** Starts the server with `transport`, to connect to a server of ours listening at `address`. */
async function overConnection(transport: string, address: string | number): Promise<string[]> {
  const listener = net.createServer();
  await new Promise<void>((resolve) => listener.listen(address, resolve));
  const argument =
    transport === 'socket' ? `--socket=${(listener.address() as net.AddressInfo).port}` : `--pipe=${address}`;
  const child = spawn(process.execPath, [SERVER_BIN, argument], { stdio: ['ignore', 'ignore', 'inherit'] });
  // Watched from the start: the server may be gone by the time the exit notification is written.
  const exited = exitOf(child, SESSION_MS);
  try {
    const socket = await new Promise<net.Socket>((resolve) => listener.once('connection', resolve));
    const codes = await firstDiagnostics(
      new SocketMessageReader(socket),
      new SocketMessageWriter(socket),
      folderWith({ 'alpha.yaml': ALPHA }),
    );
    assert.equal(await exited, 0);
    return codes;
  } finally {
    child.kill();
    listener.close();
  }
}

describe('the server over its other transports', () => {
  test('Node IPC', async () => {
    const child = spawn(process.execPath, [SERVER_BIN, '--node-ipc'], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    const exited = exitOf(child, SESSION_MS);
    try {
      const codes = await firstDiagnostics(
        new IPCMessageReader(child),
        new IPCMessageWriter(child),
        folderWith({ 'alpha.yaml': ALPHA }),
      );
      assert.deepEqual(codes, ['service-without-endpoints']);
      assert.equal(await exited, 0);
    } finally {
      child.kill();
    }
  });

  test('a TCP socket it connects to', async () => {
    assert.deepEqual(await overConnection('socket', 0), ['service-without-endpoints']);
  });

  test('a named pipe it connects to', async () => {
    assert.deepEqual(await overConnection('pipe', path.join(tempFolder(), 'lsp.sock')), ['service-without-endpoints']);
  });
});
