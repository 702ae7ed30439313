import * as fs from 'node:fs';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parseAllDocuments } from 'yaml';
import type { WorkspaceIndex } from '../../server/src/index/workspaceIndex';
import { KubernetesVersion } from '../../server/src/model/kubernetesVersion';
import { checkAll, checkInPieces, fixesFor } from '../../server/src/rules';
import { applyFileChanges } from '../../server/src/rules/applyFixes';
import { assistsAt } from '../../server/src/rules/assists';
import { recheck } from '../../server/src/rules/recheck';
import { FixContext, type FileChange, type Finding, type Fix } from '../../server/src/rules/types';
import { canonical, EDITS, groupByUri, pick, seeded } from './edits';
import { indexOf, readFixture, relativePathOf, uriOf, WORKSPACE_ROOT } from './fixtureWorkspace';

/**
 * The fuzz harness of issue #8, "Never crash, never lose a byte": random workspaces (mutated
 * real manifests and generated Kubernetes-shaped objects of every wrong type) go through
 * parsing, the index, every rule, every fix and every assist, and each result is held to the
 * invariants the README states. A failing workspace is minimized and can be kept as a
 * regression fixture, which `test/unit/fuzz.test.ts` replays.
 */

/** Files by path relative to the workspace folder, as in fixtures. */
export type Workspace = Map<string, string>;

/** A broken invariant: `kind` groups failures so that minimizing keeps the same one. */
export class FuzzFailure extends Error {
  constructor(
    readonly kind: string,
    message: string,
  ) {
    super(`${kind}: ${message}`);
  }
}

/** A way to make a random workspace. */
export type FuzzCase = { name: string; make(random: () => number): Workspace };

export const CORPUS = path.resolve(__dirname, '../../../../shared/corpus');
export const REGRESSIONS = path.resolve(__dirname, '../../../test/fixtures/fuzz-regressions');

/** The fix contexts every fix is asked for: with and without new files, slices preferred or not. */
const CONTEXTS = [true, false].flatMap((canCreateFiles) =>
  [true, false].map((preferEndpointSlice) => FixContext.of({ canCreateFiles, preferEndpointSlice })),
);

/**
 * Runs every check over `workspace` and throws a `FuzzFailure` for the first broken invariant:
 * no exception anywhere, findings inside their file, fix edits in range, not overlapping and
 * touching nothing outside their spans, new files inside the workspace folder, YAML that parsed
 * still parsing after a fix or a conversion, the full check in pieces (of a size chosen by
 * `editSeed`) equal to one over the whole index, and the targeted re-check after a random edit
 * (chosen by `editSeed`) equal to a full check.
 */
export function checkWorkspace(workspace: Workspace, editSeed: number): void {
  const index = guard('exception', () => indexOf(workspace));
  index.takeChanges();
  const texts = new Map([...workspace].map(([relativePath, text]) => [uriOf(relativePath), text]));
  const { findings, failures } = guard('exception', () => checkAll(index));
  if (failures.length > 0) throw new FuzzFailure('exception', `${failures[0].code}: ${String(failures[0].error)}`);
  checkPieces(index, findings, editSeed);
  const checked = new Set<string>();
  for (const finding of findings) {
    const text = texts.get(finding.uri);
    if (text === undefined || !inRange(finding.range, text)) {
      throw new FuzzFailure('finding-range', `${finding.code} at ${JSON.stringify(finding.range)} in ${finding.uri}`);
    }
    for (const context of CONTEXTS) {
      const fixes = guard('exception', () => fixesFor(finding, index, context));
      const assists = guard('exception', () => assistsAt(index, finding.uri, finding.range, context));
      for (const fix of [...fixes, ...assists]) {
        // The same changes come back for other contexts and findings: checking them once is enough.
        const key = JSON.stringify(fix.changes);
        if (checked.has(key)) continue;
        checked.add(key);
        checkFix(texts, fix, `${fix.title} (for ${finding.code})`);
      }
    }
  }
  checkRecheck(index, workspace, findings, editSeed);
}

