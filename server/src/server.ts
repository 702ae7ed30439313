#!/usr/bin/env node
import {
  createConnection,
  LSPErrorCodes,
  Message,
  ProposedFeatures,
  type ResponseMessage,
  ResponseError,
} from 'vscode-languageserver/node';
import { startServer } from './features/startServer';

const USAGE = `Usage: kube-endpoints-language-server --stdio

The Kube Endpoints language server. Editors start it with one transport:
  --stdio            talk over standard input and output (Neovim, Helix, Emacs, ...)
  --node-ipc         talk over Node IPC (what the VS Code extension uses)
  --socket=<port>    talk over a TCP socket
  --pipe=<name>      talk over a named pipe`;

const args = process.argv.slice(2);
if (!args.some((arg) => /^--(stdio|node-ipc|socket=|pipe=)/.test(arg))) {
  process.stderr.write(USAGE + '\n');
  process.exitCode = args.includes('--help') || args.includes('-h') ? 0 : 2;
} else {
  // The transport comes from the command line; createConnection reads it from process.argv.
  startServer(createConnection(ProposedFeatures.all, { cancelUndispatched }));
}

/**
 * A request cancelled while it still waits behind other messages is answered at once with
 * RequestCancelled and never run (handlers run to completion: they cannot stop half-way).
 */
function cancelUndispatched(message: Message): ResponseMessage | undefined {
  if (!Message.isRequest(message)) return undefined;
  return {
    jsonrpc: '2.0',
    id: message.id,
    error: new ResponseError(LSPErrorCodes.RequestCancelled, `${message.method} was cancelled`).toJson(),
  };
}
