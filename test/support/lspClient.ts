import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  type ClientCapabilities,
  type Diagnostic,
  type InitializeResult,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type ServerCapabilities,
  type TextDocumentEdit,
  type WorkspaceEdit,
  type WorkspaceFolder,
  createProtocolConnection,
  ErrorCodes,
  ResponseError,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';
import { tempFolder } from './tempFolders';

/** The bundled server, as editors start it. */
export const SERVER_BIN = path.resolve(__dirname, '../../../server/out/server.js');

/** What VS Code announces for the features the server uses. */
export const VSCODE_LIKE_CAPABILITIES: ClientCapabilities = {
  workspace: {
    configuration: true,
    workspaceFolders: true,
    didChangeWatchedFiles: { dynamicRegistration: true },
    workspaceEdit: { documentChanges: true, resourceOperations: ['create', 'rename', 'delete'] },
  },
  window: { workDoneProgress: true },
  textDocument: { publishDiagnostics: { relatedInformation: true }, codeAction: { isPreferredSupport: true } },
};

/** Like Neovim 0.7: push diagnostics only, no file watching, no resource operations. */
export const MINIMAL_CAPABILITIES: ClientCapabilities = {
  workspace: { configuration: true, workspaceEdit: { documentChanges: false } },
  textDocument: { publishDiagnostics: {} },
};

/**
 * A language client for tests: spawns the real server over stdio, answers the
 * requests a client must answer, and records what the server publishes.
 */
export class TestClient {
  readonly diagnostics = new Map<string, Diagnostic[]>();
  /** Every publication, in order of arrival. */
  readonly publications: PublishDiagnosticsParams[] = [];
  readonly registrations: string[] = [];
  /** How many progresses the server asked this client to create (`window/workDoneProgress/create`). */
  progressesCreated = 0;
  /** Whether the server ended its indexing progress. */
  indexed = false;
  /** How many progress reports the server sent (the scan is under way once there is one). */
  progressReports = 0;
  /** What the server announced in `initialize`. */
  capabilities: ServerCapabilities = {};
  /** `window/logMessage` messages, in order. */
  readonly logs: { type: number; message: string }[] = [];
  /** Notifications beyond diagnostics, progress and log messages (custom ones), in order. */
  readonly notifications: { method: string; params: unknown }[] = [];
  private readonly waiters: (() => void)[] = [];

  private constructor(
    readonly connection: ProtocolConnection,
    /** The server process. */
    readonly child: ChildProcess,
    readonly root: string,
    readonly settings: Record<string, unknown>,
  ) {}

