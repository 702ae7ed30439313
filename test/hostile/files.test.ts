import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { readYamlFiles } from '../../server/src/node/scan';
import { ExcludeFilter } from '../../server/src/node/workspaceFiles';
import { folderWith } from '../support/lspClient';

/**
 * Hostile files on disk, through the CLI binary: each ends in a finding, a log line or
 * nothing, never a crash or a hang. Large files are generated here, never committed.
 */
const CLI = path.resolve(__dirname, '../../../server/out/cli.js');
const SERVICE = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n    - port: 80\n';

/** How long one run may take: each takes a few seconds at most, so only a hang fails. */
const TIMEOUT_MS = 60_000;

/** Runs `kube-endpoints check` in `cwd` and returns its output lines. */
function check(cwd: string, args: string[] = []): { status: number | null; lines: string[]; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, 'check', ...args], {
    cwd,
    encoding: 'utf8',
    timeout: TIMEOUT_MS,
    // The 100,000-document case prints 10,000 lines.
    maxBuffer: 64 << 20,
  });
  assert.equal(result.error, undefined, `no result within ${TIMEOUT_MS} ms`);
  return { status: result.status, lines: result.stdout.split('\n').filter(Boolean), stderr: result.stderr };
}

const notChecked = (file: string) =>
  new RegExp(`^${file}:1:1 information file-not-checked This file was not checked: `);

describe('the size cap', () => {
  test('a 50 MB file is not read: one information at its top names the setting, the other files are checked', () => {
    const dir = folderWith({ 'web.yaml': SERVICE });
    fs.writeFileSync(path.join(dir, 'dump.yaml'), Buffer.alloc(50 * 1024 * 1024, 'a: b\n'));
    const { status, lines } = check(dir);
    assert.equal(status, 0);
    assert.equal(lines.length, 2);
    assert.match(lines[0], notChecked('dump.yaml'));
    assert.match(lines[0], /it has 52428800 bytes, more than the limit of 5000000\. .*kubeEndpoints\.maxFileSize/);
    assert.match(lines[1], /^web\.yaml:\d+:\d+ warning service-without-endpoints /);
  });

  test('--max-file-size, and maxFileSize in .kube-endpoints.yaml, set the cap; the option wins', () => {
    const dir = folderWith({ 'web.yaml': SERVICE });
    assert.match(check(dir, ['--max-file-size', '50']).lines[0], notChecked('web.yaml'));
    fs.writeFileSync(path.join(dir, '.kube-endpoints.yaml'), 'maxFileSize: 50\n');
    assert.match(check(dir).lines[0], notChecked('web.yaml'));
    assert.match(check(dir, ['--max-file-size', '1000']).lines[0], /service-without-endpoints/);
    fs.writeFileSync(path.join(dir, '.kube-endpoints.yaml'), 'maxFileSize: many\n');
    assert.match(check(dir).stderr, /maxFileSize must be a positive whole number of bytes/);
    // A hostile configuration file is a problem like any other.
    fs.writeFileSync(path.join(dir, '.kube-endpoints.yaml'), `rules: ${'['.repeat(100_000)}`);
    assert.match(check(dir).stderr, /\.kube-endpoints\.yaml: nested deeper than 1000 levels/);
    const bomb = Array.from({ length: 30 }, (_, i) => `a${i + 1}: &a${i + 1} [*a${i}, *a${i}]`).join('\n');
    fs.writeFileSync(path.join(dir, '.kube-endpoints.yaml'), `a0: &a0 [x]\n${bomb}\n`);
    assert.match(check(dir).stderr, /\.kube-endpoints\.yaml: not valid YAML: .*alias/i);
    const usage = check(dir, ['--max-file-size', '5MB']);
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /--max-file-size must be a positive whole number of bytes, not "5MB"/);
  });

  test('a .kube-endpoints.yaml that cannot be read (a pipe, a folder, too large) is reported and ignored', () => {
    const dir = folderWith({ 'web.yaml': SERVICE });
    const config = path.join(dir, '.kube-endpoints.yaml');
    execFileSync('mkfifo', [config]);
    // The command line waited for a writer to the pipe, for ever.
    const piped = check(dir);
    assert.equal(piped.status, 0);
    assert.match(piped.lines[0], /^web\.yaml:.* service-without-endpoints /);
    assert.equal(piped.stderr, `kube-endpoints: ${config}: not read: not a regular file\n`);
    fs.rmSync(config);
    fs.mkdirSync(config);
    assert.equal(check(dir).stderr, `kube-endpoints: ${config}: not read: EISDIR\n`);
    fs.rmSync(config, { recursive: true });
    fs.writeFileSync(config, `# ${'x'.repeat(1_000_000)}\n`);
    assert.equal(check(dir).stderr, `kube-endpoints: ${config}: not read: 1000003 bytes, over 1000000\n`);
    const named = check(dir, ['--config', path.join(dir, 'missing.yaml')]);
    assert.equal(named.status, 2);
    assert.match(named.stderr, /cannot read .*missing\.yaml: ENOENT/);
  });

  test('a file of 100,000 documents under the cap is checked', () => {
    const documents = Array.from({ length: 100_000 }, (_, i) =>
      i % 10 === 0 ? SERVICE.replace('web', `web-${i}`) : `kind: ConfigMap\nmetadata: {name: c${i}}\n`,
    );
    const dir = folderWith({ 'rendered.yaml': documents.join('---\n') });
    const { lines } = check(dir);
    assert.equal(lines.filter((line) => line.includes(' service-without-endpoints ')).length, 10_000);
  });
});

