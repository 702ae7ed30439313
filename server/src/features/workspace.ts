import * as path from 'node:path';
import type {
  DidChangeWatchedFilesParams,
  InitializeParams,
  WorkDoneProgressServerReporter,
  WorkspaceFoldersChangeEvent,
} from 'vscode-languageserver';
import { DidChangeWatchedFilesNotification, FileChangeType, MessageType, ShowMessageNotification } from '../lsp';
import { KubernetesVersion } from '../model/kubernetesVersion';
import { CONTROLLER_MANAGED_BY } from '../model/types';
import { type SeverityOverrides, rules } from '../rules';
import { findProjectConfig, isFileSize, PROJECT_CONFIG_FILE } from '../node/projectConfig';
import {
  ExcludeFilter,
  type FileContent,
  type FoundFile,
  indexFile,
  isYamlFileName,
  type LocalFolder,
  localFolders,
  localPathOf,
  readContentSync,
} from '../node/workspaceFiles';
import { readYamlFiles } from '../node/scan';
import type { DiagnosticsPublisher } from './diagnostics';
import type { ServerState, Settings } from './state';
import { DEFAULT_SETTINGS } from './state';
import type { StatusReporter } from './status';
import { waitingMessagesHandled } from './turns';

/**
 * How long the cold scan may hold the event loop before it lets requests through (see
 * features/turns.ts): with 20 ms slices a request waited 90 ms at the median at 50k, 28 ms with
 * 5 ms ones, 10 ms once each pause let it be answered, for no measurable cost in the scan's time.
 */
const SCAN_SLICE_MS = 5;

/**
 * How often, at most, the scan reports its progress and the status bar's counts. The connection
 * writes one message per turn of the event loop, and the scan holds each turn for a slice of its
 * work: messages sent more often than that would pile up, and an answer to a request would wait
 * its turn behind them. A few times a second is plenty for a status bar.
 */
const REPORT_INTERVAL_MS = 250;

/** The URIs of the workspace folders named in `initialize`, local or virtual. */
export function folderUrisOf(params: InitializeParams): string[] {
  return params.workspaceFolders?.map((folder) => folder.uri) ?? (params.rootUri ? [params.rootUri] : []);
}

/**
 * Keeps the index equal to the workspace: the disk at start-up and on watched-file
 * events, overridden by the editor's text while a document is open.
 */
export class WorkspaceSync {
  /** Files changed on disk and not read again yet, with the latest change of each (see `readChangedFiles`). */
  private readonly changedOnDisk = new Map<string, FileChangeType>();
  /** Whether `readChangedFiles` runs: changes that come meanwhile join its queue. */
  private readingChangedFiles = false;
  /**
   * The start's reading of the settings. Clients report a settings change as they start (VS Code's
   * does): compared with the defaults, non-default settings looked changed, and the workspace was
   * scanned twice at once.
   */
  private settingsRead: Promise<void> = Promise.resolve();
  /** Each folder's exclude filter, for the settings `of` which it was made (see `excludeFilter`). */
  private excludeFilters: { of: Settings; byFolder: Map<string, ExcludeFilter> } | undefined;

  constructor(
    private readonly state: ServerState,
    private readonly diagnostics: DiagnosticsPublisher,
    private readonly status: StatusReporter,
  ) {}

  register(): void {
    const { documents, connection } = this.state;
    documents.onDidChangeContent(({ document }) => {
      if (!this.isIndexed(document.uri)) return;
      this.state.documentEdited(document.uri);
      this.diagnostics.schedule();
    });
    documents.onDidClose(({ document }) => this.reloadFromDisk(document.uri));
    connection.onDidChangeWatchedFiles((params) =>
      this.state.logFailure('Reading changed files', this.onWatchedFiles(params)),
    );
    connection.onDidChangeConfiguration((params) =>
      this.state.logFailure('Reloading the settings', this.reloadSettings(params.settings)),
    );
  }

  /**
   * Reads settings, asks the client to watch YAML files, indexes every folder, then publishes.
   * The three requests to the client (settings, the watchers, the scan's progress) go out at
   * once: none needs another's answer, and a client busy starting up (VS Code's extension host
   * activating extensions) may take a while over each.
   */
  async start(): Promise<void> {
    this.settingsRead = this.fetchSettings().then((settings) => {
      this.state.settings = settings;
    });
    const progress = this.createProgress();
    await Promise.all([this.settingsRead, this.watchYamlFiles(), progress]);
    this.state.configureIndex({
      defaultNamespace: this.state.settings.defaultNamespace,
      maxFileSize: this.state.settings.maxFileSize,
    });
    if (this.state.capabilities.workspace?.workspaceFolders) {
      this.state.connection.workspace.onDidChangeWorkspaceFolders((event) =>
        this.state.logFailure('Reading the workspace folders', this.onFoldersChanged(event)),
      );
    }
    await this.scanFolders(this.state.folders, () => this.diagnostics.start(), progress);
  }

