// The extension as users install it, in real VS Code: kube-endpoints.vsix installed into a
// throw-away code-server (VS Code 1.100.3) on 127.0.0.1, driven headless through Debian's
// Chromium, on a copy of examples/. `npm run test:e2e` sets everything up first.
//
// One workbench for the whole file; the steps run in order and build on each other's
// edits only where they say so. Each step waits on what the workbench shows (Problems rows,
// editor text, status bar), never on a fixed sleep, saves a screenshot into
// test/e2e/screenshots/, and on failure names itself and keeps a <step>-FAILED.png.
// E2E_UPDATE_DOCS=1 also copies the screenshots the README shows to docs/images/.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import * as e2e from './codeServer.mjs';
import { commandLine, descendants, environment, parentOf } from './processes.mjs';
import {
  CREATE_ENDPOINTS,
  CROSS_FILE_FIXES,
  EXAMPLE_FINDINGS,
  EXAMPLES_DIR,
  HOVER,
  RENAME,
  REPO_ROOT,
  SNIPPET,
  contributedSnippet,
  findingKeys,
  servicePair,
} from './scenarios.mjs';

const VSIX = path.join(REPO_ROOT, 'kube-endpoints.vsix');
const EXTRA_CA_CERTS = process.env.NODE_EXTRA_CA_CERTS ?? '/etc/ssl/certs/ca-certificates.crt';
const DOCS_IMAGES = path.join(REPO_ROOT, 'docs', 'images');
const UPDATE_DOCS = process.env.E2E_UPDATE_DOCS === '1';

/** Copies a step's screenshot over the README image of the same scene (E2E_UPDATE_DOCS=1). */
async function updateDocsImage(screenshotFile, imageName) {
  if (!UPDATE_DOCS) return;
  await fsp.mkdir(DOCS_IMAGES, { recursive: true });
  await fsp.copyFile(screenshotFile, path.join(DOCS_IMAGES, imageName));
}
/** A step's own limit; every wait inside it has a shorter one and says what it waited for. */
const STEP_TIMEOUT = 120_000;

let server;
let browser;
let page;
let workspace;

const inWorkspace = (file) => path.join(workspace, file);

before(async () => {
  assert.ok(fs.existsSync(VSIX), `${VSIX} is missing: run 'npm run package' (npm run test:e2e does)`);
  // Screenshots of an earlier run would pass for this run's.
  await fsp.rm(e2e.SCREENSHOTS_DIR, { recursive: true, force: true });
  workspace = await e2e.copyWorkspace(EXAMPLES_DIR, { name: 'examples' });
  // As a corporate set-up has it: the client must not pass it on to the server (see the Problems step).
  server = await e2e.startCodeServer({ extensions: [VSIX], env: { NODE_EXTRA_CA_CERTS: EXTRA_CA_CERTS } });
  browser = await e2e.launchBrowser();
  page = await browser.openWorkbench(server, workspace);
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await e2e.removeWorkspace(workspace);
});

/** Takes a screenshot with the mouse parked where it raises no hover, and returns its path. */
async function shot(name) {
  await page.mouse.move(150, 700);
  return e2e.screenshot(page, name);
}

let steps = 0;
/**
 * One step of the scenario, as a test named "NN title". On failure it saves NN-FAILED.png
 * and puts the step and the screenshot's path in front of the error.
 */
function step(title, fn) {
  const id = String(++steps).padStart(2, '0');
  test(`${id} ${title}`, { timeout: STEP_TIMEOUT }, async () => {
    assert.ok(page, 'the workbench never opened (see the error of the before hook)');
    try {
      await fn({ shot: (name) => shot(`${id}-${name}`) });
    } catch (err) {
      const file = await shot(`${id}-FAILED`).catch(() => undefined);
      const where = `step ${id} "${title}" failed; screenshot: ${file ? path.relative(REPO_ROOT, file) : 'none'}`;
      if (err instanceof Error) {
        err.message = `${where}\n${err.message}`;
        err.stack = `${where}\n${err.stack}`;
      }
      throw err;
    }
  });
}

