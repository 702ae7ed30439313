// First, so that V8 compiles none of our code before its flags apply.
import './node/v8Flags';
import type { Connection, ResponseMessage } from 'vscode-languageserver/node';
import { startServer } from './features/startServer';
import { createConnection, LSPErrorCodes, Message, ProposedFeatures, ResponseError, StreamMessageReader } from './lsp';
import { BatchedMessageWriter } from './node/batchedMessageWriter';

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
} else if (args.includes('--stdio')) {
  startServer(stdioConnection());
} else {
  // The other transports come from the command line; createConnection reads it from process.argv.
  startServer(createConnection(ProposedFeatures.all, { cancelUndispatched }));
}

/**
 * A connection over standard input and output that writes its messages in batches (see
 * `BatchedMessageWriter`). Given its own reader and writer, createConnection no longer does two
 * things it does for `--stdio`, done here: the server ends when its input closes (with code 0
 * after a shutdown request, as on exit), and console output, which would corrupt the protocol on
 * standard output, goes to standard error.
 */
function stdioConnection(): Connection {
  globalThis.console = new console.Console({ stdout: process.stderr, stderr: process.stderr });
  const connection = createConnection(
    ProposedFeatures.all,
    new StreamMessageReader(process.stdin),
    new BatchedMessageWriter(process.stdout),
    { cancelUndispatched },
  );
  let shutdownReceived = false;
  connection.onShutdown(() => void (shutdownReceived = true));
  process.stdin.on('close', () => process.exit(shutdownReceived ? 0 : 1));
  return connection;
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
