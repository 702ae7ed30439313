// A minimal LSP client for the benchmark: spawns a server over stdio or Node IPC, answers what a client must
// answer, records diagnostics and progress, and lets the caller wait on conditions.
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const {
  createProtocolConnection,
  IPCMessageReader,
  IPCMessageWriter,
  StreamMessageReader,
  StreamMessageWriter,
} = require('vscode-languageserver-protocol/node');

export class BenchClient {
  /** uri → the latest diagnostics, with the time they arrived. */
  diagnostics = new Map();
  /** Every publication, in order: { uri, count, at }. */
  publications = [];
  progressEnded = false;
  progressEndAt = 0;
  progressEndMessage = '';
  /** The revision of the latest `ready` status (sent once a check's diagnostics are all out), and when it came. */
  readyRevision = 0;
  readyAt = 0;
  #waiters = [];

  constructor(child, connection, settings) {
    this.child = child;
    this.connection = connection;
    this.settings = settings;
  }

  /**
   * Spawns `command args` and initializes it on `rootDir` (none when undefined). `settings` answers
   * workspace/configuration, by section.
   */
  static async start({
    command = process.execPath,
    args,
    rootDir,
    settings = {},
    env = process.env,
    initializationOptions = undefined,
  }) {
    const spawnedAt = performance.now();
    // Over Node IPC (as the VS Code extension talks) when the server is told to, else over stdio.
    const ipc = args.includes('--node-ipc');
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe', ...(ipc ? ['ipc'] : [])], env });
    if (ipc) child.stdout.on('data', () => undefined);
    child.stderr.on('data', () => undefined);
    const connection = ipc
      ? createProtocolConnection(new IPCMessageReader(child), new IPCMessageWriter(child))
      : createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    const client = new BenchClient(child, connection, settings);
    client.spawnedAt = spawnedAt;
    connection.onNotification('textDocument/publishDiagnostics', (params) => {
      const at = performance.now();
      client.diagnostics.set(params.uri, { list: params.diagnostics, at });
      client.publications.push({ uri: params.uri, count: params.diagnostics.length, at });
      client.#wake();
    });
    connection.onRequest('workspace/configuration', (params) =>
      params.items.map((item) => (item.section ? (settings[item.section] ?? null) : settings)),
    );
    connection.onRequest('client/registerCapability', () => null);
    connection.onRequest('client/unregisterCapability', () => null);
    connection.onRequest('window/workDoneProgress/create', () => null);
    connection.onRequest('workspace/workspaceFolders', () =>
      rootDir ? [{ uri: pathToFileURL(rootDir).href, name: path.basename(rootDir) }] : [],
    );
    connection.onNotification('$/progress', (params) => {
      if (params.value?.kind === 'end') {
        client.progressEnded = true;
        client.progressEndAt = performance.now();
        client.progressEndMessage = params.value.message ?? '';
        client.#wake();
      }
    });
    connection.onNotification('kubeEndpoints/status', (params) => {
      if (params.state !== 'ready') return;
      client.readyRevision = params.revision;
      client.readyAt = performance.now();
      client.#wake();
    });
    connection.onNotification('window/logMessage', () => undefined);
    connection.onNotification('window/showMessage', () => undefined);
    connection.onNotification('telemetry/event', () => undefined);
    connection.onRequest('window/showMessageRequest', () => null);
    connection.listen();
    const rootUri = rootDir ? pathToFileURL(rootDir).href : null;
    await connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri,
      workspaceFolders: rootDir ? [{ uri: rootUri, name: path.basename(rootDir) }] : null,
      initializationOptions,
      capabilities: {
        workspace: {
          configuration: true,
          workspaceFolders: true,
          didChangeWatchedFiles: { dynamicRegistration: true },
          didChangeConfiguration: { dynamicRegistration: true },
        },
        window: { workDoneProgress: true },
        textDocument: {
          synchronization: { didSave: true, dynamicRegistration: true },
          publishDiagnostics: { relatedInformation: true },
        },
      },
    });
    await connection.sendNotification('initialized', {});
    await connection.sendNotification('workspace/didChangeConfiguration', { settings });
    return client;
  }

  /** Resolves once `condition()` holds, checked after every notification; rejects after `ms`. */
  async until(condition, what, ms = 600_000) {
    const deadline = performance.now() + ms;
    while (!condition()) {
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 1000));
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async stop() {
    try {
      await Promise.race([this.connection.sendRequest('shutdown'), sleep(5000)]);
      await this.connection.sendNotification('exit');
    } catch {
      // The server may be gone already.
    }
    await Promise.race([new Promise((resolve) => this.child.once('exit', resolve)), sleep(3000)]);
    if (this.child.exitCode === null) this.child.kill();
    this.connection.dispose();
  }

  #wake() {
    for (const waiter of this.#waiters.splice(0)) waiter();
  }
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