/** Problems rows as scenario findings: { file, line, column, severity, code }. */
function toFindings(markers) {
  return markers.map((m) => ({
    file: m.folder ? `${m.folder}/${m.fileName}` : m.fileName,
    line: m.line,
    column: m.character,
    severity: m.severity === 'info' ? 'information' : m.severity,
    code: m.code,
  }));
}

/**
 * Waits until the Problems panel's findings satisfy `predicate(findings)` and returns them;
 * on timeout says `what` it waited for and what the panel showed.
 */
async function waitForFindings(what, predicate, { timeoutMs = 30_000 } = {}) {
  try {
    return toFindings(await e2e.waitForProblems(page, (ms) => predicate(toFindings(ms)), { timeoutMs }));
  } catch (err) {
    throw new Error(`waiting for ${what}: ${err.message}`);
  }
}

const ofFiles = (findings, files) => findings.filter((f) => files.includes(f.file));
const notOfFiles = (findings, files) => findings.filter((f) => !files.includes(f.file));

/** Waits until a file on disk satisfies `predicate(text)` (a save lands asynchronously). */
async function waitForFile(file, predicate, what, { timeoutMs = 10_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await fsp.readFile(inWorkspace(file), 'utf8').catch(() => undefined);
    if (text !== undefined && predicate(text)) return text;
    if (Date.now() > deadline) throw new Error(`${file} on disk never got ${what}; it reads:\n${text}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

step('opens a copy of examples/ with the extension installed from its .vsix', async ({ shot }) => {
  const installed = await fsp.readdir(server.extensionsDir);
  assert.ok(
    installed.some((dir) => dir.startsWith('kube-endpoints.kube-endpoints-')),
    `extension not installed: ${installed}`,
  );
  // The explorer lists the workspace's folders: the one opened is the copy.
  const rows = await page
    .locator('.explorer-folders-view .monaco-list-row')
    .evaluateAll((els) => els.map((el) => el.getAttribute('aria-label')));
  for (const folder of ['auth', 'cache', 'etcd', 'legacy']) assert.ok(rows.includes(folder), `${folder} in ${rows}`);
  await shot('workspace');
});

step('the Problems panel lists every finding of examples/, from files never opened', async ({ shot }) => {
  const expected = findingKeys(EXAMPLE_FINDINGS);
  let findings;
  try {
    findings = await waitForFindings(
      'the findings of examples/',
      (found) => JSON.stringify(findingKeys(found)) === JSON.stringify(expected),
      { timeoutMs: 60_000 },
    );
  } catch (err) {
    // Show the difference rather than the raw rows.
    const shown = toFindings((await e2e.readProblems(page)).filter((r) => r.level === 2));
    assert.deepEqual(findingKeys(shown), expected, err.message);
    throw err;
  }
  assert.deepEqual(findingKeys(findings), expected);
  assert.equal(await page.locator('.tab').count(), 0, 'no editor was opened');
  const markers = (await e2e.readProblems(page)).filter((r) => r.level === 2);
  assert.deepEqual([...new Set(markers.map((m) => m.source))], ['kube-endpoints']);
  await shot('problems');
  // Its first check done, the server keeps V8's code cache of its bundle in the extension's global
  // storage, where the client tells it to (client/src/extension.ts).
  const storage = path.join(server.userDataDir, 'User', 'globalStorage', 'kube-endpoints.kube-endpoints');
  const cache = path.join(storage, 'compile-cache');
  const deadline = Date.now() + 10_000;
  const cached = () => fs.existsSync(cache) && fs.readdirSync(cache).some((f) => /^serverMain-.*\.bin$/.test(f));
  while (!cached() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  assert.ok(cached(), `no code cache of the server in ${cache}`);
  // The client starts the server without the extension host's NODE_EXTRA_CA_CERTS, whose
  // certificates Node would parse before the server's first line (client/src/serverEnvironment.ts).
  const isServerModule = (arg) =>
    arg.startsWith(server.extensionsDir) && arg.endsWith(path.join('server', 'out', 'server.js'));
  const servers = descendants(server.pid).filter((pid) => commandLine(pid).some(isServerModule));
  assert.equal(servers.length, 1, `one kube-endpoints server among the processes of code-server: ${servers}`);
  assert.equal(environment(parentOf(servers[0])).get('NODE_EXTRA_CA_CERTS'), EXTRA_CA_CERTS, 'the extension host');
  assert.equal(environment(servers[0]).get('NODE_EXTRA_CA_CERTS'), undefined, 'the server');
  assert.equal(environment(servers[0]).get('KUBE_ENDPOINTS_COMPILE_CACHE'), cache);
});

step(`the preferred quick fix creates the EndpointSlice of ${CREATE_ENDPOINTS.file}`, async ({ shot }) => {
  const fix = CREATE_ENDPOINTS;
  const original = await fsp.readFile(inWorkspace(fix.file), 'utf8');
  await e2e.openFile(page, fix.file);
  await e2e.goToPosition(page, fix.line, fix.column);
  assert.deepEqual(await e2e.openQuickFixes(page), fix.titles);
  const menu = await shot('quick-fix-menu');
  await e2e.chooseQuickFix(page, fix.preferred);

  // The EndpointSlice document appears below the Service, with its address a snippet tab
  // stop: the placeholder is selected, ready to be typed over.
  await e2e.waitForEditorText(page, (text) => text.includes(fix.kindLine) && text.includes(fix.placeholder));
  await e2e.waitForEditorSelection(page, new RegExp(`\\(${fix.placeholder.length} selected\\)`));
  // The warning is gone; the placeholder is flagged until a real address replaces it.
  await waitForFindings(
    'the warning to give way to the placeholder finding',
    (found) =>
      JSON.stringify(findingKeys(ofFiles(found, [fix.file]))) === JSON.stringify(findingKeys([fix.placeholderFinding])),
  );
  await shot('fix-applied');

  await page.locator('.part.editor .editor-group-container.active .monaco-editor.focused').waitFor();
  await page.keyboard.type(fix.address);
  await e2e.waitForEditorText(page, (text) => text.includes(`- ${fix.address}\n`));
  await waitForFindings('the file to be clean', (found) => ofFiles(found, [fix.file]).length === 0);
  await e2e.saveActiveEditor(page);
  const expected = original + fix.appended.replace(fix.placeholder, fix.address);
  await waitForFile(fix.file, (text) => text === expected, 'the Service followed by its new EndpointSlice');
  const result = await shot('fixed');
  await updateDocsImage(menu, 'quick-fix.png');
  await updateDocsImage(result, 'quick-fix-applied.png');
});

for (const fix of CROSS_FILE_FIXES) {
  step(`${fix.name}: "${fix.title}" in ${fix.file} clears ${fix.clears.join(' and ')}`, async ({ shot }) => {
    const before = await waitForFindings(`the findings of ${fix.clears.join(' and ')}`, (found) =>
      fix.clears.every((file) => found.some((f) => f.file === file)),
    );
    await e2e.openFile(page, fix.file);
    await e2e.goToPosition(page, fix.line, fix.column);
    const offered = await e2e.applyQuickFix(page, fix.title);
    assert.ok(offered.includes(fix.title), `offered: ${offered}`);
    const after = await waitForFindings(
      `${fix.clears.join(' and ')} to be clean`,
      (found) => ofFiles(found, fix.clears).length === 0,
    );
    assert.deepEqual(findingKeys(notOfFiles(after, fix.clears)), findingKeys(notOfFiles(before, fix.clears)));
    await shot(fix.name.replace(/\W+/g, '-'));
    // The edited file opens as a dirty tab, in the background when it is not the one at
    // the cursor; save everything and check the disk.
    await e2e.waitForDirtyTab(page, fix.edits);
    await e2e.saveAll(page);
    await waitForFile(fix.edits, (text) => fix.expectText.test(text), `${fix.expectText}`);
  });
}

step(`the ${SNIPPET.prefix} snippet in a new file: the name typed once lands in both objects`, async ({ shot }) => {
  const snippet = await contributedSnippet(SNIPPET.prefix);
  // The name's tab stop and its mirrors: all selected at once when the snippet lands.
  const nameStops = snippet.body.join('\n').match(/\$\{1:|\$1(?!\d)/g).length;

  await e2e.openFile(page, 'web/web.yaml'); // New File creates the file beside the active one
  await e2e.createFileInExplorer(page, path.basename(SNIPPET.file));
  await waitForFile(SNIPPET.file, (text) => text === '', 'created empty');
  await page.keyboard.type(SNIPPET.prefix);
  await e2e.acceptSuggestion(page, SNIPPET.prefix);
  await e2e.waitForEditorText(page, (text) => text.includes('kind: Service') && text.includes('kind: Endpoints'));
  await e2e.waitForEditorSelection(page, new RegExp(`^${nameStops} selections`));
  await shot('snippet-inserted');

  await page.keyboard.type(SNIPPET.name);
  await e2e.waitForEditorText(page, (text) => text.split(`name: ${SNIPPET.name}\n`).length - 1 === nameStops);
  await page.keyboard.press('Escape'); // leave the snippet
  await e2e.saveActiveEditor(page);
  const saved = await waitForFile(SNIPPET.file, (text) => text.includes('kind: Endpoints'), 'the snippet');
  const pair = await servicePair(saved);
  assert.equal(pair.service?.name, SNIPPET.name);
  assert.deepEqual(pair.endpoints, pair.service, 'the Endpoints carries the name and namespace of the Service');
  await shot('snippet-filled');

  // The snippet's defaults pair, and so does the filled-in snippet: nothing is flagged. To
  // show that this silence comes from a file the server checks, break the pair by hand
  // (both objects get flagged), then undo (both clear again, from the saved text).
  const lines = saved.split('\n');
  const endpointsName = lines.findIndex(
    (line, i) => i > lines.indexOf('kind: Endpoints') && line.trim() === `name: ${SNIPPET.name}`,
  );
  await e2e.goToPosition(page, endpointsName + 1, lines[endpointsName].length + 1);
  await page.keyboard.type(SNIPPET.breakEndpointsName);
  const broken = await waitForFindings(
    'the broken pair to be flagged',
    (found) => ofFiles(found, [SNIPPET.file]).length === SNIPPET.brokenCodes.length,
  );
  assert.deepEqual(
    ofFiles(broken, [SNIPPET.file])
      .map((f) => f.code)
      .sort(),
    [...SNIPPET.brokenCodes].sort(),
  );
  await shot('snippet-control');
  await e2e.focusEditor(page);
  await page.keyboard.press('Control+Z');
  await e2e.waitForEditorText(page, (text) => !text.includes(`${SNIPPET.name}${SNIPPET.breakEndpointsName}`));
  await waitForFindings(`${SNIPPET.file} to be clean again`, (found) => ofFiles(found, [SNIPPET.file]).length === 0);
  await page.locator('.tab.active.dirty').waitFor({ state: 'detached' }); // back to the saved text
});

step(`hover on the Service of ${HOVER.file} shows its Endpoints in the other file`, async ({ shot }) => {
  await e2e.openFile(page, HOVER.file);
  await e2e.goToPosition(page, HOVER.line, HOVER.column);
  const text = await e2e.showHover(page, HOVER.shows[0]);
  for (const expected of HOVER.shows) assert.ok(text.includes(expected), `hover lacks "${expected}": ${text}`);
  await updateDocsImage(await shot('hover'), 'hover-codelens.png');
  await page.keyboard.press('Escape');
});

step(`F2 on the Service of ${RENAME.file} renames its Endpoints in ${RENAME.partner}`, async ({ shot }) => {
  await e2e.openFile(page, RENAME.file);
  await e2e.goToPosition(page, RENAME.line, RENAME.column);
  await e2e.renameSymbol(page, RENAME.newName);
  await e2e.waitForEditorText(page, (text) => RENAME.expectText.test(text));
  await shot('renamed');
  // VS Code saves the files a refactoring touched (files.refactoring.autoSave); save what
  // is left dirty in case a setting turns that off.
  if (await page.locator('.tab.dirty').count()) await e2e.saveAll(page);
  for (const file of [RENAME.file, RENAME.partner]) {
    await waitForFile(file, (text) => RENAME.expectText.test(text), `${RENAME.expectText}`);
  }
  // Still paired: the hover of the renamed Service finds the renamed Endpoints.
  await e2e.goToPosition(page, RENAME.line, RENAME.column);
  await e2e.showHover(page, `Endpoints data/${RENAME.newName}`);
  await page.keyboard.press('Escape');
});
