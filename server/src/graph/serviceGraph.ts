import { workloadsSelectedBy } from '../index/selection';
import type { WorkspaceIndex } from '../index/workspaceIndex';
import { ServiceSemantics } from '../model/semantics';
import type {
  Backend,
  EndpointPort,
  KubeObject,
  Located,
  Service,
  ServicePort,
  SourceRange,
  WorkloadKind,
} from '../model/types';
import type { Severity } from '../rules/types';

/** What a node of the Service graph stands for. */
export type GraphNodeKind =
  | 'Service'
  | 'Endpoints'
  | 'EndpointSlice'
  | WorkloadKind
  /** One address of an Endpoints subset or a slice endpoint. */
  | 'Address'
  /** The addresses of a backend beyond `maxAddresses`, as one node. */
  | 'MoreAddresses'
  /** The DNS name an ExternalName Service points at. */
  | 'ExternalName';

/** One object, address or external name, with where it is written so that a click can open it. */
export type GraphNode = {
  /** Unique in the graph and stable while the object stays in its place. */
  id: string;
  kind: GraphNodeKind;
  /** The object's name, the address, or the external host name. */
  name: string;
  /** The effective namespace, also for addresses (that of their backend). */
  namespace: string;
  /** One short line under the name: type and ports, address counts, readiness. */
  detail?: string;
  uri: string;
  /** Where a click lands: the name, or the address. */
  range: SourceRange;
  /** The worst finding inside the object (or on the address), when there is one. */
  severity?: Severity;
};

/** How two nodes relate. */
export type GraphEdgeKind =
  /** Service → Endpoints or EndpointSlice that kube-proxy reads for it. */
  | 'backend'
  /** Endpoints or EndpointSlice → one of its addresses. */
  | 'address'
  /** Service → a workload whose pod template its selector matches. */
  | 'selects'
  /** ExternalName Service → the host name it aliases. */
  | 'externalName';

export type GraphEdge = { from: string; to: string; kind: GraphEdgeKind };

/**
 * Services with their backends, addresses and selected workloads; backends without a Service too.
 * `truncated` when it stopped at more than `maxNodes` nodes.
 */
export type ServiceGraph = { nodes: GraphNode[]; edges: GraphEdge[]; truncated: boolean };

/** A finding as far as the graph cares: where it is and how bad. */
export type GraphProblem = { uri: string; range: SourceRange; severity: Severity };

export type ServiceGraphOptions = {
  /** Addresses drawn per backend; the rest become one `MoreAddresses` node. */
  maxAddresses: number;
  /** Only the Services and backends of this namespace, when given. */
  namespace?: string;
  /** Stop once there are more nodes than this: a caller that draws no more needs no more. */
  maxNodes?: number;
};

/**
 * The Service graph of the workspace: every Service (sorted by namespace and name)
 * → its Endpoints and EndpointSlices (paired as the rules pair them) → their addresses,
 * and every Service with a selector → the workloads it selects (`workloadsSelectedBy`,
 * as navigation follows them). Backends that belong to no Service follow, so that
 * orphans show. Workloads no Service selects are left out.
 *
 * `problems` (the current findings) mark each node with the worst severity inside it.
 */
export function serviceGraph(
  index: WorkspaceIndex,
  problems: readonly GraphProblem[] = [],
  options: ServiceGraphOptions = { maxAddresses: 6 },
): ServiceGraph {
  const builder = new GraphBuilder(index, problems, options);
  const inScope = <T extends KubeObject>(objects: readonly T[]) =>
    options.namespace === undefined
      ? objects
      : objects.filter((object) => index.namespaceOf(object) === options.namespace);
  const full = () => options.maxNodes !== undefined && builder.nodes.length > options.maxNodes;
  const graph = (truncated: boolean): ServiceGraph => ({ nodes: builder.nodes, edges: builder.edges, truncated });
  for (const service of sortedByNamespaceAndName(index, inScope(index.allServices()))) {
    if (full()) return graph(true);
    builder.addService(service);
  }
  const backends: readonly Backend[] = inScope([...index.allEndpoints(), ...index.allEndpointSlices()]);
  for (const backend of sortedByNamespaceAndName(index, backends)) {
    if (full()) return graph(true);
    if (index.missesService(backend)) builder.addBackend(backend);
  }
  return graph(false);
}

