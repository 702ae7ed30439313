import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type * as ScanModule from '../../server/src/node/scan';
import { type ReadFile, readYamlFiles } from '../../server/src/node/scan';
import { ExcludeFilter, FolderWalk, readContentSync } from '../../server/src/node/workspaceFiles';
import { tempFolder } from '../support/tempFolders';

const root = tempFolder('kube-endpoints-scan-');

/** Folders × files of the big workspace: far more than the scan reads before it starts a thread. */
const FOLDERS = 400;

/**
 * A workspace of 800 small files in 400 folders, and files of every kind the thread must pass on
 * as the scan itself reads them: larger than a batch, invalid UTF-8, over the size cap, a link to
 * a pipe, a dangling link, excluded ones, and some in node_modules.
 */
function bigWorkspace(): string {
  const dir = path.join(root, 'big');
  for (let i = 0; i < FOLDERS; i++) {
    const folder = path.join(dir, `team-${i % 7}`, `app-${i}`);
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, 'service.yaml'), `apiVersion: v1\nkind: Service\nmetadata:\n  name: app-${i}\n`);
    fs.writeFileSync(path.join(folder, 'notes.yml'), `# app ${i}: é, ✓\n`);
    fs.writeFileSync(path.join(folder, 'README.md'), 'not YAML');
  }
  const odd = path.join(dir, 'team-3', 'app-3');
  fs.writeFileSync(path.join(odd, 'large.yaml'), `data: ${'x'.repeat(200_000)}\n`);
  fs.writeFileSync(path.join(odd, 'capped.yaml'), `data: ${'y'.repeat(600_000)}\n`);
  fs.writeFileSync(path.join(odd, 'latin1.yaml'), Buffer.from([0x61, 0x3a, 0x20, 0xe9, 0xff, 0x0a]));
  fs.symlinkSync('gone.yaml', path.join(odd, 'dangling.yaml'));
  execFileSync('mkfifo', [path.join(odd, 'pipe')]);
  fs.symlinkSync('pipe', path.join(odd, 'to-pipe.yaml'));
  fs.mkdirSync(path.join(dir, 'team-5', 'generated'));
  fs.writeFileSync(path.join(dir, 'team-5', 'generated', 'out.yaml'), 'a: 1\n');
  fs.mkdirSync(path.join(dir, 'node_modules', 'chart'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'node_modules', 'chart', 'values.yaml'), 'a: 1\n');
  return dir;
}

const MAX_FILE_SIZE = 500_000;

/** What the scan read, as this thread alone reads it: the reference. */
function readHere(dir: string, exclude: ExcludeFilter): ReadFile[] {
  return [...FolderWalk.from(dir, exclude).files()].map((file) => ({
    content: readContentSync(file.path, MAX_FILE_SIZE),
    ...file,
  }));
}

/** Waits a little, as parsing a file does, so the reader thread has time to start. */
function parse(): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
}

/** Runs a scan to its end, parsing each file: the files, and how many of them the reader thread read. */
function scanAll(scan: Generator<ReadFile, number>): { files: ReadFile[]; readByThread: number } {
  const files: ReadFile[] = [];
  for (;;) {
    const next = scan.next();
    if (next.done) return { files, readByThread: next.value };
    files.push(next.value);
    parse();
  }
}