describe('files that are not text', () => {
  test('NUL bytes: binary, one information; invalid UTF-8: read as U+FFFD, checked', () => {
    const dir = folderWith({
      'image.yaml': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]),
      'latin1.yaml': Buffer.concat([Buffer.from(SERVICE), Buffer.from('# caf\xe9 \xff\xfe\n', 'latin1')]),
    });
    const { lines } = check(dir);
    assert.equal(lines.length, 2);
    assert.match(lines[0], notChecked('image.yaml'));
    assert.match(lines[0], /it holds NUL bytes, so it is binary, not YAML/);
    assert.match(lines[1], /^latin1\.yaml:\d+:\d+ warning service-without-endpoints /);
  });
});

describe('templates', () => {
  test('Helm, Jinja, ytt and kustomize patches: no syntax error, intact objects checked', () => {
    const dir = folderWith({
      'helm.yaml': `${SERVICE.replace('web', '{{ .Release.Name }}')}  labels:\n    {{- include "labels" . | nindent 4 }}\n---\n${SERVICE.replace('web', 'static')}`,
      'jinja.yaml': `{% for name in names %}\n${SERVICE}{% endfor %}\n`,
      'ytt.yaml': `#@ load("@ytt:data", "data")\n---\n${SERVICE.replace('web', 'ytt #@ data.values.name')}`,
      'patch.yaml': `${SERVICE}$patch: delete\n`,
    });
    const { lines } = check(dir);
    assert.deepEqual(
      lines.map((line) => line.split(' ').slice(0, 3).join(' ')),
      ['helm.yaml:14:9 warning service-without-endpoints', 'ytt.yaml:6:9 warning service-without-endpoints'],
    );
  });
});

describe('the walk', () => {
  test('link loops, dangling links, a pipe and a folder named .yaml: skipped with a line on standard error', () => {
    const dir = folderWith({ 'web.yaml': SERVICE });
    fs.symlinkSync('.', path.join(dir, 'loop'));
    fs.symlinkSync('self.yaml', path.join(dir, 'self.yaml'));
    fs.symlinkSync('gone.yaml', path.join(dir, 'dangling.yaml'));
    fs.mkdirSync(path.join(dir, 'folder.yaml'));
    execFileSync('mkfifo', [path.join(dir, 'pipe.yaml')]);
    fs.symlinkSync('pipe.yaml', path.join(dir, 'to-pipe.yaml'));
    const { status, lines, stderr } = check(dir);
    assert.equal(status, 0);
    assert.equal(lines.length, 1);
    assert.match(lines[0], /^web\.yaml:.* service-without-endpoints /);
    assert.deepEqual(stderr.split('\n').filter(Boolean).sort(), [
      `kube-endpoints: skipped ${path.join(dir, 'dangling.yaml')}: ENOENT`,
      `kube-endpoints: skipped ${path.join(dir, 'self.yaml')}: ELOOP`,
      `kube-endpoints: skipped ${path.join(dir, 'to-pipe.yaml')}: not a regular file`,
    ]);
  });

  test('a file deleted between listing and reading is reported as gone, and the walk goes on', async () => {
    const dir = folderWith({ 'a.yaml': SERVICE, 'b.yaml': SERVICE, 'c.yaml': SERVICE });
    const seen: string[] = [];
    for await (const file of readYamlFiles(dir, new ExcludeFilter(), 1_000)) {
      if (seen.length === 0) fs.rmSync(path.join(dir, 'b.yaml'));
      seen.push(`${path.basename(file.path)} ${'text' in file.content ? 'text' : JSON.stringify(file.content)}`);
    }
    assert.deepEqual(seen, ['a.yaml text', 'b.yaml {"unreadable":"ENOENT"}', 'c.yaml text']);
  });
});
