import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { CancellationTokenSource, FileChangeType, LSPErrorCodes, ResponseError } from 'vscode-languageserver-protocol';
import type { ServerStatsResult } from '../../server/src/features/protocol';
import { exitOf, folderWith, TestClient } from '../support/lspClient';

/** A Service without a selector and without Endpoints: a service-without-endpoints warning on line 4. */
const ALPHA = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: alpha\nspec:\n  ports:\n    - port: 80\n';
/** The same, with a field Services do not have: a service-spec-endpoints error on line 8 too. */
const POISON =
  'apiVersion: v1\nkind: Service\nmetadata:\n  name: beta\nspec:\n  ports:\n    - port: 80\n  endpoints:\n    - 10.0.5.10\n';

const FAULTY_SERVER = path.resolve(__dirname, '../support/serverWithFaultyRule.js');

let client: TestClient | undefined;
afterEach(async () => {
  await client?.stop();
  client = undefined;
});

/** The server's counts (kubeEndpoints/serverStats). */
async function statsOf(client: TestClient): Promise<ServerStatsResult> {
  return client.connection.sendRequest('kubeEndpoints/serverStats');
}

/** Asks for the counts again and again, with no pause, until `condition` holds; every answer is kept. */
async function statsUntil(
  client: TestClient,
  condition: (stats: ServerStatsResult) => boolean,
  what: string,
  answers: ServerStatsResult[] = [],
): Promise<ServerStatsResult> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const stats = await statsOf(client);
    answers.push(stats);
    if (condition(stats)) return stats;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
  }
}

/** The messages the server showed (`window/showMessage`). */
function shownMessages(client: TestClient): unknown[] {
  return client.notifications
    .filter((notification) => notification.method === 'window/showMessage')
    .map((notification) => notification.params);
}

/** Asks again every 50 ms until `condition` holds; rejects after `ms`. */
async function poll(condition: () => Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * A server on 3,000 files of a Service and its Endpoints, enough that checking them all takes
 * several steps, with the first file open (before the scan ends); `type` renames its Service.
 */
async function startOnPairs() {
  const files = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`svc-${i}.yaml`, pair(i)]));
  const root = folderWith(files);
  client = await TestClient.start(root);
  const started = client;
  const uri = await started.open('svc-0.yaml', files['svc-0.yaml']);
  const type = (version: number, name: string) =>
    started.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ text: files['svc-0.yaml'].replace('name: svc-0\n', `name: ${name}\n`) }],
    });
  const unpaired = () => started.codes('svc-0.yaml').some((code) => code.endsWith(':service-without-endpoints'));
  return { started, type, unpaired, root };
}

/** The file `svc-<i>.yaml` of `startOnPairs`: Service `svc-<i>` and its Endpoints, named `endpointsName`. */
function pair(i: number, endpointsName = `svc-${i}`): string {
  return (
    `apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-${i}\nspec:\n  ports:\n    - port: 80\n---\n` +
    `apiVersion: v1\nkind: Endpoints\nmetadata:\n  name: ${endpointsName}\nsubsets:\n  - addresses:\n      - ip: 10.0.${i >> 8}.${i & 255}\n    ports:\n      - port: 80\n`
  );
}

/**
 * Waits for a full check to be under way, then `type`s: the counts once that check has stopped
 * before its end. The check runs in slices of a few milliseconds, and on a fast machine
 * the rest of it may fit in one slice, ending it before the edit is read: with `again`, the check
 * that the edit's pause brings is tried next, until one is given up.
 */
async function typeDuringFullCheck(
  started: TestClient,
  type: () => Promise<void>,
  again = false,
): Promise<ServerStatsResult> {
  for (;;) {
    // The count of pieces run goes back to 0 as the check ends: above 0, a slice of it is still to run.
    const running = await statsUntil(started, (stats) => stats.fullCheckPiecesRun > 0, 'a full check under way');
    await type();
    const after = await statsUntil(
      started,
      (stats) => stats.checks.fullAbandoned > running.checks.fullAbandoned || stats.checks.full > running.checks.full,
      'the full check stopped or ended',
    );
    if (after.checks.fullAbandoned > running.checks.fullAbandoned) {
      assert.equal(after.checks.full, running.checks.full, 'the full check did not end');
      return after;
    }
    assert.ok(again, 'the full check ended before the edit was read');
  }
}

