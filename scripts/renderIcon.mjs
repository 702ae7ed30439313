// Renders images/icon.svg to images/icon.png (256×256, transparent corners) with headless
// Chromium, the browser the end-to-end tests use. Run after editing the SVG: npm run icon
// (needs `bash test/e2e/setup.sh` once, for playwright-core).
import { readFileSync } from 'node:fs';
import { CHROMIUM_ARGS, CHROMIUM_PATH, loadPlaywright } from '../test/e2e/codeServer.mjs';

const SIZE = 256;
const svg = readFileSync(new URL('../images/icon.svg', import.meta.url), 'utf8');
const { chromium } = loadPlaywright();
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage({ viewport: { width: SIZE, height: SIZE }, deviceScaleFactor: 1 });
  await page.setContent(`<!DOCTYPE html><body style="margin:0">${svg}</body>`);
  await page.locator('svg').screenshot({
    path: new URL('../images/icon.png', import.meta.url).pathname,
    omitBackground: true,
  });
} finally {
  await browser.close();
}
