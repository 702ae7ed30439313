import { containerPortProtocolOf, servicesMonitoredBy, workloadsMatching } from '../index/selection';
import { nearest, ObjectKey, type WorkspaceIndex } from '../index/workspaceIndex';
import { UriPath } from '../index/uriPath';
import { ServiceSemantics, protocolOf, selectorMatches } from '../model/semantics';
import {
  isGatewayRouteKind,
  isTraefikKind,
  isTraefikServiceOfKubernetes,
  objectHolding,
  refersToService,
  SELECTOR_OPERATORS,
  SERVICE_NAME_LABEL,
  type Service,
  type SourceRange,
  type Workload,
  type WorkloadKind,
  WORKLOAD_PATHS,
} from '../model/types';
import { eolOf, scalarText } from '../rules/yamlText';
import { type CursorContext, cursorContext, ITEM } from './yamlCursor';

/** One completion: what to show and what to insert where. */
export type CompletionCandidate = {
  label: string;
  /** What replaces `range`. */
  insertText: string;
  range: SourceRange;
  kind: 'service' | 'port' | 'label' | 'value';
  detail?: string;
  /** Orders candidates when the client sorts by it (nearest first). */
  sortText?: string;
  /** Edits elsewhere in the file, such as the namespace of the chosen Service. */
  additionalEdits?: { range: SourceRange; newText: string }[];
  /** Whether to ask for completions again once inserted (a key, whose value comes next). */
  retrigger?: boolean;
};

/** The protocols a Service, endpoint or container port may have. */
const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];

/** The values of a Service's enumerated `spec` fields, those the API server accepts (case-sensitive). */
const SERVICE_SPEC_VALUES: Readonly<Record<string, readonly string[]>> = {
  type: ServiceSemantics.TYPES,
  sessionAffinity: ServiceSemantics.SESSION_AFFINITIES,
  externalTrafficPolicy: ServiceSemantics.TRAFFIC_POLICIES,
  internalTrafficPolicy: ServiceSemantics.TRAFFIC_POLICIES,
  trafficDistribution: ServiceSemantics.TRAFFIC_DISTRIBUTIONS,
};

/**
 * Completions at `offset` inside the Kubernetes objects the index models, read from
 * the text around the cursor so that half-typed documents work. The first provider
 * whose place matches the cursor answers.
 */
export function completionsAt(index: WorkspaceIndex, uri: string, text: string, offset: number): CompletionCandidate[] {
  const context = cursorContext(text, offset);
  if (!context) return [];
  const document = context.document;
  const request: Request = {
    index,
    uri,
    text,
    context,
    kind: document.value(['kind'])?.value,
    namespace: document.value(['metadata', 'namespace'])?.value ?? index.namespaceOf({ uri }),
    completions: new Completions(context),
  };
  providers.find((provider) => provider.applies(request))?.offer(request);
  return request.completions.list;
}

type Request = {
  index: WorkspaceIndex;
  uri: string;
  text: string;
  context: CursorContext;
  /** The `kind` of the document being typed. */
  kind: string | undefined;
  /** Its written namespace, else the one its file's objects get. */
  namespace: string;
  completions: Completions;
};

type Provider = { applies(request: Request): boolean; offer(request: Request): void };

/** Whether the cursor types a key (`key`) or a value (`value`) whose path is `pattern`, in an object of `kind`. */
function typing(mode: CursorContext['mode'], kind: string | undefined, ...pattern: string[]) {
  return (request: Request) =>
    request.context.mode === mode &&
    (kind === undefined || request.kind === kind) &&
    request.context.path.length === pattern.length &&
    pattern.every((segment, i) => segment === '*' || segment === request.context.path[i]);
}