  /** Asks the client to report changes of YAML files on disk, if it takes registrations. */
  private async watchYamlFiles(): Promise<void> {
    if (this.state.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration) {
      await this.state.connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [{ globPattern: '**/*.{yaml,yml}' }],
      });
    }
  }

  /** A progress the client shows while a scan runs, if it can show one. */
  private async createProgress(): Promise<WorkDoneProgressServerReporter | undefined> {
    return this.state.capabilities.window?.workDoneProgress
      ? await this.state.connection.window.createWorkDoneProgress()
      : undefined;
  }

  /**
   * Folders added to or removed from a multi-root workspace: the files of removed folders are
   * forgotten (those still open stay, as files outside every folder do), added folders are read.
   */
  private async onFoldersChanged({ added, removed }: WorkspaceFoldersChangeEvent): Promise<void> {
    const firstFolder = this.state.folders[0]?.uri;
    const removedUris = new Set(removed.map((folder) => folder.uri));
    this.state.setFolders([
      ...this.state.folderUris.filter((uri) => !removedUris.has(uri)),
      ...added.map((folder) => folder.uri).filter((uri) => !this.state.folderUris.includes(uri)),
    ]);
    for (const uri of [...this.state.index.uris()]) {
      if (!this.state.documents.get(uri) && !this.state.inWorkspace(uri)) this.forget(uri);
    }
    await this.scanFolders(localFolders(added.map((folder) => folder.uri)));
    // `.kube-endpoints.yaml` is read from the first folder: another first folder, other settings.
    // Either way one check follows, once the added folders are read.
    if (this.state.folders[0]?.uri !== firstFolder) await this.reloadSettings();
    else this.diagnostics.refresh();
  }

  /**
   * Indexes `folders`, then runs `then` (the first check) before ending the progress, so
   * that its end tells a client that the initial diagnostics have all been sent. The start asks
   * for the progress itself (`progressCreated`), beside the settings.
   */
  private async scanFolders(
    folders: readonly LocalFolder[],
    then?: () => Promise<void>,
    progressCreated = this.createProgress(),
  ): Promise<void> {
    const { connection } = this.state;
    const progress = await progressCreated;
    progress?.begin('Kube Endpoints: indexing YAML', undefined, 'finding files');
    this.status.indexing(0);
    let indexed = 0;
    let sliceStart = Date.now();
    // The first slice reports at once: a client learns that the scan has started.
    let reportedAt = 0;
    for (const folder of folders) {
      // An open document's text is the editor's, not the disk's: its file is not even read.
      const { maxFileSize } = this.state.settings;
      const files = readYamlFiles(folder.path, this.excludeFilter(folder.path), maxFileSize, (uri) => this.isOpen(uri));
      for await (const file of files) {
        this.indexContent(file, file.content);
        indexed++;
        if (Date.now() - sliceStart > SCAN_SLICE_MS) {
          if (Date.now() - reportedAt >= REPORT_INTERVAL_MS) {
            progress?.report(`${indexed} files`);
            this.status.indexing(indexed);
            reportedAt = Date.now();
          }
          await waitingMessagesHandled();
          sliceStart = Date.now();
        }
      }
    }
    // Files read after a kustomization are filed once it is known what namespaces it sets.
    await this.state.index.settleInSlices(SCAN_SLICE_MS, waitingMessagesHandled);
    progress?.report(`checking ${indexed} files`);
    await then?.();
    progress?.done();
    connection.console.info(`Indexed ${indexed} YAML files.`);
  }

  private async onWatchedFiles({ changes }: DidChangeWatchedFilesParams): Promise<void> {
    if (changes.some((change) => change.uri.endsWith('/' + PROJECT_CONFIG_FILE))) await this.reloadSettings();
    for (const change of changes) this.changedOnDisk.set(change.uri, change.type);
    if (!this.readingChangedFiles) await this.readChangedFiles();
  }

  /**
   * Reads the files of `changedOnDisk` again, a slice at a time, then checks: a branch switch
   * changes thousands of files at once, and reading and parsing 5,000 of them in one go held
   * requests for 0.6-0.8 s at 50k resources. Changes that come meanwhile join the queue, so
   * each file ends as its last change left it on disk; the check waits for the last slice.
   */
  private async readChangedFiles(): Promise<void> {
    this.readingChangedFiles = true;
    try {
      let sliceStart = Date.now();
      for (const [uri, type] of this.changedOnDisk) {
        this.changedOnDisk.delete(uri);
        if (this.isIndexed(uri) && !this.isOpen(uri)) {
          if (type === FileChangeType.Deleted) this.forget(uri);
          else this.readFromDisk(uri);
        }
        if (this.changedOnDisk.size > 0 && Date.now() - sliceStart > SCAN_SLICE_MS) {
          await waitingMessagesHandled();
          sliceStart = Date.now();
        }
      }
    } finally {
      // Should a file fail, the next change reads what is left.
      this.readingChangedFiles = false;
    }
    // A kustomization among them has every file filed again (250 ms at 50k), in slices too.
    await this.state.index.settleInSlices(SCAN_SLICE_MS, waitingMessagesHandled);
    this.diagnostics.schedule();
  }

  /** After a close: the disk is the truth again. */
  private reloadFromDisk(uri: string): void {
    if (!this.isIndexed(uri)) return;
    this.readFromDisk(uri);
    this.diagnostics.schedule();
  }

  /**
   * Only files of local workspace folders are read: a document from elsewhere, or of a virtual
   * folder, is forgotten once closed.
   */
  private readFromDisk(uri: string): void {
    const filePath = localPathOf(uri);
    if (filePath !== undefined && this.state.inWorkspace(uri)) {
      this.indexContent({ uri, path: filePath }, readContentSync(filePath, this.state.settings.maxFileSize));
    } else this.forget(uri);
  }

  /** Indexes what was read of a file; an unreadable one (deleted since, a pipe, ...) is forgotten and logged. */
  private indexContent(file: FoundFile, content: FileContent): void {
    const skipped = indexFile(this.state.index, file, content);
    if (skipped) {
      this.state.forget(file.uri);
      this.state.connection.console.info(skipped);
    }
  }

  /** Whether the editor holds the file's text. */
  private isOpen(uri: string): boolean {
    return this.state.documents.get(uri) !== undefined;
  }

  private forget(uri: string): void {
    this.state.index.remove(uri);
    this.state.forget(uri);
  }

  /**
   * Whether a URI is a YAML file inside a workspace folder and not excluded; a document of a
   * virtual folder is indexed while it is open (the client sends its text).
   */
  private isIndexed(uri: string): boolean {
    if (!isYamlFileName(uri)) return false;
    const filePath = localPathOf(uri);
    if (filePath === undefined) return this.state.inWorkspace(uri);
    const folder = this.state.folders.find((candidate) => filePath.startsWith(candidate.path + path.sep));
    // Files opened from outside every folder are checked while open, as a workspace of their own.
    if (!folder) return true;
    return !this.excludeFilter(folder.path).excludes(filePath);
  }

  /**
   * The editor's `exclude` globs for a workspace folder, plus those of `.kube-endpoints.yaml`, kept
   * for the settings they come from: `isIndexed` asks on every edit and for every file changed on
   * disk, and each glob is compiled when a filter is made.
   */
  private excludeFilter(folder: string): ExcludeFilter {
    const { settings } = this.state;
    if (this.excludeFilters?.of !== settings) this.excludeFilters = { of: settings, byFolder: new Map() };
    let filter = this.excludeFilters.byFolder.get(folder);
    if (!filter) {
      const { exclude, projectExclude } = settings;
      filter = new ExcludeFilter({ root: folder, globs: exclude }, ...(projectExclude ? [projectExclude] : []));
      this.excludeFilters.byFolder.set(folder, filter);
    }
    return filter;
  }

  /** Re-reads settings; `pushed` is what a client without `workspace/configuration` sent. */
  private async reloadSettings(pushed?: unknown): Promise<void> {
    await this.settingsRead;
    const previous = this.state.settings;
    this.state.settings = await this.fetchSettings(pushed);
    const { defaultNamespace, maxFileSize } = this.state.settings;
    if (previous.defaultNamespace !== defaultNamespace || previous.maxFileSize !== maxFileSize) {
      this.state.configureIndex({ defaultNamespace, maxFileSize });
    }
    // What decides which files are read, and how.
    const scanned = (settings: Settings) =>
      JSON.stringify([settings.exclude, settings.projectExclude, settings.maxFileSize]);
    if (scanned(previous) !== scanned(this.state.settings)) {
      for (const uri of [...this.state.index.uris()]) if (!this.isIndexed(uri)) this.forget(uri);
      await this.scanFolders(this.state.folders);
      // The scan leaves open documents alone, but a new size cap applies to them too.
      for (const document of this.state.documents.all())
        if (this.isIndexed(document.uri)) this.state.documentEdited(document.uri);
    }
    this.diagnostics.refresh();
  }

  /**
   * The editor's settings (asked for, or as pushed or passed at initialization by
   * clients that cannot be asked), overridden by the nearest `.kube-endpoints.yaml`
   * of the first workspace folder, so that the editor and CI agree.
   */
  private async fetchSettings(pushed?: unknown): Promise<Settings> {
    const { capabilities, connection, folders } = this.state;
    const given =
      (pushed as { kubeEndpoints?: unknown } | undefined)?.kubeEndpoints ?? this.state.initializationSettings;
    const editor = readSettings(capabilities.workspace?.configuration ? await this.askSettings(given) : given);
    const project = folders[0] && findProjectConfig(folders[0].path);
    if (!project) return editor;
    // A message without actions is a notification: `showWarningMessage` asks a request, which a client may
    // refuse, and the refusal, unhandled, ended the server.
    for (const problem of project.problems)
      void connection.sendNotification(ShowMessageNotification.type, {
        type: MessageType.Warning,
        message: `${project.path}: ${problem}`,
      });
    const { config } = project;
    return {
      ...editor,
      defaultNamespace: config.defaultNamespace ?? editor.defaultNamespace,
      maxFileSize: config.maxFileSize ?? editor.maxFileSize,
      kubernetesVersion:
        (config.kubernetesVersion !== undefined && KubernetesVersion.parse(config.kubernetesVersion)) ||
        editor.kubernetesVersion,
      rules: { ...editor.rules, ...config.rules },
      projectExclude: { root: path.dirname(project.path), globs: config.exclude ?? [] },
    };
  }

  /**
   * The client's `kubeEndpoints` settings, asked for; `fallback` if it fails to answer, so that a
   * client that announces `workspace/configuration` and then refuses it still gets a checked workspace.
   */
  private async askSettings(fallback: unknown): Promise<unknown> {
    const { connection } = this.state;
    try {
      return await connection.workspace.getConfiguration({ section: 'kubeEndpoints' });
    } catch (error) {
      connection.console.warn(`The editor did not give the kubeEndpoints settings, defaults apply: ${String(error)}`);
      return fallback;
    }
  }
}