describe('the server under faults', () => {
  test('a rule that throws on one file loses its findings there only, and is logged once', async () => {
    client = await TestClient.start(
      folderWith({ 'alpha.yaml': ALPHA, 'poison.yaml': POISON }),
      undefined,
      {},
      undefined,
      {
        server: FAULTY_SERVER,
      },
    );
    const started = client;
    await started.indexingDone();
    assert.deepEqual(started.codes('alpha.yaml'), ['4:service-without-endpoints']);
    assert.deepEqual(started.codes('poison.yaml'), ['8:service-spec-endpoints']);

    // Edits of both files check again, targeted then everything once edits pause, without a new log.
    const fullChecks = (await statsOf(started)).checks.full;
    for (const [file, text] of [
      ['alpha.yaml', ALPHA],
      ['poison.yaml', POISON],
    ]) {
      const uri = await started.open(file, text);
      for (let version = 2; version < 12; version++) {
        await started.connection.sendNotification('textDocument/didChange', {
          textDocument: { uri, version },
          contentChanges: [
            { range: { start: { line: 6, character: 13 }, end: { line: 6, character: 15 } }, text: `8${version % 10}` },
          ],
        });
      }
    }
    await poll(async () => (await statsOf(started)).checks.full > fullChecks, 'a full check after the edits');
    assert.deepEqual(started.codes('alpha.yaml'), ['4:service-without-endpoints']);
    assert.deepEqual(started.codes('poison.yaml'), ['8:service-spec-endpoints']);
    const failures = started.logs.filter((log) => log.message.startsWith('Rule service-without-endpoints failed'));
    assert.equal(failures.length, 1, failures.map((log) => log.message).join('\n'));
    assert.match(failures[0].message, /poison\.yaml; its findings there are skipped: Error: injected failure\n\s+at /);
  });

  test('the first check answers requests between its pieces, and a change starts it again', async () => {
    const { started, type, unpaired } = await startOnPairs();
    const stopped = await typeDuringFullCheck(started, () => type(2, 'svc-0x'));
    assert.equal(started.indexed, false, 'the progress ends with the first check');
    await started.indexingDone(120_000);
    assert.equal((await statsOf(started)).checks.full, stopped.checks.full + 1);
    assert.ok(unpaired(), 'the first diagnostics are those of the edited text');
  });

  test('the first check publishes in slices, with answers between them, and then ends its progress', async () => {
    // Every file has a finding (endpoints-deprecated), so the first check publishes 3,000 files.
    const { started } = await startOnPairs();
    await started.until(() => started.publications.length > 0, 'the first publication');
    await statsOf(started);
    const publishedBeforeTheAnswer = started.publications.length;
    await started.until(() => started.indexed, 'the end of the progress', 120_000);
    const files = new Set(started.publications.map((publication) => publication.uri)).size;
    assert.equal(files, 3000, 'every file published before the progress ended');
    assert.ok(
      publishedBeforeTheAnswer < files,
      `answered after ${publishedBeforeTheAnswer} of ${files} publications, not behind all of them`,
    );
  });

  test('a full check publishes the open documents first', async () => {
    const { started } = await startOnPairs();
    await started.indexingDone(120_000);
    // Opened once the workspace is checked, so its findings keep their place among the others'.
    const middle = 'svc-2500.yaml';
    await started.open(middle, pair(2500));
    await statsOf(started);
    const before = started.publications.length;
    // Every file's deprecation hint becomes a warning: the full check that follows publishes all 3,000 again.
    Object.assign(started.settings, { rules: { 'endpoints-deprecated': 'warning' } });
    await started.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    await started.until(() => started.publications.length >= before + 3000, 'every file published again', 60_000);
    const firstTwo = started.publications.slice(before, before + 2).map((publication) => publication.uri);
    assert.deepEqual(firstTwo.sort(), [started.uri('svc-0.yaml'), started.uri(middle)].sort());
  });

  test('the full check after a pause answers requests between its pieces, and a change gives it up', async () => {
    const { started, type, unpaired } = await startOnPairs();
    await started.indexingDone(120_000);

    // An edit, then the pause: asked back to back, the server answers while the full check runs.
    const before = await statsOf(started);
    await type(2, 'svc-0x');
    await started.until(unpaired, 'the targeted check of the edit');
    const answers: ServerStatsResult[] = [];
    await statsUntil(started, (stats) => stats.checks.full > before.checks.full, 'the full check', answers);
    // Above 0 only while the check runs: the count goes back to 0 as it ends.
    const midway = answers.filter((stats) => stats.fullCheckPiecesRun > 0).map((stats) => stats.fullCheckPiecesRun);
    assert.ok(midway.length > 0, `answered midway: ${midway.join(', ')}`);

    // An edit while the next full check runs gives it up; the one after the next pause ends it.
    await type(3, 'svc-0y');
    const stopped = await typeDuringFullCheck(started, () => type(4, 'svc-0'), true);
    await statsUntil(started, (stats) => stats.checks.full > stopped.checks.full, 'the next full check');
    assert.ok(!unpaired(), 'the last edit paired the Service again');
    assert.deepEqual(started.codes('svc-0.yaml'), started.codes('svc-1.yaml'));
  });

  test('files changed on disk give up the full check under way before they are all read', async () => {
    const { started, type, root } = await startOnPairs();
    await started.indexingDone(120_000);
    const renamedFiles = Array.from({ length: 1500 }, (_, i) => i + 1);
    for (let attempt = 1; ; attempt++) {
      // Endpoints renamed on disk (as a branch switch does), reported once the full check after a pause runs.
      for (const i of renamedFiles)
        fs.writeFileSync(path.join(root, `svc-${i}.yaml`), pair(i, `other-${attempt}-${i}`));
      await type(attempt + 1, `svc-0-${attempt}`);
      const running = await statsUntil(started, (stats) => stats.fullCheckPiecesRun > 0, 'a full check under way');
      await started.connection.sendNotification('workspace/didChangeWatchedFiles', {
        changes: renamedFiles.map((i) => ({ uri: started.uri(`svc-${i}.yaml`), type: FileChangeType.Changed })),
      });
      const after = await statsUntil(
        started,
        (stats) => stats.checks.fullAbandoned > running.checks.fullAbandoned || stats.checks.full > running.checks.full,
        'the full check stopped or ended',
      );
      // On a fast machine the rest of the check may fit in the step before the files are reported: again.
      if (after.checks.full > running.checks.full && attempt < 5) continue;
      assert.equal(after.checks.full, running.checks.full, 'the full check did not end');
      // The files ask for a check once they are all read: the check was given up before that.
      assert.equal(after.changes, running.changes, 'given up while the files were being read');
      const last = `svc-${renamedFiles.at(-1)}.yaml`;
      await started.until(
        () => started.codes(last).some((code) => code.endsWith(':service-without-endpoints')),
        'the diagnostics of the files read',
      );
      return;
    }
  });

  test('a request for a document the server never saw answers empty, without an error', async () => {
    client = await TestClient.start(folderWith({ 'alpha.yaml': ALPHA }));
    const started = client;
    await started.indexingDone();
    const position = { line: 3, character: 9 };
    for (const uri of [started.uri('never-seen.yaml'), 'untitled:Untitled-1', 'file:///outside/the/workspace.yml']) {
      const textDocument = { uri };
      const answers: Record<string, unknown> = {
        hover: await started.connection.sendRequest('textDocument/hover', { textDocument, position }),
        definition: await started.connection.sendRequest('textDocument/definition', { textDocument, position }),
        references: await started.connection.sendRequest('textDocument/references', {
          textDocument,
          position,
          context: { includeDeclaration: true },
        }),
        rename: await started.connection.sendRequest('textDocument/rename', { textDocument, position, newName: 'x' }),
        codeAction: await started.connection.sendRequest('textDocument/codeAction', {
          textDocument,
          range: { start: position, end: position },
          context: { diagnostics: [] },
        }),
        documentSymbol: await started.connection.sendRequest('textDocument/documentSymbol', { textDocument }),
        completion: await started.connection.sendRequest('textDocument/completion', { textDocument, position }),
        codeLens: await started.connection.sendRequest('textDocument/codeLens', { textDocument }),
      };
      for (const [request, answer] of Object.entries(answers)) {
        assert.ok(
          answer === null || (Array.isArray(answer) && answer.length === 0),
          `${request} of ${uri}: ${JSON.stringify(answer)}`,
        );
      }
    }
    assert.deepEqual(
      started.logs.filter((log) => log.type <= 2),
      [],
      'no error or warning logged',
    );
    assert.deepEqual(started.codes('alpha.yaml'), ['4:service-without-endpoints'], 'still serving');
  });

  test('file URIs of another host (a Windows share) are taken as virtual ones, never as paths here', async () => {
    const root = folderWith({ 'alpha.yaml': ALPHA });
    const share = 'file://fileserver/share';
    client = await TestClient.start(root, undefined, {}, undefined, {
      workspaceFolders: [
        { uri: pathToFileURL(root).href, name: 'alpha' },
        { uri: share, name: 'share' },
      ],
    });
    const started = client;
    await started.indexingDone();
    // Each of these ended the server before: node's fileURLToPath throws on a host.
    await started.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [
        { uri: `${share}/changed.yaml`, type: 2 },
        { uri: 'file://elsewhere/deleted.yaml', type: 3 },
      ],
    });
    const opened = `${share}/opened.yaml`;
    await started.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: opened, languageId: 'yaml', version: 1, text: ALPHA.replace('alpha', 'beta') },
    });
    // A document of the share folder is checked while open, as one of a virtual folder is.
    await started.until(() => started.diagnostics.has(opened), 'the diagnostics of the open document');
    assert.deepEqual(
      started.diagnostics.get(opened)!.map((diagnostic) => diagnostic.code),
      ['service-without-endpoints'],
    );
    assert.deepEqual(started.codes('alpha.yaml'), ['4:service-without-endpoints'], 'still serving');
    assert.deepEqual(
      started.logs.filter((log) => log.type <= 2),
      [],
      'no error or warning logged',
    );
  });

  test('the start asks for the settings, the file watchers and its progress at once', async () => {
    // Each waited for the answer to the one before: a client slow to answer (an editor busy starting up) paid thrice.
    let answerSettings = () => {};
    const settingsHeldUntil = new Promise<void>((resolve) => (answerSettings = resolve));
    client = await TestClient.start(folderWith({ 'alpha.yaml': ALPHA }), undefined, {}, undefined, {
      settingsHeldUntil,
    });
    const started = client;
    await started.until(
      () => started.registrations.includes('workspace/didChangeWatchedFiles') && started.progressesCreated === 1,
      'the watchers and the progress asked for before the settings are answered',
      5_000,
    );
    answerSettings();
    await started.indexingDone();
    assert.deepEqual(started.codes('alpha.yaml'), ['4:service-without-endpoints']);
    assert.equal(started.progressesCreated, 1, 'one progress for the start');
  });

  test('a client that refuses workspace/configuration gets the defaults, and a settings change keeps the server', async () => {
    client = await TestClient.start(folderWith({ 'alpha.yaml': ALPHA }), undefined, {}, undefined, {
      refuseSettings: true,
    });
    const started = client;
    // The refusal stopped the start before: nothing was ever indexed.
    await started.indexingDone();
    assert.deepEqual(started.codes('alpha.yaml'), ['4:service-without-endpoints'], 'checked with the defaults');
    // A settings change asks again: the refusal, unhandled, ended the server.
    await started.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await poll(async () => started.logs.filter((log) => log.type === 2).length === 2, 'a warning for each refusal');
    assert.ok((await statsOf(started)).checks.full >= 1, 'still serving');
    assert.equal(started.child.exitCode, null);
    assert.deepEqual(
      started.logs.filter((log) => log.type <= 2).map((log) => log.message),
      Array(2).fill('The editor did not give the kubeEndpoints settings, defaults apply: Error: no settings here'),
    );
  });

  test('a problem in .kube-endpoints.yaml is shown in a message the client need not answer', async () => {
    const root = folderWith({ 'alpha.yaml': ALPHA, '.kube-endpoints.yaml': 'maxFileSize: many\n' });
    // This client refuses window/showMessageRequest, as clients without it do: the refusal ended the server.
    client = await TestClient.start(root);
    const started = client;
    await started.indexingDone();
    assert.deepEqual(started.codes('alpha.yaml'), ['4:service-without-endpoints']);
    assert.deepEqual(shownMessages(started), [
      {
        type: 2,
        message: `${path.join(root, '.kube-endpoints.yaml')}: maxFileSize must be a positive whole number of bytes`,
      },
    ]);
  });

  test('a named pipe as .kube-endpoints.yaml is reported and ignored: the start never waits on it', async () => {
    const root = folderWith({ 'alpha.yaml': ALPHA });
    execFileSync('mkfifo', [path.join(root, '.kube-endpoints.yaml')]);
    client = await TestClient.start(root);
    const started = client;
    // The start waited for a writer to the pipe: nothing was ever checked.
    await started.indexingDone();
    assert.deepEqual(started.codes('alpha.yaml'), ['4:service-without-endpoints']);
    assert.deepEqual(shownMessages(started), [
      { type: 2, message: `${path.join(root, '.kube-endpoints.yaml')}: not read: not a regular file` },
    ]);
  });

  test('$/cancelRequest answers a waiting request with RequestCancelled, and nothing hangs', async () => {
    client = await TestClient.start(folderWith({ 'alpha.yaml': ALPHA }));
    const started = client;
    await started.indexingDone();
    const uri = await started.open('busy.yaml', POISON);
    // Requests queued behind a burst of edits, each cancelled as soon as sent.
    const answers: Promise<string>[] = [];
    for (let version = 2; version < 200; version++) {
      void started.connection.sendNotification('textDocument/didChange', {
        textDocument: { uri, version },
        contentChanges: [{ text: POISON.repeat(20) }],
      });
      if (version % 10 !== 0) continue;
      const source = new CancellationTokenSource();
      const answer = started.connection.sendRequest('workspace/symbol', { query: '' }, source.token);
      source.cancel();
      answers.push(
        answer.then(
          () => 'result',
          (error: unknown) => (error instanceof ResponseError ? `error ${error.code}` : String(error)),
        ),
      );
    }
    const settled = await Promise.race([
      Promise.all(answers),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('a cancelled request hangs')), 10_000)),
    ]);
    assert.ok(
      settled.every((answer) => answer === 'result' || answer === `error ${LSPErrorCodes.RequestCancelled}`),
      settled.join(),
    );
    assert.ok(settled.includes(`error ${LSPErrorCodes.RequestCancelled}`), settled.join());
  });
});

describe('the server process ends', () => {
  test('on exit without shutdown, with code 1', async () => {
    const started = await TestClient.start(folderWith({ 'alpha.yaml': ALPHA }));
    await started.indexingDone();
    const exited = exitOf(started.child);
    await started.connection.sendNotification('exit');
    assert.equal(await exited, 1);
  });

  test('on shutdown then exit, with code 0', async () => {
    const started = await TestClient.start(folderWith({ 'alpha.yaml': ALPHA }));
    await started.indexingDone();
    const exited = exitOf(started.child);
    await started.connection.sendRequest('shutdown');
    await started.connection.sendNotification('exit');
    assert.equal(await exited, 0);
  });

  test('when the client goes away (its end of stdin closes)', async () => {
    const started = await TestClient.start(folderWith({ 'alpha.yaml': ALPHA }));
    await started.indexingDone();
    const exited = exitOf(started.child);
    started.child.stdin!.end();
    assert.equal(await exited, 1);
  });
});
