#!/usr/bin/env node
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
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
  startServer(createConnection(ProposedFeatures.all));
}