  /**
   * Starts the server on a workspace folder and waits for `initialized`. `options.server` is
   * another server script to spawn; `options.workspaceFolders` replaces the folder of `root`;
   * `options.env` is added to the server's environment; `options.nodeOptions` go before the script;
   * `options.refuseSettings` answers every `workspace/configuration` with an error;
   * `options.settingsHeldUntil` answers it only once that promise has settled.
   */
  static async start(
    root: string,
    capabilities: ClientCapabilities = VSCODE_LIKE_CAPABILITIES,
    settings: Record<string, unknown> = {},
    initializationOptions?: unknown,
    options: {
      server?: string;
      workspaceFolders?: WorkspaceFolder[];
      env?: NodeJS.ProcessEnv;
      nodeOptions?: string[];
      refuseSettings?: boolean;
      settingsHeldUntil?: Promise<void>;
    } = {},
  ): Promise<TestClient> {
    const child = spawn(process.execPath, [...(options.nodeOptions ?? []), options.server ?? SERVER_BIN, '--stdio'], {
      stdio: ['pipe', 'pipe', 'inherit'],
      env: { ...process.env, ...options.env },
    });
    const connection = createProtocolConnection(
      new StreamMessageReader(child.stdout!),
      new StreamMessageWriter(child.stdin!),
    );
    const client = new TestClient(connection, child, root, settings);
    connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
      client.diagnostics.set(params.uri, params.diagnostics);
      client.publications.push(params);
      client.wake();
    });
    connection.onRequest('workspace/configuration', async (params: { items: { section?: string }[] }) => {
      await options.settingsHeldUntil;
      return options.refuseSettings
        ? new ResponseError(ErrorCodes.InternalError, 'no settings here')
        : params.items.map(() => client.settings);
    });
    connection.onRequest('client/registerCapability', (params: { registrations: { method: string }[] }) => {
      client.registrations.push(...params.registrations.map((registration) => registration.method));
      client.wake();
      return null;
    });
    connection.onRequest('window/workDoneProgress/create', () => {
      client.progressesCreated++;
      client.wake();
      return null;
    });
    connection.onNotification('$/progress', (params: { value?: { kind?: string } }) => {
      if (params.value?.kind === 'end') client.indexed = true;
      if (params.value?.kind === 'report') client.progressReports++;
      client.wake();
    });
    connection.onNotification('window/logMessage', (params: { type: number; message: string }) => {
      client.logs.push(params);
    });
    connection.onUnhandledNotification((message) => {
      client.notifications.push({ method: message.method, params: message.params });
      client.wake();
    });
    connection.listen();
    const rootUri = pathToFileURL(root).href;
    const initialized: InitializeResult = await connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri,
      workspaceFolders: options.workspaceFolders ?? [{ uri: rootUri, name: path.basename(root) }],
      capabilities,
      initializationOptions,
    });
    client.capabilities = initialized.capabilities;
    await connection.sendNotification('initialized', {});
    return client;
  }

  uri(relativePath: string): string {
    return pathToFileURL(path.join(this.root, relativePath)).href;
  }

  /** Opens a document with `text` (a new file, or one edited in the editor); returns its URI. */
  async open(relativePath: string, text: string): Promise<string> {
    const uri = this.uri(relativePath);
    await this.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'yaml', version: 1, text },
    });
    return uri;
  }

  /** Diagnostic codes of one file, sorted, as `line:code`. */
  codes(relativePath: string): string[] {
    return (this.diagnostics.get(this.uri(relativePath)) ?? [])
      .map((diagnostic) => `${diagnostic.range.start.line + 1}:${String(diagnostic.code)}`)
      .sort();
  }

  /** Resolves once `condition` holds, re-checked after every publication; rejects after `ms`. */
  async until(condition: () => boolean, what: string, ms = 10_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!condition()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; diagnostics: ${this.describe()}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /**
   * Resolves once the initial indexing is over and every diagnostic it led to has
   * arrived: the server ends its progress once the first check's diagnostics are
   * sent, and the answer to a request comes after every notification sent before it.
   */
  async indexingDone(ms = 60_000): Promise<void> {
    await this.until(() => this.indexed, 'the end of indexing', ms);
    await this.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri: this.uri('none.yaml') },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [] },
    });
  }

  /** Writes a workspace edit to disk, as an editor that saves it would, and reports the changes. */
  async applyToDisk(edit: WorkspaceEdit): Promise<void> {
    const changed: { uri: string; type: number }[] = [];
    for (const change of edit.documentChanges ?? []) {
      if ('kind' in change) {
        if (change.kind !== 'create') throw new Error(`unexpected ${change.kind}`);
        const file = new URL(change.uri);
        if (fs.existsSync(file)) throw new Error(`create of an existing file ${change.uri}`);
        fs.writeFileSync(file, '');
        changed.push({ uri: change.uri, type: 1 });
      } else {
        applyTextEdits(change);
        if (!changed.some((item) => item.uri === change.textDocument.uri))
          changed.push({ uri: change.textDocument.uri, type: 2 });
      }
    }
    for (const [uri, edits] of Object.entries(edit.changes ?? {})) {
      applyTextEdits({ textDocument: { uri, version: null }, edits });
      changed.push({ uri, type: 2 });
    }
    await this.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: changed });
  }

  async stop(): Promise<void> {
    // A server that has ended (crashed) would answer nothing: the test fails on what it asserted, not here.
    if (this.child.exitCode === null && this.child.signalCode === null) {
      await this.connection.sendRequest('shutdown');
      await this.connection.sendNotification('exit');
      await new Promise((resolve) => this.child.once('exit', resolve));
    }
    this.connection.dispose();
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  private describe(): string {
    return JSON.stringify(
      [...this.diagnostics].map(([uri, list]) => [uri, list.map((d) => `${d.range.start.line + 1}:${String(d.code)}`)]),
    );
  }
}

/** Applies the edits of one document to its file on disk. */
function applyTextEdits(change: Pick<TextDocumentEdit, 'textDocument' | 'edits'>): void {
  const file = new URL(change.textDocument.uri);
  let text = fs.readFileSync(file, 'utf8');
  const offsets = (position: { line: number; character: number }) => {
    const lines = text.split('\n');
    return lines.slice(0, position.line).reduce((sum, line) => sum + line.length + 1, 0) + position.character;
  };
  const edits = change.edits
    .map((edit) => ({
      start: offsets(edit.range.start),
      end: offsets(edit.range.end),
      text: 'newText' in edit ? edit.newText : '',
    }))
    .sort((a, b) => b.start - a.start);
  for (const edit of edits) text = text.slice(0, edit.start) + edit.text + text.slice(edit.end);
  fs.writeFileSync(file, text);
}

/** A fresh copy of a folder in the temporary directory, so tests can write to it. */
export function copyToTemp(source: string): string {
  const target = tempFolder();
  fs.cpSync(source, target, { recursive: true });
  return target;
}

/** A fresh folder in the temporary directory holding `files` (relative path → content), subfolders included. */
export function folderWith(files: Record<string, string | Buffer>): string {
  const root = tempFolder();
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  }
  return root;
}

/** A file's diagnostics as comparable lines: range, code, message and related places (relative). */
export function comparable(client: TestClient, name: string): string[] {
  const root = client.uri('');
  return (client.diagnostics.get(client.uri(name)) ?? [])
    .map((d) => {
      const { start, end } = d.range;
      const related = JSON.stringify(d.relatedInformation ?? []).replaceAll(root, '');
      return `${start.line}:${start.character}-${end.line}:${end.character} ${String(d.code)} ${d.message} ${related}`;
    })
    .sort();
}

/** Resolves once the server process has exited, with its exit code; rejects after `ms`. Call it before the exit. */
export function exitOf(child: ChildProcess, ms = 5_000): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not exit within ${ms} ms`)), ms);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}
