import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { serviceReferences } from '../../server/src/index/selection';
import { UriPath } from '../../server/src/index/uriPath';
import { WorkspaceIndex } from '../../server/src/index/workspaceIndex';
import { parseFile } from '../../server/src/model/parse';
import { compareByPlace, type KubeObject, type Service } from '../../server/src/model/types';
import { checkAll } from '../../server/src/rules';
import { EDITS, seeded } from '../support/edits';

const service = (name: string, namespace?: string) =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n${namespace ? `  namespace: ${namespace}\n` : ''}spec:\n  ports:\n    - port: 80\n`;
const endpoints = (name: string, namespace?: string) =>
  `apiVersion: v1\nkind: Endpoints\nmetadata:\n  name: ${name}\n${namespace ? `  namespace: ${namespace}\n` : ''}`;

/** Where an object is, to compare objects of two indexes. */
const place = (object: KubeObject) => `${object.uri}:${object.range.start} ${object.kind} ${object.name?.value}`;

function indexOf(files: Record<string, string>, defaultNamespace = 'default'): WorkspaceIndex {
  const index = new WorkspaceIndex({ defaultNamespace });
  for (const [path, text] of Object.entries(files)) index.update(`file:///ws/${path}`, text);
  return index;
}

describe('parseFile', () => {
  test('reads multi-document files, Lists, flow style and quoted keys, with exact ranges', () => {
    const text = [
      '# comment',
      service('a'),
      '---',
      '{"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": "b"}}',
      '---',
      'apiVersion: v1\nkind: List\nitems:\n  - {apiVersion: v1, kind: Service, metadata: {name: c}}',
    ].join('\n');
    const { objects, brokenDocuments } = parseFile('file:///ws/x.yaml', text);
    assert.deepEqual(brokenDocuments, []);
    assert.deepEqual(
      objects.map((object) => [object.kind, object.name?.value, object.docIndex, object.itemIndex]),
      [
        ['Service', 'a', 0, undefined],
        ['Endpoints', 'b', 1, undefined],
        ['Service', 'c', 2, 0],
      ],
    );
    for (const object of objects)
      assert.equal(text.slice(object.name!.range.start, object.name!.range.end).replace(/"/g, ''), object.name!.value);
    const port = (objects[0] as Service).ports[0];
    assert.equal(text.slice(port.port!.range.start, port.port!.range.end), '80');
  });

  test('skips what is not Kubernetes or does not parse, and keeps the other documents', () => {
    const text = [
      'foo: bar',
      '---',
      'kind: Service\n  bad: [',
      '---',
      service('ok'),
      '---',
      '- a list',
      '---',
      'apiVersion: 3\nkind: Service',
    ].join('\n');
    const { objects, brokenDocuments } = parseFile('file:///ws/x.yaml', text);
    assert.deepEqual(
      objects.map((object) => object.name?.value),
      ['ok'],
    );
    assert.equal(brokenDocuments.length, 1);
  });

  test('never expands aliases: an alias bomb costs nothing', () => {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 30; i++)
      lines.push(
        `${String.fromCharCode(97 + (i % 26))}${i}: &x${i} [${Array(9)
          .fill(i === 1 ? '*a' : `*x${i - 1}`)
          .join(',')}]`,
      );
    lines.push('apiVersion: v1', 'kind: Service', 'metadata: {name: bomb}');
    const started = Date.now();
    const { objects } = parseFile('file:///ws/bomb.yaml', lines.join('\n'));
    assert.equal(objects[0].name?.value, 'bomb');
    assert.ok(Date.now() - started < 2000);
  });

  test('reads the pod template labels and container ports of workloads', () => {
    const text =
      'apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: j}\nspec:\n  jobTemplate:\n    spec:\n      template:\n        metadata:\n          labels: {app: j}\n        spec:\n          containers:\n            - name: c\n              ports: [{name: http, containerPort: 8080}]\n';
    const [workload] = parseFile('file:///ws/j.yaml', text).objects;
    assert.ok(workload.kind === 'CronJob');
    assert.equal(workload.podLabels.app.value, 'j');
    assert.equal(workload.containerPorts[0].name?.value, 'http');
  });

  test('reads the Services and ports of Ingress backends, both API versions, and a StatefulSet serviceName', () => {
    const text = [
      'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i}\nspec:',
      '  rules:\n    - http:\n        paths:\n          - backend: {service: {name: a, port: {number: 80}}}',
      '          - backend: {resource: {kind: Bucket, name: b}}',
      '          - backend: {service: {name: y, port: {number: 80, name: http}}}',
      '  defaultBackend:\n    service:\n      name: z\n      port: {name: http}',
      '---',
      'apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: old}\nspec:\n  backend: {serviceName: c, servicePort: 80}',
      '---',
      'apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: s}\nspec:\n  serviceName: d\n  template: {metadata: {labels: {app: s}}}',
    ].join('\n');
    const objects = parseFile('file:///ws/x.yaml', text).objects;
    const names = objects.map((object) =>
      object.kind === 'Ingress'
        ? object.backends.map(({ serviceName, port }) => `${serviceName.value}:${port?.value}`)
        : object.kind === 'StatefulSet'
          ? object.serviceName?.value
          : undefined,
    );
    // Both a number and a name are refused by the API server: neither is the backend's port.
    assert.deepEqual(names, [['a:80', 'y:undefined', 'z:http'], ['c:80'], 'd']);
    const ingress = objects[0];
    assert.ok(ingress.kind === 'Ingress');
    const { serviceName, port } = ingress.backends[2];
    assert.equal(text.slice(serviceName.range.start, serviceName.range.end), 'z');
    assert.equal(text.slice(port!.range.start, port!.range.end), 'http');
    // An Ingress is no workload: nothing files it under a namespace.
    assert.equal(indexOf({ 'x.yaml': text }).workloadsIn('default').length, 1);
  });

  test('reads the entries of a ReferenceGrant, leaving out those without their required fields', () => {
    const text = [
      'apiVersion: gateway.networking.k8s.io/v1beta1\nkind: ReferenceGrant\nmetadata: {name: g, namespace: shop}\nspec:',
      '  from:\n    - {group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: gateways}\n    - {kind: GRPCRoute}',
      '  to:\n    - {group: "", kind: Service}\n    - {group: "", kind: Service, name: web}\n    - {name: web}',
    ].join('\n');
    const index = indexOf({ 'g.yaml': text });
    const [grant] = index.referenceGrants();
    assert.deepEqual(
      { from: grant.from, to: grant.to },
      {
        from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'gateways' }],
        to: [
          { group: '', kind: 'Service' },
          { group: '', kind: 'Service', name: 'web' },
        ],
      },
    );
    index.update('file:///ws/g.yaml', '');
    assert.equal(index.referenceGrants().length, 0, 'a grant whose file is emptied is gone');
  });

  test('reads the backendRefs of Gateway API routes that name Services, with their namespace, port and field path', () => {
    const text = [
      'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: r}\nspec:\n  rules:',
      '    - matches: [{path: {value: /}}]',
      '    - backendRefs:\n        - {name: a, port: 80}\n        - {group: example.com, kind: Bucket, name: b}',
      '        - {group: "", kind: Service, name: c, namespace: other}',
      '---',
      'apiVersion: example.com/v1\nkind: HTTPRoute\nmetadata: {name: not-a-route}\nspec:\n  rules: [{backendRefs: [{name: d}]}]',
    ].join('\n');
    const objects = parseFile('file:///ws/x.yaml', text).objects;
    assert.equal(objects.length, 1, "another group's HTTPRoute is not read");
    const route = objects[0];
    assert.ok(route.kind === 'HTTPRoute');
    assert.deepEqual(
      route.backends.map(({ serviceName, namespace, port, path, portKeyCount }) => [
        serviceName.value,
        namespace?.value,
        port?.value,
        path,
        portKeyCount,
      ]),
      [
        ['a', undefined, 80, 'spec.rules[1].backendRefs[0]', 1],
        ['c', 'other', undefined, 'spec.rules[1].backendRefs[2]', 0],
      ],
    );
  });
});

