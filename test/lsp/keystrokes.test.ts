import * as assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { seeded } from '../support/edits';
import { comparable, folderWith, TestClient } from '../support/lspClient';

/**
 * Typing, one keystroke at a time: each edit reaches the index as the one change the editor
 * made (the server then reads only the documents it touched, see OpenDocument), and the
 * targeted re-check must end where a fresh server starts, without the full check that follows
 * a pause.
 */
const SERVICES = 12;

let clients: TestClient[] = [];
afterEach(async () => {
  await Promise.all(clients.map((client) => client.stop()));
  clients = [];
});

type Stats = { checks: { full: number; targeted: number } };

test('keystrokes one by one: an ignore comment works as it is typed, and the end is what a fresh server finds', async () => {
  const bundle = Array.from(
    { length: SERVICES },
    (_, i) =>
      `apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-${i}\nspec:\n  ports:\n    - name: http\n      port: 80\n` +
      `---\napiVersion: v1\nkind: Endpoints\nmetadata:\n  name: svc-${i}\nsubsets:\n  - addresses:\n      - ip: 10.0.0.${i + 1}\n` +
      '    ports:\n      - name: http\n        port: 80\n',
  ).join('---\n');
  const files = {
    'bundle.yaml': bundle,
    'other.yaml': bundle.replace(/svc-/g, 'other-').replace(/kind: Endpoints[^]*?(?=---|$)/g, ''),
  };
  const client = await TestClient.start(folderWith(files));
  clients.push(client);
  await client.indexingDone();
  let document = TextDocument.create(client.uri('bundle.yaml'), 'yaml', 1, bundle);
  await client.open('bundle.yaml', bundle);
  const before: Stats = await client.connection.sendRequest('kubeEndpoints/serverStats');

  const random = seeded(3);
  const type = async (offset: number, deleted: number, text: string) => {
    const range = { start: document.positionAt(offset), end: document.positionAt(offset + deleted) };
    document = TextDocument.update(document, [{ range, text }], document.version + 1);
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: document.uri, version: document.version },
      contentChanges: [{ range, text }],
    });
    // A request reads the index: each keystroke is read on its own.
    await client.connection.sendRequest('kubeEndpoints/serverStats');
  };
  // An ignore comment typed above the first Endpoints, character by character, silences its hint.
  const endpoints = bundle.indexOf('kind: Endpoints');
  const hintLine = document.positionAt(endpoints).line + 1;
  const hinted = () => client.codes('bundle.yaml').includes(`${hintLine + 1}:endpoints-deprecated`);
  for (const [i, char] of [...'# kube-endpoints-ignore\n'].entries()) await type(endpoints + i, 0, char);
  await client.until(() => !hinted(), 'the hint silenced');

  for (let i = 0; i < 150; i++) {
    const text = document.getText();
    const values = [...text.matchAll(/(?<=name: )\S+|(?<=port: )\d+|(?<=ip: )\S+/g)];
    const value = values[Math.floor(random() * values.length)];
    const at = value.index + Math.floor(random() * (value[0].length + 1));
    if (random() < 0.5 && at > value.index) await type(at - 1, 1, '');
    else await type(at, 0, '0x-\n '[Math.floor(random() * 5)]);
  }

  const fresh = await TestClient.start(folderWith({ ...files, 'bundle.yaml': document.getText() }));
  clients.push(fresh);
  await fresh.indexingDone();
  for (const name of Object.keys(files)) {
    await client.until(
      () => JSON.stringify(comparable(client, name)) === JSON.stringify(comparable(fresh, name)),
      `${name} as a fresh server has it`,
    );
  }
  const after: Stats = await client.connection.sendRequest('kubeEndpoints/serverStats');
  assert.equal(after.checks.full, before.checks.full, 'no full check was needed');
  assert.ok(after.checks.targeted - before.checks.targeted > 100, 'one check per keystroke or so');
});

test('the full check after a pause sends again only the files whose diagnostics changed', async () => {
  // Services without backends, and Endpoints whose Service is in another file: findings in every file.
  const service = (name: string) => `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n`;
  const endpoints = (name: string) => `apiVersion: v1\nkind: Endpoints\nmetadata:\n  name: ${name}\n`;
  const files = {
    'a.yaml': [service('alone-a'), endpoints('b')].join('---\n'),
    'b.yaml': [service('alone-b'), service('b')].join('---\n'),
    'c.yaml': service('alone-c'),
  };
  const client = await TestClient.start(folderWith(files));
  clients.push(client);
  await client.indexingDone();
  assert.ok(Object.keys(files).every((name) => client.codes(name).length > 0));
  const text = `${files['a.yaml']}# a comment\n`;
  await client.open('a.yaml', files['a.yaml']);
  const before: Stats = await client.connection.sendRequest('kubeEndpoints/serverStats');
  const sent = client.publications.length;
  // A comment typed at the end of a file changes no finding: the targeted check and the full one
  // that follows find the same, in new objects, and send nothing.
  await client.connection.sendNotification('textDocument/didChange', {
    textDocument: { uri: client.uri('a.yaml'), version: 2 },
    contentChanges: [{ text }],
  });
  const deadline = Date.now() + 20_000;
  let stats = before;
  while (stats.checks.full === before.checks.full && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    stats = await client.connection.sendRequest('kubeEndpoints/serverStats');
  }
  assert.ok(stats.checks.full > before.checks.full, 'a full check after the pause');
  assert.deepEqual(
    client.publications.slice(sent).map((publication) => publication.uri),
    [],
  );
});