const providers: Provider[] = [
  {
    // The protocol of a Service, endpoint or container port.
    applies: ({ context }) => context.mode === 'value' && context.path.slice(-3).join('.') === `ports.${ITEM}.protocol`,
    offer: ({ completions }) => {
      for (const protocol of PROTOCOLS) completions.value(protocol, 'value', 'port protocol');
    },
  },
  {
    // The value of an enumerated field of a Service's spec.
    applies: (request) =>
      typing('value', 'Service', 'spec', '*')(request) && Object.hasOwn(SERVICE_SPEC_VALUES, request.context.path[1]),
    offer: ({ context, completions }) => {
      const field = context.path[1];
      for (const value of SERVICE_SPEC_VALUES[field]) completions.value(value, 'value', `Service ${field}`);
    },
  },
  {
    // The operator of a workload's selector requirement (a LabelSelector's: not a ReplicationController's).
    applies: ({ context, kind }) => {
      const paths = kind && Object.hasOwn(WORKLOAD_PATHS, kind) ? WORKLOAD_PATHS[kind as WorkloadKind] : undefined;
      return (
        paths?.labelSelector === true &&
        context.mode === 'value' &&
        context.path.join('.') === `${paths.selector}.matchExpressions.${ITEM}.operator`
      );
    },
    offer: ({ completions }) => {
      for (const operator of SELECTOR_OPERATORS) completions.value(operator, 'value', 'selector operator');
    },
  },
  { applies: typing('value', 'Endpoints', 'metadata', 'name'), offer: endpointsNames },
  {
    // The name of an endpoint port: the port names of the Service.
    applies: (request) =>
      typing('value', 'Endpoints', 'subsets', ITEM, 'ports', ITEM, 'name')(request) ||
      typing('value', 'EndpointSlice', 'ports', ITEM, 'name')(request),
    offer: ({ index, uri, context, kind, namespace, completions }) => {
      const name = context.document.value(
        kind === 'Endpoints' ? ['metadata', 'name'] : ['metadata', 'labels', SERVICE_NAME_LABEL],
      );
      if (!name) return;
      for (const service of nearest(index.servicesWithKey(ObjectKey.of(namespace, name.value)), uri)) {
        for (const port of service.ports) {
          if (!port.name) continue;
          completions.value(port.name.value, 'port', `Service port ${port.port?.value ?? '?'}/${protocolOf(port)}`);
        }
      }
    },
  },
  {
    applies: typing('key', 'EndpointSlice', 'metadata', 'labels'),
    offer: ({ completions }) => completions.key(SERVICE_NAME_LABEL, 'label', 'the Service this slice belongs to'),
  },
  {
    applies: typing('value', 'EndpointSlice', 'metadata', 'labels', SERVICE_NAME_LABEL),
    offer: ({ index, uri, namespace, completions }) => {
      for (const service of index.allServices()) {
        if (!service.name || index.namespaceOf(service) !== namespace || ServiceSemantics.isExternalName(service))
          continue;
        completions.value(
          service.name.value,
          'service',
          `Service ${namespace}/${service.name.value}`,
          sortKey(service, uri),
        );
      }
    },
  },
  {
    // A selector key: the pod-template label keys of the namespace's workloads not yet in the selector.
    applies: typing('key', 'Service', 'spec', 'selector'),
    offer: ({ index, context, namespace, completions }) => {
      const written = context.document.children(['spec', 'selector']);
      for (const [key, values] of podLabels(index.workloadsIn(namespace))) {
        if (!written.has(key)) completions.key(key, 'label', [...values].join(', '));
      }
    },
  },
  {
    // A selector value: the values of the key among the workloads that match the other pairs.
    applies: typing('value', 'Service', 'spec', 'selector', '*'),
    offer: ({ index, context, namespace, completions }) => {
      const key = context.path[2];
      const others = context.document.children(['spec', 'selector']);
      others.delete(key);
      const workloads = index
        .workloadsIn(namespace)
        .filter((workload) => selectorMatches(Object.fromEntries(others), workload.podLabels));
      for (const value of podLabels(workloads).get(key) ?? []) completions.value(value, 'value', `${key}=${value}`);
    },
  },
  {
    // The Service an Ingress, route or Traefik route backend names: those of its namespace (a backendRef's own, when it writes one).
    applies: (request) => backendField(request) === 'service',
    offer: ({ index, uri, context, namespace, completions }) => {
      const target = context.document.sibling(context, 'namespace')?.value ?? namespace;
      for (const service of index.servicesIn(target)) {
        if (!service.name) continue;
        completions.value(
          service.name.value,
          'service',
          `Service ${target}/${service.name.value}`,
          sortKey(service, uri),
        );
      }
    },
  },
  {
    // The port of an Ingress, route or Traefik route backend: the ports of the Service it names, by number or by name.
    applies: (request) => {
      const field = backendField(request);
      return field !== undefined && field !== 'service';
    },
    offer: (request) => {
      const { index, uri, context, namespace, completions } = request;
      const field = backendField(request)!;
      // An Ingress's `service.port.number` is a level below the Service's name, its `servicePort` beside
      // `serviceName`; a backendRef's `port` is beside its `name`.
      const name =
        request.kind !== 'Ingress'
          ? context.document.sibling(context, 'name')
          : field === 'port'
            ? context.document.sibling(context, 'serviceName')
            : context.document.sibling(context, 'name', 1);
      if (!name) return;
      const target = context.document.sibling(context, 'namespace')?.value ?? namespace;
      for (const service of nearest(index.servicesWithKey(ObjectKey.of(target, name.value)), uri)) {
        for (const port of service.ports) {
          const detail = `Service port ${port.port?.value ?? '?'}${port.name ? ` "${port.name.value}"` : ''}/${protocolOf(port)}`;
          if (field !== 'portNumber' && port.name) completions.value(port.name.value, 'port', detail);
          if (field !== 'portName' && port.port) completions.number(port.port.value, 'port', detail);
        }
      }
    },
  },
  {
    // A ServiceMonitor endpoint's port: the port names of the Services it selects, as the index last read it.
    applies: typing('value', 'ServiceMonitor', 'spec', 'endpoints', ITEM, 'port'),
    offer: ({ index, uri, context, completions }) => {
      const monitor = objectHolding(index.file(uri)?.objects ?? [], context.range.start);
      if (monitor?.kind !== 'ServiceMonitor') return;
      for (const service of servicesMonitoredBy(index, monitor) ?? []) {
        for (const port of service.ports) {
          if (!port.name) continue;
          const detail = `port ${port.port?.value ?? '?'}/${protocolOf(port)} of Service ${index.namespaceOf(service)}/${service.name?.value ?? ''}`;
          completions.value(port.name.value, 'port', detail);
        }
      }
    },
  },
  {
    // A named targetPort: the container port names, of the port's protocol, of the selected workloads.
    applies: typing('value', 'Service', 'spec', 'ports', ITEM, 'targetPort'),
    offer: ({ index, uri, context, namespace, completions }) => {
      const selector = Object.fromEntries(context.document.children(['spec', 'selector']));
      if (Object.keys(selector).length === 0) return;
      const protocol = context.document.sibling(context, 'protocol')?.value ?? 'TCP';
      for (const workload of workloadsMatching(index, namespace, selector, uri)) {
        for (const port of workload.containerPorts) {
          if (!port.name || containerPortProtocolOf(port) !== protocol) continue;
          const owner = `${workload.kind.toLowerCase()}/${workload.name?.value ?? ''}`;
          completions.value(port.name.value, 'port', `containerPort ${port.containerPort?.value ?? '?'} of ${owner}`);
        }
      }
    },
  },
];

