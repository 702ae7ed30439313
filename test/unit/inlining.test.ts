import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

/**
 * The server and the command line cap how much bytecode V8's optimizing compiler inlines
 * (node/inlining.ts) with a flag set at run time, not on Node's command line, so that every
 * editor's way of starting them gets it: V8 must honour it set that way, and both must set it
 * before their own code runs.
 */
const ROOT = path.resolve(__dirname, '../../..');
const INLINING = path.join(ROOT, 'build/server/src/node/inlining.js');

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

test('V8 inlines the probe callee by default, and not once node/inlining has run', () => {
  // Without this, the assertion below would also hold if V8 never inlined the probe at all.
  assert.equal(inlinesCallee([]), true);
  assert.equal(inlinesCallee([INLINING]), false);
});

test('the server and the command line load node/inlining before their programs run', () => {
  // Their programs first; the executables last, after the Node modules they load (see bin/server.ts) and
  // before their bundle runs: V8 takes a code cache only with the flags it was made with.
  const imports = (entry: string) => fs.readFileSync(path.join(ROOT, entry), 'utf8').match(/^import .*$/gm) ?? [];
  for (const entry of ['server/src/server.ts', 'server/src/cli/main.ts']) {
    assert.match(imports(entry)[0] ?? '', /^import '\.{1,2}\/node\/inlining';$/, entry);
  }
  for (const entry of ['server/src/bin/server.ts', 'server/src/bin/cli.ts']) {
    assert.equal(imports(entry).at(-1), "import '../node/inlining';", entry);
  }
});
