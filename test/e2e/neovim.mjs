// Runs a language server under Neovim's built-in LSP client (Debian's neovim 0.7.2), a
// second real editor next to code-server. The work is done by neovim-lsp.lua inside
// `nvim --headless`; this module writes its config, runs it with a time limit, and
// returns its JSON result.
//
// What Neovim 0.7 is, as a client (so tests expect the right things): push diagnostics
// only (no textDocument/diagnostic pulls), no file watching, UTF-16 positions, no VS Code
// settings such as [yaml] editor.tabSize, no snippets unless claimed, no dynamic
// registration claimed.
//
// Example:
//   const r = await runNeovimLsp({
//     cmd: ['node', 'server/out/server.js', '--stdio'],
//     rootDir: workspace,
//     files: ['k8s/service.yaml'],
//     apply: 'Create Endpoints for web',
//   });
//   r.diagnostics['k8s/service.yaml'], r.codeActions, r.diagnosticsAfter, r.files[...]

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { killGroup, stopTree } from './processes.mjs';

const E2E_DIR = path.dirname(fileURLToPath(import.meta.url));
export const NVIM_BIN = process.env.E2E_NVIM ?? 'nvim';
export const NVIM_LSP_SCRIPT = path.join(E2E_DIR, 'neovim-lsp.lua');

/**
 * @typedef {object} NeovimLspOptions
 * @property {string[]} cmd          Server command, e.g. ['node', 'server.js', '--stdio'].
 * @property {string} rootDir        Workspace root (root_dir and the one workspace folder).
 * @property {string[]} files        Files to open and attach, relative to rootDir.
 * @property {string} [filetype]     Neovim filetype, which becomes the languageId ('yaml').
 * @property {object} [settings]     Answers to workspace/configuration (by dotted section).
 * @property {object} [initializationOptions]
 * @property {Record<string, number>} [minDiagnostics]  Per file (relative path, opened or
 *                                   not): wait until at least this many diagnostics are
 *                                   published for it. Without it, the first publish for any
 *                                   file ends the wait.
 * @property {boolean} [waitForAllFiles]  Also wait until every opened file got a publish
 *                                   (only for servers that publish empty lists for clean files).
 * @property {string} [codeActionsFor]  File whose diagnostics get code-action requests
 *                                   (default: the first file).
 * @property {string} [apply]        Title of the code action to apply, then write all
 *                                   buffers and wait for the diagnostics published after.
 * @property {Record<string, number>} [countsAfter]  After `apply`: wait until these files
 *                                   have exactly these numbers of diagnostics (default:
 *                                   until any new publish arrives).
 * @property {string} [messageRequestAnswer]  Action title to answer showMessageRequest
 *                                   with (default: the first action offered).
 * @property {number} [timeoutMs]    Limit for each wait inside Neovim (default 20 s).
 * @property {string} [logLevel]     vim.lsp log level ('debug' to trace messages).
 * @property {object} [env]          Extra environment for Neovim and so for the server.
 */

/**
 * Runs Neovim headless with neovim-lsp.lua and resolves with its result object:
 * { ok, diagnostics, publishCounts, codeActions, applied, diagnosticsAfter, files,
 *   messages, logMessages, messageRequests, configurationRequests, registrations,
 *   serverCapabilities, lspLog, stderr }.
 * Rejects when Neovim fails, times out, or the script reports an error (with its stderr
 * and the tail of the LSP log in the message).
 *
 * @param {NeovimLspOptions} options
 */
export async function runNeovimLsp(options) {
  const tempDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'kube-e2e-nvim-'));
  const configFile = path.join(tempDir, 'config.json');
  const output = path.join(tempDir, 'result.json');
  const timeoutMs = options.timeoutMs ?? 20_000;
  const { env: extraEnv, ...rest } = options;
  await fsp.writeFile(
    configFile,
    JSON.stringify({ ...rest, rootDir: path.resolve(options.rootDir), timeoutMs, output }),
  );

  // XDG dirs in the temp folder: Neovim writes its LSP log (and would write state) there,
  // so runs stay independent and the log can be shown when something fails.
  const env = {
    ...process.env,
    XDG_CONFIG_HOME: path.join(tempDir, 'config'),
    XDG_DATA_HOME: path.join(tempDir, 'data'),
    XDG_STATE_HOME: path.join(tempDir, 'state'),
    XDG_CACHE_HOME: path.join(tempDir, 'cache'),
    NVIM_LSP_E2E_CONFIG: configFile,
    ...extraEnv,
  };
  // --clean: no user config or plugins; -u NONE: no init file; -n: no swap files in the
  // workspace; -i NONE: no shada. stdin is /dev/null so Neovim never waits on a terminal.
  const args = ['--headless', '--clean', '-u', 'NONE', '-n', '-i', 'NONE', '-c', `luafile ${NVIM_LSP_SCRIPT}`];
  const child = spawn(NVIM_BIN, args, {
    cwd: options.rootDir,
    env,
    detached: true, // own process group, so the server it started goes down with it
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = once(child, 'exit');

  // Each wait inside Neovim is bounded by timeoutMs; the whole run gets a few of those
  // plus start-up time before it is killed as hung.
  let timer;
  const limit = new Promise((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs * 4 + 10_000);
  });
  const outcome = await Promise.race([exited, limit]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    await stopTree(child.pid);
    await exited;
  } else {
    // Neovim already stopped the server (shutdown + exit); clear anything of its process
    // group that is still there, such as a server that ignored the exit notification.
    killGroup(child.pid);
  }
  const [code, signal] = await exited;

  let result;
  try {
    result = JSON.parse(await fsp.readFile(output, 'utf8'));
  } catch {
    result = undefined;
  }
  const lspLog = result?.lspLog ? await fsp.readFile(result.lspLog, 'utf8').catch(() => '') : '';
  if (!process.env.E2E_KEEP) await fsp.rm(tempDir, { recursive: true, force: true });

  if (outcome === 'timeout' || code !== 0 || !result?.ok) {
    const why =
      outcome === 'timeout'
        ? 'timed out'
        : result?.error
          ? result.error
          : `exited with code ${code}${signal ? ` (signal ${signal})` : ''}`;
    throw new Error(
      `Neovim LSP run failed: ${why}\n--- nvim stdout ---\n${stdout}\n--- nvim stderr ---\n${stderr}` +
        `\n--- lsp.log (tail) ---\n${lspLog.slice(-4000)}`,
    );
  }
  return { ...result, stderr };
}
