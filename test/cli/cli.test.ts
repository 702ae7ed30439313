import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';

const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(ROOT, 'server/out/cli.js');

function run(args: string[], cwd = ROOT): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('kube-endpoints check', () => {
  test('prints file:line:col severity code message for the examples and exits 1 on an error', () => {
    const { status, stdout } = run(['check', 'examples']);
    assert.equal(status, 1);
    const lines = stdout.trim().split('\n');
    assert.equal(lines.length, 10);
    assert.match(
      lines[0],
      /^examples\/auth\/ldap-endpoints\.yaml:5:9 warning endpoints-without-service Endpoints "default\/ldap" /,
    );
    assert.ok(
      lines.includes(
        lines.find((line) => line.startsWith('examples/legacy/legacy-api.yaml:9:3 error service-spec-endpoints '))!,
      ),
    );
  });

  test('exits 0 when only warnings remain', () => {
    const { status, stdout } = run(['check', 'examples', '--rule', 'service-spec-endpoints=warning']);
    assert.equal(status, 0);
    assert.match(stdout, /legacy-api\.yaml:9:3 warning service-spec-endpoints/);
  });

  test('pairs files given one by one like a folder', () => {
    const { status, stdout } = run(['check', 'examples/etcd/etcd-service.yaml', 'examples/etcd/etcd-endpoints.yaml']);
    assert.equal(status, 0);
    assert.deepEqual(
      stdout
        .trim()
        .split('\n')
        .map((line) => line.split(' ').slice(0, 3).join(' ')),
      [
        'examples/etcd/etcd-endpoints.yaml:12:15 warning port-mismatch',
        'examples/etcd/etcd-service.yaml:10:13 warning port-mismatch',
      ],
    );
  });

  test('--exclude leaves files out', () => {
    const { stdout } = run(['check', 'examples', '--exclude', 'legacy/**', '--exclude', 'auth']);
    assert.doesNotMatch(stdout, /legacy|ldap/);
  });

  test('a clean folder prints nothing and exits 0; binary and broken files are skipped', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kube-endpoints-cli-'));
    fs.writeFileSync(path.join(dir, 'binary.yaml'), Buffer.from([0x00, 0xff, 0x10, 0x80]));
    fs.writeFileSync(path.join(dir, 'broken.yaml'), 'kind: Service\n  metadata: [\n');
    fs.writeFileSync(
      path.join(dir, 'helm.yaml'),
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\n',
    );
    assert.deepEqual(run(['check', dir]), { status: 0, stdout: '', stderr: '' });
  });

  test('usage errors exit 2', () => {
    assert.equal(run(['check', 'no-such-folder']).status, 2);
    assert.equal(run(['frobnicate']).status, 2);
    assert.equal(run(['check', '--rule', 'no-such-rule=error']).status, 2);
    assert.equal(run([]).status, 2);
    const help = run(['--help']);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /Usage: kube-endpoints check/);
  });
});
