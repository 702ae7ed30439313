// The Service graph page in headless Chromium: the HTML the extension gives its webview
// (same function, same Content-Security-Policy), the bundled script and style, and the
// parts of the graph the language server answers for examples/ as the page's filter asks.
// Only acquireVsCodeApi is stood in for, answering the page's filters as the extension does.
//
// Needs `npm run build` (or `npm run package`) and `bash test/e2e/setup.sh`.
// UPDATE_SCREENSHOTS=1 also writes docs/images/service-graph.png.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { CHROMIUM_ARGS, CHROMIUM_PATH, loadPlaywright, REPO_ROOT, screenshot } from './codeServer.mjs';

const require = createRequire(import.meta.url);
const { serviceGraphHtml } = require(path.join(REPO_ROOT, 'build/client/src/serviceGraphHtml.js'));
const { TestClient } = require(path.join(REPO_ROOT, 'build/test/support/lspClient.js'));
const ASSETS = path.join(REPO_ROOT, 'client/out/webview');

let graph, languageServer, server, browser, page;
/** What the page posted to the extension, and what the browser refused or reported. */
const posted = () => page.evaluate(() => window.__posted);
const problems = [];

before(async () => {
  languageServer = await languageServerOnExamples();
  graph = await languageServer.connection.sendRequest('kubeEndpoints/serviceGraph');
  server = await serveAssets();
  const { chromium } = loadPlaywright();
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 960, height: 720 }, deviceScaleFactor: 1 });
  page.on('console', (message) => message.type() === 'error' && problems.push(`console: ${message.text()}`));
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  // As the extension does: the part of the graph the page's filter asks for, from the language server.
  await page.exposeFunction('__graphPart', (filter) =>
    languageServer.connection.sendRequest('kubeEndpoints/serviceGraph', filter),
  );
  await page.addInitScript(() => {
    window.__posted = [];
    let state;
    window.acquireVsCodeApi = () => ({
      postMessage: (message) => {
        window.__posted.push(message);
        if (message.filter) {
          void window
            .__graphPart(message.filter)
            .then((part) => window.postMessage({ type: 'graph', graph: part }, '*'));
        }
      },
      getState: () => state,
      setState: (value) => (state = value),
    });
    document.addEventListener('securitypolicyviolation', (event) =>
      console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`),
    );
  });
  await page.goto(`${server.url}/page.html`);
  await page.locator('body[data-state="rendered"]').waitFor();
});

after(async () => {
  await browser?.close();
  server?.close();
  await languageServer?.stop();
});

test('draws every node of the graph in one SVG, with no CSP violation or script error', async (t) => {
  try {
    assert.equal(await page.locator('#graph svg g.node').count(), graph.nodes.length);
    const texts = await page.locator('#graph svg g.node text').allTextContents();
    for (const name of ['web', 'etcd', 'redis-cache', '192.168.1.20', 'api.payments.example.com'])
      assert.ok(texts.includes(name), `${name} is drawn: ${texts.join(' | ')}`);
    assert.equal(await page.locator('#graph svg g.cluster').count(), new Set(graph.nodes.map((n) => n.namespace)).size);
    assert.ok((await page.locator('#graph svg g.node.severity-warning').count()) > 0, 'warnings are marked');
    assert.match(await page.locator('#summary').textContent(), /^\d+ Services · \d+ Endpoints\/EndpointSlices$/);
    assert.deepEqual(problems, []);
    await screenshot(page, 'service-graph');
    if (process.env.UPDATE_SCREENSHOTS === '1') {
      await fs.mkdir(path.join(REPO_ROOT, 'docs/images'), { recursive: true });
      await page.screenshot({ path: path.join(REPO_ROOT, 'docs/images/service-graph.png'), fullPage: true });
    }
  } catch (error) {
    await screenshot(page, `failure-${t.name}`);
    throw error;
  }
});

test('a click or Enter on a node asks the extension to open that object', async () => {
  const web = graph.nodes.find((node) => node.kind === 'Service' && node.name === 'web');
  const group = page.locator('#graph svg g.node', { has: page.locator('text', { hasText: /^web$/ }) }).first();
  assert.match(await group.locator('title').textContent(), /^Service default\/web\n.*web\.yaml:5$/);
  await group.click();
  assert.deepEqual((await posted()).at(-1), { type: 'open', id: web.id });
  await page.keyboard.press('Tab');
  await group.focus();
  await page.keyboard.press('Enter');
  assert.deepEqual((await posted()).at(-1), { type: 'open', id: web.id });
});

test('the search keeps the groups with a matching name, the namespace list one namespace', async () => {
  await page.locator('#query').fill('etcd');
  await page.waitForFunction(() => document.querySelectorAll('#graph svg g.node').length < 10);
  const etcd = await page.locator('#graph svg g.node text').allTextContents();
  assert.ok(etcd.includes('etcd') && !etcd.includes('web'), etcd.join(' | '));
  await page.locator('#query').fill('');
  await page.locator('#namespace').selectOption('monitoring');
  // The part of that namespace has come when its cluster is the only one.
  await page.waitForFunction(() => {
    const clusters = document.querySelectorAll('#graph svg g.cluster');
    return clusters.length === 1 && clusters[0].textContent.includes('namespace monitoring');
  });
  const monitoring = graph.nodes.filter((node) => node.namespace === 'monitoring').length;
  assert.equal(await page.locator('#graph svg g.node').count(), monitoring);
  await page.locator('#query').fill('no such name');
  await page.locator('body[data-state="empty"]').waitFor();
  await page.locator('#query').fill('');
  await page.locator('#namespace').selectOption('');
  await page.locator('body[data-state="rendered"]').waitFor();
});

test('refresh and zoom', async () => {
  const width = async () => parseFloat(await page.locator('#graph svg').getAttribute('width'));
  const before = await width();
  await page.locator('#zoom-in').click();
  assert.ok(Math.abs((await width()) - before * 1.25) < 0.01);
  assert.equal(await page.locator('#zoom-reset').textContent(), '125%');
  await page.locator('#zoom-reset').click();
  assert.ok(Math.abs((await width()) - before) < 0.01);
  await page.locator('#refresh').click();
  assert.deepEqual((await posted()).at(-1), { type: 'refresh' });
});

/** The language server on examples/, once checked: it answers the page's requests for the graph. */
async function languageServerOnExamples() {
  const client = await TestClient.start(path.join(REPO_ROOT, 'examples'), undefined, {}, { statusNotification: true });
  await client.until(
    () => client.notifications.some((n) => n.method === 'kubeEndpoints/status' && n.params.state === 'ready'),
    'the first check',
  );
  return client;
}

/** Serves the page and client/out/webview/ on 127.0.0.1, as the webview serves them from its own origin. */
async function serveAssets() {
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };
  const nonce = randomBytes(16).toString('base64');
  const server = http.createServer(async (request, response) => {
    const url = new URL(request.url, 'http://localhost');
    // A browser tab asks for a favicon; a webview does not.
    if (url.pathname === '/favicon.ico') return response.writeHead(204).end();
    try {
      const body =
        url.pathname === '/page.html'
          ? serviceGraphHtml({
              cspSource: origin,
              nonce,
              scriptUri: `${origin}/webview/serviceGraph.js`,
              styleUri: `${origin}/webview/serviceGraph.css`,
            })
          : await fs.readFile(path.join(ASSETS, path.basename(url.pathname)));
      response.writeHead(200, { 'content-type': types[path.extname(url.pathname)] ?? 'application/octet-stream' });
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return { url: origin, close: () => server.close() };
}