/** Where an Ingress backend names its Service (v1 `service`, v1beta1 `serviceName`/`servicePort`). */
const INGRESS_BACKENDS = [
  ['spec', 'defaultBackend'],
  ['spec', 'backend'],
  ['spec', 'rules', ITEM, 'http', 'paths', ITEM, 'backend'],
];

/** The fields of a backend that name a Service or its port, by their path below the backend. */
const INGRESS_BACKEND_FIELDS: [string[], BackendField][] = [
  [['service', 'name'], 'service'],
  [['serviceName'], 'service'],
  [['service', 'port', 'number'], 'portNumber'],
  [['service', 'port', 'name'], 'portName'],
  [['servicePort'], 'port'],
];

/** Where a route writes a backendRef: in a rule, and as a requestMirror filter's, of a rule or of a backendRef. */
const ROUTE_BACKEND_REFS: ReadonlySet<string> = new Set([
  `spec.rules.${ITEM}.backendRefs.${ITEM}`,
  `spec.rules.${ITEM}.filters.${ITEM}.requestMirror.backendRef`,
  `spec.rules.${ITEM}.backendRefs.${ITEM}.filters.${ITEM}.requestMirror.backendRef`,
]);

/** Where a Traefik route or TraefikService writes a service (see parse.ts). */
const TRAEFIK_SERVICES: ReadonlySet<string> = new Set([
  `spec.routes.${ITEM}.services.${ITEM}`,
  `spec.weighted.services.${ITEM}`,
  `spec.highestRandomWeight.services.${ITEM}`,
  'spec.mirroring',
  `spec.mirroring.mirrors.${ITEM}`,
  'spec.failover.service',
  'spec.failover.fallback',
  'spec.errors.service',
]);

/** What a backend's value names: its Service, or the Service's port (by number, by name, or either). */
type BackendField = 'service' | 'portNumber' | 'portName' | 'port';

/** Which field of an Ingress backend, a route's backendRef or a Traefik route's service the cursor types a value of, if any. */
function backendField({ context, kind }: Request): BackendField | undefined {
  if (context.mode !== 'value') return undefined;
  const path = context.path.join('.');
  if (kind === 'Ingress') {
    for (const backend of INGRESS_BACKENDS) {
      for (const [field, type] of INGRESS_BACKEND_FIELDS) if (path === [...backend, ...field].join('.')) return type;
    }
    return undefined;
  }
  const field = context.path[context.path.length - 1];
  if (kind !== undefined && isTraefikKind(kind)) {
    if (!TRAEFIK_SERVICES.has(context.path.slice(0, -1).join('.'))) return undefined;
    // A TraefikService is no Service; a Traefik route's port is a Service port's number or name.
    if (!isTraefikServiceOfKubernetes(context.document.sibling(context, 'kind')?.value)) return undefined;
    return field === 'name' ? 'service' : field === 'port' ? 'port' : undefined;
  }
  if (!isGatewayRouteKind(kind) || !ROUTE_BACKEND_REFS.has(context.path.slice(0, -1).join('.'))) return undefined;
  // A reference to another kind names no Service.
  const group = context.document.sibling(context, 'group')?.value;
  if (!refersToService(group, context.document.sibling(context, 'kind')?.value)) return undefined;
  return field === 'name' ? 'service' : field === 'port' ? 'portNumber' : undefined;
}

