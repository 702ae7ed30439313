#!/usr/bin/env node
// The command line's executable: runs its bundle through V8's code cache.
import * as fsPromises from 'node:fs/promises';
import * as workerThreads from 'node:worker_threads';
import * as path from 'node:path';
import { runWithCompileCache } from '../node/compileCache';
// Last: after the Node modules the command line loads, before its bundle runs (see bin/server.ts).
import '../node/v8Flags';

/** The modules imported above only to be loaded before the flags: named here, so the bundler keeps them. */
export const LOADED_BEFORE_THE_FLAGS = [fsPromises, workerThreads];

runWithCompileCache(path.join(__dirname, 'cliMain.js'));
