import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import type { ServerStatsResult } from '../../server/src/features/protocol';
import { folderWith, SERVER_BIN, TestClient, VSCODE_LIKE_CAPABILITIES } from '../support/lspClient';
import { tempFolder } from '../support/tempFolders';

/**
 * The executables keep V8's code cache of their bundles between runs (server/src/node/compileCache.ts):
 * written once the first check is done, used by the next start, refused and written again when
 * damaged, one per build of a bundle, never when turned off; the findings are the same either way.
 */

/** A Service without a selector and without Endpoints: one service-without-endpoints warning. */
const ALPHA = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: alpha\nspec:\n  ports:\n    - port: 80\n';
const OUT = path.dirname(SERVER_BIN);
const CLI_BIN = path.join(OUT, 'cli.js');

/** Starts the server on `workspace` until its first check is done: the cache's status then, and the diagnostics. */
async function firstCheck(
  workspace: string,
  env: NodeJS.ProcessEnv,
  server = SERVER_BIN,
  nodeOptions: string[] = [],
): Promise<{ status: ServerStatsResult['compileCache']; diagnostics: string }> {
  const client = await TestClient.start(workspace, VSCODE_LIKE_CAPABILITIES, {}, undefined, {
    server,
    env,
    nodeOptions,
  });
  try {
    await client.indexingDone();
    const stats: ServerStatsResult = await client.connection.sendRequest('kubeEndpoints/serverStats');
    return {
      status: stats.compileCache,
      diagnostics: JSON.stringify(client.diagnostics.get(client.uri('alpha.yaml'))),
    };
  } finally {
    await client.stop();
  }
}

/** The cache files of the bundle named `bundle` in `folder`. */
function cacheFiles(folder: string, bundle: string): string[] {
  const name = new RegExp(`^${bundle}-[0-9a-f]{8}-\\d+-\\d+\\.bin$`);
  return fs.existsSync(folder) ? fs.readdirSync(folder).filter((file) => name.test(file)) : [];
}

