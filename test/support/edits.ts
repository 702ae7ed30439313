import type { Finding } from '../../server/src/rules/types';

/**
 * Random edits of YAML manifests, shared by the re-check property test and the fuzz harness:
 * the kinds of change a person makes while typing, each seeded so a run can be replayed.
 */

/** Edits that keep a file mostly valid: a name, namespace, port, label, IP, kind changed, a line or document gone. */
export const EDITS: ((text: string, random: () => number) => string)[] = [
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

/**
 * A seeded generator (mulberry32): the same seed gives the same sequence, so every run can be
 * replayed; 32-bit integer arithmetic throughout, so different seeds give unrelated sequences.
 */
export function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/** Findings by the file they are in. */
export function groupByUri(findings: Finding[]): Map<string, Finding[]> {
  const grouped = new Map<string, Finding[]>();
  for (const finding of findings) grouped.set(finding.uri, [...(grouped.get(finding.uri) ?? []), finding]);
  return grouped;
}

/** Findings as sorted JSON per file, so that order does not matter. */
export function canonical(findings: Map<string, Finding[]>): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const [uri, list] of findings) {
    if (list.length > 0) result[uri] = list.map((finding) => JSON.stringify(finding)).sort();
  }
  return result;
}

export function replaceNth(
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

export function pick<T>(values: readonly T[], random: () => number): T {
  return values[Math.floor(random() * values.length)];
}

export function mutate(name: string, random: () => number): string {
  const at = Math.floor(random() * name.length);
  return random() < 0.5 ? name.slice(0, at) + name.slice(at + 1) || 'x' : name.slice(0, at) + 'x' + name.slice(at);
}
