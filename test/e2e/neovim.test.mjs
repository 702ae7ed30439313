// The language server under a second real client: Neovim 0.7's built-in LSP client
// (Debian's neovim, headless), talking to server/out/server.js over stdio on a copy of
// examples/. Neovim has push diagnostics only, no file watching, no snippets and no
// resource operations: the server must give it the same findings and a plain-text fix.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { copyWorkspace, removeWorkspace } from './codeServer.mjs';
import { runNeovimLsp } from './neovim.mjs';
import {
  CREATE_ENDPOINTS,
  CROSS_FILE_FIXES,
  EXAMPLE_FINDINGS,
  EXAMPLES_DIR,
  REPO_ROOT,
  findingKeys,
} from './scenarios.mjs';

const SERVER = path.join(REPO_ROOT, 'server', 'out', 'server.js');
const SEVERITIES = [undefined, 'error', 'warning', 'information', 'hint'];

const workspaces = [];
after(async () => {
  for (const workspace of workspaces) await removeWorkspace(workspace);
});

/** LSP diagnostics by file as scenario findings, hints left out (as in VS Code's Problems panel). */
function toFindings(diagnosticsByFile) {
  return Object.entries(diagnosticsByFile ?? {}).flatMap(([file, diagnostics]) =>
    diagnostics
      .filter((d) => (d.severity ?? 1) < 4)
      .map((d) => ({
        file,
        line: d.range.start.line + 1,
        column: d.range.start.character + 1,
        severity: SEVERITIES[d.severity ?? 1],
        code: String(d.code),
      })),
  );
}

/** How many findings each file has: Neovim waits until the server published at least these. */
function countsByFile(findings) {
  const counts = {};
  for (const { file } of findings) counts[file] = (counts[file] ?? 0) + 1;
  return counts;
}

/** Runs Neovim on a fresh copy of examples/ with one file open. */
async function runOnExamples(options) {
  const workspace = await copyWorkspace(EXAMPLES_DIR);
  workspaces.push(workspace);
  const result = await runNeovimLsp({
    cmd: [process.execPath, SERVER, '--stdio'],
    rootDir: workspace,
    minDiagnostics: countsByFile(EXAMPLE_FINDINGS),
    ...options,
  });
  return { workspace, result };
}

test('Neovim: push diagnostics for every file, and the create-Endpoints fix written to disk', async () => {
  const fix = CREATE_ENDPOINTS;
  const original = await fsp.readFile(path.join(EXAMPLES_DIR, fix.file), 'utf8');
  const { workspace, result } = await runOnExamples({
    files: [fix.file],
    apply: fix.preferred,
    // After the fix the file's one finding is the placeholder address.
    countsAfter: { [fix.file]: 1 },
  });

  // Only one file is open: the rest comes from the server's own scan of the workspace.
  assert.deepEqual(findingKeys(toFindings(result.diagnostics)), findingKeys(EXAMPLE_FINDINGS));

  // Neovim 0.7 claims no resource operations: only the in-file variant is offered.
  const [entry] = result.codeActions;
  assert.equal(result.codeActions.length, 1);
  assert.deepEqual(
    entry.actions.map((a) => [a.title, a.isPreferred]),
    [[fix.preferred, true]],
  );
  assert.equal(result.applied, fix.preferred);

  const afterFix = toFindings(result.diagnosticsAfter);
  assert.deepEqual(
    findingKeys(afterFix.filter((f) => f.file === fix.file)),
    findingKeys([fix.placeholderFinding]),
    'the warning is gone; the placeholder address is flagged',
  );
  // Neovim gets no snippets: the placeholder is plain text, and the disk has it.
  const onDisk = await fsp.readFile(path.join(workspace, fix.file), 'utf8');
  assert.equal(onDisk, original + fix.appended);
});

test('Neovim: a fix in one file clears the finding of its partner in a file that is not open', async () => {
  const fix = CROSS_FILE_FIXES.find((f) => f.edits === f.file);
  const { workspace, result } = await runOnExamples({
    files: [fix.file],
    apply: fix.title,
    countsAfter: Object.fromEntries(fix.clears.map((file) => [file, 0])),
  });
  const others = (findings) => findingKeys(findings.filter((f) => !fix.clears.includes(f.file)));
  assert.deepEqual(others(toFindings(result.diagnosticsAfter)), others(EXAMPLE_FINDINGS));
  assert.match(await fsp.readFile(path.join(workspace, fix.edits), 'utf8'), fix.expectText);
});
