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

/**
 * The targeted re-check after an edit gives exactly the findings of a full check, over random
 * edits to names, namespaces, ports and whole documents of real manifests and the examples.
 */
const ROOT = path.resolve(__dirname, '../../..');
const CORPUS = path.resolve(ROOT, '../shared/corpus');
const FIXTURES = path.join(ROOT, 'test/fixtures');

const EDITS: ((text: string, random: () => number) => string)[] = [
  // A typo, or its repair, in some name.
  (text, random) => replaceNth(text, /name: (\S+)/g, random, ([, name]) => `name: ${mutate(name, random)}`),
  // Another namespace.
  (text, random) => replaceNth(text, /namespace: (\S+)/g, random, () => `namespace: ns${Math.floor(random() * 3)}`),
  // Another port name.
  (text, random) => replaceNth(text, /- name: (\S+)/g, random, ([, name]) => `- name: ${mutate(name, random)}`),
  // A document removed, or duplicated.
  (text, random) => {
    const documents = text.split('\n---\n');
    const at = Math.floor(random() * documents.length);
    if (random() < 0.5 && documents.length > 1) documents.splice(at, 1);
    else documents.splice(at, 0, documents[at]);
    return documents.join('\n---\n');
  },
  // A character typed anywhere.
  (text, random) => {
    const at = Math.floor(random() * text.length);
    return text.slice(0, at) + 'x:- '[Math.floor(random() * 4)] + text.slice(at);
  },
  // A line deleted.
  (text, random) => {
    const lines = text.split('\n');
    lines.splice(Math.floor(random() * lines.length), 1);
    return lines.join('\n');
  },
  // Another selector or pod label value, or another Service named by a slice's label.
  (text, random) =>
    replaceNth(
      text,
      /(app|kubernetes\.io\/service-name|app\.kubernetes\.io\/name): (\S+)$/gm,
      random,
      ([, key, value]) => `${key}: ${mutate(value, random)}`,
    ),
  // Another address or cluster IP: of either family, a loopback one, a Service's, or a host name.
  (text, random) =>
    replaceNth(
      text,
      /(ip: |clusterIP: |- )(\d+\.\d+\.\d+\.\d+|None)$/gm,
      random,
      ([, prefix]) => prefix + pick(['10.0.0.1', '10.96.0.10', 'fd00::1', '127.0.0.1', 'db.local', 'None'], random),
    ),
  // One IP of the file copied over another: an endpoint address becomes a cluster IP, or the reverse.
  (text, random) => {
    const ips = [...text.matchAll(IP_FIELD)].map(([, , ip]) => ip);
    return ips.length === 0 ? text : replaceNth(text, IP_FIELD, random, ([, prefix]) => prefix + pick(ips, random));
  },
  // Another port number.
  (text, random) =>
    replaceNth(
      text,
      /(port|targetPort|containerPort): (\d+)$/gm,
      random,
      ([, key]) => `${key}: ${pick([80, 8080, 0, 70000], random)}`,
    ),
  // Another kind.
  (text, random) =>
    replaceNth(
      text,
      /^kind: (\S+)$/gm,
      random,
      () => `kind: ${pick(['Service', 'Endpoints', 'EndpointSlice', 'Deployment'], random)}`,
    ),
  // A suppression comment above some line.
  (text, random) => {
    const lines = text.split('\n');
    const at = Math.floor(random() * lines.length);
    const indent = /^\s*/.exec(lines[at])![0];
    lines.splice(at, 0, `${indent}# kube-endpoints-ignore${random() < 0.5 ? '' : ' service-without-endpoints'}`);
    return lines.join('\n');
  },
];

const IP_FIELD = /(ip: |clusterIP: |- )(\d+\.\d+\.\d+\.\d+|[0-9a-f:]*::[0-9a-f:]*)$/gm;

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

/** Each folder of `root` (the fixtures of each rule; the corpus repositories), none if it is absent. */
function subfolders(root: string): string[] {
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root)
    .map((name) => path.join(root, name))
    .filter((full) => fs.statSync(full).isDirectory());
}

function replaceNth(
  text: string,
  pattern: RegExp,
  random: () => number,
  replace: (match: RegExpMatchArray) => string,
): string {
  const matches = [...text.matchAll(pattern)];
  if (matches.length === 0) return text;
  const match = matches[Math.floor(random() * matches.length)];
  return text.slice(0, match.index) + replace(match) + text.slice(match.index! + match[0].length);
}

function pick<T>(values: readonly T[], random: () => number): T {
  return values[Math.floor(random() * values.length)];
}

function mutate(name: string, random: () => number): string {
  const at = Math.floor(random() * name.length);
  return random() < 0.5 ? name.slice(0, at) + name.slice(at + 1) || 'x' : name.slice(0, at) + 'x' + name.slice(at);
}

function groupByUri(findings: Finding[]): Map<string, Finding[]> {
  const grouped = new Map<string, Finding[]>();
  for (const finding of findings) grouped.set(finding.uri, [...(grouped.get(finding.uri) ?? []), finding]);
  return grouped;
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

/** Findings as sorted JSON per file, so that order does not matter. */
function canonical(findings: Map<string, Finding[]>): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const [uri, list] of findings) {
    if (list.length > 0) result[uri] = list.map((finding) => JSON.stringify(finding)).sort();
  }
  return result;
}

function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
}