/** Edits apply, keep every byte outside their spans, stay in the workspace and keep YAML parseable. */
function checkFix(texts: Map<string, string>, fix: Fix, label: string): void {
  const edits = new Map<string, Extract<FileChange, { kind: 'edit' }>[]>();
  for (const change of fix.changes) {
    if (change.kind === 'create') {
      const inside = change.uri.startsWith(WORKSPACE_ROOT) && !relativePathOf(change.uri).split('/').includes('..');
      if (!inside) throw new FuzzFailure('create-outside', `${label} creates ${change.uri}`);
      if (texts.has(change.uri)) throw new FuzzFailure('create-existing', `${label} creates ${change.uri}`);
      if (yamlErrors(change.text) > 0) throw new FuzzFailure('unparseable', `${label} creates unparseable YAML`);
      continue;
    }
    const text = texts.get(change.uri);
    if (text === undefined) throw new FuzzFailure('edit-missing', `${label} edits ${change.uri}`);
    if (!inRange(change.range, text)) throw new FuzzFailure('edit-range', `${label}: ${JSON.stringify(change.range)}`);
    edits.set(change.uri, [...(edits.get(change.uri) ?? []), change]);
  }
  const results = guard('exception', () => applyFileChanges((uri) => texts.get(uri), fix.changes));
  for (const [uri, list] of edits) {
    const text = texts.get(uri)!;
    const sorted = [...list].sort((a, b) => a.range.start - b.range.start);
    // The text the edits must give: the original between them, their new text in their spans.
    let expected = '';
    let at = 0;
    for (const edit of sorted) {
      if (edit.range.start < at) throw new FuzzFailure('edit-overlap', `${label}: ${JSON.stringify(edit.range)}`);
      expected += text.slice(at, edit.range.start) + edit.newText;
      at = edit.range.end;
    }
    expected += text.slice(at);
    if (results.get(uri) !== expected) throw new FuzzFailure('outside-changed', `${label} in ${uri}`);
    if (yamlErrors(text) === 0 && yamlErrors(expected) > 0) {
      throw new FuzzFailure('unparseable', `${label} leaves YAML that does not parse in ${relativePathOf(uri)}`);
    }
  }
}

/** The pieces of a full check, of 1 to 5 objects each, find what the whole check found. */
function checkPieces(index: WorkspaceIndex, findings: Finding[], editSeed: number): void {
  const size = 1 + (editSeed % 5);
  const pieces = guard('exception', () => [...checkInPieces(index, {}, undefined, size)]);
  const inPieces = groupByUri(pieces.flatMap((piece) => piece.findings));
  if (!isDeepStrictEqual(canonical(inPieces), canonical(groupByUri(findings)))) {
    throw new FuzzFailure('pieces', `the full check in pieces of ${size} differs from one over the whole index`);
  }
}

/**
 * After a random edit of one file of `index` (which holds `workspace`, its changes taken), the
 * targeted re-check gives the findings of a full check.
 */
function checkRecheck(index: WorkspaceIndex, workspace: Workspace, findings: Finding[], editSeed: number): void {
  const random = seeded(editSeed);
  const relativePath = pick([...workspace.keys()], random);
  if (relativePath === undefined) return;
  const edit = pick([...EDITS, ...MUTATIONS], random);
  const text = edit(workspace.get(relativePath)!, random);
  const context = { kubernetesVersion: KubernetesVersion.LATEST };
  guard('exception', () => index.update(uriOf(relativePath), text));
  const changes = index.takeChanges();
  if (changes.everything) return;
  const rechecked = guard('exception', () => recheck(index, groupByUri(findings), changes, {}, context));
  const full = checkAll(index, {}, context);
  if (!isDeepStrictEqual(canonical(rechecked.findingsByUri), canonical(groupByUri(full.findings)))) {
    throw new FuzzFailure('recheck', `after an edit of ${relativePath} the re-check differs from a full check`);
  }
}

function inRange({ start, end }: { start: number; end: number }, text: string): boolean {
  return Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start <= end && end <= text.length;
}

