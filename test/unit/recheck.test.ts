import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, test } from 'node:test';
import { WorkspaceIndex } from '../../server/src/index/workspaceIndex';
import { KubernetesVersion } from '../../server/src/model/kubernetesVersion';
import { MODELLED_KINDS } from '../../server/src/model/types';
import { checkAll, rules } from '../../server/src/rules';
import { recheck } from '../../server/src/rules/recheck';
import type { Dependency, Finding } from '../../server/src/rules/types';
import { canonical, EDITS, groupByUri, seeded } from '../support/edits';

/**
 * The targeted re-check after an edit gives exactly the findings of a full check, over random
 * edits to names, namespaces, ports and whole documents of real manifests and the examples.
 */
const ROOT = path.resolve(__dirname, '../../..');
const CORPUS = path.resolve(ROOT, '../shared/corpus');
const FIXTURES = path.join(ROOT, 'test/fixtures');

let changedInAll = 0;
/** The codes whose findings some edit changed, to show that the edits reach every rule. */
const codesChanged = new Set<string>();
const CONTEXT = { kubernetesVersion: KubernetesVersion.LATEST };
const MODELLED = new RegExp(`^\\s*(- )?kind: (${[...MODELLED_KINDS].join('|')})\\b`, 'm');

describe('targeted re-check', () => {
  for (const folder of [path.join(ROOT, 'examples'), ...subfolders(FIXTURES), ...subfolders(CORPUS)]) {
    test(path.relative(ROOT, folder), () => {
      const index = new WorkspaceIndex();
      const files = fs
        .readdirSync(folder, { recursive: true, encoding: 'utf8' })
        .filter((file) => /\.ya?ml$/.test(file))
        .sort()
        .map((file) => pathToFileURL(path.join(folder, file)).href);
      const texts = new Map(files.map((uri) => [uri, fs.readFileSync(new URL(uri), 'utf8')]));
      const modelled = files.filter((uri) => MODELLED.test(texts.get(uri)!));
      for (const [uri, text] of texts) index.update(uri, text);
      index.takeChanges();
      let findings = groupByUri(checkAll(index, {}, CONTEXT).findings);
      const random = seeded(folder.length);
      let rechecked = 0;
      let changed = 0;
      for (let step = 0; step < 60 && modelled.length > 0; step++) {
        const uri = modelled[Math.floor(random() * modelled.length)];
        const edit = EDITS[Math.floor(random() * EDITS.length)];
        const text = edit(texts.get(uri)!, random);
        texts.set(uri, text);
        index.update(uri, text);
        const changes = index.takeChanges();
        const before = canonical(findings);
        if (!changes.everything) rechecked++;
        let touched: Set<string> | undefined;
        if (changes.everything) findings = groupByUri(checkAll(index, {}, CONTEXT).findings);
        else ({ findingsByUri: findings, touched } = recheck(index, findings, changes, {}, CONTEXT));
        const after = canonical(findings);
        // Every file whose findings changed is reported as touched, so that its diagnostics are sent.
        for (const uri of new Set([...Object.keys(before), ...Object.keys(after)])) {
          if (touched && JSON.stringify(before[uri]) !== JSON.stringify(after[uri])) assert.ok(touched.has(uri), uri);
        }
        if (JSON.stringify(after) !== JSON.stringify(before)) changed++;
        for (const code of changedCodes(before, after)) codesChanged.add(code);
        assert.deepEqual(after, canonical(groupByUri(checkAll(index, {}, CONTEXT).findings)), `step ${step}: ${uri}`);
        // What the index keeps between edits (pairings, selections, filing) equals what it finds from scratch.
        if (step % 20 === 19) assert.deepEqual(after, canonical(fromScratch(texts)), `step ${step}: from scratch`);
      }
      if (modelled.length > 0) assert.ok(rechecked > 30, `only ${rechecked} targeted re-checks`);
      changedInAll += changed;
    });
  }

  test('the edits changed findings', () => assert.ok(changedInAll > 50, `findings changed ${changedInAll} times`));

  test('the edits changed the findings of every targeted rule', () => {
    const missed = rules.filter((rule) => rule.dependsOn !== undefined && !codesChanged.has(rule.code));
    assert.deepEqual(
      missed.map((rule) => rule.code),
      [],
    );
  });

  test('every kind of dependency is declared, so the edits above exercise each', () => {
    const declared = new Set<Dependency>(rules.flatMap((rule) => rule.dependsOn ?? []));
    const kinds: Record<Dependency, true> = {
      key: true,
      nearNames: true,
      selectedWorkloads: true,
      namespaceWorkloads: true,
      clusterIps: true,
      referencedServices: true,
    };
    assert.deepEqual([...declared].sort(), Object.keys(kinds).sort());
  });

  test('rules that do not say what they depend on are run over everything', () => {
    const saved = rules.map((rule) => rule.dependsOn);
    for (const rule of rules) (rule as { dependsOn?: unknown }).dependsOn = undefined;
    try {
      const folder = FIXTURES;
      const index = new WorkspaceIndex();
      const texts = new Map<string, string>();
      for (const file of fs
        .readdirSync(folder, { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.yaml'))) {
        const uri = pathToFileURL(path.join(folder, file)).href;
        texts.set(uri, fs.readFileSync(path.join(folder, file), 'utf8'));
        index.update(uri, texts.get(uri)!);
      }
      index.takeChanges();
      let findings = groupByUri(checkAll(index).findings);
      const random = seeded(3);
      const uris = [...texts.keys()];
      for (let step = 0; step < 30; step++) {
        const uri = uris[Math.floor(random() * uris.length)];
        const text = EDITS[0](texts.get(uri)!, random);
        texts.set(uri, text);
        index.update(uri, text);
        const changes = index.takeChanges();
        findings = changes.everything
          ? groupByUri(checkAll(index).findings)
          : recheck(index, findings, changes, {}, CONTEXT).findingsByUri;
        assert.deepEqual(canonical(findings), canonical(groupByUri(checkAll(index).findings)), `step ${step}`);
      }
    } finally {
      rules.forEach((rule, i) => ((rule as { dependsOn?: unknown }).dependsOn = saved[i]));
    }
  });
});

describe('targeted re-check through the Services a reference names', () => {
  /** Applies `edits` one by one, each followed by a re-check that must equal a full check, and one that changes findings. */
  function followsEdits(files: Record<string, string>, edits: [file: string, text: string][]): void {
    const index = new WorkspaceIndex();
    const uriOf = (file: string) => `file:///workspace/${file}`;
    for (const [file, text] of Object.entries(files)) index.update(uriOf(file), text);
    index.takeChanges();
    let findings = groupByUri(checkAll(index, {}, CONTEXT).findings);
    for (const [file, text] of edits) {
      const before = canonical(findings);
      index.update(uriOf(file), text);
      const changes = index.takeChanges();
      assert.equal(changes.everything, false, file);
      findings = recheck(index, findings, changes, {}, CONTEXT).findingsByUri;
      const after = canonical(findings);
      assert.notDeepEqual(after, before, `${file}: the edit changes findings`);
      assert.deepEqual(after, canonical(groupByUri(checkAll(index, {}, CONTEXT).findings)), file);
    }
  }

  const service = (namespace: string, targetPort: string) =>
    `apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: ${namespace}\nspec:\n  selector:\n    app: web\n  ports:\n    - name: http\n      port: 80\n      targetPort: ${targetPort}\n`;

  test('a ReferenceGrant that comes and goes permits a route of another namespace', () => {
    const grant =
      'apiVersion: gateway.networking.k8s.io/v1beta1\nkind: ReferenceGrant\nmetadata:\n  name: from-edge\n  namespace: shop\n' +
      'spec:\n  from:\n    - group: gateway.networking.k8s.io\n      kind: HTTPRoute\n      namespace: edge\n  to:\n    - group: ""\n      kind: Service\n';
    const route =
      'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: shop\n  namespace: edge\n' +
      'spec:\n  rules:\n    - backendRefs:\n        - name: web\n          namespace: shop\n          port: 80\n';
    followsEdits({ 'service.yaml': service('shop', '8080'), 'route.yaml': route, 'grant.yaml': '' }, [
      ['grant.yaml', grant],
      ['grant.yaml', grant.replace('namespace: edge', 'namespace: other')],
    ]);
  });

  test("a workload's container port changes what a backend's port is told", () => {
    const deployment = (containerPort: number) =>
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  selector:\n    matchLabels:\n      app: web\n' +
      `  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n        - name: web\n          image: web\n          ports:\n            - name: http\n              containerPort: ${containerPort}\n`;
    const ingress =
      'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\n  namespace: shop\n' +
      'spec:\n  defaultBackend:\n    service:\n      name: web\n      port:\n        number: 8080\n';
    followsEdits(
      { 'service.yaml': service('shop', 'http'), 'ingress.yaml': ingress, 'deployment.yaml': deployment(9000) },
      [
        ['deployment.yaml', deployment(8080)],
        ['deployment.yaml', deployment(9000)],
      ],
    );
  });

  test('a Service that comes beside a reference to none, a typo away, is suggested', () => {
    const statefulSet =
      'apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\n  namespace: shop\nspec:\n  serviceName: web\n' +
      '  selector:\n    matchLabels:\n      app: db\n  template:\n    metadata:\n      labels:\n        app: db\n';
    followsEdits(
      {
        'other.yaml': service('shop', '80').replace('name: web', 'name: cache'),
        'db.yaml': statefulSet,
        'near.yaml': '',
      },
      [
        ['near.yaml', service('shop', '80').replace('name: web', 'name: wbe')],
        ['near.yaml', ''],
      ],
    );
  });

  test('a Service of the name a reference gives, in another namespace, that comes and goes is said', () => {
    const route =
      'apiVersion: traefik.io/v1alpha1\nkind: IngressRoute\nmetadata:\n  name: shop\n  namespace: shop\n' +
      'spec:\n  routes:\n    - services:\n        - name: login\n          port: 80\n';
    followsEdits({ 'shop.yaml': service('shop', '80'), 'route.yaml': route, 'login.yaml': '' }, [
      ['login.yaml', service('auth', '80').replace('name: web', 'name: login')],
      ['login.yaml', ''],
    ]);
  });

  test('a namespace a typo away from a Service of the name is said until a Service comes into it', () => {
    const route =
      'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: storefront\n  namespace: edge\n' +
      'spec:\n  rules:\n    - backendRefs:\n        - name: web\n          namespace: shpo\n          port: 80\n';
    // In folders of their own: the route's holds no Service, so only the typo makes the rule speak.
    followsEdits({ 'edge/route.yaml': route, 'shop/web.yaml': '', 'other/cache.yaml': '' }, [
      ['shop/web.yaml', service('shop', '80')],
      ['other/cache.yaml', service('shpo', '80').replace('name: web', 'name: cache')],
      ['other/cache.yaml', ''],
    ]);
  });
});

/** The findings of a new index of `texts`. */
function fromScratch(texts: ReadonlyMap<string, string>): Map<string, Finding[]> {
  const index = new WorkspaceIndex();
  for (const [uri, text] of texts) index.update(uri, text);
  return groupByUri(checkAll(index, {}, CONTEXT).findings);
}

/** Each folder of `root` (the fixtures of each rule; the corpus repositories), none if it is absent. */
function subfolders(root: string): string[] {
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root)
    .map((name) => path.join(root, name))
    .filter((full) => fs.statSync(full).isDirectory());
}

/** The codes of the findings that are in one of `before` and `after` only. */
function changedCodes(before: Record<string, string[]>, after: Record<string, string[]>): Set<string> {
  const codes = new Set<string>();
  for (const [one, other] of [
    [before, after],
    [after, before],
  ]) {
    for (const [uri, list] of Object.entries(one)) {
      const others = new Set(other[uri] ?? []);
      for (const finding of list) if (!others.has(finding)) codes.add((JSON.parse(finding) as Finding).code);
    }
  }
  return codes;
}
