// Deterministic synthetic Kubernetes workspaces for the benchmark: the same size always gives the same bytes.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Bump when the output changes, so stale workspaces are regenerated. */
export const GENERATOR_VERSION = 4;

/** Documents per multi-document bundle file (a rendered chart, a `kubectl get -o yaml` dump). */
export const BUNDLE_DOCUMENTS = 2000;

/**
 * Writes a workspace of about `resources` objects into `root` and returns what it wrote: in one
 * namespace per thousand objects (teams of the same size at every size), or in `namespaces`.
 *
 * Mix, by objects: Services with a selector and their Deployment, selector-less Services with
 * Endpoints or EndpointSlices (some hand-written in other files), ExternalName Services, and
 * ConfigMaps, which carry most of the bytes as in real repositories. One object in five lives in
 * bundles of 2,000 documents. About one object in twenty has a finding: a missing or misnamed
 * Endpoints, a port name that does not match, an invalid address, a `spec.endpoints` field.
 */
export function generateWorkspace(root, resources, { namespaces } = {}) {
  fs.rmSync(root, { recursive: true, force: true });
  fs.mkdirSync(root, { recursive: true });
  const random = mulberry32(resources);
  const bundleCount = Math.max(1, Math.round((resources * 0.2) / BUNDLE_DOCUMENTS));
  const teams = namespaces ?? Math.max(4, Math.round(resources / 1000));
  const stats = { files: 0, documents: 0, bytes: 0, kinds: {}, injected: 0 };
  const write = (relative, documents) => {
    const text = documents.join('---\n');
    const full = path.join(root, relative);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, text);
    stats.files++;
    stats.documents += documents.length;
    stats.bytes += Buffer.byteLength(text);
  };
  const count = (kind) => (stats.kinds[kind] = (stats.kinds[kind] ?? 0) + 1);

  // Bundles: whole units, plus Endpoints for Services that live in the team folders.
  const externalEndpoints = [];
  let unit = 0;
  const bundles = [];
  for (let b = 0; b < bundleCount; b++) {
    const documents = [];
    while (documents.length < BUNDLE_DOCUMENTS) {
      const team = `team-${unit % teams}`;
      const app = `bundled-${b}-${unit++}`;
      for (const document of makeUnit(random, app, team, true, stats).documents) documents.push(document);
    }
    documents.length = BUNDLE_DOCUMENTS;
    bundles.push(documents);
  }
  let remaining = resources - bundleCount * BUNDLE_DOCUMENTS;
  const teamApps = Array.from({ length: teams }, () => []);
  while (remaining > 0) {
    const t = unit % teams;
    const team = `team-${t}`;
    const app = `app-${unit++}`;
    const { documents, external } = makeUnit(random, app, team, false, stats);
    if (external) externalEndpoints.push(external);
    const split = documents.findIndex((document) => document.includes('kind: ConfigMap'));
    const main = split < 0 ? documents : documents.slice(0, split);
    const config = split < 0 ? [] : documents.slice(split);
    for (const document of documents) count(kindOf(document));
    if (main.length > 0) write(`teams/${team}/${app}/${app}.yaml`, main);
    if (config.length > 0) write(`teams/${team}/${app}/${app}-config.yaml`, config);
    teamApps[t].push(app);
    remaining -= documents.length;
  }
  for (let b = 0; b < bundles.length; b++) {
    const documents = bundles[b];
    // Replace the tail of each bundle with the Endpoints of Services defined elsewhere.
    const mine = externalEndpoints.filter((_, i) => i % bundles.length === b).slice(0, 200);
    for (let i = 0; i < mine.length; i++) documents[documents.length - 1 - i] = mine[i];
    for (const document of documents) count(kindOf(document));
    write(`bundles/bundle-${b}.yaml`, documents);
  }
  for (let t = 0; t < teams; t++) {
    write(`teams/team-${t}/kustomization.yaml`, [
      `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: team-${t}\nresources:\n${teamApps[t].map((app) => `  - ${app}\n`).join('')}`,
    ]);
  }
  return stats;
}