/** How many errors `yaml` finds in a text; the originals are asked about once per fix, so they are remembered. */
function yamlErrors(text: string): number {
  let errors = yamlErrorCounts.get(text);
  if (errors === undefined) {
    const documents = parseAllDocuments(text);
    errors = (Array.isArray(documents) ? documents : []).reduce((sum, document) => sum + document.errors.length, 0);
    if (yamlErrorCounts.size > 1000) yamlErrorCounts.clear();
    yamlErrorCounts.set(text, errors);
  }
  return errors;
}

const yamlErrorCounts = new Map<string, number>();

/** Runs `step`, turning an exception into a `FuzzFailure` of `kind`. */
function guard<T>(kind: string, step: () => T): T {
  try {
    return step();
  } catch (error) {
    if (error instanceof FuzzFailure) throw error;
    throw new FuzzFailure(kind, error instanceof Error ? (error.stack ?? error.message) : String(error));
  }
}

// Inputs.

/** Odd text to drop anywhere: YAML indicators, separators, line endings, BOMs, lone surrogates, emoji. */
const ODD_TEXT = [
  ':',
  '- ',
  ' ',
  '#',
  '"',
  "'",
  '\t',
  '\n',
  '\r',
  '\r\n',
  '{',
  '}',
  '[',
  ']',
  ',',
  '&a ',
  '*a',
  '! ',
  '!!str ',
  '|',
  '>-',
  '? ',
  '%',
  '@',
  '`',
  '\\',
  '\uFEFF',
  '\uD800',
  '\uDC00',
  '😀',
  'é',
  '\u2028',
  '\u0085',
  '\0',
  '---',
  '...',
];

/** Values of every wrong type, each as a YAML value written after `key:` (lines after the first are indented). */
const ODD_VALUES = [
  'null',
  '~',
  '',
  '0',
  '-1',
  '-80',
  '65536',
  '99999999999999999999999',
  '1.5',
  '1e3',
  '0x1F',
  '.inf',
  'true',
  '"quoted \\"escaped\\" \\\\ \\t"',
  "'single ''quoted'''",
  '"\\ud800"',
  '"\\u00e9\\n"',
  '|\nblock\nname',
  '>-\nfolded\nname',
  '|+\nkeep\n',
  '{a: 1}',
  '[1, 2]',
  '[]',
  '{}',
  '!!str 5',
  '!!int "7"',
  '! web',
  '&anchor web',
  '*anchor',
  '"web"',
  "'web'",
  'web # comment',
  'ünï',
  '"a/b"',
  '"../x"',
  '"\\x00"',
  '- a\n- b',
  'a: 1\nb: 2',
];

const NAMES = ['web', 'db', 'api', 'web', '"web"', "'db'", 'x'];
const KEY_PREFIXES = ['', '', '', '', '! ', '&k ', '!!str ', '? '];

