import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { TestClient } from '../support/lspClient';

/**
 * The command line and the language server run the same core: on every folder of
 * ../shared/corpus they must report the same findings at the same places.
 */
const ROOT = path.resolve(__dirname, '../../..');
const CORPUS = path.resolve(ROOT, '../shared/corpus');
const CLI = path.join(ROOT, 'server/out/cli.js');

const repositories = fs.existsSync(CORPUS)
  ? fs.readdirSync(CORPUS).filter((name) => fs.statSync(path.join(CORPUS, name)).isDirectory())
  : [];

describe('command line and language server agree on the corpus', () => {
  for (const repository of repositories) {
    test(repository, async () => {
      const folder = path.join(CORPUS, repository);
      const cli = spawnSync(process.execPath, [CLI, 'check', '.', '--format', 'json'], {
        cwd: folder,
        encoding: 'utf8',
      });
      assert.ok(cli.status === 0 || cli.status === 1, cli.stderr);
      const fromCli = (JSON.parse(cli.stdout) as { file: string; line: number; column: number; code: string }[])
        .map((finding) => `${finding.file}:${finding.line}:${finding.column} ${finding.code}`)
        .sort();

      const client = await TestClient.start(folder);
      try {
        await client.indexingDone();
        const fromServer = [...client.diagnostics].flatMap(([uri, diagnostics]) =>
          diagnostics.map((diagnostic) => {
            const file = path.relative(folder, fileURLToPath(uri)).split(path.sep).join('/');
            const { line, character } = diagnostic.range.start;
            return `${file}:${line + 1}:${character + 1} ${String(diagnostic.code)}`;
          }),
        );
        assert.deepEqual(fromServer.sort(), fromCli);
      } finally {
        await client.stop();
      }
    });
  }
});