/** Assembles nodes once each, however many Services point at them. */
class GraphBuilder {
  readonly nodes: GraphNode[] = [];
  readonly edges: GraphEdge[] = [];
  private readonly ids = new Set<string>();
  private readonly problemsByUri = new Map<string, GraphProblem[]>();

  constructor(
    private readonly index: WorkspaceIndex,
    problems: readonly GraphProblem[],
    private readonly options: ServiceGraphOptions,
  ) {
    for (const problem of problems) {
      const list = this.problemsByUri.get(problem.uri);
      if (list) list.push(problem);
      else this.problemsByUri.set(problem.uri, [problem]);
    }
  }

  addService(service: Service): void {
    const id = this.addObject(service, serviceDetail(service));
    for (const backend of this.index.backendsOf(service)) {
      // The edge first, so that edges read from the Service outwards.
      this.edges.push({ from: id, to: objectId(backend), kind: 'backend' });
      this.addBackend(backend);
    }
    for (const workload of workloadsSelectedBy(this.index, service)) {
      const detail = workload.replicas ? plural(workload.replicas.value, 'replica') : undefined;
      this.edges.push({ from: id, to: this.addObject(workload, detail), kind: 'selects' });
    }
    const externalName = ServiceSemantics.isExternalName(service) ? service.externalName : undefined;
    if (externalName) {
      const to = this.add({
        id: `${id}>${externalName.value}`,
        kind: 'ExternalName',
        name: externalName.value,
        namespace: this.index.namespaceOf(service),
        detail: 'DNS name (CNAME)',
        uri: service.uri,
        range: externalName.range,
        severity: this.worstIn(service.uri, externalName.range),
      });
      this.edges.push({ from: id, to, kind: 'externalName' });
    }
  }

  /** Adds a backend and its addresses once. */
  addBackend(backend: Backend): void {
    const id = objectId(backend);
    if (this.ids.has(id)) return;
    const addresses = addressesOf(backend);
    const detail =
      backend.kind === 'Endpoints'
        ? `${plural(addresses.length, 'address', 'addresses')} · ${portsOf(backend.subsets.flatMap((s) => s.ports))}`
        : `${backend.addressType?.value ?? 'no addressType'} · ${portsOf(backend.ports)}`;
    this.addObject(backend, detail);
    const namespace = this.index.namespaceOf(backend);
    const shown = addresses.slice(0, this.options.maxAddresses);
    shown.forEach((address, i) => {
      const to = this.add({
        id: `${id}@${i}`,
        kind: 'Address',
        name: address.value,
        namespace,
        ...(address.notReady ? { detail: 'not ready' } : {}),
        uri: backend.uri,
        range: address.range,
        severity: this.worstIn(backend.uri, address.range),
      });
      this.edges.push({ from: id, to, kind: 'address' });
    });
    const hidden = addresses.length - shown.length;
    if (hidden > 0) {
      const to = this.add({
        id: `${id}@more`,
        kind: 'MoreAddresses',
        name: `${hidden} more`,
        namespace,
        uri: backend.uri,
        range: addresses[shown.length].range,
      });
      this.edges.push({ from: id, to, kind: 'address' });
    }
  }

  /** Adds an object node once; returns its id. */
  private addObject(object: KubeObject, detail: string | undefined): string {
    return this.add({
      id: objectId(object),
      kind: object.kind as GraphNodeKind,
      name: object.name?.value ?? '(unnamed)',
      namespace: this.index.namespaceOf(object),
      ...(detail ? { detail } : {}),
      uri: object.uri,
      range: object.name?.range ?? object.range,
      severity: this.worstIn(object.uri, object.range),
    });
  }

