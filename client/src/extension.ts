import * as path from 'node:path';
import { commands, EventEmitter, type ExtensionContext, workspace } from 'vscode';
import type { LanguageClientOptions, Location, ServerOptions } from 'vscode-languageclient/node';
import { LanguageClient, TransportKind } from 'vscode-languageclient/node';
import { STATUS_NOTIFICATION, type StatusParams } from '../../server/src/features/protocol';
import { serverEnvironment } from './serverEnvironment';
import { ServiceGraphPanel } from './serviceGraphPanel';
import { createStatusBar } from './statusBar';

let client: LanguageClient | undefined;

/** Starts the language server over IPC; it indexes and watches the workspace by itself. */
export async function activate(context: ExtensionContext): Promise<void> {
  const module = context.asAbsolutePath(path.join('server', 'out', 'server.js'));
  const compileCache =
    context.globalStorageUri.scheme === 'file'
      ? path.join(context.globalStorageUri.fsPath, 'compile-cache')
      : undefined;
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc, options: { env: serverEnvironment(compileCache) } },
    // Other V8 flags: a code cache of their own, in the user's cache folder.
    debug: {
      module,
      transport: TransportKind.ipc,
      options: { env: serverEnvironment(undefined), execArgv: ['--nolazy', '--inspect=6009'] },
    },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'yaml' },
      ...virtualFolderSchemes().map((scheme) => ({ scheme, language: 'yaml' })),
    ],
    synchronize: { configurationSection: 'kubeEndpoints' },
    initializationOptions: { statusNotification: true },
    middleware: {
      // The server's lenses run `editor.action.showReferences` with LSP arguments; VS Code wants its own types.
      async provideCodeLenses(document, token, next) {
        const lenses = await next(document, token);
        for (const lens of lenses ?? []) {
          const args = lens.command?.arguments;
          if (lens.command?.command !== 'editor.action.showReferences' || args?.length !== 3) continue;
          const converter = client!.protocol2CodeConverter;
          lens.command.arguments = [
            converter.asUri(args[0]),
            converter.asPosition(args[1]),
            (args[2] as Location[]).map((location) => converter.asLocation(location)),
          ];
        }
        return lenses;
      },
    },
  };
  client = new LanguageClient('kubeEndpoints', 'Kube Endpoints', serverOptions, clientOptions);
  const languageClient = client;

  const statuses = new EventEmitter<StatusParams>();
  context.subscriptions.push(
    statuses,
    createStatusBar(client, statuses.event),
    client.onNotification(STATUS_NOTIFICATION, (status: StatusParams) => statuses.fire(status)),
    commands.registerCommand('kubeEndpoints.showServiceGraph', () =>
      ServiceGraphPanel.show(context, languageClient, statuses.event),
    ),
  );
  await client.start();
}

/**
 * The schemes of virtual workspace folders (`vscode-vfs` for GitHub Repositories): the server
 * cannot read their files, so the client sends it the open documents of those folders.
 */
function virtualFolderSchemes(): string[] {
  const schemes = (workspace.workspaceFolders ?? []).map((folder) => folder.uri.scheme);
  return [...new Set(schemes)].filter((scheme) => scheme !== 'file');
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