/** One application: a Service and what backs it, and its configuration. */
function makeUnit(random, app, team, inBundle, stats) {
  const documents = [];
  let external;
  const roll = random();
  const ns = inBundle ? `  namespace: ${team}\n` : random() < 0.2 ? `  namespace: ${team}\n` : '';
  const ports = portsFor(random);
  const defect = random() < 0.14 ? Math.floor(random() * 5) : -1;
  if (defect >= 0) stats.injected++;
  // Every defect but spec.endpoints needs a selector-less Service.
  if (roll < 0.55 && defect <= 0) {
    documents.push(service(app, ns, ports, { selector: true, specEndpoints: defect === 0 }));
    documents.push(deployment(random, app, ns, ports));
  } else if (roll < 0.9 || defect > 0) {
    documents.push(service(app, ns, ports, { selector: false, specEndpoints: defect === 0 }));
    if (defect !== 1) {
      const name = defect === 2 ? typo(app) : app;
      const backendPorts =
        defect === 3 ? ports.map((port, i) => (i === 0 ? { ...port, name: port.name + 'x' } : port)) : ports;
      const badIp = defect === 4;
      if (!inBundle && random() < 0.1) {
        // Hand-written in a bundle, away from its Service (see generateWorkspace).
        external = endpoints(random, name, `  namespace: ${team}\n`, backendPorts, badIp);
      } else if (random() < 0.6) {
        documents.push(endpoints(random, name, ns, backendPorts, badIp));
      } else {
        documents.push(endpointSlice(random, app, name, ns, backendPorts));
      }
    }
  } else if (roll < 0.95) {
    documents.push(
      `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${app}\n${ns}spec:\n  type: ExternalName\n  externalName: ${app}.example.com\n`,
    );
  }
  const configMaps = 1 + Math.floor(random() * 1.6);
  for (let i = 0; i < configMaps; i++) {
    documents.push(configMap(random, `${app}-config${i === 0 ? '' : '-' + i}`, ns, app));
  }
  return { documents, external };
}

function kindOf(document) {
  return /^kind: (\w+)/m.exec(document)?.[1] ?? 'other';
}

function portsFor(random) {
  const all = [
    { name: 'http', port: 8080 },
    { name: 'grpc', port: 9090 },
    { name: 'metrics', port: 9100 },
  ];
  return all.slice(0, 1 + Math.floor(random() * 2.5));
}

function service(app, ns, ports, { selector, specEndpoints }) {
  const selectorText = selector ? `  selector:\n    app.kubernetes.io/name: ${app}\n` : '';
  const extra = specEndpoints ? '  endpoints:\n    - 10.0.0.1\n' : '';
  return (
    `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${app}\n${ns}  labels:\n    app.kubernetes.io/name: ${app}\n` +
    `    app.kubernetes.io/part-of: shop\n  annotations:\n    prometheus.io/scrape: "true"\nspec:\n  type: ClusterIP\n${selectorText}${extra}` +
    `  ports:\n${ports.map((port) => `    - name: ${port.name}\n      port: ${port.port}\n      targetPort: ${port.port}\n      protocol: TCP\n`).join('')}`
  );
}