describe('the scan', () => {
  const dir = bigWorkspace();
  const exclude = new ExcludeFilter({ root: dir, globs: ['**/generated/**'] });
  const expected = readHere(dir, exclude);

  test('a reader thread takes over the walk of a large folder: the same files, order and content', () => {
    assert.equal(expected.length, 2 * FOLDERS + 5);
    const { files, readByThread } = scanAll(readYamlFiles(dir, exclude, MAX_FILE_SIZE));
    assert.ok(readByThread > 0 && readByThread < files.length, `the thread read ${readByThread} of ${files.length}`);
    assert.deepEqual(files, expected);
    const contentOf = (name: string) => files.find((file) => file.path.endsWith(name))!.content;
    assert.deepEqual(contentOf('latin1.yaml'), { text: 'a: \uFFFD\uFFFD\n' });
    assert.deepEqual(contentOf('capped.yaml'), { tooLarge: 600_007 });
    assert.deepEqual(contentOf('dangling.yaml'), { unreadable: 'ENOENT' });
    assert.deepEqual(contentOf('to-pipe.yaml'), { unreadable: 'not a regular file' });
    assert.equal((contentOf('large.yaml') as { text: string }).text.length, 200_007);
    assert.ok(!files.some((file) => /generated|node_modules/.test(file.path)));
  });

  test('files the caller holds are left out, whichever thread reads them', () => {
    const held = new Set(expected.filter((_, i) => i % 3 === 0).map((file) => file.uri));
    const { files } = scanAll(readYamlFiles(dir, exclude, MAX_FILE_SIZE, (uri) => held.has(uri)));
    assert.deepEqual(
      files,
      expected.filter((file) => !held.has(file.uri)),
    );
  });

  test('a scan given up halfway stops its thread, and the next scan reads everything', () => {
    const scan = readYamlFiles(dir, exclude, MAX_FILE_SIZE);
    for (let seen = 0; seen < 500; seen++) {
      scan.next();
      parse();
    }
    scan.return(0);
    assert.deepEqual([...readYamlFiles(dir, exclude, MAX_FILE_SIZE)], expected);
  });

  test('without its scanWorker.js (a server copied alone), the scan reads everything itself', async () => {
    // scan.js and workspaceFiles.js copied to a folder of their own: the thread cannot start there.
    const built = path.dirname(require.resolve('../../server/src/node/scan'));
    const alone = fs.mkdtempSync(path.join(built, '..', 'alone-'));
    after(() => fs.rmSync(alone, { recursive: true, force: true }));
    for (const file of ['scan.js', 'workspaceFiles.js', 'v8Flags.js'])
      fs.copyFileSync(path.join(built, file), path.join(alone, file));
    const { readYamlFiles: readAlone } = (await import(path.join(alone, 'scan.js'))) as typeof ScanModule;
    const { files, readByThread } = scanAll(readAlone(dir, exclude, MAX_FILE_SIZE));
    assert.equal(readByThread, 0);
    assert.deepEqual(files, expected);
  });

  test('a small folder, or a file, is read without a thread', () => {
    const small = path.join(root, 'small');
    fs.mkdirSync(small);
    for (let i = 0; i < 20; i++) fs.writeFileSync(path.join(small, `s-${i}.yaml`), `a: ${i}\n`);
    const { files, readByThread } = scanAll(readYamlFiles(small, new ExcludeFilter(), MAX_FILE_SIZE));
    assert.equal(files.length, 20);
    assert.equal(readByThread, 0);
    const file = path.join(small, 's-3.yaml');
    assert.deepEqual(
      [...readYamlFiles(file, new ExcludeFilter(), MAX_FILE_SIZE)],
      [{ uri: pathToFileURL(file).href, path: file, content: { text: 'a: 3\n' } }],
    );
  });
});

describe('reading a file', () => {
  const dir = path.join(root, 'sizes');
  fs.mkdirSync(dir);
  /** A file of `size` bytes whose every line differs, so that a byte read twice or left out shows. */
  const fileOf = (size: number): { file: string; text: string } => {
    const file = path.join(dir, `f-${size}.yaml`);
    let text = '';
    for (let line = 0; text.length < size; line++) text += `k${line}: ${line * 7}\n`;
    text = text.slice(0, size);
    fs.writeFileSync(file, text);
    return { file, text };
  };

  test('gives every byte, whether one read takes the file in or it needs more', () => {
    for (const size of [0, 1, 65_535, 65_536, 65_537, 200_000]) {
      const { file, text } = fileOf(size);
      assert.deepEqual(readContentSync(file, MAX_FILE_SIZE), { text }, `${size} bytes`);
    }
  });

  test('tells the exact size of a file over the cap, small or large', () => {
    assert.deepEqual(readContentSync(fileOf(20).file, 19), { tooLarge: 20 });
    assert.deepEqual(readContentSync(fileOf(20).file, 20), { text: fileOf(20).text });
    assert.deepEqual(readContentSync(fileOf(70_000).file, 65_000), { tooLarge: 70_000 });
  });

  test('refuses a pipe and a device, and says why a folder cannot be read', () => {
    const pipe = path.join(dir, 'pipe.yaml');
    execFileSync('mkfifo', [pipe]);
    assert.deepEqual(readContentSync(pipe, MAX_FILE_SIZE), { unreadable: 'not a regular file' });
    assert.deepEqual(readContentSync('/dev/zero', MAX_FILE_SIZE), { unreadable: 'not a regular file' });
    assert.deepEqual(readContentSync('/dev/null', MAX_FILE_SIZE), { unreadable: 'not a regular file' });
    assert.deepEqual(readContentSync(dir, MAX_FILE_SIZE), { unreadable: 'EISDIR' });
  });
});
