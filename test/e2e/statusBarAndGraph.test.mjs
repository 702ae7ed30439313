// The status bar item and the Service graph in VS Code itself (code-server + Chromium),
// with the extension installed from kube-endpoints.vsix: the client wiring, the webview's
// real Content-Security-Policy and resource roots, and opening a file from a node.
//
// Needs `npm run package` and `bash test/e2e/setup.sh`.
// UPDATE_SCREENSHOTS=1 also writes docs/images/status-bar.png.

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import * as e2e from './codeServer.mjs';

let server, browser, page, workspace;

before(async () => {
  workspace = await e2e.copyWorkspace(path.join(e2e.REPO_ROOT, 'examples'));
  server = await e2e.startCodeServer({ extensions: [path.join(e2e.REPO_ROOT, 'kube-endpoints.vsix')] });
  browser = await e2e.launchBrowser({ viewport: { width: 1400, height: 860 } });
  page = await browser.openWorkbench(server, workspace);
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await e2e.removeWorkspace(workspace);
});

/** The extension's status bar item (its accessible label is its text without icons). */
const statusItem = () => page.locator('.part.statusbar .statusbar-item', { hasText: /Kube Endpoints|Services?/ });

/** The page inside the Service graph webview (VS Code nests it in two iframes). */
const graphFrame = () => page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');

async function withScreenshotOnFailure(t, body) {
  try {
    await body();
  } catch (error) {
    await e2e.screenshot(page, `failure-${t.name}`);
    throw new Error(`${error.message}\n--- browser console ---\n${browser.consoleLines.slice(-30).join('\n')}`);
  }
}

test('the status bar counts the Services and the problems the Problems panel shows', async (t) => {
  await withScreenshotOnFailure(t, async () => {
    await statusItem()
      .filter({ hasText: /\d+ Services/ })
      .waitFor({ timeout: 60_000 });
    const markers = await e2e.waitForProblems(
      page,
      (ms) => ms.filter((m) => m.source === 'kube-endpoints').length >= 10,
    );
    const count = (severity) => markers.filter((m) => m.severity === severity).length;
    const text = (await statusItem().innerText()).trim();
    const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
    assert.equal(text, `9 Services · ${plural(count('error'), 'error')}, ${plural(count('warning'), 'warning')}`);
    if (process.env.UPDATE_SCREENSHOTS === '1') {
      await statusItem().screenshot({ path: path.join(e2e.REPO_ROOT, 'docs/images/status-bar.png') });
    }

    await statusItem().hover();
    const hover = page.locator('.workbench-hover, .monaco-hover', { hasText: 'Kube Endpoints — ready' });
    await hover.waitFor();
    assert.match(
      await hover.innerText(),
      /9 Services · 6 Endpoints\/EndpointSlices · 1 workload[\s\S]*Show Service Graph/,
    );
    await page.mouse.move(700, 400);

    await page.keyboard.press('Control+Shift+M'); // Hide the panel, so the click has to show it.
    await page.locator('.markers-panel').waitFor({ state: 'hidden' });
    await statusItem().click();
    await page.locator('.markers-panel').waitFor({ state: 'visible' });
  });
});

test('Show Service Graph draws the workspace in a webview; a click opens the object', async (t) => {
  await withScreenshotOnFailure(t, async () => {
    await e2e.runCommand(page, 'Kube Endpoints: Show Service Graph');
    const frame = graphFrame();
    await frame.locator('body[data-state="rendered"]').waitFor({ timeout: 30_000 });
    const names = await frame.locator('svg g.node text').allTextContents();
    for (const name of ['web', 'etcd', 'postgres', '192.168.10.11']) assert.ok(names.includes(name), names.join(' | '));
    assert.ok(!browser.consoleLines.some((line) => /Content.Security.Policy|Refused to/i.test(line)), 'no CSP refusal');

    await frame
      .locator('svg g.node', { has: frame.locator('text', { hasText: /^etcd$/ }) })
      .first()
      .click();
    await page.locator('.tab.active[data-resource-name="etcd-service.yaml"]').waitFor();
    await page.locator('.part.editor .monaco-editor .selected-text').first().waitFor();
    await e2e.screenshot(page, 'service-graph-editor');
  });
});

test('the open graph follows edits: fixing a name in the editor pairs the objects', async (t) => {
  await withScreenshotOnFailure(t, async () => {
    const frame = graphFrame();
    const orphan = frame.locator('svg g.node', { has: frame.locator('text', { hasText: /^elasticsearh$/ }) });
    await orphan.waitFor();
    const warnings = Number(/(\d+) warnings/.exec(await statusItem().innerText())[1]);
    await e2e.openFile(page, 'search/elasticsearch-endpoints.yaml');
    // The graph holds the first editor group, so go to the name without focusEditor's Ctrl+1.
    await page.keyboard.press('Control+G');
    await page.locator('.quick-input-widget .quick-input-box input').fill(':5:9');
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
    await page.keyboard.press('Control+Shift+ArrowRight'); // Selects the misspelt name …
    await page.keyboard.type('elasticsearch'); // … and types the right one, unsaved.
    await e2e.waitForEditorText(page, (text) => text.includes('name: elasticsearch\n'));
    // The Service and its Endpoints pair: both warnings go, from the status bar and the graph.
    await statusItem()
      .filter({ hasText: `${warnings - 2} warnings` })
      .waitFor();
    await orphan.waitFor({ state: 'detached' });
    const service = frame.locator('svg g.node', { has: frame.locator('text', { hasText: /^elasticsearch$/ }) });
    assert.equal(await service.count(), 2, 'the Service and its Endpoints, both named elasticsearch');
  });
});

test('the walkthrough lists its four steps and shows the markdown of a step', async (t) => {
  await withScreenshotOnFailure(t, async () => {
    await e2e.runCommand(page, 'Welcome: Open Walkthrough...');
    const rows = '.quick-input-widget .quick-input-list .monaco-list-row';
    await page.locator('.quick-input-widget .quick-input-box input').fill('Kube Endpoints');
    await page.locator(rows, { hasText: 'Get started with Kube Endpoints' }).first().waitFor();
    await page.keyboard.press('Enter');
    const steps = page.locator('.gettingStartedContainer .getting-started-step .step-title');
    await steps.first().waitFor();
    assert.deepEqual(await steps.allTextContents(), [
      'Open a folder of manifests',
      'See what routes nowhere',
      'Fix it with a quick fix',
      'See the Service graph',
    ]);
    await page.locator('.getting-started-step', { hasText: 'See the Service graph' }).click();
    const media = page.frameLocator('.gettingStartedContainer iframe.webview.ready').frameLocator('#active-frame');
    await media.locator('h1', { hasText: 'See the Service graph' }).waitFor();
    await media.locator('img[src*="service-graph.png"]').waitFor();
    assert.ok(
      await media.locator('img[src*="service-graph.png"]').evaluate((img) => img.naturalWidth > 0),
      'image loads',
    );
    await e2e.screenshot(page, 'walkthrough');
  });
});
