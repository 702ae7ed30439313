import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { tempFolder } from '../support/tempFolders';

/**
 * The server and the command line set V8 flags (node/v8Flags.ts) at run time, not on Node's
 * command line, so that every editor's way of starting them gets them: V8 must honour them set
 * that way, and both must set them before their own code runs.
 */
const ROOT = path.resolve(__dirname, '../../..');
const BUILT_NODE = path.join(ROOT, 'build/server/src/node');
const V8_FLAGS = path.join(BUILT_NODE, 'v8Flags.js');

/**
 * A caller made hot with a callee of about 200 bytes of bytecode: under what V8 inlines into one
 * function by default (920 bytes in all, 460 per callee), over the cap of 150.
 */
const PROBE = `
function callee(a, b) {
  let s = 0;
  for (let i = 0; i < a.length; i++) { s += a[i] * b + (a[i] ^ b) - (a[i] % (b + 1)); if (s > 1e9) s = s % 1000; }
  for (let i = 0; i < a.length; i++) { s -= a[i] & b; s += (a[i] | b) >> 1; }
  return s + a.length * b - (b << 2) + (a[0] ?? 0);
}
function caller(a) { return callee(a, 3) + callee(a, 5); }
for (let i = 0; i < 200000; i++) caller([1, 2, 3, 4, 5]);
`;

/** Whether V8's trace says it inlined the probe's callee into its caller, with `preloaded` loaded first. */
function inlinesCallee(preloaded: string[]): boolean {
  const trace = execFileSync(
    process.execPath,
    ['--trace-turbo-inlining', ...preloaded.flatMap((module) => ['--require', module]), '-e', PROBE],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  return /<SharedFunctionInfo callee>} into .*<SharedFunctionInfo caller>}/.test(trace);
}

test('V8 inlines the probe callee by default, and not once node/v8Flags has run', () => {
  // Without this, the assertion below would also hold if V8 never inlined the probe at all.
  assert.equal(inlinesCallee([]), true);
  assert.equal(inlinesCallee([V8_FLAGS]), false);
});

/**
 * The size of V8's young generation once a probe has allocated 300,000 objects that all survive,
 * after `before` has run.
 */
function youngGenerationAfterSurvivors(preloaded: string[], before = ''): number {
  const probe = `
    ${before}
    const keep = [];
    for (let i = 0; i < 300000; i++) keep.push({ a: i, b: [i, i + 1] });
    const young = require('node:v8').getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
    process.stdout.write(String(young.space_size));
  `;
  const args = [...preloaded.flatMap((module) => ['--require', module]), '-e', probe];
  return Number(execFileSync(process.execPath, args, { encoding: 'utf8' }));
}

test('the young generation grows while most of it survives by default, and not once node/v8Flags has run', () => {
  const grown = youngGenerationAfterSurvivors([]);
  const kept = youngGenerationAfterSurvivors([V8_FLAGS]);
  assert.ok(kept < grown, `${kept} < ${grown}`);
  assert.ok(kept <= 4 * 1024 * 1024, `${kept} bytes`);
});

test("the young generation stays small once the scan's reader thread has started", () => {
  // V8 configures the heap of each new thread, which sets the growth factor back for the whole process.
  const folder = tempFolder();
  // The walk changes hands between folders: one file in each.
  for (let i = 0; i < 400; i++) {
    fs.mkdirSync(path.join(folder, `app-${i}`));
    fs.writeFileSync(path.join(folder, `app-${i}`, 'config.yaml'), 'kind: ConfigMap\n');
  }
  const scan = `
    const { readYamlFiles } = require(${JSON.stringify(path.join(BUILT_NODE, 'scan.js'))});
    const { ExcludeFilter } = require(${JSON.stringify(path.join(BUILT_NODE, 'workspaceFiles.js'))});
    const files = readYamlFiles(${JSON.stringify(folder)}, new ExcludeFilter(), 1_000_000);
    let next;
    // A millisecond per file, as parsing takes: the thread has time to start.
    while (!(next = files.next()).done) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
    if (!(next.value > 0)) throw new Error('the reader thread read nothing');
  `;
  const kept = youngGenerationAfterSurvivors([V8_FLAGS], scan);
  assert.ok(kept <= 4 * 1024 * 1024, `${kept} bytes`);
});

test('the server and the command line load node/v8Flags before their programs run', () => {
  // Their programs first; the executables last, after the Node modules they load (see bin/server.ts) and
  // before their bundle runs: V8 takes a code cache only with the flags it was made with.
  const imports = (entry: string) => fs.readFileSync(path.join(ROOT, entry), 'utf8').match(/^import .*$/gm) ?? [];
  for (const entry of ['server/src/server.ts', 'server/src/cli/main.ts']) {
    assert.match(imports(entry)[0] ?? '', /^import '\.{1,2}\/node\/v8Flags';$/, entry);
  }
  for (const entry of ['server/src/bin/server.ts', 'server/src/bin/cli.ts']) {
    assert.equal(imports(entry).at(-1), "import '../node/v8Flags';", entry);
  }
});