/**
 * Endpoints names: the selector-less Services of the namespace with no backend but the
 * one being typed. Without a written namespace, Services that write theirs are offered
 * too, and bring it along.
 */
function endpointsNames({ index, uri, text, context, completions }: Request): void {
  const document = context.document;
  const writtenNamespace = document.value(['metadata', 'namespace'])?.value;
  const fileNamespace = index.namespaceOf({ uri });
  const inThisDocument = (start: number) => start >= document.range.start && start <= document.range.end;
  for (const service of index.allServices()) {
    if (!service.name || !ServiceSemantics.needsManualBackends(service)) continue;
    const namespace = index.namespaceOf(service);
    const offered =
      writtenNamespace !== undefined
        ? namespace === writtenNamespace
        : namespace === fileNamespace || service.namespace;
    if (!offered) continue;
    const backends = index
      .backendsOf(service)
      .filter((backend) => !(backend.uri === uri && inThisDocument(backend.range.start)));
    if (backends.length > 0) continue;
    const fill = writtenNamespace === undefined && service.namespace !== undefined;
    completions.value(
      service.name.value,
      'service',
      `Service ${namespace}/${service.name.value} (${UriPath.basename(UriPath.of(service.uri))})`,
      sortKey(service, uri),
      fill ? [namespaceEdit(text, context, namespace)] : undefined,
    );
  }
}

/** `namespace: <ns>` on the line below `metadata.name` (or above it, on the last line), at its column. */
function namespaceEdit(
  text: string,
  context: CursorContext,
  namespace: string,
): { range: SourceRange; newText: string } {
  const entry = `${' '.repeat(context.column)}namespace: ${scalarText(namespace)}`;
  const eol = eolOf(text);
  const lineEnd = text.indexOf('\n', context.range.end);
  if (lineEnd >= 0) return { range: { start: lineEnd + 1, end: lineEnd + 1 }, newText: entry + eol };
  const lineStart = text.lastIndexOf('\n', context.range.start - 1) + 1;
  return { range: { start: lineStart, end: lineStart }, newText: entry + eol };
}

/** Collects candidates for one cursor context, in the shape the context asks for. */
class Completions {
  readonly list: CompletionCandidate[] = [];
  private readonly seen = new Set<string>();

  constructor(private readonly context: CursorContext) {}

  value(
    value: string,
    kind: CompletionCandidate['kind'],
    detail?: string,
    sortText?: string,
    additionalEdits?: CompletionCandidate['additionalEdits'],
  ): void {
    this.scalar(value, this.context.quoted ? value : scalarText(value), kind, detail, sortText, additionalEdits);
  }

  /** A number, written plain: a number field takes no string. */
  number(value: number, kind: CompletionCandidate['kind'], detail?: string): void {
    this.scalar(String(value), String(value), kind, detail);
  }

  private scalar(
    value: string,
    text: string,
    kind: CompletionCandidate['kind'],
    detail?: string,
    sortText?: string,
    additionalEdits?: CompletionCandidate['additionalEdits'],
  ): void {
    if (this.seen.has(value)) return;
    this.seen.add(value);
    this.list.push({
      label: value,
      insertText: (this.context.needsSpace ? ' ' : '') + text,
      range: this.context.range,
      kind,
      detail,
      sortText,
      additionalEdits,
    });
  }

  key(key: string, kind: CompletionCandidate['kind'], detail?: string): void {
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const text = scalarText(key);
    this.list.push({
      label: key,
      insertText: this.context.hasColon ? text : `${text}: `,
      range: this.context.range,
      kind,
      detail,
      retrigger: !this.context.hasColon,
    });
  }
}

/** Every label key of the workloads' pod templates, with the values written for it. */
function podLabels(workloads: readonly Workload[]): Map<string, Set<string>> {
  const labels = new Map<string, Set<string>>();
  for (const workload of workloads) {
    for (const [key, value] of Object.entries(workload.podLabels)) {
      if (!labels.has(key)) labels.set(key, new Set());
      labels.get(key)!.add(value.value);
    }
  }
  return labels;
}

/** Services of the same folder first, then by name. */
function sortKey(service: Service, uri: string): string {
  const sameFolder = UriPath.folderOf(service.uri) === UriPath.folderOf(uri);
  return `${sameFolder ? 0 : 1}${service.name?.value ?? ''}`;
}
