import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { WorkspaceIndex } from '../../server/src/index/workspaceIndex';
import { checkAll, fixesFor } from '../../server/src/rules';
import { assistsAt } from '../../server/src/rules/assists';
import { applyChanges, assertFixture, contextOf, FIXTURES, indexOf, readFixture } from '../support/fixtureWorkspace';
import { expandSnippet, tabStopsOf } from '../support/snippets';

/**
 * Fix fixtures: test/fixtures/fixes/<case>/before.yaml names the fix in a
 * `# fix: <title>` header line (a quick fix of a finding, or an assist offered at the
 * start of an object); after.yaml is the workspace once it is applied, annotated with
 * the findings that remain. Header lines may set the context (see `contextOf`).
 */
const FIXES = path.join(FIXTURES, 'fixes');

for (const name of fs.readdirSync(FIXES).sort()) {
  test(`fix ${name}`, () => {
    const before = readFixture(path.join(FIXES, name, 'before.yaml'));
    const title = before.header.map((line) => /^# fix: (.*)$/.exec(line)?.[1]).find(Boolean);
    assert.ok(title, 'before.yaml needs a "# fix: <title>" line before the first file');
    const context = contextOf(before.header);
    const index = indexOf(before.files);
    const quickFixes = checkAll(index, {}, context).findings.flatMap((finding) => fixesFor(finding, index, context));
    const assists = [...index.objects()].flatMap((object) =>
      assistsAt(index, object.uri, { start: object.range.start, end: object.range.start }, context),
    );
    const offered = [...quickFixes, ...assists];
    const chosen = offered.find((fix) => fix.title === title);
    assert.ok(chosen, `no fix titled "${title}"; offered:\n${offered.map((fix) => fix.title).join('\n')}`);
    for (const change of chosen.changes) {
      if (change.kind === 'edit' && change.snippet !== undefined) {
        assert.equal(expandSnippet(change.snippet), change.newText, 'the snippet edit inserts the same text');
        // One address per tab stop: a shared number would mirror what is typed into every slice.
        assert.ok(
          tabStopsOf(change.snippet).every((stop) => stop.occurrences === 1),
          'each placeholder is a tab stop of its own',
        );
      }
    }
    const files = applyChanges(before.files, chosen.changes);
    const after = { header: [], files };
    const remaining = checkAll(indexOf(files), {}, context).findings;
    if (name.startsWith('convert-')) {
      // Hints are about layout (backends-in-several-files), which the fixtures choose on purpose.
      assert.deepEqual(
        remaining
          .filter((finding) => finding.severity !== 'hint')
          .map((finding) => `${finding.code}: ${finding.message}`),
        [],
        'converted slices pass every check',
      );
      const added = without(addressesOf(indexOf(files), 'EndpointSlice'), addressesOf(index, 'EndpointSlice'));
      assert.deepEqual(added, addressesOf(index, 'Endpoints'), 'the new slices hold the same addresses, as ready');
    }
    const file = path.join(FIXES, name, 'after.yaml');
    assertFixture(file, after, remaining);
  });
}

/** Every address of every object of `kind` with its Service and readiness, sorted. */
function addressesOf(index: WorkspaceIndex, kind: 'Endpoints' | 'EndpointSlice'): string[] {
  const addresses: string[] = [];
  for (const object of index.objects()) {
    if (object.kind !== kind) continue;
    if (object.kind === 'Endpoints') {
      for (const address of object.subsets.flatMap((subset) => subset.addresses)) {
        addresses.push(`${object.name?.value} ${address.ip?.value} ready=${address.ready}`);
      }
    } else if (object.kind === 'EndpointSlice') {
      for (const endpoint of object.endpoints) {
        for (const ip of endpoint.addresses) {
          addresses.push(`${object.serviceName?.value} ${ip.value} ready=${endpoint.ready?.value ?? true}`);
        }
      }
    }
  }
  return addresses.sort();
}

/** `all` less one occurrence of each of `removed`. */
function without(all: string[], removed: string[]): string[] {
  const rest = [...all];
  for (const item of removed) {
    const at = rest.indexOf(item);
    if (at >= 0) rest.splice(at, 1);
  }
  return rest;
}

test('no fix adds a key its mapping already has, whatever that key holds', () => {
  const service = (name: string, namespace = 'default') =>
    `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\nspec:\n  ports:\n    - name: http\n      port: 80\n---\n`;
  // Each `written` line holds a key the fix would otherwise add; without it, the fix is offered.
  const cases = [
    {
      fix: 'Set the namespace of Endpoints "ldap" to "auth"',
      text: `${service('ldap', 'auth')}apiVersion: v1\nkind: Endpoints\nmetadata:\n  name: ldap\n  namespace: 7\nsubsets: []\n`,
      written: '  namespace: 7\n',
    },
    {
      fix: 'Ignore service-without-endpoints for Service "db"',
      text: 'apiVersion: v1\nkind: Service\nmetadata:\n  name: db\n  annotations:\nspec:\n  ports:\n    - port: 5432\n',
      written: '  annotations:\n',
    },
    {
      fix: 'Ignore service-without-endpoints for Service "db"',
      text: 'apiVersion: v1\nkind: Service\nmetadata:\n  name: db\n  annotations:\n    team: data\n    kube-endpoints.io/ignore: [x]\nspec:\n  ports:\n    - port: 5432\n',
      written: '    kube-endpoints.io/ignore: [x]\n',
    },
    {
      fix: 'Name Endpoints port 8080 "http"',
      text: `${service('web')}apiVersion: v1\nkind: Endpoints\nmetadata:\n  name: web\nsubsets:\n  - addresses: [{ip: 10.0.0.80}]\n    ports:\n      - port: 8080\n        name: 8080\n`,
      written: '        name: 8080\n',
    },
  ];
  const context = contextOf(['# kubernetes-version: 1.32']);
  const titlesFor = (text: string) => {
    const index = indexOf(new Map([['ws.yaml', text]]));
    const fixes = checkAll(index, {}, context).findings.flatMap((finding) => fixesFor(finding, index, context));
    return fixes.map((fix) => fix.title);
  };
  for (const { fix, text, written } of cases) {
    assert.ok(text.includes(written));
    assert.ok(titlesFor(text.replace(written, '')).includes(fix), `${fix}: offered without ${JSON.stringify(written)}`);
    assert.ok(!titlesFor(text).includes(fix), `${fix}: offered with ${JSON.stringify(written)}`);
  }
});

test('a port mismatch offers its rename on the Service port and on the endpoint port alike', () => {
  // Two Services in the Service's file and two Endpoints in the backends' file, so that each finding's
  // fixes must come from the objects it is written in, not from the first pair with a mismatch.
  const files = new Map([
    [
      'services.yaml',
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: cache\nspec:\n  ports:\n    - name: redis\n      port: 6379\n' +
        '---\napiVersion: v1\nkind: Service\nmetadata:\n  name: etcd\nspec:\n  ports:\n    - name: client\n      port: 2379\n',
    ],
    [
      'endpoints.yaml',
      'apiVersion: v1\nkind: Endpoints\nmetadata:\n  name: cache\nsubsets:\n  - addresses: [{ip: 10.0.0.6}]\n    ports:\n      - name: rdis\n        port: 6379\n' +
        '---\napiVersion: v1\nkind: Endpoints\nmetadata:\n  name: etcd\nsubsets:\n  - addresses: [{ip: 10.0.0.11}]\n    ports:\n      - name: clinet\n        port: 2379\n',
    ],
  ]);
  const context = contextOf(['# kubernetes-version: 1.32']);
  const index = indexOf(files);
  const mismatches = checkAll(index, {}, context).findings.filter((finding) => finding.code === 'port-mismatch');
  const fixesAt = (uri: string, text: string) => {
    const offset = files.get(uri)!.indexOf(text);
    const finding = mismatches.find((candidate) => candidate.uri.endsWith(uri) && candidate.range.start === offset);
    assert.ok(finding, `a port-mismatch finding at ${text} in ${uri}`);
    // Besides the rename, every finding offers to ignore it.
    return fixesFor(finding, index, context)
      .map((fix) => fix.title)
      .filter((title) => !title.startsWith('Ignore '));
  };
  assert.deepEqual(fixesAt('services.yaml', 'client'), ['Rename Endpoints port "clinet" to "client"']);
  assert.deepEqual(fixesAt('endpoints.yaml', 'clinet'), ['Rename Endpoints port "clinet" to "client"']);
  assert.deepEqual(fixesAt('services.yaml', 'redis'), ['Rename Endpoints port "rdis" to "redis"']);
  assert.deepEqual(fixesAt('endpoints.yaml', 'rdis'), ['Rename Endpoints port "rdis" to "redis"']);
});

test('an Endpoints without a Service is offered no rename or move to a Service that takes no hand-written backends', () => {
  const service = (name: string, namespace: string, spec: string) =>
    `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\nspec:\n${spec}  ports:\n    - port: 80\n`;
  const endpoints = (name: string, namespace: string) =>
    `apiVersion: v1\nkind: Endpoints\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\nsubsets:\n  - addresses: [{ip: 10.0.0.1}]\n    ports: [{port: 80}]\n`;
  const files = new Map([
    [
      'services.yaml',
      [
        service('web-api', 'shop', '  selector:\n    app: web-api\n'),
        service('payments', 'billing', '  type: ExternalName\n  externalName: payments.example.com\n'),
        service('search', 'shop', ''),
      ].join('---\n'),
    ],
    [
      'endpoints.yaml',
      [endpoints('web-apii', 'shop'), endpoints('payments', 'shop'), endpoints('serach', 'shop')].join('---\n'),
    ],
  ]);
  const context = contextOf([]);
  const index = indexOf(files);
  const orphans = checkAll(index, {}, context).findings.filter(
    (finding) => finding.code === 'endpoints-without-service',
  );
  const fixesOf = (name: string) => {
    const finding = orphans.find((candidate) => candidate.message.startsWith(`Endpoints "shop/${name}"`));
    assert.ok(finding, `endpoints-without-service on ${name}`);
    return fixesFor(finding, index, context)
      .filter((fix) => !fix.title.startsWith('Ignore '))
      .map((fix) => [fix.title, fix.safe === true]);
  };
  // `--fix` applied the rename to the Service with a selector: the only fix, so a safe one.
  assert.deepEqual(fixesOf('web-apii'), []);
  assert.deepEqual(fixesOf('payments'), []);
  assert.deepEqual(fixesOf('serach'), [['Rename Endpoints "serach" to "search"', true]]);
});
