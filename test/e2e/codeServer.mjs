// Helpers to run VS Code for real in end-to-end tests: a throw-away code-server (VS Code
// 1.100 served to a browser) driven by Debian's Chromium through playwright-core.
//
// Everything here works offline. code-server and playwright-core come from the cache folder
// that test/e2e/setup.sh fills (.e2e-cache/ at the repository root, or $E2E_CACHE), never
// from the project's node_modules, so the extension's own dependency tree stays untouched.
//
// Typical use (see README.md in this folder):
//   const server = await startCodeServer({ extensions: ['kube-endpoints.vsix'] });
//   const browser = await launchBrowser();
//   const page = await browser.openWorkbench(server, workspaceFolder);
//   ... workbench helpers (re-exported from ./workbench.mjs) ...
//   await browser.close(); await server.stop();
//
// Plain ESM JavaScript on purpose: it runs with `node` on Node 20 without a build step and
// stays out of the project's tsc/eslint setup.

import { spawn, execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { once } from 'node:events';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { killTree, stopTree } from './processes.mjs';
import { waitForWorkbench } from './workbench.mjs';

export * from './workbench.mjs';

const execFileAsync = promisify(execFile);

export const E2E_DIR = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(E2E_DIR, '..', '..');
export const CACHE_DIR = process.env.E2E_CACHE ?? path.join(REPO_ROOT, '.e2e-cache');
export const CODE_SERVER_BIN = path.join(CACHE_DIR, 'node_modules', '.bin', 'code-server');
export const CHROMIUM_PATH = process.env.E2E_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOTS_DIR = path.join(E2E_DIR, 'screenshots');

/** Set E2E_KEEP=1 to keep temp folders (logs, user data) after a run for debugging. */
const KEEP_TEMP = process.env.E2E_KEEP === '1';

/**
 * Flags for Chromium on these machines. The network is closed, so everything that phones
 * home (background networking, component updates, sync, QUIC) is switched off: otherwise
 * Chromium keeps retrying refused connections. --no-sandbox because tests run as root.
 * (--headless is added by playwright itself from the `headless` launch option.)
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/**
 * User settings for the throw-away profile. Each one removes a source of flakiness: pages
 * and notifications that open on their own and steal focus, update and gallery checks that
 * cannot succeed offline, and the minimap that would render extra text nodes.
 */
export const DEFAULT_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'git.enabled': false,
  'editor.minimap.enabled': false,
  'files.autoSave': 'off',
  'chat.commandCenter.enabled': false,
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

/** Loads playwright-core from the e2e cache (it is not a project dependency). */
export function loadPlaywright() {
  const require = createRequire(path.join(CACHE_DIR, 'node_modules', 'noop.js'));
  try {
    return require('playwright-core');
  } catch (err) {
    throw new Error(`playwright-core not found in ${CACHE_DIR}: run 'bash test/e2e/setup.sh' first (${err.message})`);
  }
}

function assertInstalled() {
  if (!fs.existsSync(CODE_SERVER_BIN)) {
    throw new Error(`code-server not found at ${CODE_SERVER_BIN}: run 'bash test/e2e/setup.sh' first`);
  }
}

/** Asks the kernel for a free TCP port on 127.0.0.1 (closed again before returning). */
export async function freePort() {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

/**
 * Copies a fixture folder to a fresh temp folder. Quick fixes and saves write to disk, so
 * each run (or test) gets its own copy and fixtures in the repository stay pristine.
 * With `name`, the copy is `<temp>/<name>`, so the workbench shows that folder name
 * (handy in screenshots) instead of a random one. Remove it with `removeWorkspace`.
 */
export async function copyWorkspace(sourceDir, { prefix = 'kube-e2e-ws-', name } = {}) {
  const temp = await fsp.mkdtemp(path.join(os.tmpdir(), prefix));
  const target = name ? path.join(temp, name) : temp;
  await fsp.cp(sourceDir, target, { recursive: true });
  return target;
}

/** Deletes a folder made by copyWorkspace (kept with E2E_KEEP=1, for a look after a run). */
export async function removeWorkspace(workspace, { prefix = 'kube-e2e-ws-' } = {}) {
  if (KEEP_TEMP || !workspace) return;
  // The temp folder itself, when the copy was made in a named subfolder of it.
  const parent = path.dirname(workspace);
  const temp = path.basename(parent).startsWith(prefix) ? parent : workspace;
  await fsp.rm(temp, { recursive: true, force: true });
}

/**
 * Installs one extension into an extensions dir: a `.vsix` through code-server's own CLI
 * (exactly what a user does), or an unpacked extension folder by copying it to
 * `<extensionsDir>/<publisher>.<name>-<version>`, which VS Code picks up when it scans.
 */
export async function installExtension(extension, { userDataDir, extensionsDir, env }) {
  const stat = await fsp.stat(extension);
  if (stat.isDirectory()) {
    const manifest = JSON.parse(await fsp.readFile(path.join(extension, 'package.json'), 'utf8'));
    const id = `${manifest.publisher}.${manifest.name}-${manifest.version}`.toLowerCase();
    await fsp.cp(extension, path.join(extensionsDir, id), { recursive: true });
    return id;
  }
  const { stdout } = await execFileAsync(
    CODE_SERVER_BIN,
    [
      '--user-data-dir',
      userDataDir,
      '--extensions-dir',
      extensionsDir,
      '--install-extension',
      path.resolve(extension),
      '--force',
    ],
    { env, timeout: 120_000 },
  );
  if (!/successfully installed/i.test(stdout)) {
    throw new Error(`installing ${extension} failed:\n${stdout}`);
  }
  return stdout.trim();
}

/**
 * Starts a throw-away code-server on 127.0.0.1 and a free port, with a fresh user-data
 * dir, extensions dir and XDG dirs in one temp folder (code-server otherwise writes its
 * config and state under ~/.config and ~/.local/share).
 *
 * @param {object} [options]
 * @param {string[]} [options.extensions]  `.vsix` files or unpacked extension folders.
 * @param {string}  [options.folder]       Folder the server opens by default.
 * @param {object}  [options.settings]     User settings merged over DEFAULT_SETTINGS.
 * @param {object}  [options.env]          Extra environment for the server (and so for
 *                                         the extension host and language servers).
 * @param {number}  [options.timeoutMs]    How long to wait for /healthz.
 * @returns {Promise<{port:number, url:string, pid:number, tempDir:string, userDataDir:string,
 *   extensionsDir:string, logFile:string, folderUrl:(folder:string)=>string, readLog:()=>string,
 *   stop:()=>Promise<void>}>}
 */
export async function startCodeServer(options = {}) {
  assertInstalled();
  const { extensions = [], folder, settings = {}, timeoutMs = 30_000 } = options;
  const tempDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'kube-e2e-cs-'));
  const userDataDir = path.join(tempDir, 'user-data');
  const extensionsDir = path.join(tempDir, 'extensions');
  const xdgConfig = path.join(tempDir, 'xdg-config');
  const xdgData = path.join(tempDir, 'xdg-data');
  const xdgCache = path.join(tempDir, 'xdg-cache');
  for (const dir of [path.join(userDataDir, 'User'), extensionsDir, xdgConfig, xdgData, xdgCache]) {
    await fsp.mkdir(dir, { recursive: true });
  }
  await fsp.writeFile(
    path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ ...DEFAULT_SETTINGS, ...settings }, null, 2),
  );

  const env = {
    ...process.env,
    XDG_CONFIG_HOME: xdgConfig,
    XDG_DATA_HOME: xdgData,
    XDG_CACHE_HOME: xdgCache,
    ...options.env,
  };
  // Variables of an outer VS Code / code-server (when tests run in one) confuse the child.
  for (const key of Object.keys(env)) {
    if (key.startsWith('VSCODE_') || key === 'ELECTRON_RUN_AS_NODE') delete env[key];
  }

  for (const extension of extensions) {
    await installExtension(extension, { userDataDir, extensionsDir, env });
  }

  const port = await freePort();
  const logFile = path.join(tempDir, 'code-server.log');
  const logFd = fs.openSync(logFile, 'a');
  const args = [
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    extensionsDir,
  ];
  if (folder) args.push(folder);
  // detached: the server leads its own process group, so stop() can signal the whole
  // tree (extension host, language servers, pty host) in one go and nothing outlives the run.
  const child = spawn(CODE_SERVER_BIN, args, { env, detached: true, stdio: ['ignore', logFd, logFd] });
  fs.closeSync(logFd);
  const exited = once(child, 'exit');
  // Last resort if the test process exits without calling stop() (an uncaught error):
  // 'exit' handlers must be synchronous, so this is a plain SIGKILL of the tree.
  const killOnExit = () => killTree(child.pid, 'SIGKILL');
  let stopping;
  process.once('exit', killOnExit);

  const base = `http://127.0.0.1:${port}`;
  const server = {
    port,
    url: `${base}/`,
    pid: child.pid,
    tempDir,
    userDataDir,
    extensionsDir,
    logFile,
    folderUrl: (dir) => `${base}/?folder=${encodeURIComponent(path.resolve(dir))}`,
    readLog: () => fs.readFileSync(logFile, 'utf8'),
    /** Stops code-server and every process it started; safe to call more than once. */
    stop() {
      stopping ??= (async () => {
        process.removeListener('exit', killOnExit);
        await stopTree(child.pid);
        await exited;
        if (!KEEP_TEMP) await fsp.rm(tempDir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };

  try {
    await waitForHealthz(base, timeoutMs, exited);
  } catch (err) {
    const log = server.readLog();
    await server.stop();
    throw new Error(`${err.message}\n--- code-server log ---\n${log}`);
  }
  return server;
}

/** Polls /healthz until code-server answers; fails at once if the process exits first. */
async function waitForHealthz(base, timeoutMs, exited) {
  let exitInfo;
  exited.then(([code, signal]) => {
    exitInfo = `code-server exited early (code ${code}, signal ${signal})`;
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exitInfo) throw new Error(exitInfo);
    try {
      const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {
      // Not listening yet: poll again shortly.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`code-server did not answer ${base}/healthz within ${timeoutMs} ms`);
}

/**
 * Launches Debian's Chromium through playwright-core (never `playwright install`: that
 * downloads a browser, which this machine cannot do). Returns the browser with an
 * `openWorkbench(server, folder)` shortcut and a `close()`.
 *
 * @param {object} [options]
 * @param {boolean} [options.headless] default true; E2E_HEADED=1 shows the window (needs a display).
 * @param {{width:number,height:number}} [options.viewport]
 */
export async function launchBrowser(options = {}) {
  const { chromium } = loadPlaywright();
  const headless = options.headless ?? process.env.E2E_HEADED !== '1';
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless,
    args: CHROMIUM_ARGS,
    // playwright gives each launch a fresh temporary profile (user-data dir) and removes it.
  });
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1400, height: 900 } });
  const consoleLines = [];

  return {
    browser,
    context,
    /** Browser console lines and page errors, handy in a failure message. */
    consoleLines,
    /** Opens `folder` in the server's workbench and waits until it is usable. */
    async openWorkbench(server, folder, { timeoutMs = 60_000 } = {}) {
      const page = await context.newPage();
      page.on('console', (msg) => consoleLines.push(`[${msg.type()}] ${msg.text()}`));
      page.on('pageerror', (err) => consoleLines.push(`[pageerror] ${err.message}`));
      await page.goto(folder ? server.folderUrl(folder) : server.url);
      await waitForWorkbench(page, { timeoutMs });
      return page;
    },
    async close() {
      await context.close().catch(() => {});
      await browser.close();
    },
  };
}

/** Saves a PNG of the page into test/e2e/screenshots/ (git-ignored) and returns its path. */
export async function screenshot(page, name) {
  await fsp.mkdir(SCREENSHOTS_DIR, { recursive: true });
  const file = path.join(SCREENSHOTS_DIR, `${name.replace(/[^\w.-]+/g, '_')}.png`);
  await page.screenshot({ path: file });
  return file;
}
