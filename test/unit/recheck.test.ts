import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, test } from 'node:test';
import { WorkspaceIndex } from '../../server/src/index/workspaceIndex';
import { KubernetesVersion } from '../../server/src/model/kubernetesVersion';
import { checkAll, rules } from '../../server/src/rules';
import { recheck } from '../../server/src/rules/recheck';
import type { Finding } from '../../server/src/rules/types';

/**
 * The targeted re-check after an edit gives exactly the findings of a full check, over random
 * edits to names, namespaces, ports and whole documents of real manifests and the examples.
 */
const ROOT = path.resolve(__dirname, '../../..');
const CORPUS = path.resolve(ROOT, '../shared/corpus');

const EDITS: ((text: string, random: () => number) => string)[] = [
  // A typo, or its repair, in some name.
  (text, random) => replaceNth(text, /name: (\S+)/g, random, (name) => `name: ${mutate(name, random)}`),
  // Another namespace.
  (text, random) => replaceNth(text, /namespace: (\S+)/g, random, () => `namespace: ns${Math.floor(random() * 3)}`),
  // Another port name.
  (text, random) => replaceNth(text, /- name: (\S+)/g, random, (name) => `- name: ${mutate(name, random)}`),
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
];

let changedInAll = 0;

describe('targeted re-check', () => {
  for (const folder of [path.join(ROOT, 'examples'), ...repositories()]) {
    test(path.basename(folder), () => {
      const index = new WorkspaceIndex();
      const files = fs
        .readdirSync(folder, { recursive: true, encoding: 'utf8' })
        .filter((file) => /\.ya?ml$/.test(file))
        .sort()
        .map((file) => pathToFileURL(path.join(folder, file)).href);
      const texts = new Map(files.map((uri) => [uri, fs.readFileSync(new URL(uri), 'utf8')]));
      const modelled = files.filter((uri) => /kind: (Service|Endpoints|EndpointSlice)\b/.test(texts.get(uri)!));
      for (const [uri, text] of texts) index.update(uri, text);
      index.takeChanges();
      let findings = groupByUri(checkAll(index).findings);
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
        findings = changes.everything
          ? groupByUri(checkAll(index).findings)
          : recheck(index, findings, changes, {}, { kubernetesVersion: KubernetesVersion.LATEST }).findingsByUri;
        if (JSON.stringify(canonical(findings)) !== JSON.stringify(before)) changed++;
        assert.deepEqual(canonical(findings), canonical(groupByUri(checkAll(index).findings)), `step ${step}: ${uri}`);
      }
      if (modelled.length > 0) assert.ok(rechecked > 30, `only ${rechecked} targeted re-checks`);
      changedInAll += changed;
    });
  }

  test('the edits changed findings', () => assert.ok(changedInAll > 50, `findings changed ${changedInAll} times`));

  test('rules that do not say what they depend on are run over everything', () => {
    const saved = rules.map((rule) => rule.dependsOn);
    for (const rule of rules) (rule as { dependsOn?: string }).dependsOn = undefined;
    try {
      const folder = path.join(ROOT, 'test/fixtures');
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
          : recheck(index, findings, changes, {}, { kubernetesVersion: KubernetesVersion.LATEST }).findingsByUri;
        assert.deepEqual(canonical(findings), canonical(groupByUri(checkAll(index).findings)), `step ${step}`);
      }
    } finally {
      rules.forEach((rule, i) => ((rule as { dependsOn?: string }).dependsOn = saved[i]));
    }
  });
});

function repositories(): string[] {
  if (!fs.existsSync(CORPUS)) return [];
  return fs
    .readdirSync(CORPUS)
    .map((name) => path.join(CORPUS, name))
    .filter((full) => fs.statSync(full).isDirectory());
}

function replaceNth(text: string, pattern: RegExp, random: () => number, replace: (value: string) => string): string {
  const matches = [...text.matchAll(pattern)];
  if (matches.length === 0) return text;
  const match = matches[Math.floor(random() * matches.length)];
  return text.slice(0, match.index) + replace(match[1]) + text.slice(match.index! + match[0].length);
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
