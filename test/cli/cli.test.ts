import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { tempFolder } from '../support/tempFolders';

const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(ROOT, 'server/out/cli.js');

function run(args: string[], cwd = ROOT, input?: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', input });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Text output without the hint lines, which by default mark every hand-written Endpoints as deprecated. */
function withoutHints(stdout: string): string {
  return stdout
    .split('\n')
    .filter((line) => !line.includes(' hint '))
    .join('\n');
}

/** A fresh copy of examples/ to write into; returns its folder. */
function examplesCopy(): string {
  const dir = tempFolder('kube-endpoints-cli-');
  fs.cpSync(path.join(ROOT, 'examples'), dir, { recursive: true });
  return dir;
}

describe('kube-endpoints check', () => {
  test('prints file:line:col severity code message for the examples and exits 1 on an error', () => {
    const { status, stdout } = run(['check', 'examples']);
    assert.equal(status, 1);
    const lines = stdout.trim().split('\n');
    assert.equal(lines.length, 18);
    assert.match(lines[0], /^examples\/auth\/ldap-endpoints\.yaml:3:7 hint endpoints-deprecated v1 Endpoints /);
    assert.match(
      lines[1],
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
        'examples/etcd/etcd-endpoints.yaml:2:7 hint endpoints-deprecated',
        'examples/etcd/etcd-endpoints.yaml:12:15 warning port-mismatch',
        'examples/etcd/etcd-service.yaml:10:13 warning port-mismatch',
      ],
    );
  });

  test('--exclude leaves files out', () => {
    const { stdout } = run(['check', 'examples', '--exclude', 'legacy/**', '--exclude', 'auth']);
    assert.doesNotMatch(stdout, /legacy|ldap/);
  });

  // Binary files get a file-not-checked information (test/hostile/files.test.ts).
  test('a clean folder prints nothing and exits 0; broken files are skipped', () => {
    const dir = tempFolder('kube-endpoints-cli-');
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
    assert.equal(run(['check', '--format', 'xml']).status, 2);
    assert.equal(run(['check', '--dry-run']).status, 2);
    const help = run(['--help']);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /Usage: kube-endpoints check/);
  });

  test('--format json gives positions and codes', () => {
    const findings = JSON.parse(run(['check', 'examples', '--format', 'json']).stdout);
    assert.equal(findings.length, 18);
    assert.deepEqual(findings[1], {
      file: 'examples/auth/ldap-endpoints.yaml',
      line: 5,
      column: 9,
      endLine: 5,
      endColumn: 13,
      severity: 'warning',
      code: 'endpoints-without-service',
      message: findings[1].message,
    });
  });

  test('--format github writes workflow annotations with escaped properties', () => {
    const lines = run(['check', 'examples', '--format', 'github']).stdout.trim().split('\n');
    assert.equal(lines.length, 18);
    assert.match(
      lines[1],
      /^::warning file=examples\/auth\/ldap-endpoints\.yaml,line=5,col=9,endLine=5,endColumn=13,title=kube-endpoints endpoints-without-service::Endpoints/,
    );
    assert.ok(lines.some((line) => line.startsWith('::error file=examples/legacy/legacy-api.yaml,line=9,')));
  });

  test('--format sarif validates against the SARIF 2.1.0 schema', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Ajv = require('ajv-draft-04');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const addFormats = require('ajv-formats');
    const ajv = new Ajv({ strict: false, unicodeRegExp: false });
    addFormats(ajv);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const validate = ajv.compile(require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'));
    const log = JSON.parse(run(['check', 'examples', '--format', 'sarif']).stdout);
    assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));
    const [sarifRun] = log.runs;
    assert.equal(sarifRun.results.length, 18);
    assert.ok(
      sarifRun.tool.driver.rules.every(
        (rule: { helpUri: string; help: { text: string } }) => rule.helpUri && rule.help.text,
      ),
    );
    assert.deepEqual(sarifRun.results[1].locations[0].physicalLocation.region, {
      startLine: 5,
      startColumn: 9,
      endLine: 5,
      endColumn: 13,
    });
  });

  test('"-" reads a stream from standard input, paired with the other paths', () => {
    const stream = fs.readFileSync(path.join(ROOT, 'examples/etcd/etcd-endpoints.yaml'), 'utf8');
    const { status, stdout } = run(['check', '-', 'examples/etcd/etcd-service.yaml'], ROOT, stream);
    assert.equal(status, 0);
    assert.match(stdout, /^<stdin>:12:15 warning port-mismatch /m);
  });

  test('--severity sets the exit threshold', () => {
    assert.equal(run(['check', 'examples/auth', '--severity', 'warning']).status, 1);
    assert.equal(run(['check', 'examples/auth']).status, 0);
  });

  test('--fix applies the safe fixes in place and reports what is left; --dry-run prints a diff', () => {
    const dir = examplesCopy();
    const dryRun = run(['check', '.', '--fix', '--dry-run'], dir);
    assert.equal(dryRun.status, 1);
    assert.match(dryRun.stdout, /^-      - name: clinet .*\n\+      - name: client /m);
    assert.equal(fs.readFileSync(path.join(dir, 'etcd/etcd-endpoints.yaml'), 'utf8').includes('clinet'), true);

    const fixed = run(['check', '.', '--fix'], dir);
    assert.equal(fixed.status, 1, 'the spec.endpoints error is left: it needs a person');
    assert.doesNotMatch(withoutHints(fixed.stdout), /port-mismatch|endpoints-without-service|ldap/);
    // What it reports is what a check of the fixed files reports (its last check, not checked again).
    assert.equal(fixed.stdout, run(['check', '.'], dir).stdout);
    const endpoints = fs.readFileSync(path.join(dir, 'etcd/etcd-endpoints.yaml'), 'utf8');
    assert.equal(
      endpoints,
      fs.readFileSync(path.join(ROOT, 'examples/etcd/etcd-endpoints.yaml'), 'utf8').replace('clinet', 'client'),
    );
  });

  test('--kubernetes-version and kubernetesVersion in .kube-endpoints.yaml: Endpoints are deprecated from 1.33', () => {
    const hints = (stdout: string) => stdout.split('\n').filter((line) => line.includes(' hint endpoints-deprecated '));
    assert.ok(hints(run(['check', 'examples']).stdout).length > 0, 'the default is a release that deprecates them');
    assert.deepEqual(hints(run(['check', 'examples', '--kubernetes-version', '1.32']).stdout), []);
    assert.match(run(['check', 'examples', '--kubernetes-version', 'latest']).stderr, /unknown Kubernetes version/);
    const dir = examplesCopy();
    fs.writeFileSync(path.join(dir, '.kube-endpoints.yaml'), 'kubernetesVersion: "1.32"\n');
    assert.deepEqual(hints(run(['check', '.'], dir).stdout), []);
    assert.ok(hints(run(['check', '.', '--kubernetes-version', 'v1.33.1'], dir).stdout).length > 0, 'options win');
    fs.writeFileSync(path.join(dir, '.kube-endpoints.yaml'), 'kubernetesVersion: 1.30\n');
    assert.match(run(['check', '.'], dir).stderr, /kubernetesVersion must be a quoted Kubernetes release/);
  });

  test('.kube-endpoints.yaml sets rules, namespace and excludes; options win', () => {
    const dir = examplesCopy();
    fs.writeFileSync(
      path.join(dir, '.kube-endpoints.yaml'),
      'defaultNamespace: auth\nexclude: [legacy/**]\nrules:\n  port-mismatch: error\n  no-such-rule: off\n',
    );
    const configured = run(['check', '.'], dir);
    assert.equal(configured.status, 1);
    assert.match(configured.stderr, /unknown rule "no-such-rule"/);
    assert.doesNotMatch(withoutHints(configured.stdout), /ldap|legacy/);
    assert.match(configured.stdout, /etcd-endpoints\.yaml:12:15 error port-mismatch/);
    const overridden = run(['check', '.', '--rule', 'port-mismatch=warning'], dir);
    assert.equal(overridden.status, 0);
  });
});
