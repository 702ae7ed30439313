#!/usr/bin/env node
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './features/startServer';

// The transport comes from the command line: --node-ipc from VS Code, --stdio elsewhere.
startServer(createConnection(ProposedFeatures.all));
