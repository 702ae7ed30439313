import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

const ROOT = path.resolve(__dirname, '../../..');
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

type Walkthrough = {
  steps: { id: string; description: string; media: { markdown?: string }; completionEvents?: string[] }[];
};

test('the icon is a square PNG of 128 or 256 pixels', () => {
  const png = fs.readFileSync(path.join(ROOT, manifest.icon));
  assert.equal(png.subarray(1, 4).toString(), 'PNG');
  const [width, height] = [png.readUInt32BE(16), png.readUInt32BE(20)];
  assert.equal(width, height);
  assert.ok([128, 256].includes(width), `${width}×${height}`);
});

test('every command the manifest names is contributed, and every contributed command is registered', () => {
  const contributed: string[] = manifest.contributes.commands.map((command: { command: string }) => command.command);
  const named = JSON.stringify(manifest.contributes).match(/command:kubeEndpoints\.\w+/g) ?? [];
  for (const link of named) assert.ok(contributed.includes(link.slice('command:'.length)), link);
  const client = fs
    .readdirSync(path.join(ROOT, 'client/src'))
    .map((file) => fs.readFileSync(path.join(ROOT, 'client/src', file), 'utf8'))
    .join('\n');
  for (const command of contributed) assert.ok(client.includes(`registerCommand('${command}'`), command);
});

test('walkthrough steps have their markdown, and the images it shows exist', () => {
  const walkthroughs: Walkthrough[] = manifest.contributes.walkthroughs;
  for (const step of walkthroughs.flatMap((walkthrough) => walkthrough.steps)) {
    assert.ok(step.media.markdown, `${step.id} has markdown media`);
    assert.ok(step.completionEvents?.length, `${step.id} says when it is done`);
    const file = path.join(ROOT, step.media.markdown);
    for (const [, image] of fs.readFileSync(file, 'utf8').matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)) {
      assert.ok(fs.existsSync(path.resolve(path.dirname(file), image)), `${step.media.markdown}: ${image}`);
    }
  }
});

test('the package holds the bundles, the webview assets and the docs, and nothing to build them', () => {
  const vsce = path.join(ROOT, 'node_modules/@vscode/vsce/vsce');
  const files = execFileSync(process.execPath, [vsce, 'ls', '--no-dependencies'], { cwd: ROOT, encoding: 'utf8' })
    .trim()
    .split('\n');
  for (const wanted of [
    'client/out/extension.js',
    'client/out/webview/serviceGraph.js',
    'client/out/webview/serviceGraph.css',
    'server/out/server.js',
    'server/out/serverMain.js',
    'server/out/scanWorker.js',
    'server/out/cli.js',
    'server/out/cliMain.js',
    'images/icon.png',
    ...manifest.contributes.walkthroughs[0].steps.map((step: { media: { markdown: string } }) => step.media.markdown),
  ])
    assert.ok(files.includes(wanted), `${wanted} is packaged`);
  const unwanted = files.filter((file) =>
    /\.(map|ts|mjs)$|^(src|test|build|examples|scripts|node_modules)\//.test(file),
  );
  assert.deepEqual(unwanted, []);
});
