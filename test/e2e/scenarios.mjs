// What the real-editor tests expect of the bundled examples/ workspace, shared by every
// runner: code-server (vscode.test.mjs), Neovim (neovim.test.mjs) and the
// @vscode/test-cli suite for desktop VS Code (test/vscode/). When a rule's wording,
// a fix's title or the examples change, this is the one file to update.
//
// Positions are 1-based line and column, as VS Code's Problems panel and status bar show
// them (LSP's 0-based line/character plus one; the examples are ASCII, so UTF-16 columns
// and characters agree).

import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The workspace every scenario runs on (always on a copy: fixes are saved to disk). */
export const EXAMPLES_DIR = path.join(REPO_ROOT, 'examples');

/**
 * Every finding of examples/ that an editor lists as a problem (hints excluded: VS Code
 * keeps them out of the Problems panel), in file order. Most files are never opened by
 * the tests: these come from the server's own workspace scan.
 *
 * @type {{ file: string, line: number, column: number, severity: 'error' | 'warning' | 'information', code: string }[]}
 */
export const EXAMPLE_FINDINGS = [
  { file: 'auth/ldap-endpoints.yaml', line: 5, column: 9, severity: 'warning', code: 'endpoints-without-service' },
  { file: 'auth/ldap-service.yaml', line: 4, column: 9, severity: 'warning', code: 'service-without-endpoints' },
  { file: 'cache/redis-service.yaml', line: 5, column: 9, severity: 'warning', code: 'service-without-endpoints' },
  { file: 'etcd/etcd-endpoints.yaml', line: 12, column: 15, severity: 'warning', code: 'port-mismatch' },
  { file: 'etcd/etcd-service.yaml', line: 10, column: 13, severity: 'warning', code: 'port-mismatch' },
  {
    file: 'external-database/postgres-route.yaml',
    line: 14,
    column: 17,
    severity: 'warning',
    code: 'route-port-unknown',
  },
  { file: 'legacy/legacy-api.yaml', line: 5, column: 9, severity: 'warning', code: 'service-without-endpoints' },
  { file: 'legacy/legacy-api.yaml', line: 9, column: 3, severity: 'error', code: 'service-spec-endpoints' },
  {
    file: 'node-exporter/servicemonitor.yaml',
    line: 11,
    column: 13,
    severity: 'warning',
    code: 'servicemonitor-port-unknown',
  },
  {
    file: 'payments/payments-endpoints.yaml',
    line: 5,
    column: 9,
    severity: 'warning',
    code: 'endpoints-for-external-name',
  },
  {
    file: 'search/elasticsearch-endpoints.yaml',
    line: 5,
    column: 9,
    severity: 'warning',
    code: 'endpoints-without-service',
  },
  {
    file: 'search/elasticsearch-service.yaml',
    line: 4,
    column: 9,
    severity: 'warning',
    code: 'service-without-endpoints',
  },
  { file: 'web/ingress.yaml', line: 18, column: 27, severity: 'warning', code: 'route-port-unknown' },
];

/**
 * The hints of examples/: every hand-written v1 Endpoints is deprecated from Kubernetes
 * 1.33. VS Code shows hints only as faint dots in the editor; Neovim gets them like any
 * diagnostic.
 */
export const EXAMPLE_HINTS = [
  'auth/ldap-endpoints.yaml:3:7',
  'etcd/etcd-endpoints.yaml:2:7',
  'external-database/postgres-endpoints.yaml:3:7',
  'node-exporter/endpoints.yaml:2:7',
  'search/elasticsearch-endpoints.yaml:3:7',
].map((place) => {
  const [file, line, column] = place.split(':');
  return { file, line: Number(line), column: Number(column), severity: 'hint', code: 'endpoints-deprecated' };
});

/** A finding as one comparable string: `file:line:column severity code`. */
export function findingKey({ file, line, column, severity, code }) {
  return `${file}:${line}:${column} ${severity} ${code}`;
}

/** Sorted keys of a list of findings, for one deepEqual with a readable diff. */
export function findingKeys(findings) {
  return findings.map(findingKey).sort();
}

/**
 * The Service that lacks backends, and the quick fix that writes them: an EndpointSlice
 * (kube-proxy reads only slices; v1 Endpoints is deprecated from Kubernetes 1.33). A client
 * that can create files is offered the new-file variants too; one that cannot (Neovim 0.7
 * claims no resource operations) only the in-file ones. The address is a placeholder (a
 * snippet tab stop where the client applies snippet edits) that endpoint-ip-invalid flags
 * until a real IP is typed.
 */