/** Mutations of a file's text, beyond the typing edits of `EDITS`. */
export const MUTATIONS: ((text: string, random: () => number) => string)[] = [
  // Odd text typed anywhere, or replacing a character.
  (text, random) => {
    const at = Math.floor(random() * (text.length + 1));
    return text.slice(0, at) + pick(ODD_TEXT, random) + text.slice(at + (random() < 0.5 ? 1 : 0));
  },
  // A line deleted or duplicated.
  (text, random) => {
    const lines = text.split('\n');
    const at = Math.floor(random() * lines.length);
    if (random() < 0.5) lines.splice(at, 1);
    else lines.splice(at, 0, lines[at]);
    return lines.join('\n');
  },
  // Indentation of a line shifted in or out.
  (text, random) => {
    const lines = text.split('\n');
    const at = Math.floor(random() * lines.length);
    lines[at] =
      random() < 0.5 ? lines[at].replace(/^ {1,2}/, '') : ' '.repeat(1 + Math.floor(random() * 3)) + lines[at];
    return lines.join('\n');
  },
  // Truncated.
  (text, random) => text.slice(0, Math.floor(random() * text.length)),
  // Document separators and end markers.
  (text, random) => {
    const lines = text.split('\n');
    lines.splice(
      Math.floor(random() * (lines.length + 1)),
      0,
      pick(['---', '...', '--- !x', '---x', '--- |', '... #'], random),
    );
    return lines.join('\n');
  },
  // Line endings: all CRLF, all CR, or a BOM first.
  (text, random) => {
    const choice = Math.floor(random() * 3);
    if (choice === 0) return text.replace(/\r?\n/g, '\r\n');
    if (choice === 1) return text.replace(/\r?\n/g, '\r');
    return '\uFEFF' + text;
  },
  // A tag, anchor, alias or flow collection before a key or for a value.
  (text, random) => {
    const lines = text.split('\n');
    const at = Math.floor(random() * lines.length);
    const match = /^(\s*(?:- )?)([^:#]*):(.*)$/.exec(lines[at]);
    if (!match) return text;
    const [, indent, key, value] = match;
    lines[at] =
      random() < 0.5
        ? `${indent}${pick(['! ', '&a ', '!!str ', '!t '], random)}${key}:${value}`
        : `${indent}${key}: ${pick(['*a', '&a x', '{x: 1}', '[a, b]', '!!null', '! y', '{', '[x'], random)}`;
    return lines.join('\n');
  },
];

/** Every way of making a workspace, by name (for `--only`). */
export const CASES: FuzzCase[] = [
  { name: 'corpus', make: (random) => mutated(corpusWorkspace(random), random) },
  { name: 'generated', make: (random) => generatedWorkspace(random) },
  { name: 'generated-mutated', make: (random) => mutated(generatedWorkspace(random), random) },
];

function mutated(workspace: Workspace, random: () => number): Workspace {
  const result = new Map(workspace);
  const mutations = [...EDITS, ...MUTATIONS, ...MUTATIONS];
  for (let n = 1 + Math.floor(random() * 4); n > 0; n--) {
    const relativePath = pick([...result.keys()], random);
    result.set(relativePath, pick(mutations, random)(result.get(relativePath)!, random));
  }
  return result;
}

let corpusFiles: string[][] | undefined;

/** One to three YAML files of one folder of the corpus, each cut to a few documents so cases stay fast. */
function corpusWorkspace(random: () => number): Workspace {
  corpusFiles ??= corpusFolders();
  const folder = pick(corpusFiles, random);
  const workspace: Workspace = new Map();
  for (let n = 1 + Math.floor(random() * 3); n > 0; n--) {
    const file = pick(folder, random);
    const documents = corpusDocuments(file);
    const from = Math.floor(random() * documents.length);
    workspace.set(path.relative(CORPUS, file), documents.slice(from, from + 1 + Math.floor(random() * 4)).join(''));
  }
  return workspace;
}

const documentsOfFile = new Map<string, string[]>();

/** A corpus file's documents, each with the `---` line that starts it; read once. */
function corpusDocuments(file: string): string[] {
  let documents = documentsOfFile.get(file);
  if (!documents) documentsOfFile.set(file, (documents = fs.readFileSync(file, 'utf8').split(/(?<=\n)(?=---)/)));
  return documents;
}

/** The corpus' YAML files, grouped by folder, so that a workspace holds neighbours that may pair. */
function corpusFolders(): string[][] {
  const byFolder = new Map<string, string[]>();
  for (const file of fs.readdirSync(CORPUS, { recursive: true, encoding: 'utf8' })) {
    if (!/\.ya?ml$/.test(file)) continue;
    const folder = path.dirname(file);
    byFolder.set(folder, [...(byFolder.get(folder) ?? []), path.join(CORPUS, file)]);
  }
  return [...byFolder.values()];
}

/** One to four files in two folders, of Services, Endpoints, EndpointSlices and Deployments with odd values. */
function generatedWorkspace(random: () => number): Workspace {
  const workspace: Workspace = new Map();
  for (let n = 1 + Math.floor(random() * 4); n > 0; n--) {
    const documents: string[] = [];
    for (let d = 1 + Math.floor(random() * 3); d > 0; d--) documents.push(generatedObject(random));
    workspace.set(
      `${pick(['a', 'b'], random)}/${n}.yaml`,
      documents.join(pick(['---\n', '---\n', '...\n---\n'], random)),
    );
  }
  return workspace;
}

type Tree = string | Tree[] | [string, Tree][] | { map: [string, Tree][] };

function generatedObject(random: () => number): string {
  const odd = random() < 0.5 ? 0.15 : 0.03;
  const value = (usual: () => string) => (random() < odd ? pick(ODD_VALUES, random) : usual());
  const name = () => value(() => pick(NAMES, random));
  const port = () => value(() => String(pick([80, 443, 8080, 0], random)));
  const portEntry = (): Tree => ({
    map: [
      ['name', value(() => pick(['http', 'https', '"http"', 'grpc'], random))],
      ['port', port()],
      ...(random() < 0.5
        ? [['targetPort', value(() => pick(['8080', 'http', '9090'], random))] as [string, Tree]]
        : []),
      ['protocol', value(() => pick(['TCP', 'UDP', 'SCTP'], random))],
    ],
  });
  const ports = (): Tree =>
    random() < odd ? pick(ODD_VALUES, random) : [portEntry(), ...(random() < 0.3 ? [portEntry()] : [])];
  const ip = () => value(() => pick(['10.0.0.1', '10.96.0.10', 'fd00::1', '010.0.0.1', '::ffff:10.0.0.1'], random));
  const metadata = (extra: [string, Tree][] = []): Tree => ({
    map: [
      ['name', name()],
      ...(random() < 0.4 ? [['namespace', value(() => pick(['default', 'ns1'], random))] as [string, Tree]] : []),
      ...(random() < 0.3
        ? [['annotations', { map: [['kube-endpoints.io/ignore', value(() => 'port-mismatch')]] }] as [string, Tree]]
        : []),
      ...extra,
    ],
  });
  const kind = pick(['Service', 'Endpoints', 'EndpointSlice', 'Deployment'], random);
  let body: [string, Tree][];
  if (kind === 'Service') {
    body = [
      ['apiVersion', 'v1'],
      ['kind', 'Service'],
      ['metadata', metadata()],
      [
        'spec',
        {
          map: [
            ...(random() < 0.5 ? [['selector', { map: [['app', name()]] }] as [string, Tree]] : []),
            ...(random() < 0.2
              ? [['type', value(() => pick(['ClusterIP', 'ExternalName', 'NodePort'], random))] as [string, Tree]]
              : []),
            ...(random() < 0.3 ? [['clusterIP', ip()] as [string, Tree]] : []),
            ['ports', ports()],
          ],
        },
      ],
    ];
  } else if (kind === 'Endpoints') {
    const addresses = (): Tree => [
      { map: [['ip', ip()], ...(random() < 0.3 ? [['hostname', name()] as [string, Tree]] : [])] },
    ];
    body = [
      ['apiVersion', 'v1'],
      ['kind', 'Endpoints'],
      ['metadata', metadata(random() < 0.3 ? [['labels', { map: [['app', name()]] }]] : [])],
      [
        'subsets',
        random() < odd
          ? pick(ODD_VALUES, random)
          : [
              {
                map: [
                  ['addresses', addresses()],
                  ...(random() < 0.3 ? [['notReadyAddresses', addresses()] as [string, Tree]] : []),
                  ['ports', ports()],
                ],
              },
            ],
      ],
    ];
  } else if (kind === 'EndpointSlice') {
    body = [
      ['apiVersion', 'discovery.k8s.io/v1'],
      ['kind', 'EndpointSlice'],
      ['metadata', metadata([['labels', { map: [['kubernetes.io/service-name', name()]] }]])],
      ['addressType', value(() => pick(['IPv4', 'IPv6', 'FQDN'], random))],
      [
        'endpoints',
        [
          {
            map: [
              ['addresses', [ip()]],
              ...(random() < 0.3 ? [['conditions', { map: [['ready', value(() => 'true')]] }] as [string, Tree]] : []),
            ],
          },
        ],
      ],
      ['ports', ports()],
    ];
  } else {
    const labels = (): Tree => ({ map: [['app', name()]] });
    body = [
      ['apiVersion', 'apps/v1'],
      ['kind', 'Deployment'],
      ['metadata', metadata()],
      [
        'spec',
        {
          map: [
            ['selector', { map: [['matchLabels', labels()]] }],
            [
              'template',
              {
                map: [
                  ['metadata', { map: [['labels', labels()]] }],
                  [
                    'spec',
                    {
                      map: [
                        [
                          'containers',
                          [
                            {
                              map: [
                                ['name', name()],
                                [
                                  'ports',
                                  [
                                    {
                                      map: [
                                        ['containerPort', port()],
                                        ['name', name()],
                                      ],
                                    },
                                  ],
                                ],
                              ],
                            },
                          ],
                        ],
                      ],
                    },
                  ],
                ],
              },
            ],
          ],
        },
      ],
    ];
  }
  const indent = pick([2, 2, 4, 1], random);
  const indentSequences = random() < 0.5;
  return renderTree({ map: body }, 0, indent, indentSequences, random).join('\n') + '\n';
}

/** Block YAML of a tree at `column`; keys sometimes get a tag or anchor in front. */
function renderTree(
  tree: { map: [string, Tree][] },
  column: number,
  indent: number,
  flush: boolean,
  random: () => number,
): string[] {
  const lines: string[] = [];
  const pad = ' '.repeat(column);
  for (const [key, value] of tree.map) {
    const prefix = `${pad}${pick(KEY_PREFIXES, random)}${key}:`;
    if (typeof value === 'string') {
      const [first, ...rest] = value.split('\n');
      lines.push(`${prefix}${first === '' ? '' : ' ' + first}`, ...rest.map((line) => pad + ' '.repeat(indent) + line));
    } else if (Array.isArray(value)) {
      lines.push(prefix);
      const itemColumn = column + (flush ? 0 : indent);
      for (const item of value as Tree[]) {
        if (typeof item === 'string') lines.push(`${' '.repeat(itemColumn)}- ${item}`);
        else {
          const inner = renderTree(item as { map: [string, Tree][] }, itemColumn + 2, indent, flush, random);
          lines.push(' '.repeat(itemColumn) + '- ' + inner[0].slice(itemColumn + 2), ...inner.slice(1));
        }
      }
    } else {
      lines.push(prefix, ...renderTree(value as { map: [string, Tree][] }, column + indent, indent, flush, random));
    }
  }
  return lines;
}

// Running, minimizing, keeping.

export type FuzzOptions = { count: number; seconds: number; seed: number; only?: string };
export type FuzzResult = { cases: number; seconds: number; failures: { caseNumber: number; failure: FuzzFailure }[] };

/** The seed of case `caseNumber` of a run: the run's seed and the number mixed, so any case replays alone. */
export function caseSeed(seed: number, caseNumber: number): number {
  let hash = (seed ^ 0x9e3779b9) >>> 0;
  hash = Math.imul(hash ^ caseNumber, 0x85ebca6b) >>> 0;
  return (Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35) >>> 0) % 0x7fffffff;
}

/** The workspace and edit seed of one case of a run. */
export function makeCase(
  options: Pick<FuzzOptions, 'seed' | 'only'>,
  caseNumber: number,
): { workspace: Workspace; editSeed: number } {
  const random = seeded(caseSeed(options.seed, caseNumber));
  const cases = options.only ? CASES.filter((candidate) => candidate.name === options.only) : CASES;
  if (cases.length === 0)
    throw new Error(`no case named ${options.only}; known: ${CASES.map((c) => c.name).join(', ')}`);
  const workspace = pick(cases, random).make(random);
  return { workspace, editSeed: Math.floor(random() * 0x7fffffff) };
}

/** Runs cases until `count` or `seconds` is reached, whichever first. */
export function runFuzz(options: FuzzOptions): FuzzResult {
  const started = Date.now();
  const failures: FuzzResult['failures'] = [];
  let cases = 0;
  while (cases < options.count && Date.now() - started < options.seconds * 1000) {
    const { workspace, editSeed } = makeCase(options, cases);
    const failure = failureOf(workspace, editSeed);
    if (failure) failures.push({ caseNumber: cases, failure });
    cases++;
  }
  return { cases, seconds: (Date.now() - started) / 1000, failures };
}

/** The failure `workspace` shows, if any. */
export function failureOf(workspace: Workspace, editSeed: number): FuzzFailure | undefined {
  try {
    checkWorkspace(workspace, editSeed);
    return undefined;
  } catch (error) {
    if (error instanceof FuzzFailure) return error;
    return new FuzzFailure('exception', error instanceof Error ? (error.stack ?? error.message) : String(error));
  }
}

/**
 * The smallest workspace found that still fails the same way: whole files dropped, then
 * delta debugging over each file's lines, then its characters.
 */
export function minimize(workspace: Workspace, editSeed: number, kind: string): Workspace {
  // Files that end with a line break keep it, so that the fixture can hold them (see `renderRegression`).
  const fails = (candidate: Workspace) =>
    [...candidate].every(
      ([relativePath, text]) => text.endsWith('\n') || !workspace.get(relativePath)!.endsWith('\n'),
    ) && failureOf(candidate, editSeed)?.kind === kind;
  let current = new Map(workspace);
  for (const relativePath of [...current.keys()]) {
    const without = new Map(current);
    without.delete(relativePath);
    if (without.size > 0 && fails(without)) current = without;
  }
  for (const relativePath of [...current.keys()]) {
    for (const [split, join] of [
      [(text: string) => text.split(/(?<=\n)/), ''],
      [(text: string) => [...text], ''],
    ] as const) {
      const parts = deltaDebug(split(current.get(relativePath)!), (candidate) =>
        fails(new Map(current).set(relativePath, candidate.join(join))),
      );
      current = new Map(current).set(relativePath, parts.join(join));
    }
  }
  return current;
}

/** Delta debugging (ddmin, complements only): removes chunks of `parts` while `fails` holds. */
function deltaDebug<T>(parts: T[], fails: (candidate: T[]) => boolean): T[] {
  let current = parts;
  let chunks = 2;
  while (current.length >= 2) {
    const size = Math.ceil(current.length / chunks);
    let reduced = false;
    for (let start = 0; start < current.length; start += size) {
      const candidate = [...current.slice(0, start), ...current.slice(start + size)];
      if (fails(candidate)) {
        current = candidate;
        chunks = Math.max(chunks - 1, 2);
        reduced = true;
        break;
      }
    }
    if (!reduced) {
      if (chunks >= current.length) break;
      chunks = Math.min(chunks * 2, current.length);
    }
  }
  return current;
}

/** A regression fixture: a header saying what failed and with which edit seed, then the files. */
export function renderRegression(workspace: Workspace, editSeed: number, failure: FuzzFailure): string {
  const header = [`# fuzz regression: ${failure.message.split('\n')[0]}`, `# edit-seed: ${editSeed}`];
  // readFixture ends every file but the last with a newline, so a file without one goes last.
  const ordered = [...workspace].sort(([, a], [, b]) => Number(!a.endsWith('\n')) - Number(!b.endsWith('\n')));
  const files = ordered.map(([relativePath, text], i, all) => {
    if (i < all.length - 1 && !text.endsWith('\n')) throw new Error(`${relativePath} must end with a newline`);
    return `# --- file: ${relativePath}\n${i < all.length - 1 ? text.slice(0, -1) : text}`;
  });
  return [...header, ...files].join('\n');
}

/** A saved regression: its workspace and edit seed. */
export function readRegression(file: string): { workspace: Workspace; editSeed: number } {
  const { header, files } = readFixture(file);
  const editSeed = Number(header.map((line) => /^# edit-seed: (\d+)$/.exec(line)?.[1]).find(Boolean) ?? 0);
  return { workspace: files, editSeed };
}
