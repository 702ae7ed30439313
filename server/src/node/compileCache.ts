import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Module } from 'node:module';
import { Script } from 'node:vm';
// Last: the flags come after Node's modules (see bin/server.ts).
import { setV8Flags } from './v8Flags';

/**
 * V8's code cache for the server's and the command line's bundles, kept between runs (what
 * Node 22 does for every module with `module.enableCompileCache()`; Node 20 has no such API). A
 * start otherwise compiles the whole bundle before running a line of it, then every function
 * the first check calls: the cache, written once that check is done, holds them all. On the
 * 2,000-document file the server's first diagnostics came about 30 ms sooner of ~390 ms.
 *
 * The cache is V8 bytecode, code that runs: it is kept only in a folder of the user's own
 * (`KUBE_ENDPOINTS_COMPILE_CACHE`, else the platform's per-user cache folder; the VS Code
 * extension passes its global storage), never in a workspace, and
 * `KUBE_ENDPOINTS_DISABLE_COMPILE_CACHE=1` turns it off. V8 rejects a cache made by another V8
 * or with other flags; a cache file is named after the bundle's path, size and modification
 * time, so that a rebuilt bundle never meets the bytecode of the one before, and caches unused for
 * 30 days are removed.
 */

/** What became of the cache in this process, for `kubeEndpoints/serverStats`. */
export type CompileCacheStatus = {
  /**
   * What the start found: no cache yet for this bundle and runtime (`missing`), one V8 refused
   * (another V8, other flags, damaged: `rejected`), one it `used`; `off` when turned off or when
   * no bundle ran through it (the tests' unbundled code).
   */
  found: 'off' | 'missing' | 'rejected' | 'used';
  /** Whether this process wrote the cache (after a `missing` or `rejected` one, once warm), or failed to. */
  written: boolean | 'failed';
};

type CacheState = CompileCacheStatus & { file?: string; script?: Script };

/** Shared between the loader's bundle and the program's, which each hold a copy of this module. */
const STATE_KEY = Symbol.for('kube-endpoints.compileCache');

function state(): CacheState {
  const global = globalThis as { [STATE_KEY]?: CacheState };
  return (global[STATE_KEY] ??= { found: 'off', written: false });
}

/**
 * Runs `bundle` (a CommonJS file beside the caller, named by a literal) as Node runs a CommonJS
 * module, with its own `module`, `require` and `__dirname`, compiled from the cache when there is
 * one for it.
 */
export function runWithCompileCache(bundle: string): void {
  const source = fs.readFileSync(bundle, 'utf8');
  let file: string | undefined;
  try {
    file = cacheFileFor(bundle);
  } catch {
    // No home folder, say: the bundle runs without a cache.
  }
  const cachedData = file ? readIfPresent(file) : undefined;
  const script = new Script(Module.wrap(source), { filename: bundle, cachedData });
  const found = !file ? 'off' : !cachedData ? 'missing' : script.cachedDataRejected ? 'rejected' : 'used';
  Object.assign(state(), { found, file, script } satisfies Partial<CacheState>);
  // Marked as in use, off the way of the start, so that the clean-up (`removeOutdatedCaches`) keeps it.
  if (found === 'used') fs.utimes(file!, new Date(), new Date(), () => undefined);
  const module = new Module(bundle);
  module.filename = bundle;
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run.call(module.exports, module.exports, Module.createRequire(bundle), module, bundle, path.dirname(bundle));
}

/**
 * Writes the cache when this run had none it could use, with every function compiled so far:
 * called once the program has done what it does first (the server's first check, the command
 * line's run), so that the next start compiles none of it.
 */
export function saveCompileCache(): void {
  const cache = state();
  if ((cache.found !== 'missing' && cache.found !== 'rejected') || cache.written || !cache.file || !cache.script)
    return;
  try {
    fs.mkdirSync(path.dirname(cache.file), { recursive: true, mode: 0o700 });
    // Another process may read it meanwhile, or write its own: each writes a file of its own, then renames it.
    const partial = `${cache.file}.${process.pid}`;
    // Under the flags the next start reads it with: V8 may have changed one since (see setV8Flags).
    setV8Flags();
    fs.writeFileSync(partial, cache.script.createCachedData(), { mode: 0o600 });
    fs.renameSync(partial, cache.file);
    cache.written = true;
  } catch {
    cache.written = 'failed';
  }
  cache.script = undefined;
  if (cache.written !== true) return;
  try {
    removeOutdatedCaches(cache.file);
  } catch {
    // The clean-up is a courtesy: the next write tries again.
  }
}

export function compileCacheStatus(): CompileCacheStatus {
  const { found, written } = state();
  return { found, written };
}

/**
 * `<folder>/<bundle name>-<hash of its path and the runtime>-<size>-<mtime>.bin`, or none when
 * disabled. The runtime includes Node's options, which may set V8 flags: a process started with
 * other flags (`--inspect`, `--expose-gc`) keeps a cache of its own rather than refusing and
 * overwriting the other's at every start.
 */
function cacheFileFor(bundle: string): string | undefined {
  const folder = cacheFolder();
  if (!folder) return undefined;
  const { size, mtimeMs } = fs.statSync(bundle);
  const runtime = [bundle, process.versions.v8, process.arch, process.env.NODE_OPTIONS ?? '', ...process.execArgv].join(
    '\0',
  );
  return path.join(folder, `${path.basename(bundle, '.js')}-${fnv1a(runtime)}-${size}-${Math.trunc(mtimeMs)}.bin`);
}

function cacheFolder(): string | undefined {
  const { env } = process;
  if (env.KUBE_ENDPOINTS_DISABLE_COMPILE_CACHE === '1') return undefined;
  if (env.KUBE_ENDPOINTS_COMPILE_CACHE) return path.resolve(env.KUBE_ENDPOINTS_COMPILE_CACHE);
  const home = os.homedir();
  const userCache =
    process.platform === 'win32'
      ? env.LOCALAPPDATA
      : process.platform === 'darwin'
        ? home && path.join(home, 'Library', 'Caches')
        : env.XDG_CACHE_HOME || (home && path.join(home, '.cache'));
  return userCache ? path.join(userCache, 'kube-endpoints', 'compile-cache') : undefined;
}

function readIfPresent(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}

/** A cache (or an unfinished write of one) this long unused is removed when another is written. */
const UNUSED_FOR_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * The same bundle's caches for earlier builds (same path and runtime, other size or time), never
 * read again, and every cache of the folder unused for 30 days: those of earlier versions of the
 * extension (another path), of runtimes no longer installed, writes a killed process left.
 */
function removeOutdatedCaches(file: string): void {
  const folder = path.dirname(file);
  const name = path.basename(file);
  const sameBundle = name.split('-').slice(0, -2).join('-') + '-';
  const unusedSince = Date.now() - UNUSED_FOR_MS;
  for (const other of fs.readdirSync(folder)) {
    if (other === name || !/\.bin(\.\d+)?$/.test(other)) continue;
    const otherPath = path.join(folder, other);
    // Another process's clean-up may have removed it since the listing.
    const modified = fs.statSync(otherPath, { throwIfNoEntry: false })?.mtimeMs ?? Infinity;
    if ((other.startsWith(sameBundle) && other.endsWith('.bin')) || modified < unusedSince) {
      fs.rmSync(otherPath, { force: true });
    }
  }
}

/** 32-bit FNV-1a, in hex: a short, stable name for a path and a runtime (no need to load `crypto`). */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, '0');
}
