import type { Connection, InitializeResult } from 'vscode-languageserver';
import { CodeActionKind, TextDocumentSyncKind } from 'vscode-languageserver';
import { registerCodeActions } from './codeActions';
import { DiagnosticsPublisher } from './diagnostics';
import { NAVIGATION_CAPABILITIES, registerNavigation } from './navigation';
import { ServerState } from './state';
import { WorkspaceSync, workspaceFoldersOf } from './workspace';

/** Wires every feature to a connection and starts listening. */
export function startServer(connection: Connection): void {
  const state = new ServerState(connection);
  const diagnostics = new DiagnosticsPublisher(state);
  const workspace = new WorkspaceSync(state, diagnostics);

  connection.onInitialize((params): InitializeResult => {
    state.capabilities = params.capabilities;
    state.folders = workspaceFoldersOf(params);
    state.initializationSettings = (params.initializationOptions as { kubeEndpoints?: unknown } | undefined)
      ?.kubeEndpoints;
    return {
      capabilities: {
        ...NAVIGATION_CAPABILITIES,
        textDocumentSync: TextDocumentSyncKind.Incremental,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.RefactorRewrite] },
      },
      serverInfo: { name: 'kube-endpoints-language-server' },
    };
  });
  connection.onInitialized(() => {
    workspace.start().catch((error: unknown) => connection.console.error(`Indexing failed: ${String(error)}`));
  });

  workspace.register();
  registerCodeActions(state, diagnostics);
  registerNavigation(state, diagnostics);
  state.documents.listen(connection);
  connection.listen();
}
