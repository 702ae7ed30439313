import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Connection, Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver';
import { type LocalFolder, localPathOf, realPathOf } from '../node/workspaceFiles';

/** What of the server's state the names depend on: its folders. */
type Folders = { readonly folders: readonly LocalFolder[]; inWorkspace(uri: string): boolean };

/** A local folder whose real path (links resolved) is another path. */
type LinkedFolder = { path: string; realPath: string };

/** A request's or notification's handler. */
type Handler = (...args: unknown[]) => unknown;

/**
 * The names a client gives the files of a workspace folder reached through a link. A client that
 * resolves links (Neovim does) opens such a file by its real path, outside every folder. Indexed
 * under that name, the file was out of its place: checked twice, once under each name, or once
 * but away from its folder (the kustomization that sets its namespace, the backends beside it
 * that pair with it) — traefik's fixtures in ../shared/corpus paired their Ingresses with
 * Services of other folders.
 *
 * So the server knows each file by its workspace URI alone. Every URI the client sends under a
 * linked folder's real path is read as the workspace URI; while the client holds a file open
 * under its real path, everything sent to it names the file that way, diagnostics included.
 */
export class ClientFileNames {
  /** The connection as the features see it: in workspace URIs only. */
  readonly connection: Connection;
  private linked: { of: readonly LocalFolder[]; folders: LinkedFolder[] } | undefined;
  /** The real-path URI the client holds each of these workspace files open under. */
  private readonly openAs = new Map<string, string>();
  /** The diagnostics last sent for each file of a linked folder: sent again when its name changes. */
  private readonly lastDiagnostics = new Map<string, Diagnostic[]>();

  constructor(
    private readonly workspace: Folders,
    private readonly client: Connection,
  ) {
    this.connection = new Proxy(client, {
      get: (target, property, receiver) => {
        const value: unknown = Reflect.get(target, property, receiver);
        if (typeof value !== 'function' || typeof property !== 'string') return value;
        const method = value as (...args: unknown[]) => unknown;
        if (property === 'sendDiagnostics') return (params: PublishDiagnosticsParams) => this.publish(params);
        if (property.startsWith('send')) {
          return (...args: unknown[]) =>
            method.apply(
              target,
              args.map((arg) => this.toClient(arg)),
            );
        }
        if (!/^on[A-Z]/.test(property)) return method.bind(target);
        // Registers a handler (the method's name may come first, as for onRequest).
        return (...args: unknown[]) =>
          method.apply(
            target,
            args.map((arg) => (typeof arg === 'function' ? this.handler(property, arg as Handler) : arg)),
          );
      },
    });
  }

  /** A handler that takes the client's names and answers in them; opening and closing a file name it. */
  private handler(registration: string, handle: Handler): Handler {
    return (params: unknown, ...rest: unknown[]) => {
      const documentUri = (params as { textDocument?: { uri?: unknown } } | undefined)?.textDocument?.uri;
      if (registration === 'onDidOpenTextDocument' && typeof documentUri === 'string') this.opened(documentUri);
      const result = handle(this.toServer(params), ...rest);
      if (registration === 'onDidCloseTextDocument' && typeof documentUri === 'string') this.closed(documentUri);
      return result instanceof Promise ? result.then((value) => this.toClient(value)) : this.toClient(result);
    };
  }

  /** The client opened `clientUri`: a workspace file under its real path takes that name, diagnostics too. */
  private opened(clientUri: string): void {
    const workspaceUri = this.workspaceUriOf(clientUri);
    if (workspaceUri === undefined || this.openAs.get(workspaceUri) === clientUri) return;
    this.openAs.set(workspaceUri, clientUri);
    this.moveDiagnostics(workspaceUri, workspaceUri, clientUri);
  }

