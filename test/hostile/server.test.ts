import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Position } from 'vscode-languageserver-protocol';
import { TestClient } from '../support/lspClient';
import { tempFolder } from '../support/tempFolders';

/**
 * Hostile input through the spawned server: it keeps answering, publishes one
 * file-not-checked information where it could not read a file, and logs what it skipped.
 */
const SERVICE = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n    - port: 80\n';
const LEVELS = 100_000;

let client: TestClient;
const logged: string[] = [];

before(async () => {
  const root = tempFolder('kube-endpoints-hostile-');
  fs.writeFileSync(path.join(root, 'web.yaml'), SERVICE);
  fs.writeFileSync(path.join(root, 'dump.yaml'), Buffer.alloc(50 * 1024 * 1024, 'a: b\n'));
  fs.writeFileSync(path.join(root, 'image.yaml'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00]));
  execFileSync('mkfifo', [path.join(root, 'pipe.yaml')]);
  fs.symlinkSync('pipe.yaml', path.join(root, 'to-pipe.yaml'));
  fs.symlinkSync('.', path.join(root, 'loop'));
  client = await TestClient.start(root);
  client.connection.onNotification('window/logMessage', (params: { message: string }) => {
    logged.push(params.message);
  });
  await client.indexingDone();
});
after(async () => {
  await client.stop();
});

describe('files the server cannot check', () => {
  test('a 50 MB file and a binary one: one information each, at the top', async () => {
    assert.deepEqual(client.codes('dump.yaml'), ['1:file-not-checked']);
    assert.deepEqual(client.codes('image.yaml'), ['1:file-not-checked']);
    assert.deepEqual(client.codes('web.yaml'), ['4:service-without-endpoints']);
    const [dump] = client.diagnostics.get(client.uri('dump.yaml'))!;
    assert.equal(dump.severity, 3);
    assert.match(String(dump.message), /52428800 bytes, more than the limit of 5000000\. .*kubeEndpoints\.maxFileSize/);
    // Code actions on it find no object to annotate, and still answer.
    const actions = await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri: client.uri('dump.yaml') },
      range: dump.range,
      context: { diagnostics: [dump] },
    });
    assert.deepEqual(actions, []);
  });

  test('a pipe behind a link is skipped with a log line, the link loop is not followed', () => {
    assert.ok(
      logged.some((line) => line.endsWith('to-pipe.yaml: not a regular file')),
      JSON.stringify(logged),
    );
    // web, dump, image and to-pipe: the pipe itself is no file, and the walk does not enter `loop`.
    assert.ok(logged.includes('Indexed 4 YAML files.'), JSON.stringify(logged));
  });

  test('an open document over kubeEndpoints.maxFileSize gets the information, and loses it once under', async () => {
    const limitOf = (file: string) =>
      /limit of (\d+)/.exec(String(client.diagnostics.get(client.uri(file))?.[0]?.message))?.[1];
    client.settings.maxFileSize = 1000;
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    await client.until(() => limitOf('dump.yaml') === '1000', 'the new limit');
    const uri = await client.open('big.yaml', SERVICE + `# ${'x'.repeat(1000)}\n`);
    await client.until(() => client.codes('big.yaml').join() === '1:file-not-checked', 'the information on big.yaml');
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ text: SERVICE }],
    });
    await client.until(() => client.codes('big.yaml').join() === '4:service-without-endpoints', 'big.yaml checked');
    // Raising the cap checks the files it held back, open ones included.
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 3 },
      contentChanges: [{ text: SERVICE + `# ${'x'.repeat(1000)}\n` }],
    });
    await client.until(() => client.codes('big.yaml').join() === '1:file-not-checked', 'big.yaml over the cap again');
    delete client.settings.maxFileSize;
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    await client.until(
      () => client.codes('big.yaml').join() === '4:service-without-endpoints',
      'big.yaml checked again',
    );
    await client.until(() => limitOf('dump.yaml') === '5000000', 'the default limit');
  });
});

describe(`navigation in documents nested ${LEVELS} levels deep`, () => {
  const deep = {
    'flow-seq.yaml': `${SERVICE}  labels: ${'['.repeat(LEVELS)}${']'.repeat(LEVELS)}\n`,
    'flow-map.yaml': `${SERVICE}  labels: ${'{a: '.repeat(LEVELS)}1${'}'.repeat(LEVELS)}\n`,
    'block-seq.yaml': `${SERVICE}  labels:\n  ${'- '.repeat(LEVELS)}x\n`,
  };
  for (const [file, text] of Object.entries(deep)) {
    test(`${file}: hover, completion, definition and symbols answer in the middle of it`, async () => {
      const uri = await client.open(file, text);
      const middle: Position = { line: 7, character: LEVELS };
      for (const method of ['textDocument/hover', 'textDocument/completion', 'textDocument/definition']) {
        await client.connection.sendRequest(method, { textDocument: { uri }, position: middle });
      }
      // The document is skipped as broken: its Service is not in the outline.
      assert.deepEqual(
        await client.connection.sendRequest('textDocument/documentSymbol', { textDocument: { uri } }),
        [],
      );
    });
  }
});

describe('watched-file events for files that are gone', () => {
  test('created, changed and deleted events for missing files are ignored', async () => {
    const changes = [1, 2, 3].map((type) => ({ uri: client.uri(`missing-${type}.yaml`), type }));
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes });
    assert.deepEqual(
      await client.connection
        .sendRequest('textDocument/documentSymbol', {
          textDocument: { uri: client.uri('web.yaml') },
        })
        .then((symbols) => (symbols as { name: string }[]).map((symbol) => symbol.name)),
      ['Service default/web'],
    );
  });

  test('a file renamed before its change event: the old name is forgotten, the new one read', async () => {
    fs.renameSync(path.join(client.root, 'web.yaml'), path.join(client.root, 'renamed.yaml'));
    // The change event of the old name arrives after the rename, before the delete event.
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [
        { uri: client.uri('web.yaml'), type: 2 },
        { uri: client.uri('renamed.yaml'), type: 1 },
      ],
    });
    await client.until(
      () => client.codes('web.yaml').length === 0 && client.codes('renamed.yaml').length === 1,
      'the findings to move to renamed.yaml',
    );
  });
});
