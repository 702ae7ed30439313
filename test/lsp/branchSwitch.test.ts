import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { FileChangeType, type SymbolInformation } from 'vscode-languageserver-protocol';
import { comparable, folderWith, TestClient, VSCODE_LIKE_CAPABILITIES } from '../support/lspClient';

/**
 * A branch switch: thousands of files change on disk at once, and the editor reports them in
 * one `workspace/didChangeWatchedFiles`. The server reads them again a slice at a time, answering
 * requests in between, takes changes reported meanwhile in order, and ends with the diagnostics
 * a fresh server gives the final files.
 */
const FILES = 1500;
const DELETED = 100;
const CREATED = 50;

/** A Service without a selector and its Endpoints, named `endpointsName` (paired when it is `name`). */
function pair(name: string, endpointsName = name): string {
  return [
    `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n  ports:\n    - port: 80\n`,
    `apiVersion: v1\nkind: Endpoints\nmetadata:\n  name: ${endpointsName}\nsubsets:\n  - addresses:\n` +
      '      - ip: 10.0.0.1\n    ports:\n      - port: 80\n',
  ].join('---\n');
}

const kustomization = (namespace: string) =>
  `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: ${namespace}\nresources:\n  - services\n`;

const servicePath = (i: number) => `services/svc-${i}.yaml`;

/** Without the deprecation hint every Endpoints gets: only broken pairs have diagnostics. */
const start = (root: string) =>
  TestClient.start(root, VSCODE_LIKE_CAPABILITIES, { rules: { 'endpoints-deprecated': 'off' } });

test('a branch switch is read in slices, requests answered meanwhile, and ends as a fresh start', async () => {
  const files: Record<string, string> = { 'kustomization.yaml': kustomization('blue') };
  for (let i = 0; i < FILES; i++) files[servicePath(i)] = pair(`svc-${i}`);
  const root = folderWith(files);
  const client = await start(root);
  let fresh: TestClient | undefined;
  try {
    await client.indexingDone();
    assert.equal(client.diagnostics.size, 0, 'every Service has its Endpoints');

    // The other branch: the namespace changes, half the Endpoints are renamed, files go and come.
    const write = (file: string, text: string) => fs.writeFileSync(path.join(root, file), text);
    const changes: { uri: string; type: number }[] = [];
    for (let i = DELETED; i < FILES; i++) {
      write(servicePath(i), pair(`svc-${i}`, i % 2 === 0 ? `renamed-${i}` : `svc-${i}`));
      changes.push({ uri: client.uri(servicePath(i)), type: FileChangeType.Changed });
    }
    for (let i = 0; i < DELETED; i++) {
      fs.rmSync(path.join(root, servicePath(i)));
      changes.push({ uri: client.uri(servicePath(i)), type: FileChangeType.Deleted });
    }
    for (let i = 0; i < CREATED; i++) {
      write(`services/new-${i}.yaml`, pair(`new-${i}`, `renamed-new-${i}`));
      changes.push({ uri: client.uri(`services/new-${i}.yaml`), type: FileChangeType.Created });
    }
    // Last: a slice reads one file at least, and a renamed one first, so that the request below finds some
    // even when the first read is slow (the kustomization's alone took a slice under load).
    write('kustomization.yaml', kustomization('green'));
    changes.push({ uri: client.uri('kustomization.yaml'), type: FileChangeType.Changed });
    void client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes });

    // Answered between two slices: some renamed Endpoints are read, not all of them.
    const renamed: SymbolInformation[] = await client.connection.sendRequest('workspace/symbol', {
      query: 'renamed',
    });
    const renamedInAll = (FILES - DELETED) / 2 + CREATED;
    assert.ok(renamed.length > 0 && renamed.length < renamedInAll, `${renamed.length} of ${renamedInAll} read`);

    // Meanwhile a file read already and one not read yet are deleted, and a deleted one comes back.
    const deletedLater = [servicePath(DELETED), servicePath(FILES - 1)];
    for (const file of deletedLater) fs.rmSync(path.join(root, file));
    write(servicePath(0), pair('svc-0', 'renamed-0'));
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [
        ...deletedLater.map((file) => ({ uri: client.uri(file), type: FileChangeType.Deleted })),
        { uri: client.uri(servicePath(0)), type: FileChangeType.Created },
      ],
    });

    fresh = await start(root);
    await fresh.indexingDone();
    // The renamed files left, svc-0 back, the new ones: each with its Service and Endpoints unpaired.
    const expected = [...fresh.diagnostics.keys()].sort();
    assert.equal(expected.length, (FILES - DELETED) / 2 - 1 + 1 + CREATED);
    const diagnosticsOf = (from: TestClient) => {
      const files = [...from.diagnostics].filter(([, list]) => list.length > 0).map(([uri]) => uri);
      return files.sort().map((uri) => [uri, comparable(from, path.relative(root, fileURLToPath(uri)))]);
    };
    // An earlier check may publish as many files: only the same diagnostics end the wait.
    await client.until(
      () => isDeepStrictEqual(diagnosticsOf(client), diagnosticsOf(fresh!)),
      'the diagnostics of the final files',
      30_000,
    );
  } finally {
    await fresh?.stop();
    await client.stop();
  }
});
