// @vscode/test-cli configuration for `npm run test:vscode`: test/vscode/ in desktop VS Code,
// which the runner downloads. For machines that can reach the VS Code download site; CI
// cannot, and runs the same scenarios (test/e2e/scenarios.mjs) in code-server with
// `npm run test:e2e` instead.
import fs from 'node:fs';
import path from 'node:path';
import { defineConfig } from '@vscode/test-cli';
import { copyWorkspace } from './test/e2e/codeServer.mjs';
import { EXAMPLES_DIR } from './test/e2e/scenarios.mjs';

// Fixes are saved to disk: the tests get a copy of examples/, removed when the run ends.
const workspaceFolder = await copyWorkspace(EXAMPLES_DIR, { name: 'examples' });
process.on('exit', () => fs.rmSync(path.dirname(workspaceFolder), { recursive: true, force: true }));

export default defineConfig({
  label: 'examples',
  files: 'build/vscode-test/**/*.test.js',
  // The oldest VS Code the manifest accepts (engines.vscode); 'stable' tests the newest.
  version: process.env.VSCODE_TEST_VERSION ?? '1.91.0',
  workspaceFolder,
  // Other installed extensions stay out; the one under development is always loaded.
  launchArgs: ['--disable-extensions'],
  mocha: { ui: 'tdd', timeout: 60_000 },
});
