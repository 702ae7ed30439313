import type { Connection, InitializeResult } from 'vscode-languageserver';
import { CodeActionKind, TextDocumentSyncKind } from '../lsp';
import { saveCompileCache } from '../node/compileCache';
import { registerCodeActions } from './codeActions';
import { DiagnosticsPublisher } from './diagnostics';
import { NAVIGATION_CAPABILITIES, registerNavigation } from './navigation';
import { registerServerStats } from './serverStats';
import { registerServiceGraph } from './serviceGraph';
import { ServerState } from './state';
import { StatusReporter } from './status';
import { folderUrisOf, WorkspaceSync } from './workspace';

/** Wires every feature to a connection and starts listening. */
export function startServer(connection: Connection): void {
  const state = new ServerState(connection);
  const status = new StatusReporter(state);
  const diagnostics = new DiagnosticsPublisher(state, status);
  const workspace = new WorkspaceSync(state, diagnostics, status);

  connection.onInitialize((params): InitializeResult => {
    state.capabilities = params.capabilities;
    state.setFolders(folderUrisOf(params));
    const options = params.initializationOptions as
      { kubeEndpoints?: unknown; statusNotification?: unknown } | undefined;
    state.initializationSettings = options?.kubeEndpoints;
    state.statusNotification = options?.statusNotification === true;
    return {
      capabilities: {
        ...NAVIGATION_CAPABILITIES,
        textDocumentSync: TextDocumentSyncKind.Incremental,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.RefactorRewrite] },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'kube-endpoints-language-server' },
    };
  });
  connection.onInitialized(() =>
    // What the first check ran is what every start runs: now worth keeping compiled.
    state.logFailure('Indexing', workspace.start().then(saveCompileCache)),
  );

  workspace.register();
  registerCodeActions(state, diagnostics);
  registerNavigation(state, diagnostics);
  registerServiceGraph(state, diagnostics);
  registerServerStats(state, diagnostics);
  state.documents.listen(state.connection);
  connection.listen();
}
