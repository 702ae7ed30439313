#!/usr/bin/env node
// The language server's executable: runs the server's bundle through V8's code cache.
// First, so that the code cache is made and read with the same V8 flags (V8 rejects it otherwise).
import '../node/inlining';
import * as path from 'node:path';
import { runWithCompileCache } from '../node/compileCache';

runWithCompileCache(path.join(__dirname, 'serverMain.js'));
