import type { ClientCapabilities, Connection } from 'vscode-languageserver';
import { TextDocuments } from '../lsp';
import { UriPath } from '../index/uriPath';
import { DEFAULT_MAX_FILE_SIZE, type IndexOptions, WorkspaceIndex } from '../index/workspaceIndex';
import { KubernetesVersion } from '../model/kubernetesVersion';
import { LineIndex } from '../model/lineIndex';
import { type ExcludeGlobs, type LocalFolder, localFolders } from '../node/workspaceFiles';
import type { SeverityOverrides } from '../rules';
import { FixContext } from '../rules/types';
import { ClientFileNames } from './clientFileNames';
import { OpenDocument } from './openDocument';

/** The `kubeEndpoints.*` settings the server reads. */
export type Settings = {
  enable: boolean;
  defaultNamespace: string;
  exclude: string[];
  /** `kubeEndpoints.rules`: a severity per rule code. */
  rules: SeverityOverrides;
  /** The `exclude` globs of `.kube-endpoints.yaml`, relative to its folder. */
  projectExclude?: ExcludeGlobs;
  /** `kubeEndpoints.kubernetesVersion`, parsed. */
  kubernetesVersion: KubernetesVersion;
  /** `kubeEndpoints.preferEndpointSlice`; null: decided by the Kubernetes version. */
  preferEndpointSlice: boolean | null;
  endpointSliceManagedBy: string;
  /** `kubeEndpoints.maxFileSize`: files of more bytes are not parsed (see `file-not-checked`). */
  maxFileSize: number;
};

export const DEFAULT_SETTINGS: Settings = {
  enable: true,
  defaultNamespace: 'default',
  exclude: [],
  rules: {},
  kubernetesVersion: KubernetesVersion.LATEST,
  preferEndpointSlice: null,
  endpointSliceManagedBy: FixContext.DEFAULT_MANAGED_BY,
  maxFileSize: DEFAULT_MAX_FILE_SIZE,
};

/** What every feature shares: the connection, the open documents and the index. */
export class ServerState {
  readonly documents = new TextDocuments(OpenDocument.configuration);
  private readonly workspaceIndex = new WorkspaceIndex();
  /** Open documents edited since the index last read their text. */
  private readonly editedDocuments = new Set<string>();
  /** Open documents whose text the index read since the last `flattenReadDocuments`. */
  private readonly readSinceFlat = new Set<OpenDocument>();
  settings: Settings = DEFAULT_SETTINGS;
  capabilities: ClientCapabilities = {};
  /** `kubeEndpoints` settings passed in `initializationOptions`, for clients that cannot be asked. */
  initializationSettings: unknown;
  /** Whether the client asked for `kubeEndpoints/status` notifications. */
  statusNotification = false;
  /** Every folder of the workspace, local or virtual (`vscode-vfs:` and the like), by URI. */
  folderUris: readonly string[] = [];
  /** The local ones among them, with their file system paths: the only folders read from disk. */
  folders: readonly LocalFolder[] = [];
  private readonly lineIndexes = new Map<string, { text: string; lines: LineIndex }>();

  /** The connection, in workspace URIs whatever names the client gives files (see ClientFileNames). */
  readonly connection: Connection;

  constructor(connection: Connection) {
    this.connection = new ClientFileNames(this, connection).connection;
  }

  /**
   * The index, first brought up to date with the open documents' edits: an edit only marks its
   * document, so that a flood of changes costs one parse per document when something reads.
   */
  get index(): WorkspaceIndex {
    if (this.editedDocuments.size === 0) return this.workspaceIndex;
    for (const uri of this.editedDocuments) {
      const document = this.documents.get(uri);
      if (!document) continue;
      this.workspaceIndex.update(uri, document.getText(), document.takeChange(), (start, end) =>
        document.slice(start, end),
      );
      this.readSinceFlat.add(document);
    }
    this.editedDocuments.clear();
    return this.workspaceIndex;
  }

  /**
   * Makes the texts the index read since the last call flat, those that edits have cut into many
   * pieces (see OpenDocument): a copy of milliseconds for a large file, so the diagnostics
   * publisher calls it once its diagnostics are written, and the editor never waits for it.
   */
  flattenReadDocuments(): void {
    for (const document of this.readSinceFlat) document.flattenIfFragmented();
    this.readSinceFlat.clear();
  }

  /**
   * Sets the index's options. Edited documents are read after, not before: refiling what the
   * index holds is cheaper while the documents opened during start-up are not in it yet.
   */
  configureIndex(options: Partial<IndexOptions>): void {
    this.workspaceIndex.configure(options);
  }

  /** Marks an open document as edited; the index reads its text when next asked for. */
  documentEdited(uri: string): void {
    this.editedDocuments.add(uri);
  }

  /** The line index of the text the index holds for `uri`, rebuilt only when the text changed. */
  linesOf(uri: string): LineIndex {
    const text = this.index.file(uri)?.text ?? '';
    // An open document keeps its own line index up to date edit by edit: no need to rescan the text.
    const document = this.documents.get(uri);
    if (document && document.getText() === text) return LineIndex.of(document);
    const cached = this.lineIndexes.get(uri);
    if (cached && cached.text === text) return cached.lines;
    const lines = new LineIndex(text);
    this.lineIndexes.set(uri, { text, lines });
    return lines;
  }

  /** What fixes and assists may do, from the client's capabilities and the settings. */
  fixContext(): FixContext {
    const workspaceEdit = this.capabilities.workspace?.workspaceEdit;
    return FixContext.of({
      canCreateFiles: !!workspaceEdit?.documentChanges && !!workspaceEdit.resourceOperations?.includes('create'),
      kubernetesVersion: this.settings.kubernetesVersion,
      preferEndpointSlice: this.settings.preferEndpointSlice,
      endpointSliceManagedBy: this.settings.endpointSliceManagedBy,
    });
  }

  /** Sets the workspace folders, and with them the local ones. */
  setFolders(folderUris: readonly string[]): void {
    this.folderUris = folderUris;
    this.folders = localFolders(folderUris);
  }

  /** Whether a URI lies inside one of the workspace folders (`..` segments folded first). */
  inWorkspace(uri: string): boolean {
    const path = UriPath.resolve('/', UriPath.of(uri));
    return this.folderUris.some(
      (folder) => schemeAndAuthority(folder) === schemeAndAuthority(uri) && UriPath.isWithin(path, UriPath.of(folder)),
    );
  }

  forget(uri: string): void {
    this.lineIndexes.delete(uri);
  }

  /**
   * Lets `work`, started by a notification, run on, and logs its failure: a notification has no
   * answer to carry an error, and a rejection no one handles ends the process (Node 20).
   */
  logFailure(what: string, work: Promise<unknown>): void {
    work.catch((error: unknown) =>
      this.connection.console.error(
        `${what} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      ),
    );
  }
}

/** `file://`, `vscode-vfs://github`: what must match before paths are compared. */
function schemeAndAuthority(uri: string): string | undefined {
  return /^[a-z][\w+.-]*:\/\/[^/]*/i.exec(uri)?.[0].toLowerCase();
}
