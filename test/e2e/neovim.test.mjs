// The language server under a second real client: Neovim 0.7's built-in LSP client
// (Debian's neovim, headless), talking to server/out/server.js over stdio on a copy of
// examples/. Neovim has push diagnostics only, no file watching, no snippets and no
// resource operations: the server must give it the same findings and a plain-text fix.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { copyWorkspace, removeWorkspace } from './codeServer.mjs';
import { runNeovimLsp } from './neovim.mjs';
import {
  CREATE_ENDPOINTS,
  CROSS_FILE_FIXES,
  EXAMPLE_FINDINGS,
  EXAMPLE_HINTS,
  EXAMPLES_DIR,
  RENAME,
  REPO_ROOT,
  findingKeys,
} from './scenarios.mjs';

const SERVER = path.join(REPO_ROOT, 'server', 'out', 'server.js');
const SEVERITIES = [undefined, 'error', 'warning', 'information', 'hint'];

const workspaces = [];
after(async () => {
  for (const workspace of workspaces) await removeWorkspace(workspace);
});

/** LSP diagnostics by file as scenario findings, hints included (Neovim shows them). */
function toFindings(diagnosticsByFile) {
  return Object.entries(diagnosticsByFile ?? {}).flatMap(([file, diagnostics]) =>
    diagnostics.map((d) => ({
      file,
      line: d.range.start.line + 1,
      column: d.range.start.character + 1,
      severity: SEVERITIES[d.severity ?? 1],
      code: String(d.code),
    })),
  );
}

/** Everything the server publishes for examples/: problems and hints. */
const ALL_FINDINGS = [...EXAMPLE_FINDINGS, ...EXAMPLE_HINTS];
const ofFiles = (findings, files) => findings.filter((f) => files.includes(f.file));

/** How many diagnostics each file has: Neovim waits until the server published at least these. */
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
    minDiagnostics: countsByFile(ALL_FINDINGS),
    ...options,
  });
  return { workspace, result };
}

test('Neovim: push diagnostics for every file, and the create-EndpointSlice fix written to disk', async () => {
  const fix = CREATE_ENDPOINTS;
  const original = await fsp.readFile(path.join(EXAMPLES_DIR, fix.file), 'utf8');
  const { workspace, result } = await runOnExamples({
    files: [fix.file],
    apply: fix.preferred,
    // After the fix the file's one finding is the placeholder address.
    countsAfter: { [fix.file]: 1 },
  });

  // Only one file is open: the rest comes from the server's own scan of the workspace.
  assert.deepEqual(findingKeys(toFindings(result.diagnostics)), findingKeys(ALL_FINDINGS));

  // Neovim 0.7 claims no resource operations: only the in-file variants are offered.
  const [entry] = result.codeActions;
  assert.equal(result.codeActions.length, 1);
  assert.deepEqual(
    entry.actions.map((a) => a.title),
    fix.inFileTitles,
  );
  assert.deepEqual(
    entry.actions.filter((a) => a.isPreferred).map((a) => a.title),
    [fix.preferred],
  );
  assert.equal(result.applied, fix.preferred);

  const afterFix = toFindings(result.diagnosticsAfter);
  assert.deepEqual(
    findingKeys(ofFiles(afterFix, [fix.file])),
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
    // The cleared files keep only their hints.
    countsAfter: Object.fromEntries(fix.clears.map((file) => [file, ofFiles(EXAMPLE_HINTS, [file]).length])),
  });
  const afterFix = toFindings(result.diagnosticsAfter);
  assert.deepEqual(findingKeys(ofFiles(afterFix, fix.clears)), findingKeys(ofFiles(EXAMPLE_HINTS, fix.clears)));
  const others = (findings) => findingKeys(findings.filter((f) => !fix.clears.includes(f.file)));
  assert.deepEqual(others(afterFix), others(ALL_FINDINGS));
  assert.match(await fsp.readFile(path.join(workspace, fix.edits), 'utf8'), fix.expectText);
});

test('Neovim: a workspace reached through a link gets each finding once, though the open file goes by its real path', async () => {
  // Neovim resolves the link and opens the file under its real path, outside the folder
  // the server scanned: the server must take it for the workspace file it already knows.
  // Were it checked twice, its Endpoints would supply the Service's backends from two files.
  const workspace = await copyWorkspace(EXAMPLES_DIR, { name: 'examples' });
  workspaces.push(workspace);
  const linked = path.join(path.dirname(workspace), 'linked');
  await fsp.symlink(workspace, linked);
  const result = await runNeovimLsp({
    cmd: [process.execPath, SERVER, '--stdio'],
    rootDir: linked,
    files: [RENAME.partner],
    minDiagnostics: countsByFile(ALL_FINDINGS),
  });
  assert.deepEqual(findingKeys(toFindings(result.diagnostics)), findingKeys(ALL_FINDINGS));
});

// The Neovim leg of the corpus comparison (test/lsp/sameFindings.test.ts compares the
// command line with the server over a bare stdio connection): on each folder of the real
// manifests in ../shared/corpus, Neovim's client receives exactly what `kube-endpoints
// check` reports, hints included.
const CORPUS = path.resolve(REPO_ROOT, '..', 'shared', 'corpus');
const CLI = path.join(REPO_ROOT, 'server', 'out', 'cli.js');
const corpusFolders = fs.existsSync(CORPUS)
  ? fs.readdirSync(CORPUS).filter((name) => fs.statSync(path.join(CORPUS, name)).isDirectory())
  : [];

for (const repository of corpusFolders) {
  test(`Neovim and the command line agree on the corpus: ${repository}`, async () => {
    const folder = path.join(CORPUS, repository);
    const cli = spawnSync(process.execPath, [CLI, 'check', '.', '--format', 'json'], { cwd: folder, encoding: 'utf8' });
    assert.ok(cli.status === 0 || cli.status === 1, cli.stderr);
    const fromCli = JSON.parse(cli.stdout);
    assert.ok(fromCli.length > 0, `${repository} has findings to compare`);
    const result = await runNeovimLsp({
      cmd: [process.execPath, SERVER, '--stdio'],
      rootDir: folder,
      files: [fromCli[0].file],
      minDiagnostics: countsByFile(fromCli),
      timeoutMs: 60_000,
    });
    assert.deepEqual(findingKeys(toFindings(result.diagnostics)), findingKeys(fromCli));
  });
}