  /** The client closed `clientUri`: the file goes by its workspace URI again. */
  private closed(clientUri: string): void {
    const workspaceUri = this.workspaceUriOf(clientUri);
    if (workspaceUri === undefined || this.openAs.get(workspaceUri) !== clientUri) return;
    this.openAs.delete(workspaceUri);
    this.moveDiagnostics(workspaceUri, clientUri, workspaceUri);
  }

  /** Clears the file's diagnostics under the name it had, and sends them under the one it has. */
  private moveDiagnostics(workspaceUri: string, from: string, to: string): void {
    const diagnostics = this.lastDiagnostics.get(workspaceUri);
    if (!diagnostics) return;
    void this.client.sendDiagnostics({ uri: from, diagnostics: [] });
    void this.client.sendDiagnostics({ ...(this.toClient({ diagnostics }) as { diagnostics: Diagnostic[] }), uri: to });
  }

  /** Sends a file's diagnostics by the client's name for it, and keeps them in case that name changes. */
  private publish(params: PublishDiagnosticsParams): Promise<void> {
    if (this.inLinkedFolder(params.uri)) {
      if (params.diagnostics.length > 0) this.lastDiagnostics.set(params.uri, params.diagnostics);
      else this.lastDiagnostics.delete(params.uri);
    }
    return this.client.sendDiagnostics(this.toClient(params) as PublishDiagnosticsParams);
  }

  /** `value` with every URI of a linked folder's real path as its workspace URI. */
  private toServer(value: unknown): unknown {
    if (this.linkedFolders().length === 0) return value;
    return mapStrings(value, (text) => (text.startsWith('file:') ? (this.workspaceUriOf(text) ?? text) : text));
  }

  /** `value` with every workspace URI the client holds open under another name, by that name. */
  private toClient(value: unknown): unknown {
    if (this.openAs.size === 0) return value;
    return mapStrings(value, (text) => this.openAs.get(text) ?? text);
  }

  /** The workspace URI of a file that `uri` names by its real path, outside every folder. */
  private workspaceUriOf(uri: string): string | undefined {
    const filePath = localPathOf(uri);
    if (filePath === undefined || this.workspace.inWorkspace(uri)) return undefined;
    const folder = this.linkedFolders().find((candidate) => filePath.startsWith(candidate.realPath + path.sep));
    return folder && pathToFileURL(folder.path + filePath.slice(folder.realPath.length)).href;
  }

  /** Whether `uri` is a file of a linked folder, by its workspace URI. */
  private inLinkedFolder(uri: string): boolean {
    const folders = this.linkedFolders();
    const filePath = folders.length > 0 ? localPathOf(uri) : undefined;
    return filePath !== undefined && folders.some((folder) => filePath.startsWith(folder.path + path.sep));
  }

  /** Worked out when first needed for the current folders: a client may open documents before the first scan. */
  private linkedFolders(): LinkedFolder[] {
    if (this.linked?.of !== this.workspace.folders) {
      const folders = this.workspace.folders.map((folder) => ({
        path: folder.path,
        realPath: realPathOf(folder.path),
      }));
      this.linked = {
        of: this.workspace.folders,
        folders: folders.filter((folder) => folder.realPath !== folder.path),
      };
    }
    return this.linked.folders;
  }
}

/**
 * `value` with `map` applied to each string and object key in it, copied only where something
 * changed: what it is given may be kept elsewhere (the diagnostics publisher's, never modified).
 * Only plain objects and arrays are entered (not a cancellation token).
 */
function mapStrings(value: unknown, map: (text: string) => string): unknown {
  if (typeof value === 'string') return map(value);
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, i) => {
      const mapped = mapStrings(item, map);
      if (mapped !== item) (copy ??= [...value])[i] = mapped;
    });
    return copy ?? value;
  }
  if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return value;
  let changed = false;
  const entries = Object.entries(value).map(([key, item]) => {
    const mapped: [string, unknown] = [map(key), mapStrings(item, map)];
    changed ||= mapped[0] !== key || mapped[1] !== item;
    return mapped;
  });
  return changed ? Object.fromEntries(entries) : value;
}
