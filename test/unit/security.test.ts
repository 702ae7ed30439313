import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';

/**
 * The server never executes or evaluates anything from the workspace: no child processes, no
 * eval or Function, no module loaded by a computed name, in our code or in the bundle it ships.
 * Its one thread besides the main one runs our own file, named by a literal; its executable
 * runs its bundle, named by a literal, through V8's code cache.
 */
const ROOT = path.resolve(__dirname, '../../..');
const BUNDLE = path.join(ROOT, 'server/out/serverMain.js');
const WORKER_BUNDLE = path.join(ROOT, 'server/out/scanWorker.js');

/** What would run code: processes, evaluation, modules by a computed name, VM contexts, workers. */
const EXECUTING = [
  /child_process/,
  /\beval\s*\(/,
  /\bFunction\s*\(/,
  /\brequire\s*\(/,
  /\bimport\s*\(/,
  /['"](node:)?(vm|worker_threads|cluster)['"]/,
  // vscode-languageserver's `Files` runs npm and yarn to find global modules.
  /[{,]\s*Files\s*[,}]|\bFiles\./,
];

/**
 * The scan's reader thread: the only sources that may use worker_threads; the executables, which
 * load it before a V8 flag (see bin/server.ts), and start no thread (checked below); and the flags'
 * module, which asks whether it runs on the main thread.
 */
const THREAD_SOURCES = new Set([
  path.join('node', 'scan.ts'),
  path.join('node', 'scanWorker.ts'),
  path.join('node', 'v8Flags.ts'),
  path.join('bin', 'server.ts'),
  path.join('bin', 'cli.ts'),
]);
/** The code cache, which compiles the executables' bundles: the only source that may use vm. */
const CACHE_SOURCE = path.join('node', 'compileCache.ts');
/** The bundle's stand-in for child_process, which names what it replaces. */
const ABSENT_MODULES_SOURCE = path.join('node', 'absentModules.ts');
/** The executables, which run the bundle beside them through the code cache. */
const EXECUTABLES = { 'server.js': 'serverMain.js', 'cli.js': 'cliMain.js' };
/** What the code cache loads, and what else each executable loads before its bundle runs (see bin/server.ts). */
const CACHE_MODULES = ['fs', 'module', 'os', 'path', 'v8', 'vm'];
const EXECUTABLE_MODULES: Record<string, string[]> = {
  'server.js': [...CACHE_MODULES, 'net', 'perf_hooks', 'worker_threads'],
  'cli.js': [...CACHE_MODULES, 'fs/promises', 'worker_threads'],
};

/** The modules the bundles may load: Node's own, by a literal name. */
const BUNDLE_MODULES = new Set(['buffer', 'fs', 'net', 'os', 'path', 'process', 'url', 'util', 'v8', 'worker_threads']);

/** Fails when built code evaluates strings (`eval`, `Function`) or imports a module by a computed name. */
function assertEvaluatesNothing(built: string, what: string): void {
  assert.doesNotMatch(built, /\beval\s*\(|\bnew Function\b|\bFunction\s*\(/, what);
  assert.doesNotMatch(built, /\bimport\s*\(/, what);
}

/** The names of the modules a bundle loads. */
function modulesLoadedBy(bundle: string): string[] {
  const loads = [...bundle.matchAll(/\brequire\s*\(\s*([^)]*)\)/g)].map((match) => match[1]);
  return loads.map((argument) => /^"(?:node:)?([a-z_][a-z0-9_/]*)"$/.exec(argument)?.[1] ?? argument);
}

describe('nothing from the workspace is executed', () => {
  test('the server sources spawn no process, evaluate nothing and load no module by a computed name', () => {
    const sources = fs
      .readdirSync(path.join(ROOT, 'server/src'), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts'));
    assert.ok(sources.length > 50, 'the sources are found');
    const offending = sources.flatMap((file) => {
      const text = fs.readFileSync(path.join(ROOT, 'server/src', file), 'utf8');
      const allowed = THREAD_SOURCES.has(file)
        ? text.replace(/['"]node:worker_threads['"]/g, '')
        : file === CACHE_SOURCE
          ? text.replace(/['"]node:vm['"]/g, '')
          : file === ABSENT_MODULES_SOURCE
            ? text.replace(/child_process/g, '')
            : text;
      return EXECUTING.filter((pattern) => pattern.test(allowed)).map((pattern) => `${file}: ${String(pattern)}`);
    });
    assert.deepEqual(offending, []);
  });

  test('the one thread the server starts runs its own reader, named by a literal', () => {
    const sources = [...THREAD_SOURCES].map((file) => fs.readFileSync(path.join(ROOT, 'server/src', file), 'utf8'));
    const starts = sources.flatMap((text) =>
      [...text.matchAll(/new (?:[\w$]+\.)?Worker\(.*/g)].map((match) => match[0]),
    );
    assert.equal(starts.length, 1);
    assert.ok(starts[0].startsWith("new Worker(path.join(__dirname, 'scanWorker.js'), {"), starts[0]);
    const bundle = fs.readFileSync(BUNDLE, 'utf8');
    // Minified names may hold `$`.
    assert.equal([...bundle.matchAll(/new [\w$]+\.Worker\(|new Worker\(/g)].length, 1);
    assert.match(bundle, /\.Worker\([\w$]+\.join\(__dirname,"scanWorker\.js"\)/);
    const unexpected = modulesLoadedBy(fs.readFileSync(WORKER_BUNDLE, 'utf8')).filter(
      (name) => !BUNDLE_MODULES.has(name),
    );
    assert.deepEqual(unexpected, []);
  });

  test('the bundle evaluates nothing and loads only built-in modules by literal names, never child_process', () => {
    const bundle = fs.readFileSync(BUNDLE, 'utf8');
    assertEvaluatesNothing(bundle, 'serverMain.js');
    // vscode-languageserver's `Files` would load child_process: the bundle has a stand-in (node/absentModules.ts).
    const unexpected = modulesLoadedBy(bundle).filter((name) => !BUNDLE_MODULES.has(name));
    assert.deepEqual(unexpected, []);
  });

  test('the executables run only the bundle beside them, named by a literal, and load only built-in modules', () => {
    for (const [executable, bundle] of Object.entries(EXECUTABLES)) {
      const source = fs.readFileSync(path.join(ROOT, 'server/src/bin', executable.replace(/\.js$/, '.ts')), 'utf8');
      const runs = [...source.matchAll(/runWithCompileCache\((.*)\);/g)].map((match) => match[1]);
      assert.deepEqual(runs, [`path.join(__dirname, '${bundle}')`], executable);
      const built = fs.readFileSync(path.join(ROOT, 'server/out', executable), 'utf8');
      assertEvaluatesNothing(built, executable);
      assert.deepEqual(new Set(modulesLoadedBy(built)), new Set(EXECUTABLE_MODULES[executable]), executable);
    }
  });
});