export const CREATE_ENDPOINTS = {
  file: 'cache/redis-service.yaml',
  line: 5,
  column: 9,
  code: 'service-without-endpoints',
  preferred: 'Create EndpointSlice "redis-cache-1" in this file',
  titles: [
    'Create EndpointSlice "redis-cache-1" in this file',
    'Create EndpointSlice "redis-cache-1" in redis-cache-endpointslice.yaml',
    'Create Endpoints "redis-cache" in this file',
    'Create Endpoints "redis-cache" in redis-cache-endpoints.yaml',
    'Ignore service-without-endpoints for Service "redis-cache"',
  ],
  /** What a client without resource operations is offered, in order. */
  inFileTitles: [
    'Create EndpointSlice "redis-cache-1" in this file',
    'Create Endpoints "redis-cache" in this file',
    'Ignore service-without-endpoints for Service "redis-cache"',
  ],
  /** The line that shows the new document has arrived in the editor. */
  kindLine: 'kind: EndpointSlice',
  /** What the preferred fix appends to the file (the Service document stays as it is). */
  appended: [
    '---',
    'apiVersion: discovery.k8s.io/v1',
    'kind: EndpointSlice',
    'metadata:',
    '  name: redis-cache-1',
    '  namespace: shop',
    '  labels:',
    '    kubernetes.io/service-name: redis-cache',
    '    endpointslice.kubernetes.io/managed-by: staff',
    'addressType: IPv4',
    'endpoints:',
    '  - addresses:',
    '      - <backend-ip>',
    'ports:',
    '  - port: 6379',
    '',
  ].join('\n'),
  placeholder: '<backend-ip>',
  /** The finding on the placeholder, the only one of the file right after the fix. */
  placeholderFinding: {
    file: 'cache/redis-service.yaml',
    line: 23,
    column: 9,
    severity: 'error',
    code: 'endpoint-ip-invalid',
  },
  /** What a user types over the placeholder (TEST-NET-2: a valid, non-special address). */
  address: '198.51.100.7',
};

/**
 * Fixes applied in one file that clear findings in another: the partner of each broken pair
 * lives in a different file. `edits` is the file the fix changes (it need not be open),
 * `clears` the files left without findings.
 */
export const CROSS_FILE_FIXES = [
  {
    name: 'namespace',
    file: 'auth/ldap-endpoints.yaml',
    line: 5,
    column: 9,
    code: 'endpoints-without-service',
    title: 'Set the namespace of Endpoints "ldap" to "auth"',
    edits: 'auth/ldap-endpoints.yaml',
    expectText: /^ {2}namespace: auth$/m,
    clears: ['auth/ldap-endpoints.yaml', 'auth/ldap-service.yaml'],
  },
  {
    name: 'port name',
    file: 'etcd/etcd-service.yaml',
    line: 10,
    column: 13,
    code: 'port-mismatch',
    title: 'Rename Endpoints port "clinet" to "client"',
    edits: 'etcd/etcd-endpoints.yaml',
    expectText: /- name: client #/,
    clears: ['etcd/etcd-service.yaml', 'etcd/etcd-endpoints.yaml'],
  },
];

/**
 * The snippet that writes a selector-less Service and its Endpoints, where the name is
 * typed once and mirrored into both objects. Its defaults already pair (same name,
 * namespace and port name, a valid documentation IP), so nothing is flagged at any point
 * while it is filled in; `breakEndpointsName` then shows the new file is checked at all.
 */
export const SNIPPET = {
  prefix: 'k8s-service-endpoints',
  /** Created beside web/web.yaml through the Explorer's New File. */
  file: 'web/orders-db.yaml',
  name: 'orders-db',
  /** Appended to the Endpoints name to break the pair: both objects get flagged. */
  breakEndpointsName: 'x',
  brokenCodes: ['endpoints-without-service', 'service-without-endpoints'],
};

/** Reads the snippet contributed under `prefix` from the extension's snippets file. */
export async function contributedSnippet(prefix = SNIPPET.prefix) {
  const { readFile } = await import('node:fs/promises');
  const snippets = JSON.parse(await readFile(path.join(REPO_ROOT, 'snippets', 'kubernetes.json'), 'utf8'));
  const entry = Object.entries(snippets).find(([, snippet]) => snippet.prefix === prefix);
  if (!entry) throw new Error(`no snippet with prefix ${prefix} in snippets/kubernetes.json`);
  return { name: entry[0], ...entry[1] };
}

/**
 * The Service and Endpoints of a YAML text, found by `kind:` and read with the project's
 * yaml dependency: `{ service: { name, namespace }, endpoints: { name, namespace } }`.
 */
export async function servicePair(text) {
  const { parseAllDocuments } = await import('yaml');
  const objects = parseAllDocuments(text).map((doc) => doc.toJS() ?? {});
  const meta = (kind) => {
    const object = objects.find((o) => o.kind === kind);
    return object && { name: object.metadata?.name, namespace: object.metadata?.namespace };
  };
  return { service: meta('Service'), endpoints: meta('Endpoints') };
}

/**
 * Hovering a Service's name shows its backends, found in another file. The strings are
 * what the rendered Markdown reads (code spans and links lose their marks).
 */
export const HOVER = {
  file: 'external-database/postgres-service.yaml',
  line: 5,
  column: 9,
  shows: ['Service data/postgres', 'Endpoints data/postgres', 'postgres-endpoints.yaml:5', '10.20.30.40:5432'],
};

/** Renaming a Service renames its Endpoints, which lives in another file. */
export const RENAME = {
  file: 'external-database/postgres-service.yaml',
  line: 5,
  column: 9,
  newName: 'postgres-primary',
  partner: 'external-database/postgres-endpoints.yaml',
  /** Both files, on disk afterwards. */
  expectText: /^ {2}name: postgres-primary$/m,
};