describe("the server's code cache", () => {
  test('is written once the first check is done, and used by the next start', async () => {
    const workspace = folderWith({ 'alpha.yaml': ALPHA });
    const env = { KUBE_ENDPOINTS_COMPILE_CACHE: path.join(tempFolder(), 'cache') };
    const first = await firstCheck(workspace, env);
    assert.deepEqual(first.status, { found: 'missing', written: true });
    assert.match(first.diagnostics, /service-without-endpoints/);
    assert.equal(cacheFiles(env.KUBE_ENDPOINTS_COMPILE_CACHE, 'serverMain').length, 1);
    const second = await firstCheck(workspace, env);
    assert.deepEqual(second.status, { found: 'used', written: false });
    assert.equal(second.diagnostics, first.diagnostics);
  });

  test("is used by the next start of a workspace large enough for the scan's reader thread, as is the command line's", async () => {
    // Starting a thread puts back a V8 flag the executables set (node/v8Flags.ts): a cache written after
    // it was refused by every next start, and written again.
    const files: Record<string, string> = { 'alpha.yaml': ALPHA };
    for (let i = 0; i < 1500; i++) {
      files[`team-${i % 30}/config-${i}.yaml`] = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: config-${i}\n`;
    }
    const workspace = folderWith(files);
    const env = { KUBE_ENDPOINTS_COMPILE_CACHE: tempFolder() };
    assert.deepEqual((await firstCheck(workspace, env)).status, { found: 'missing', written: true });
    assert.deepEqual((await firstCheck(workspace, env)).status, { found: 'used', written: false });
    const check = () => spawnSync(process.execPath, [CLI_BIN, 'check', workspace], { env: { ...process.env, ...env } });
    const cliCache = () =>
      path.join(env.KUBE_ENDPOINTS_COMPILE_CACHE, cacheFiles(env.KUBE_ENDPOINTS_COMPILE_CACHE, 'cliMain')[0]);
    check();
    const written = fs.statSync(cliCache());
    check();
    // Used, so not written again (a written cache is a new file, renamed over the old one).
    assert.equal(fs.statSync(cliCache()).ino, written.ino);
  });

  test('is one per set of Node options, which may set V8 flags: none refuses the other', async () => {
    const workspace = folderWith({ 'alpha.yaml': ALPHA });
    const env = { KUBE_ENDPOINTS_COMPILE_CACHE: tempFolder() };
    await firstCheck(workspace, env);
    const flagged = await firstCheck(workspace, env, SERVER_BIN, ['--expose-gc']);
    assert.deepEqual(flagged.status, { found: 'missing', written: true });
    assert.equal(cacheFiles(env.KUBE_ENDPOINTS_COMPILE_CACHE, 'serverMain').length, 2);
    assert.deepEqual((await firstCheck(workspace, env)).status, { found: 'used', written: false });
    assert.deepEqual((await firstCheck(workspace, env, SERVER_BIN, ['--expose-gc'])).status, {
      found: 'used',
      written: false,
    });
  });

  test('is refused when damaged, and written again', async () => {
    const workspace = folderWith({ 'alpha.yaml': ALPHA });
    const env = { KUBE_ENDPOINTS_COMPILE_CACHE: tempFolder() };
    const first = await firstCheck(workspace, env);
    const [file] = cacheFiles(env.KUBE_ENDPOINTS_COMPILE_CACHE, 'serverMain');
    const damaged = Buffer.alloc(4096, 0xa5);
    fs.writeFileSync(path.join(env.KUBE_ENDPOINTS_COMPILE_CACHE, file), damaged);
    const refused = await firstCheck(workspace, env);
    assert.deepEqual(refused.status, { found: 'rejected', written: true });
    assert.equal(refused.diagnostics, first.diagnostics);
    assert.notDeepEqual(fs.readFileSync(path.join(env.KUBE_ENDPOINTS_COMPILE_CACHE, file)), damaged);
    assert.deepEqual((await firstCheck(workspace, env)).status, { found: 'used', written: false });
  });

  test('is one per build of the bundle: a rebuilt bundle gets its own, the earlier one is removed', async () => {
    const workspace = folderWith({ 'alpha.yaml': ALPHA });
    const env = { KUBE_ENDPOINTS_COMPILE_CACHE: tempFolder() };
    const copy = tempFolder();
    for (const file of ['server.js', 'serverMain.js', 'scanWorker.js']) {
      fs.copyFileSync(path.join(OUT, file), path.join(copy, file));
    }
    const server = path.join(copy, 'server.js');
    assert.deepEqual((await firstCheck(workspace, env, server)).status, { found: 'missing', written: true });
    const [before] = cacheFiles(env.KUBE_ENDPOINTS_COMPILE_CACHE, 'serverMain');
    const later = new Date(Date.now() + 60_000);
    fs.utimesSync(path.join(copy, 'serverMain.js'), later, later);
    assert.deepEqual((await firstCheck(workspace, env, server)).status, { found: 'missing', written: true });
    const after = cacheFiles(env.KUBE_ENDPOINTS_COMPILE_CACHE, 'serverMain');
    assert.equal(after.length, 1);
    assert.notEqual(after[0], before);
  });

  test('keeps the caches in use and removes those unused for 30 days, of any bundle, path or runtime', async () => {
    const workspace = folderWith({ 'alpha.yaml': ALPHA });
    const folder = tempFolder();
    const env = { KUBE_ENDPOINTS_COMPILE_CACHE: folder };
    const longAgo = new Date(Date.now() - 40 * 24 * 60 * 60 * 1000);
    const age = (file: string) => fs.utimesSync(path.join(folder, file), longAgo, longAgo);
    // The command line's cache, written long ago and used today.
    spawnSync(process.execPath, [CLI_BIN, 'check', workspace], { env: { ...process.env, ...env } });
    const [cli] = cacheFiles(folder, 'cliMain');
    age(cli);
    spawnSync(process.execPath, [CLI_BIN, 'check', workspace], { env: { ...process.env, ...env } });
    // Another install's cache and a killed process's unfinished write, both unused since long ago, and a recent one.
    const recent = 'serverMain-11111111-1-1.bin';
    for (const file of ['serverMain-00000000-1-1.bin', 'serverMain-00000000-1-1.bin.4242']) {
      fs.writeFileSync(path.join(folder, file), 'x');
      age(file);
    }
    fs.writeFileSync(path.join(folder, recent), 'x');
    assert.deepEqual((await firstCheck(workspace, env)).status, { found: 'missing', written: true });
    const written = cacheFiles(folder, 'serverMain').filter((file) => file !== recent);
    assert.equal(written.length, 1);
    assert.deepEqual(fs.readdirSync(folder).sort(), [cli, written[0], recent].sort());
  });

  test('that cannot be written leaves the server working, and says so', async () => {
    const workspace = folderWith({ 'alpha.yaml': ALPHA });
    const aFile = path.join(tempFolder(), 'a-file');
    fs.writeFileSync(aFile, '');
    const result = await firstCheck(workspace, { KUBE_ENDPOINTS_COMPILE_CACHE: path.join(aFile, 'cache') });
    assert.deepEqual(result.status, { found: 'missing', written: 'failed' });
    assert.match(result.diagnostics, /service-without-endpoints/);
  });

  test('is neither read nor written when turned off', async () => {
    const workspace = folderWith({ 'alpha.yaml': ALPHA });
    const folder = tempFolder();
    const env = { KUBE_ENDPOINTS_COMPILE_CACHE: folder, KUBE_ENDPOINTS_DISABLE_COMPILE_CACHE: '1' };
    assert.deepEqual((await firstCheck(workspace, env)).status, { found: 'off', written: false });
    assert.deepEqual(fs.readdirSync(folder), []);
  });
});

test("the command line's code cache is written at its end, and gives the same output, damaged or not", () => {
  const workspace = folderWith({ 'alpha.yaml': ALPHA });
  const env = { ...process.env, KUBE_ENDPOINTS_COMPILE_CACHE: tempFolder() };
  const check = () => spawnSync(process.execPath, [CLI_BIN, 'check', workspace], { env, encoding: 'utf8' });
  const first = check();
  assert.match(first.stdout, /service-without-endpoints/);
  const [file] = cacheFiles(env.KUBE_ENDPOINTS_COMPILE_CACHE, 'cliMain');
  assert.ok(file, 'a cache file is written');
  const written = fs.statSync(path.join(env.KUBE_ENDPOINTS_COMPILE_CACHE, file));
  const second = check();
  assert.deepEqual([second.status, second.stdout], [first.status, first.stdout]);
  // Used, so not written again (a written cache is a new file, renamed over the old one).
  assert.equal(fs.statSync(path.join(env.KUBE_ENDPOINTS_COMPILE_CACHE, file)).ino, written.ino);
  fs.writeFileSync(path.join(env.KUBE_ENDPOINTS_COMPILE_CACHE, file), Buffer.alloc(4096, 0xa5));
  const damaged = check();
  assert.deepEqual([damaged.status, damaged.stdout], [first.status, first.stdout]);
});

/**
 * A preload that records which of Node's own modules load after the first V8 flag is set, into the
 * file named by `MODULES_AFTER_FLAG`. The node binary holds V8's code cache of its modules, which
 * V8 refuses once a flag has changed: a module loaded after node/v8Flags' flags is compiled from source.
 */
const MODULES_AFTER_FLAG_PRELOAD = `
const fs = require('node:fs');
const v8 = require('node:v8');
const setFlags = v8.setFlagsFromString;
let flagAt;
v8.setFlagsFromString = (flags) => {
  flagAt ??= process.moduleLoadList.length;
  setFlags(flags);
};
process.on('exit', () => {
  const after = flagAt === undefined ? ['(no flag set)'] : process.moduleLoadList.slice(flagAt);
  fs.writeFileSync(process.env.MODULES_AFTER_FLAG, JSON.stringify(after.filter((m) => !m.startsWith('Internal Binding'))));
});
`;

test("the executables load Node's modules before the V8 flag, where V8 takes their code cache", async () => {
  const workspace = folderWith({ 'alpha.yaml': ALPHA });
  const folder = tempFolder();
  const preload = path.join(folder, 'preload.cjs');
  fs.writeFileSync(preload, MODULES_AFTER_FLAG_PRELOAD);
  const record = path.join(folder, 'modules.json');
  const env = { KUBE_ENDPOINTS_COMPILE_CACHE: path.join(folder, 'cache'), MODULES_AFTER_FLAG: record };
  const loadedAfterTheFlag = () => JSON.parse(fs.readFileSync(record, 'utf8')) as string[];
  // A start that finds its code cache, the usual one (the first writes it, and removes stale ones).
  for (let start = 0; start < 2; start++) await firstCheck(workspace, env, SERVER_BIN, ['--require', preload]);
  assert.deepEqual(loadedAfterTheFlag(), [], 'load them in server/src/bin/server.ts');
  for (let run = 0; run < 2; run++) {
    // Its output through a pipe, as a script reads it.
    const result = spawnSync(process.execPath, ['--require', preload, CLI_BIN, 'check', workspace], {
      env: { ...process.env, ...env },
      encoding: 'utf8',
    });
    assert.match(result.stdout, /service-without-endpoints/);
  }
  assert.deepEqual(loadedAfterTheFlag(), [], 'load them in server/src/bin/cli.ts');
});