  private add(node: GraphNode): string {
    if (this.ids.has(node.id)) return node.id;
    this.ids.add(node.id);
    if (node.severity === undefined) delete node.severity;
    this.nodes.push(node);
    return node.id;
  }

  /** The worst severity of the problems that lie within `range` of `uri`. */
  private worstIn(uri: string, range: SourceRange): Severity | undefined {
    let worst: Severity | undefined;
    for (const problem of this.problemsByUri.get(uri) ?? []) {
      if (problem.range.start < range.start || problem.range.end > range.end) continue;
      if (!worst || SEVERITY_RANK[problem.severity] > SEVERITY_RANK[worst]) worst = problem.severity;
    }
    return worst;
  }
}

const SEVERITY_RANK: Record<Severity, number> = { hint: 0, information: 1, warning: 2, error: 3 };

/** `Service:file:///a.yaml#2`, with the List item when there is one: unique per object. */
function objectId(object: KubeObject): string {
  const item = object.itemIndex === undefined ? '' : `.${object.itemIndex}`;
  return `${object.kind}:${object.uri}#${object.docIndex}${item}`;
}

/** Every address of a backend in document order, each with its scalar (the IP, else the host name). */
function addressesOf(backend: Backend): { value: string; range: SourceRange; notReady: boolean }[] {
  if (backend.kind === 'Endpoints') {
    return backend.subsets.flatMap((subset) =>
      subset.addresses.map((address) => {
        const scalar: Located<string> | undefined = address.ip ?? address.hostname;
        return { value: scalar?.value ?? '(no ip)', range: scalar?.range ?? address.range, notReady: !address.ready };
      }),
    );
  }
  return backend.endpoints.flatMap((endpoint) => {
    const notReady = endpoint.ready?.value === false;
    if (endpoint.addresses.length === 0) return [{ value: '(no address)', range: endpoint.range, notReady }];
    return endpoint.addresses.map((address) => ({ value: address.value, range: address.range, notReady }));
  });
}

/** `ClusterIP · http 80, grpc 9090` (`headless` for clusterIP None). */
function serviceDetail(service: Service): string {
  if (ServiceSemantics.isExternalName(service)) return 'ExternalName';
  const type = service.clusterIP?.value === 'None' ? 'headless' : (service.type?.value ?? 'ClusterIP');
  const selector = service.selector ? '' : ' · no selector';
  return `${type}${selector} · ${portsOf(service.ports)}`;
}

/** `http 80, 9090/UDP`: each port's name and number; the protocol only when it is not TCP. */
function portsOf(ports: readonly (ServicePort | EndpointPort)[]): string {
  if (ports.length === 0) return 'no ports';
  const written = ports.map((port) => {
    const number = port.port ? String(port.port.value) : '';
    const name = port.name?.value;
    const protocol = port.protocol && port.protocol.value !== 'TCP' ? `/${port.protocol.value}` : '';
    return (name && number ? `${name} ${number}` : name || number || '?') + protocol;
  });
  // The subsets of one Endpoints usually repeat the same ports.
  return [...new Set(written)].join(', ');
}

function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

/** Sorts objects by namespace, name, file and place in the file, so the graph reads the same every time. */
function sortedByNamespaceAndName<T extends KubeObject>(index: WorkspaceIndex, objects: readonly T[]): T[] {
  const keyed = objects.map((object) => ({
    object,
    key: [index.namespaceOf(object), object.name?.value ?? '', object.uri].join('\0'),
  }));
  keyed.sort((a, b) =>
    a.key < b.key
      ? -1
      : a.key > b.key
        ? 1
        : a.object.docIndex - b.object.docIndex || (a.object.itemIndex ?? 0) - (b.object.itemIndex ?? 0),
  );
  return keyed.map(({ object }) => object);
}