/** Settings from whatever the client sent, each field checked, defaults for the rest. */
export function readSettings(raw: unknown): Settings {
  const values = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  return {
    enable: typeof values.enable === 'boolean' ? values.enable : DEFAULT_SETTINGS.enable,
    defaultNamespace:
      typeof values.defaultNamespace === 'string' && values.defaultNamespace !== ''
        ? values.defaultNamespace
        : DEFAULT_SETTINGS.defaultNamespace,
    exclude: Array.isArray(values.exclude)
      ? values.exclude.filter((glob): glob is string => typeof glob === 'string')
      : DEFAULT_SETTINGS.exclude,
    rules: readSeverities(values.rules),
    maxFileSize: isFileSize(values.maxFileSize) ? values.maxFileSize : DEFAULT_SETTINGS.maxFileSize,
    kubernetesVersion:
      (typeof values.kubernetesVersion === 'string' && KubernetesVersion.parse(values.kubernetesVersion)) ||
      DEFAULT_SETTINGS.kubernetesVersion,
    preferEndpointSlice:
      typeof values.preferEndpointSlice === 'boolean'
        ? values.preferEndpointSlice
        : DEFAULT_SETTINGS.preferEndpointSlice,
    endpointSliceManagedBy: isManagedByValue(values.endpointSliceManagedBy)
      ? values.endpointSliceManagedBy
      : DEFAULT_SETTINGS.endpointSliceManagedBy,
  };
}

/**
 * A label value (63 characters at most, alphanumeric at both ends) that is not a
 * controller's: a slice labelled as the controller's would be taken over by it.
 */
function isManagedByValue(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(value) &&
    !CONTROLLER_MANAGED_BY.includes(value)
  );
}

const SEVERITY_VALUES = new Set(['off', 'hint', 'information', 'warning', 'error']);

/** The valid `code: severity` entries of `kubeEndpoints.rules`; unknown codes and values are dropped. */
function readSeverities(raw: unknown): SeverityOverrides {
  if (typeof raw !== 'object' || raw === null) return {};
  const codes = new Set(rules.map((rule) => rule.code));
  return Object.fromEntries(
    Object.entries(raw).filter(([code, severity]) => codes.has(code) && SEVERITY_VALUES.has(severity as string)),
  ) as SeverityOverrides;
}
