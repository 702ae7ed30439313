import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { test } from 'node:test';
import { type Range, TextDocument } from 'vscode-languageserver-textdocument';
import { seeded } from '../support/edits';
import { comparable, folderWith, TestClient } from '../support/lspClient';

/**
 * A flood of edits (issue #8): 1,000 `didChange` a second for 10 s over five open files, three
 * with incremental changes and two with full texts. The server must keep up by checking once for
 * many edits, end with the diagnostics a fresh server gives the final texts, and not grow.
 */
const FILES = 5;
const FULL_SYNC_FILES = 2;
const SERVICES_PER_FILE = 10;
const CHANGES_PER_SECOND = 1000;
const FLOOD_MS = 10_000;
/**
 * How much the server's resident memory may grow from the end of the flood's first two seconds
 * (by then V8's heap has grown to its working size: about 110 MB here) to its end (about 20 MB
 * more here): all the texts sent, kept, would be 45 MB more.
 */
const WARM_UP_MS = 2000;
const RSS_GROWTH_LIMIT = 48 * 1024 * 1024;

type Stats = { memory: { rss: number; heapUsed: number }; changes: number; checks: { full: number; targeted: number } };

test('a flood of edits: coalesced checks, the final diagnostics exact, memory flat', async (t) => {
  const names = Array.from({ length: FILES }, (_, file) => `flood-${file}.yaml`);
  const client = await TestClient.start(
    folderWith(Object.fromEntries(names.map((name, file) => [name, manifests(file)]))),
  );
  const pid = client.child.pid!;
  try {
    await client.indexingDone();
    const documents = names.map((name, file) => TextDocument.create(client.uri(name), 'yaml', 1, manifests(file)));
    for (const document of documents) {
      await client.connection.sendNotification('textDocument/didOpen', {
        textDocument: { uri: document.uri, languageId: 'yaml', version: 1, text: document.getText() },
      });
    }
    const before = await stats(client);
    const random = seeded(8);
    let sent = 0;
    let rssAfterWarmUp: number | undefined;
    const start = Date.now();
    while (Date.now() - start < FLOOD_MS) {
      const due = Math.floor(((Date.now() - start) * CHANGES_PER_SECOND) / 1000);
      for (; sent < due; sent++) {
        const file = sent % FILES;
        const change = randomChange(documents[file], random);
        const document = TextDocument.update(documents[file], [change], documents[file].version + 1);
        documents[file] = document;
        void client.connection.sendNotification('textDocument/didChange', {
          textDocument: { uri: document.uri, version: document.version },
          contentChanges: [file < FULL_SYNC_FILES ? { text: document.getText() } : change],
        });
      }
      if (rssAfterWarmUp === undefined && Date.now() - start >= WARM_UP_MS) rssAfterWarmUp = rssOf(pid);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const rssAtEnd = rssOf(pid);
    const floodEnd = Date.now();

    // Every change arrives and is checked; then, once edits pause, the whole workspace once more.
    let after = await stats(client);
    const answeredIn = Date.now() - floodEnd;
    while (after.changes - before.changes < sent) after = await statsLater(client);
    const fullChecksAtDrain = after.checks.full;
    while (after.checks.full === fullChecksAtDrain) after = await statsLater(client);
    const targetedChecks = after.checks.targeted - before.checks.targeted;
    t.diagnostic(
      `${sent} changes sent, ${after.changes - before.changes} received, ${targetedChecks} targeted checks; ` +
        `answered ${answeredIn} ms after the flood; RSS ${mb(rssAfterWarmUp)} after ${WARM_UP_MS / 1000} s, ${mb(rssAtEnd)} at the end; ` +
        `heap ${mb(after.memory.heapUsed)} after`,
    );
    assert.ok(sent >= (FLOOD_MS / 1000) * CHANGES_PER_SECOND * 0.95, `${sent} changes sent`);
    assert.ok(targetedChecks < sent, 'checks are shared by changes');
    assert.ok(answeredIn < 5_000, `the server kept up: it answered ${answeredIn} ms after the last change`);
    if (rssAfterWarmUp !== undefined && rssAtEnd !== undefined) {
      assert.ok(rssAtEnd - rssAfterWarmUp < RSS_GROWTH_LIMIT, `RSS grew by ${mb(rssAtEnd - rssAfterWarmUp)}`);
    }

    // The same texts on disk, checked by a fresh server.
    const fresh = await TestClient.start(
      folderWith(Object.fromEntries(documents.map((document, file) => [names[file], document.getText()]))),
    );
    try {
      await fresh.indexingDone();
      for (const name of names) {
        assert.deepEqual(comparable(client, name), comparable(fresh, name), name);
      }
    } finally {
      await fresh.stop();
    }
  } finally {
    await client.stop();
  }
});

/** `SERVICES_PER_FILE` Services, each with its Endpoints, named after the file. */
function manifests(file: number): string {
  return Array.from(
    { length: SERVICES_PER_FILE },
    (_, i) =>
      `---\napiVersion: v1\nkind: Service\nmetadata:\n  name: svc-${file}-${i}\nspec:\n  ports:\n    - name: http\n      port: 80\n` +
      `---\napiVersion: v1\nkind: Endpoints\nmetadata:\n  name: svc-${file}-${i}\nsubsets:\n  - addresses:\n      - ip: 10.0.${file}.${i + 1}\n` +
      '    ports:\n      - name: http\n        port: 80\n',
  ).join('');
}

/** Renames an object (to a name that may be another file's) or changes a port: pairs break and form across files. */
function randomChange(document: TextDocument, random: () => number): { range: Range; text: string } {
  const text = document.getText();
  const values = [...text.matchAll(/(?<=name: )svc-\d+-\d+|(?<=port: )\d+/g)];
  const value = values[Math.floor(random() * values.length)];
  const replacement = value[0].startsWith('svc-')
    ? `svc-${Math.floor(random() * FILES)}-${Math.floor(random() * SERVICES_PER_FILE)}`
    : String(80 + Math.floor(random() * 2));
  const range = { start: document.positionAt(value.index), end: document.positionAt(value.index + value[0].length) };
  return { range, text: replacement };
}

function stats(client: TestClient): Promise<Stats> {
  return client.connection.sendRequest('kubeEndpoints/serverStats');
}

async function statsLater(client: TestClient): Promise<Stats> {
  await new Promise((resolve) => setTimeout(resolve, 100));
  return stats(client);
}

/** The resident memory of a process, from /proc (undefined where there is none). */
function rssOf(pid: number): number | undefined {
  try {
    const kilobytes = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kilobytes === undefined ? undefined : Number(kilobytes) * 1024;
  } catch {
    return undefined;
  }
}

function mb(bytes: number | undefined): string {
  return bytes === undefined ? '?' : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