function deployment(random, app, ns, ports) {
  const replicas = 1 + Math.floor(random() * 5);
  return (
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${app}\n${ns}  labels:\n    app.kubernetes.io/name: ${app}\nspec:\n` +
    `  replicas: ${replicas}\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: ${app}\n  template:\n    metadata:\n` +
    `      labels:\n        app.kubernetes.io/name: ${app}\n      annotations:\n        checksum/config: ${hex(random, 16)}\n    spec:\n` +
    `      serviceAccountName: ${app}\n      containers:\n        - name: ${app}\n          image: "registry.example.com/${app}:1.${Math.floor(random() * 40)}.${Math.floor(random() * 10)}"\n` +
    `          args: ["--config", "/etc/${app}/config.yaml", "--log-level=info"]\n          ports:\n` +
    ports
      .map(
        (port) =>
          `            - name: ${port.name}\n              containerPort: ${port.port}\n              protocol: TCP\n`,
      )
      .join('') +
    `          env:\n            - name: APP_NAME\n              value: ${app}\n            - name: POD_IP\n              valueFrom:\n` +
    `                fieldRef:\n                  fieldPath: status.podIP\n          resources:\n            requests:\n              cpu: 100m\n` +
    `              memory: 128Mi\n            limits:\n              memory: 256Mi\n          readinessProbe:\n            httpGet:\n` +
    `              path: /healthz\n              port: http\n          volumeMounts:\n            - name: config\n              mountPath: /etc/${app}\n` +
    `      volumes:\n        - name: config\n          configMap:\n            name: ${app}-config\n`
  );
}

function endpoints(random, name, ns, ports, badIp) {
  const addresses = 1 + Math.floor(random() * 3);
  const ips = Array.from({ length: addresses }, (_, i) => (badIp && i === 0 ? '127.0.0.1' : ip(random)));
  return (
    `apiVersion: v1\nkind: Endpoints\nmetadata:\n  name: ${name}\n${ns}subsets:\n  - addresses:\n` +
    ips.map((address) => `      - ip: ${address}\n`).join('') +
    `    ports:\n${ports.map((port) => `      - name: ${port.name}\n        port: ${port.port}\n        protocol: TCP\n`).join('')}`
  );
}

function endpointSlice(random, app, serviceName, ns, ports) {
  return (
    `apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: ${app}-${hex(random, 5)}\n${ns}  labels:\n` +
    `    kubernetes.io/service-name: ${serviceName}\naddressType: IPv4\nendpoints:\n  - addresses:\n      - "${ip(random)}"\n` +
    `    conditions:\n      ready: true\nports:\n${ports.map((port) => `  - name: ${port.name}\n    port: ${port.port}\n    protocol: TCP\n`).join('')}`
  );
}

function configMap(random, name, ns, app) {
  const lines = 4 + Math.floor(random() * 14);
  const body = [];
  for (let i = 0; i < lines; i++) {
    // The first line sets the block's indentation, so it is never one of the nested ones.
    const pick = i === 0 ? 0 : Math.floor(random() * 4);
    if (pick === 0) body.push(`    server.${word(random)}.${word(random)} = ${Math.floor(random() * 10000)}`);
    else if (pick === 1) body.push(`    # ${word(random)} ${word(random)} ${word(random)} for ${app}`);
    else if (pick === 2) body.push(`    ${word(random)}:`);
    else body.push(`      ${word(random)}: "${word(random)}-${hex(random, 6)}"`);
  }
  return (
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${ns}  labels:\n    app.kubernetes.io/name: ${app}\n` +
    `data:\n  LOG_LEVEL: info\n  FEATURE_FLAGS: "search,checkout,${word(random)}"\n  config.yaml: |\n${body.join('\n')}\n`
  );
}

const WORDS = ['alpha', 'cache', 'queue', 'timeout', 'retries', 'pool', 'buffer', 'route', 'upstream', 'tls', 'limit'];
function word(random) {
  return WORDS[Math.floor(random() * WORDS.length)];
}

function ip(random) {
  return `10.${Math.floor(random() * 250)}.${Math.floor(random() * 250)}.${1 + Math.floor(random() * 250)}`;
}

function hex(random, length) {
  let text = '';
  for (let i = 0; i < length; i++) text += Math.floor(random() * 16).toString(16);
  return text;
}

/** A one-letter typo that stays a valid name. */
function typo(name) {
  return name.slice(0, -1) + (name.endsWith('x') ? 'y' : 'x');
}

/** A small seeded PRNG (mulberry32), so every run writes the same workspace. */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
