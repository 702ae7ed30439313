#!/usr/bin/env node
// The language server's executable: runs the server's bundle through V8's code cache.
import * as net from 'node:net';
import * as perfHooks from 'node:perf_hooks';
import * as workerThreads from 'node:worker_threads';
import * as path from 'node:path';
import { runWithCompileCache } from '../node/compileCache';
// Last: after the Node modules the server loads (those above and compileCache's), for the node binary
// holds V8's code cache of each, which V8 refuses once a V8 flag has changed (loaded after it, they were
// compiled from source: 5–10 ms of a start; test/lsp/compileCache.test.ts checks that none is); and
// before the bundle runs, so that its code cache is made and read with the same V8 flags.
import '../node/v8Flags';

/** The modules imported above only to be loaded before the flags: named here, so the bundler keeps them. */
export const LOADED_BEFORE_THE_FLAGS = [net, perfHooks, workerThreads];

runWithCompileCache(path.join(__dirname, 'serverMain.js'));