describe('WorkspaceIndex', () => {
  test('a namespace comes from metadata, else the nearest kustomization listing the file or its folder, else the default', () => {
    const index = indexOf(
      {
        'apps/kustomization.yaml': 'namespace: apps\nresources:\n  - web\n  - db.yaml\n',
        'apps/web/svc.yaml': service('web'),
        'apps/web/kustomization.yaml': 'resources: [svc.yaml]\n',
        'apps/db.yaml': service('db'),
        'apps/explicit.yaml': service('explicit', 'mine'),
        'apps/unlisted.yaml': service('unlisted'),
        'overlays/prod/kustomization.yaml': 'namespace: prod\nresources: [../../base]\n',
        'base/cache.yaml': service('cache'),
      },
      'fallback',
    );
    const namespaceOf = (name: string) => index.namespaceOf(index.allServices().find((s) => s.name?.value === name)!);
    assert.equal(namespaceOf('web'), 'apps');
    assert.equal(namespaceOf('db'), 'apps');
    assert.equal(namespaceOf('explicit'), 'mine');
    assert.equal(namespaceOf('unlisted'), 'fallback');
    assert.equal(namespaceOf('cache'), 'prod');
  });

  test('updates replace and removals forget what a file contributed; kustomization edits re-key everything', () => {
    const index = indexOf({
      'k/kustomization.yaml': 'namespace: a\nresources: [svc.yaml]\n',
      'k/svc.yaml': service('s'),
    });
    assert.equal(index.servicesWithKey('a/s').length, 1);
    index.update('file:///ws/k/kustomization.yaml', 'namespace: b\nresources: [svc.yaml]\n');
    assert.equal(index.servicesWithKey('a/s').length, 0);
    assert.equal(index.servicesWithKey('b/s').length, 1);
    index.update('file:///ws/k/svc.yaml', service('t'));
    assert.deepEqual([index.servicesWithKey('b/s').length, index.servicesWithKey('b/t').length], [0, 1]);
    index.remove('file:///ws/k/svc.yaml');
    assert.equal(index.allServices().length, 0);
    index.configure({ defaultNamespace: 'z' });
    assert.equal(index.defaultNamespace, 'z');
  });

  test('lists the files not fully parsed as they come and go', () => {
    const index = new WorkspaceIndex({ maxFileSize: 1_000 });
    const listed = () => [...index.filesNotFullyParsed()].map((file) => file.uri).sort();
    index.update(
      'file:///ws/template.yaml',
      `${service('s')}---\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}-svc\n`,
    );
    index.update('file:///ws/binary.yaml', 'a\0b');
    index.update('file:///ws/fine.yaml', service('t'));
    index.updateTooLarge('file:///ws/large.yaml', 5_000);
    assert.deepEqual(listed(), ['file:///ws/binary.yaml', 'file:///ws/large.yaml', 'file:///ws/template.yaml']);
    index.update('file:///ws/template.yaml', service('s'));
    index.remove('file:///ws/binary.yaml');
    index.update('file:///ws/large.yaml', service('u'));
    assert.deepEqual(listed(), []);
    index.update('file:///ws/fine.yaml', 'kind: [\n');
    assert.deepEqual(listed(), ['file:///ws/fine.yaml']);
  });

  test('a Kustomization or EndpointSlice typed into a file, or taken out, counts as the editor says it changed', () => {
    const uri = 'file:///ws/k/all.yaml';
    const index = indexOf({ 'k/svc.yaml': service('s') });
    const configMap = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n';
    const kustomization =
      'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: k\nresources: [svc.yaml]\n';
    const slice =
      'apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: s-1\n  labels:\n    kubernetes.io/service-name: s\naddressType: IPv4\nendpoints: []\n';
    let text = `${service('a')}---\n${configMap}`;
    index.update(uri, text);
    const replace = (from: string, to: string) => {
      const start = text.indexOf(from);
      text = text.slice(0, start) + to + text.slice(start + from.length);
      index.update(uri, text, { start, end: start + from.length, text: to });
    };
    replace(configMap, kustomization);
    assert.deepEqual([index.servicesWithKey('k/s').length, index.servicesWithKey('default/s').length], [1, 0]);
    replace(kustomization, slice);
    assert.deepEqual([index.servicesWithKey('k/s').length, index.servicesWithKey('default/s').length], [0, 1]);
    assert.deepEqual(
      index.allEndpointSlices().map((object) => object.name?.value),
      ['s-1'],
    );
    replace(slice, configMap);
    assert.deepEqual(index.allEndpointSlices(), []);
  });

  test('the Ingresses and StatefulSets that name Services follow edits, new texts and removals', () => {
    const ingress = (backend: string) =>
      `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: i\nspec:\n  defaultBackend:\n    service:\n      name: ${backend}\n      port: {number: 80}\n`;
    const statefulSet = (kind: string) =>
      `apiVersion: apps/v1\nkind: ${kind}\nmetadata:\n  name: db\nspec:\n  serviceName: db\n  template:\n    metadata:\n      labels: {app: db}\n`;
    const files: Record<string, string> = {
      'a.yaml': [service('web'), ingress('web')].join('---\n'),
      'b.yaml': statefulSet('StatefulSet'),
    };
    const index = indexOf(files);
    const named = () =>
      serviceReferences(index)
        .map((reference) => `${reference.object.kind}:${reference.name.value}`)
        .sort();
    const fresh = () =>
      serviceReferences(indexOf(files))
        .map((reference) => `${reference.object.kind}:${reference.name.value}`)
        .sort();
    assert.deepEqual(named(), ['Ingress:web', 'StatefulSet:db']);
    const edit = (path: string, from: string, to: string) => {
      const start = files[path].indexOf(from);
      files[path] = files[path].slice(0, start) + to + files[path].slice(start + from.length);
      index.update(`file:///ws/${path}`, files[path], { start, end: start + from.length, text: to });
      assert.deepEqual(named(), fresh());
    };
    edit('a.yaml', 'name: web\n      port', 'name: api\n      port');
    edit('b.yaml', 'kind: StatefulSet', 'kind: Deployment');
    assert.deepEqual(named(), ['Ingress:api']);
    edit('b.yaml', 'kind: Deployment', 'kind: StatefulSet');
    files['a.yaml'] = service('web');
    index.update('file:///ws/a.yaml', files['a.yaml']);
    assert.deepEqual(named(), ['StatefulSet:db']);
    index.remove('file:///ws/b.yaml');
    assert.deepEqual(named(), []);
  });

  test('summary() counts files and objects as a fresh index does, through edits, new texts and removals', () => {
    const deployment =
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    metadata:\n      labels: {app: d}\n';
    const slice = 'apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: s-1\naddressType: IPv4\n';
    const nameless = 'apiVersion: v1\nkind: Service\nmetadata: {}\n';
    const files: Record<string, string> = {
      'a.yaml': [service('s'), endpoints('s'), deployment].join('---\n'),
      'b.yaml': [slice, nameless].join('---\n'),
    };
    const index = indexOf(files);
    const counted = () => {
      const objects = [...indexOf(files).objects()];
      const of = (...kinds: string[]) => objects.filter((object) => kinds.includes(object.kind)).length;
      const fresh = {
        files: Object.keys(files).length,
        services: of('Service'),
        backends: of('Endpoints', 'EndpointSlice'),
      };
      return { ...fresh, workloads: of('Deployment', 'Pod') };
    };
    assert.deepEqual(index.summary(), { files: 2, services: 2, backends: 2, workloads: 1 });
    // A keystroke that turns the Endpoints into a Service, then one that turns the Deployment into a Pod.
    const edit = (path: string, from: string, to: string) => {
      const start = files[path].indexOf(from);
      files[path] = files[path].slice(0, start) + to + files[path].slice(start + from.length);
      index.update(`file:///ws/${path}`, files[path], { start, end: start + from.length, text: to });
      assert.deepEqual(index.summary(), counted());
    };
    edit('a.yaml', 'kind: Endpoints', 'kind: Service');
    edit('a.yaml', 'kind: Deployment', 'kind: Pod');
    files['b.yaml'] = endpoints('t');
    index.update('file:///ws/b.yaml', files['b.yaml']);
    assert.deepEqual(index.summary(), counted());
    delete files['a.yaml'];
    index.remove('file:///ws/a.yaml');
    assert.deepEqual(index.summary(), { files: 1, services: 0, backends: 1, workloads: 0 });
  });

  test('a refile in slices gives the lookups of a refile in one piece, also when files change midway', async () => {
    // A kustomization read after the files it lists: every file is refiled, a slice at a time.
    const files: Record<string, string> = {};
    for (let i = 0; i < 30; i++)
      files[`apps/app-${i}.yaml`] = [service(`app-${i}`), endpoints(`app-${i}`)].join('---\n');
    files['apps/kustomization.yaml'] = `namespace: apps\nresources:\n${Object.keys(files)
      .map((file) => `  - ${file.slice(5)}\n`)
      .join('')}`;
    const sliced = indexOf(files);
    const edited = 'file:///ws/apps/app-20.yaml';
    const text = files['apps/app-20.yaml'];
    const change = { start: text.lastIndexOf('app-20'), end: text.lastIndexOf('app-20') + 6, text: 'app-20x' };
    const final: Record<string, string> = {
      ...files,
      'apps/app-20.yaml': text.slice(0, change.start) + change.text + text.slice(change.end),
    };
    delete final['apps/app-25.yaml'];
    let pauses = 0;
    await sliced.settleInSlices(0, async () => {
      pauses++;
      // Midway, a file not yet refiled is edited in place (most of its objects kept) and another removed.
      if (pauses === 10) {
        sliced.update(edited, final['apps/app-20.yaml'], change);
        sliced.remove('file:///ws/apps/app-25.yaml');
      }
    });
    assert.ok(pauses >= 10, `${pauses} slices`);
    const whole = indexOf(final);
    const names = (objects: readonly { uri: string; name?: { value: string } }[]) =>
      objects.map((object) => `${object.uri} ${object.name?.value}`).sort();
    assert.deepEqual(names(sliced.servicesIn('apps')), names(whole.servicesIn('apps')));
    assert.deepEqual(names(sliced.backendsIn('apps')), names(whole.backendsIn('apps')));
    assert.equal(sliced.servicesIn('apps').length, 29);
    assert.deepEqual(names(sliced.allEndpoints()), names(whole.allEndpoints()));
  });

  test('holds() tells the current version of each object from those an edit replaced', () => {
    const list =
      'apiVersion: v1\nkind: List\nitems:\n' +
      '  - {apiVersion: v1, kind: Service, metadata: {name: l1}}\n' +
      '  - {apiVersion: v1, kind: Endpoints, metadata: {name: l2}}\n';
    const uri = 'file:///ws/a.yaml';
    let text = [service('a'), list, endpoints('b'), list.replace(/l(\d)/g, 'm$1'), service('c')].join('---\n');
    const index = indexOf({ 'a.yaml': text });
    const replaced = [];
    for (const [from, to] of [
      ['name: b', 'name: bb'],
      ['name: m2', 'name: m22'],
      ['name: c', 'name: cc'],
    ]) {
      const before = index.file(uri)!.objects;
      const start = text.indexOf(from);
      text = text.slice(0, start) + to + text.slice(start + from.length);
      index.update(uri, text, { start, end: start + from.length, text: to });
      const after = index.file(uri)!.objects;
      replaced.push(...before.filter((object) => !after.includes(object)));
      assert.ok(after.length === 7 && after.every((object) => index.holds(object)), `current objects after ${to}`);
    }
    // Each edit replaces the objects of its document only: those after it stay, moved in place.
    assert.equal(replaced.length, 1 + 2 + 1);
    assert.ok(replaced.every((object) => !index.holds(object)));
  });

  test('a group handed out stays as it was when files change; an object is in each of its groups once', () => {
    const withIp = (name: string, ip: string) =>
      service(name).replace('spec:\n', `spec:\n  clusterIP: ${ip}\n  clusterIPs: [${ip}]\n`);
    const index = indexOf({ 'a.yaml': withIp('web', '10.0.0.1') });
    const before = index.servicesNamed('web');
    const inNamespace = index.servicesIn('default');
    index.update('file:///ws/b.yaml', withIp('web', '10.0.0.1'));
    assert.equal(before.length, 1);
    assert.equal(inNamespace.length, 1);
    assert.equal(index.servicesNamed('web').length, 2);
    // Its clusterIP and its first clusterIPs are the same address: one entry per Service.
    assert.equal(index.servicesWithClusterIp('10.0.0.1').length, 2);
    const held = index.servicesWithClusterIp('10.0.0.1');
    index.remove('file:///ws/a.yaml');
    assert.equal(held.length, 2);
    assert.deepEqual(
      index.servicesWithClusterIp('10.0.0.1').map((found) => found.uri),
      ['file:///ws/b.yaml'],
    );
    index.remove('file:///ws/b.yaml');
    assert.deepEqual(index.servicesWithClusterIp('10.0.0.1'), []);
    assert.deepEqual(index.servicesNamed('web'), []);
  });

  test('lists the workloads of a namespace in file order, however the files came', () => {
    const deployment = (name: string) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  template:\n    metadata:\n      labels: {app: ${name}}\n`;
    const paths = Array.from({ length: 40 }, (_, i) => `team/app-${String(i).padStart(2, '0')}.yaml`);
    const random = seeded(7);
    const shuffled = [...paths].sort(() => random() - 0.5);
    for (const order of [[...paths].reverse(), shuffled]) {
      const index = new WorkspaceIndex({ defaultNamespace: 'default' });
      for (const path of order) index.update(`file:///ws/${path}`, [deployment('a'), deployment('b')].join('---\n'));
      const listed = index.workloadsIn('default');
      assert.equal(listed.length, 2 * paths.length);
      assert.deepEqual(listed, [...listed].sort(compareByPlace));
    }
  });

  test('kustomization edits, in any order of reading, file every object as a fresh index does', () => {
    const deployment =
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    metadata:\n      labels: {app: d}\n';
    const objects: Record<string, string> = {
      'base/svc.yaml': `${service('s')}---\n${endpoints('s')}`,
      'base/deploy/d.yaml': deployment,
      'overlay/extra.yaml': `${service('e')}---\n${endpoints('s')}`,
      'loose.yaml': service('s'),
    };
    // What each kustomization may list: files, folders, and paths outside its folder.
    const listable: Record<string, string[]> = {
      'base/kustomization.yaml': ['svc.yaml', 'deploy', '../loose.yaml'],
      'overlay/kustomization.yaml': ['../base', 'extra.yaml', '../base/deploy'],
      'other/kustomization.yaml': ['../base/svc.yaml', '../overlay', '..'],
    };
    const random = seeded(11);
    const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
    const kustomization = (path: string) => {
      const namespace = random() < 0.8 ? `namespace: ${pick(['a', 'b', 'c'])}\n` : '';
      return `${namespace}resources: [${listable[path].filter(() => random() < 0.6).join(', ')}]\n`;
    };
    const dump = (index: WorkspaceIndex) =>
      JSON.stringify({
        keys: [...index.objects()].map((object) => `${object.uri} ${object.kind} ${index.namespaceOf(object)}`),
        namespaces: ['a', 'b', 'c', 'default'].map((namespace) => [
          index
            .servicesIn(namespace)
            .map((object) => object.uri)
            .sort(),
          index
            .backendsIn(namespace)
            .map((object) => object.uri)
            .sort(),
          index.workloadsIn(namespace).map((object) => object.uri),
        ]),
        pairs: index
          .allServices()
          .map((object) => `${object.uri}: ${index.backendsOf(object).map((backend) => backend.uri)}`)
          .sort(),
        findings: checkAll(index)
          .findings.map((finding) => `${finding.uri} ${finding.code} ${finding.message}`)
          .sort(),
      });
    for (let run = 0; run < 20; run++) {
      const texts: Record<string, string> = { ...objects };
      for (const path of Object.keys(listable)) texts[path] = kustomization(path);
      const index = new WorkspaceIndex({ defaultNamespace: 'default' });
      const paths = Object.keys(texts).sort(() => random() - 0.5);
      for (const path of paths) index.update(`file:///ws/${path}`, texts[path]);
      for (let step = 0; step < 25; step++) {
        const path = pick(Object.keys(texts));
        const uri = `file:///ws/${path}`;
        if (random() < 0.2) {
          index.remove(uri);
        } else {
          if (path in listable) texts[path] = kustomization(path);
          index.update(uri, texts[path]);
        }
        // A fresh index reads the files in the order this one holds them: that order breaks ties.
        const fresh = new WorkspaceIndex({ defaultNamespace: 'default' });
        for (const held of index.uris()) fresh.update(held, index.file(held)!.text);
        assert.deepEqual(JSON.parse(dump(index)), JSON.parse(dump(fresh)), `run ${run}, step ${step}: ${path}`);
      }
    }
  });

  test('a backend belongs to the nearest Service of its key: same file, same folder, deepest shared folder', () => {
    const index = indexOf({
      'a/one.yaml': service('s') + '---\n' + endpoints('s'),
      'a/two.yaml': service('s'),
      'b/c/svc.yaml': service('s'),
      'b/eps.yaml': endpoints('s'),
    });
    const byFile = (path: string) => index.allServices().find((s) => s.uri === `file:///ws/${path}`)!;
    const backendFiles = (path: string) => index.backendsOf(byFile(path)).map((b) => b.uri.slice('file:///ws/'.length));
    assert.deepEqual(backendFiles('a/one.yaml'), ['a/one.yaml']);
    assert.deepEqual(backendFiles('a/two.yaml'), []);
    assert.deepEqual(backendFiles('b/c/svc.yaml'), ['b/eps.yaml']);
    // An Endpoints that shares no folder with any Service is equally near to all of them.
    index.update('file:///ws/x/y/z/eps.yaml', endpoints('s'));
    assert.equal(index.servicesOf(index.allEndpoints().find((e) => e.uri.includes('x/y/z'))!).length, 3);
  });

  test('findings read the same however the files were read or edited', () => {
    const files = {
      'a.yaml': endpoints('s') + '---\n' + endpoints('wep'),
      'b.yaml': endpoints('s') + '---\n' + endpoints('wex'),
      'c.yaml': service('s') + '---\n' + service('web'),
    };
    const fresh = indexOf(files);
    const edited = indexOf(files);
    // An edit files the edited objects again; what messages list must not move to the end.
    edited.update('file:///ws/a.yaml', files['a.yaml'] + '# edited\n');
    const reversed = indexOf(Object.fromEntries(Object.entries(files).reverse()));
    const findings = (index: WorkspaceIndex) =>
      JSON.stringify(checkAll(index).findings.sort((a, b) => compareByPlace(a, b) || a.code.localeCompare(b.code)));
    assert.match(findings(fresh), /a\.yaml.*b\.yaml/, 'backends-in-several-files names both files, in order');
    assert.equal(findings(edited), findings(fresh));
    assert.equal(findings(reversed), findings(fresh));
    assert.deepEqual(
      edited.endpointsWithKey('default/s').map((object) => object.uri),
      ['file:///ws/a.yaml', 'file:///ws/b.yaml'],
    );
  });

  test('the unpaired Services and backends of a namespace follow new files, edits, removals and refiles', () => {
    const index = indexOf({
      'web.yaml': service('web'),
      'wbe.yaml': endpoints('wbe'),
      'api.yaml': service('api', 'n'),
    });
    const names = (objects: readonly { name?: { value: string } }[]) => objects.map((object) => object.name?.value);
    const unpaired = (namespace: string) => {
      const services = names(index.servicesMissingBackendsIn(namespace));
      const backends = names(index.backendsMissingServicesIn(namespace));
      // Asked twice, as rules do, and as found without the cache.
      assert.deepEqual(names(index.servicesMissingBackendsIn(namespace)), services);
      assert.deepEqual(services, names(index.servicesIn(namespace).filter((object) => index.missesBackends(object))));
      assert.deepEqual(backends, names(index.backendsIn(namespace).filter((object) => index.missesService(object))));
      return { services, backends };
    };
    assert.deepEqual(unpaired('default'), { services: ['web'], backends: ['wbe'] });
    assert.deepEqual(unpaired('n'), { services: ['api'], backends: [] });
    index.update('file:///ws/web-eps.yaml', endpoints('web'));
    assert.deepEqual(unpaired('default'), { services: [], backends: ['wbe'] });
    index.update('file:///ws/wbe.yaml', endpoints('api', 'n'));
    assert.deepEqual(unpaired('default'), { services: [], backends: [] });
    assert.deepEqual(unpaired('n'), { services: [], backends: [] });
    index.remove('file:///ws/web-eps.yaml');
    assert.deepEqual(unpaired('default'), { services: ['web'], backends: [] });
    // A kustomization moves web into namespace n: a refile.
    index.update('file:///ws/kustomization.yaml', 'kind: Kustomization\nnamespace: n\nresources:\n  - web.yaml\n');
    assert.deepEqual(unpaired('default'), { services: [], backends: [] });
    assert.deepEqual(unpaired('n'), { services: ['web'], backends: [] });
    index.remove('file:///ws/kustomization.yaml');
    assert.deepEqual(unpaired('default'), { services: ['web'], backends: [] });
    // Another default namespace: a refile too, with no file changed.
    index.configure({ defaultNamespace: 'm' });
    assert.deepEqual(unpaired('default'), { services: [], backends: [] });
    assert.deepEqual(unpaired('m'), { services: ['web'], backends: [] });
  });

  test('the unpaired lists kept up to date through random edits are those of an index built afresh', () => {
    const changes = keptUpToDateThroughRandomEdits(
      7,
      [
        (name, ns) => service(name, ns),
        (name, ns) => `${service(name, ns)}  selector:\n    app: ${name}\n`,
        (name, ns) => endpoints(name, ns),
        (name, ns) =>
          `apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: ${name}-x\n  namespace: ${ns}\n  labels:\n    kubernetes.io/service-name: ${name}\naddressType: IPv4\n`,
      ],
      (of, namespace) => ({
        services: of.servicesMissingBackendsIn(namespace).map(place).sort(),
        backends: of.backendsMissingServicesIn(namespace).map(place).sort(),
      }),
    );
    assert.ok(changes > 20, `the edits paired and unpaired objects ${changes} times`);
  });

  test('the Services that select nothing follow workloads, Services and refiles', () => {
    const selecting = (name: string, selector: string) => `${service(name)}  selector:\n    ${selector}\n`;
    const deployment = (labels: string) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    metadata:\n      labels:\n        ${labels}\n`;
    const index = indexOf({
      'web.yaml': selecting('web', 'app: web'),
      // A selector with no pair the model keeps (a list is no label value) selects every pod.
      'any.yaml': selecting('any', 'app: [web]'),
    });
    const nothing = (namespace = 'default') =>
      index
        .servicesSelectingNothingIn(namespace)
        .map((object) => object.name?.value)
        .sort();
    assert.deepEqual(nothing(), ['any', 'web']);
    index.update('file:///ws/d.yaml', deployment('app: api'));
    assert.deepEqual(nothing(), ['web']);
    index.update('file:///ws/d.yaml', deployment('app: web'));
    assert.deepEqual(nothing(), []);
    index.update('file:///ws/web.yaml', selecting('web', 'app: webb'));
    assert.deepEqual(nothing(), ['web']);
    index.remove('file:///ws/web.yaml');
    assert.deepEqual(nothing(), []);
    index.remove('file:///ws/d.yaml');
    assert.deepEqual(nothing(), ['any']);
    // Another default namespace: a refile, with no file changed.
    index.configure({ defaultNamespace: 'm' });
    assert.deepEqual(nothing(), []);
    assert.deepEqual(nothing('m'), ['any']);
  });

  test('the Services that select nothing, kept up to date through random edits, are those of an index built afresh', () => {
    const podLabels = (name: string, tier: string) => `      labels:\n        app: ${name}\n        tier: ${tier}\n`;
    const changes = keptUpToDateThroughRandomEdits(
      11,
      [
        (name, ns) => `${service(name, ns)}  selector:\n    app: ${name}\n`,
        (name, ns) => `${service(name, ns)}  selector:\n    app: ${name}\n    tier: ${name.length % 2 ? 'a' : 'b'}\n`,
        // No pair the model keeps: selects every pod, so nothing only in a namespace without workloads.
        (name, ns) => `${service(name, ns)}  selector:\n    app: [${name}]\n`,
        (name, ns) =>
          `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n  template:\n    metadata:\n${podLabels(name, 'a')}`,
        (name, ns) =>
          `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  namespace: ${ns}\n  labels:\n    app: ${name}\n    tier: b\n`,
      ],
      (of, namespace) => ({
        selectingNothing: of.servicesSelectingNothingIn(namespace).map(place).sort(),
        // And the Services the namespace's workloads' labels find, looked up by selector.
        matching: of
          .workloadsIn(namespace)
          .map((workload) => of.servicesSelectingPodsOf(namespace, workload).map(place).sort()),
      }),
    );
    assert.ok(changes > 20, `the edits changed what selects what ${changes} times`);
  });

  test('EndpointSlices are found by their service-name label', () => {
    const slice =
      'apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: web-1\n  namespace: n\n  labels:\n    kubernetes.io/service-name: web\naddressType: IPv4\n';
    const index = indexOf({ 's.yaml': service('web', 'n'), 'slice.yaml': slice });
    assert.deepEqual(
      index.slicesForServiceKey('n/web').map((s) => s.name?.value),
      ['web-1'],
    );
    assert.equal(index.backendsOf(index.allServices()[0]).length, 1);
  });
});

/**
 * Edits files of random documents (made by `kinds` from a name and namespace) 300 times at random,
 * and asks `listed` of every namespace before each edit, of the edited index and of one built
 * afresh: what the index keeps up to date must equal what it finds from scratch. Returns how
 * often the edits changed what `listed` gives for one namespace, for the caller to require many.
 */
function keptUpToDateThroughRandomEdits(
  seed: number,
  kinds: ((name: string, namespace: string) => string)[],
  listed: (index: WorkspaceIndex, namespace: string) => unknown,
): number {
  const random = seeded(seed);
  const files: Record<string, string> = {};
  for (let file = 0; file < 12; file++) {
    const documents = Array.from({ length: 6 }, () =>
      kinds[Math.floor(random() * kinds.length)](`app-${Math.floor(random() * 8)}`, `ns${Math.floor(random() * 3)}`),
    );
    files[`f${file}.yaml`] = documents.join('---\n');
  }
  const index = indexOf(files);
  let changes = 0;
  for (let step = 0; step < 300; step++) {
    // Every namespace's lists asked for before each edit, as the rules ask after each keystroke.
    const afresh = indexOf(files);
    for (const namespace of ['ns0', 'ns1', 'ns2', 'default']) {
      assert.deepEqual(listed(index, namespace), listed(afresh, namespace), `step ${step}, ${namespace}`);
    }
    const file = `f${Math.floor(random() * 12)}.yaml`;
    const before = files[file];
    const after = EDITS[Math.floor(random() * EDITS.length)](before, random);
    files[file] = after;
    // Half as an editor sends it (the changed part, so that only its documents are filed again), half whole.
    let start = 0;
    while (start < before.length && before[start] === after[start]) start++;
    const change = { start, end: before.length, text: after.slice(start) };
    index.update(`file:///ws/${file}`, after, random() < 0.5 ? change : undefined);
    if (JSON.stringify(listed(index, 'ns0')) !== JSON.stringify(listed(afresh, 'ns0'))) changes++;
  }
  return changes;
}

describe('UriPath', () => {
  test('decodes, resolves and relates paths', () => {
    assert.equal(UriPath.of('file:///a%20b/c.yaml'), '/a b/c.yaml');
    assert.equal(UriPath.resolve('/a/b', '../c/./d.yaml'), '/a/c/d.yaml');
    assert.equal(UriPath.relative('/a/b', '/a/c/d.yaml'), '../c/d.yaml');
    assert.equal(UriPath.relative('/a', '/a/d.yaml'), 'd.yaml');
    assert.ok(UriPath.isWithin('/a/b/c.yaml', '/a/b'));
    assert.ok(!UriPath.isWithin('/a/bc/c.yaml', '/a/b'));
    assert.equal(UriPath.sibling('file:///a/b.yaml', 'c d.yaml'), 'file:///a/c%20d.yaml');
  });
});
