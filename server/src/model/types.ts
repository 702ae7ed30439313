/** UTF-16 offsets into one file's text, `end` exclusive. */
export type SourceRange = { start: number; end: number };

/** `keyStart` and `keyEnd` of a located value that no mapping key holds. */
const NO_KEY = -1;

/**
 * A scalar value together with where it is written. The model keeps hundreds of thousands of
 * them, so their offsets are plain numbers rather than two range objects each (those were nearly
 * half the model's objects, which the garbage collector copies while a workspace is read); `range`
 * and `keyRange` give fresh copies. An edit moves them in place (see `moveRanges` in documents.ts).
 */
export class Located<T> {
  constructor(
    readonly value: T,
    /** The scalar itself, quotes included. */
    public start: number,
    public end: number,
    /** The key of the mapping entry that holds it, when there is one. */
    public keyStart = NO_KEY,
    public keyEnd = NO_KEY,
  ) {}

  static at<T>(value: T, range: SourceRange, keyRange?: SourceRange): Located<T> {
    return keyRange
      ? new Located(value, range.start, range.end, keyRange.start, keyRange.end)
      : new Located(value, range.start, range.end);
  }

  get range(): SourceRange {
    return { start: this.start, end: this.end };
  }

  get keyRange(): SourceRange | undefined {
    return this.keyStart === NO_KEY ? undefined : { start: this.keyStart, end: this.keyEnd };
  }

  /** A copy, for a second place in the model (which is a tree). */
  copy(): Located<T> {
    return new Located(this.value, this.start, this.end, this.keyStart, this.keyEnd);
  }

  /** Moves its offsets by `delta`, as an edit before it does. */
  shift(delta: number): void {
    this.start += delta;
    this.end += delta;
    if (this.keyStart === NO_KEY) return;
    this.keyStart += delta;
    this.keyEnd += delta;
  }
}

/** A sequence of string scalars together with where it is written. */
export type LocatedList<T> = {
  items: Located<T>[];
  /** The sequence node itself. */
  range: SourceRange;
  /** The key of the mapping entry that holds it. */
  keyRange?: SourceRange;
};

/** The kinds the analysis models; every other kind is skipped. */
export type ModelledKind =
  | 'Service'
  | 'Endpoints'
  | 'EndpointSlice'
  | 'Kustomization'
  | 'Ingress'
  | RouteKind
  | TraefikKind
  | 'ReferenceGrant'
  | 'ServiceMonitor'
  | WorkloadKind;

/** The Gateway API routes (gateway.networking.k8s.io), whose `backendRefs` name Services. */
export type RouteKind = 'HTTPRoute' | 'GRPCRoute' | 'TLSRoute' | 'TCPRoute' | 'UDPRoute';
export const ROUTE_KINDS: readonly RouteKind[] = ['HTTPRoute', 'GRPCRoute', 'TLSRoute', 'TCPRoute', 'UDPRoute'];

/** The API group of the Gateway API: its routes and ReferenceGrants. */
export const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';

/**
 * The kinds of Traefik's Kubernetes CRD provider that name Services: its routes, of HTTP, TCP and
 * UDP, the TraefikService, which balances, mirrors or fails over between services, and the
 * Middleware, whose `errors` middleware fetches error pages from one.
 */
export type TraefikKind = 'IngressRoute' | 'IngressRouteTCP' | 'IngressRouteUDP' | 'TraefikService' | 'Middleware';
export const TRAEFIK_KINDS: readonly TraefikKind[] = [
  'IngressRoute',
  'IngressRouteTCP',
  'IngressRouteUDP',
  'TraefikService',
  'Middleware',
];

/**
 * Whether a Traefik service of `kind` (undefined when not written) is a Kubernetes Service: kind
 * Service is the default; TraefikService names another of Traefik's objects (LoadBalancerSpec).
 */
export function isTraefikServiceOfKubernetes(kind: string | undefined): boolean {
  return (kind ?? 'Service') === 'Service';
}

/** Traefik's API groups: `traefik.io` since Traefik 2.10, `traefik.containo.us` before (removed in 3.0). */
export const TRAEFIK_GROUPS: readonly string[] = ['traefik.io', 'traefik.containo.us'];

/**
 * Whether a route's backendRef of `group` and `kind` (undefined when not written) refers to a
 * Service: the core group ("") and kind Service are the defaults (BackendObjectReference).
 */
export function refersToService(group: string | undefined, kind: string | undefined): boolean {
  return (group ?? '') === '' && (kind ?? 'Service') === 'Service';
}

export type WorkloadKind =
  | 'Pod'
  | 'Deployment'
  | 'StatefulSet'
  | 'DaemonSet'
  | 'ReplicaSet'
  | 'ReplicationController'
  | 'Job'
  | 'CronJob'
  | OperatorWorkloadKind;

/**
 * The workloads of prometheus-operator (`monitoring.coreos.com`): it runs each as a StatefulSet
 * of its own making, whose pods carry `spec.podMetadata` and labels and containers it adds.
 */
export type OperatorWorkloadKind = 'Prometheus' | 'Alertmanager';
export const OPERATOR_WORKLOAD_KINDS: readonly OperatorWorkloadKind[] = ['Prometheus', 'Alertmanager'];

/** The API group of prometheus-operator's resources. */
export const PROMETHEUS_OPERATOR_GROUP = 'monitoring.coreos.com';

/**
 * Orders objects by file, then by position: the order of a fresh scan, so that what a message
 * lists does not depend on the order in which files were read or edited.
 */
export function compareByPlace(a: Pick<ObjectBase, 'uri' | 'range'>, b: Pick<ObjectBase, 'uri' | 'range'>): number {
  return a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : a.range.start - b.range.start;
}

/** Items (objects, findings) by the file they are in, each file's in the order given. */
export function groupByUri<T extends { uri: string }>(items: Iterable<T>): Map<string, T[]> {
  const grouped = new Map<string, T[]>();
  for (const item of items) {
    const list = grouped.get(item.uri);
    if (list) list.push(item);
    else grouped.set(item.uri, [item]);
  }
  return grouped;
}

/**
 * The object whose mapping holds `offset`. A file's objects are in file order and do not overlap
 * (a List is no object, its items are), so a binary search finds it: this runs for every finding
 * of every check, in files of thousands of objects.
 */
export function objectHolding(objects: readonly KubeObject[], offset: number): KubeObject | undefined {
  let low = 0;
  let high = objects.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const { start, end } = objects[middle].range;
    if (start > offset) high = middle - 1;
    else if (end < offset) low = middle + 1;
    else return objects[middle];
  }
  return undefined;
}

/** What every modelled object carries: identity, provenance and the ranges fixes need. */
export type ObjectBase = {
  uri: string;
  /** 0-based index of the YAML document in its file. */
  docIndex: number;
  /** For items of a `kind: List`, their index in `items`. */
  itemIndex?: number;
  apiVersion: string;
  /** The `kind` value as written, where a finding about the kind itself is anchored. */
  kindRange?: SourceRange;
  /** The object's mapping, from its first key to its last value. */
  range: SourceRange;
  /** The document that holds the object (the whole List for list items). */
  documentRange: SourceRange;
  name?: Located<string>;
  /** `metadata.namespace` as written; the effective namespace is the index's business. */
  namespace?: Located<string>;
  /** The `metadata` mapping, where a fix inserts a missing field. */
  metadataRange?: SourceRange;
  labels: Record<string, Located<string>>;
  annotations: Record<string, Located<string>>;
  /** The `metadata.annotations` mapping, where a fix adds an annotation. */
  annotationsRange?: SourceRange;
  /**
   * Whether `metadata` has a `namespace` key, and an `annotations` key, whatever their values, and
   * `metadata.annotations` the ignore annotation's: a fix never adds a key a second time.
   */
  namespaceKeyWritten: boolean;
  annotationsKeyWritten: boolean;
  ignoreAnnotationKeyWritten: boolean;
  /**
   * The entries of the object's maps of strings (labels, annotations, selectors: `LabelMaps`)
   * whose value YAML reads as a number or a boolean, which the API server cannot decode; the maps
   * hold them as written, as the user means them. Undefined when there are none.
   */
  nonStringEntries?: NonStringEntry[];
};

/**
 * A label, annotation or selector entry kubectl reads as a number or a boolean (`version: 2`,
 * `scrape: true`, `enabled: yes`; see `Yaml11`).
 */
export type NonStringEntry = {
  /** The field path of the map that holds it, as the API server names it (`spec.template.metadata.labels`). */
  map: string;
  key: string;
  /** The value as written. */
  value: Located<string>;
  readAs: 'number' | 'bool';
  /** Whether YAML 1.2 (editors, `yaml`) reads it so too: `yes` and `1_000` are strings there. */
  readSoByYaml12: boolean;
};

/** A port of a Service (`spec.ports[]`). */
export type ServicePort = {
  range: SourceRange;
  name?: Located<string>;
  port?: Located<number>;
  targetPort?: Located<number | string>;
  protocol?: Located<string>;
  nodePort?: Located<number>;
  appProtocol?: Located<string>;
  /**
   * Whether the port's mapping has a `port` key, whatever its value. Tells a missing field (which
   * the API server reads as zero) from one of the wrong type (which it cannot decode).
   */
  portKeyWritten: boolean;
};

export type Service = ObjectBase & {
  kind: 'Service';
  /**
   * `spec.selector`; undefined when absent, null or empty. Kubernetes treats the three
   * alike (an empty map does not survive storage), and they make Endpoints hand-written.
   */
  selector?: { range: SourceRange; labels: Record<string, Located<string>> };
  type?: Located<string>;
  externalName?: Located<string>;
  clusterIP?: Located<string>;
  clusterIPs?: LocatedList<string>;
  ipFamilies?: LocatedList<string>;
  ipFamilyPolicy?: Located<string>;
  externalIPs?: LocatedList<string>;
  sessionAffinity?: Located<string>;
  /** `spec.sessionAffinityConfig.clientIP.timeoutSeconds`. */
  sessionAffinityTimeout?: Located<number>;
  externalTrafficPolicy?: Located<string>;
  internalTrafficPolicy?: Located<string>;
  healthCheckNodePort?: Located<number>;
  trafficDistribution?: Located<string>;
  allocateLoadBalancerNodePorts?: Located<boolean>;
  loadBalancerClass?: Located<string>;
  loadBalancerSourceRanges?: LocatedList<string>;
  /** The `spec` mapping, where a fix inserts a missing field. */
  specRange?: SourceRange;
  ports: ServicePort[];
  /** The key of a `spec.endpoints` field, which Services do not have. */
  specEndpointsKey?: SourceRange;
};

/** A port of an Endpoints subset or an EndpointSlice. */
export type EndpointPort = {
  range: SourceRange;
  name?: Located<string>;
  port?: Located<number>;
  protocol?: Located<string>;
  appProtocol?: Located<string>;
  /** Whether the port's mapping has a `port` key, and a `name` key, whatever their values (see ServicePort). */
  portKeyWritten: boolean;
  nameKeyWritten: boolean;
};

/** One entry of `subsets[].addresses` or `subsets[].notReadyAddresses`. */
export type EndpointAddress = {
  range: SourceRange;
  ip?: Located<string>;
  hostname?: Located<string>;
  nodeName?: Located<string>;
  /** `targetRef`: the object behind the address, copied field by field when converting. */
  targetRef?: ScalarFields;
  ready: boolean;
  /** Its index in `addresses` or `notReadyAddresses`, whichever holds it. */
  indexInList: number;
};

/** The scalar entries of a flat mapping, in source order, with their ranges. */
export type ScalarFields = { range: SourceRange; fields: { key: string; value: Located<unknown> }[] };

export type EndpointSubset = {
  range: SourceRange;
  addresses: EndpointAddress[];
  ports: EndpointPort[];
};

export type Endpoints = ObjectBase & {
  kind: 'Endpoints';
  subsets: EndpointSubset[];
};

/** One entry of an EndpointSlice's `endpoints`. */
export type SliceEndpoint = {
  range: SourceRange;
  addresses: Located<string>[];
  ready?: Located<boolean>;
  hostname?: Located<string>;
  nodeName?: Located<string>;
  zone?: Located<string>;
  /** `hints.forZones[].name`, with the list's key. */
  hints?: { forZones?: LocatedList<string> };
  /** `deprecatedTopology` (v1) or `topology` (v1beta1): the field's name, its key and its labels. */
  topology?: { field: string; keyRange: SourceRange; labels: Record<string, Located<string>> };
};

export type EndpointSlice = ObjectBase & {
  kind: 'EndpointSlice';
  addressType?: Located<string>;
  /** The `kubernetes.io/service-name` label, which links a slice to its Service. */
  serviceName?: Located<string>;
  endpoints: SliceEndpoint[];
  ports: EndpointPort[];
};

/** A container port of a workload's pod template. */
export type ContainerPort = {
  range: SourceRange;
  name?: Located<string>;
  containerPort?: Located<number>;
  protocol?: Located<string>;
};

/** A Pod or an object with a pod template, as a Service selector sees it. */
export type Workload = ObjectBase & {
  kind: WorkloadKind;
  /** The labels of the pods it makes (the Pod's own labels for a Pod). */
  podLabels: Record<string, Located<string>>;
  /** The pod template's `labels` mapping (the Pod's own for a Pod), where a fix adds a label. */
  podLabelsRange?: SourceRange;
  /**
   * Whether the template's `labels` holds entries not read as labels (a mapping as value, as a
   * template's `{name}` is read), or is no mapping: what the pods carry is not known then.
   */
  podLabelsUnread: boolean;
  /** The annotations of its pod template; undefined for a Pod (its own) and when none are written. */
  podAnnotations?: Record<string, Located<string>>;
  /** Its `spec` mapping (that of its job template for a CronJob), where a fix adds a selector. */
  specRange?: SourceRange;
  /** Its selector (`WORKLOAD_PATHS`); undefined when none is written (and for a Pod). */
  selector?: WorkloadSelector;
  /** Whether a `selector` key is written, whatever its value: a fix never adds a second one. */
  selectorKeyWritten: boolean;
  containerPorts: ContainerPort[];
  replicas?: Located<number>;
  /** A StatefulSet's `spec.serviceName`: the headless Service that gives its pods their DNS names. */
  serviceName?: Located<string>;
  /** A StatefulSet's `spec.ordinals.start`: the ordinal of its first pod (0 when not written). */
  ordinalsStart?: Located<number>;
  /** A Prometheus's `spec.shards`: it runs `replicas` pods in each of that many shards (1 when not written). */
  shards?: Located<number>;
  /** A Job's `spec.manualSelector`, as YAML reads it (a boolean when written as one). */
  manualSelector?: Located<unknown>;
};

/**
 * A workload's `spec.selector`: a LabelSelector, or a ReplicationController's plain map of labels,
 * read as its `matchLabels`.
 */
export type WorkloadSelector = {
  /** The `selector:` key. */
  keyRange: SourceRange;
  /** Its value, the mapping. */
  valueRange: SourceRange;
  matchLabels: Record<string, Located<string>>;
  /**
   * Whether `matchLabels` holds entries the model could not read as labels (a mapping as value,
   * as a template's `{name}` is read), or is no mapping: then the selector is not judged.
   */
  matchLabelsUnread: boolean;
  /** `matchExpressions`; undefined when written in a shape the model does not read. */
  matchExpressions: SelectorRequirement[] | undefined;
};

/** The operators of a LabelSelector's requirements (metav1.LabelSelectorOperator), case-sensitive. */
export const SELECTOR_OPERATORS: readonly string[] = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

/** One of a LabelSelector's `matchExpressions`. */
export type SelectorRequirement = {
  range: SourceRange;
  key?: Located<string>;
  operator?: Located<string>;
  values: Located<string>[];
};

/**
 * A backend of an Ingress, a Gateway API route or a Traefik route that names a Service, and the
 * port of the Service it names.
 */
export type ServiceBackendRef = {
  /**
   * `service.name` (networking.k8s.io/v1), `serviceName` (extensions/v1beta1), `name` (a route's
   * backendRef, a Traefik route's service).
   */
  serviceName: Located<string>;
  /** A route's backendRef or a Traefik route's service `namespace`, when written: the Service's, if not the route's own. */
  namespace?: Located<string>;
  /**
   * `service.port.number` or `service.port.name` (v1; both written is refused, so neither is read),
   * `servicePort` (v1beta1, a number or a name), `port` (a route's backendRef, a number; a Traefik
   * route's service, a number or a name).
   */
  port?: Located<number | string>;
  /** The mapping that holds `serviceName` (`service` in a v1 Ingress): where a fix adds a port. */
  range: SourceRange;
  /** Where the API server's messages place the backend: `spec.rules[0].backendRefs[1]`. */
  path: string;
  /**
   * How many of the port's keys are written, whatever their values (but a zero `number` or an
   * empty `name`, which the API server counts as none): `number` and `name` in `service.port` (v1:
   * one is required, both are refused), `servicePort`, a route's `port` (a Traefik route's: but
   * a zero or an empty one, which Traefik counts as none).
   */
  portKeyCount: number;
  /** The key `port` (of `service`, or of a route's backendRef) or `servicePort`, when written. */
  portKeyRange?: SourceRange;
  /**
   * Whether it is the backendRef of a route's `requestMirror` filter (HTTPRoute, GRPCRoute), or a
   * mirror of a TraefikService's mirroring: a copy of the requests goes there, the answers are dropped.
   */
  mirror: boolean;
};

/** An Ingress, for the Services its backends name. */
export type Ingress = ObjectBase & {
  kind: 'Ingress';
  /**
   * Every backend that names a Service, in text order: `spec.defaultBackend` and
   * `spec.rules[].http.paths[].backend` (networking.k8s.io/v1), or `spec.backend` and
   * `...backend` (extensions/v1beta1).
   */
  backends: ServiceBackendRef[];
};

/** A Gateway API route, for the Services its rules send traffic to. */
export type Route = ObjectBase & {
  kind: RouteKind;
  /** Every `spec.rules[].backendRefs[]` that names a Service (group "" and kind Service, the defaults), in text order. */
  backends: ServiceBackendRef[];
};

/** A Traefik route, TraefikService or Middleware, for the Kubernetes Services it sends traffic to. */
export type TraefikRouter = ObjectBase & {
  kind: TraefikKind;
  /**
   * Every service that names a Kubernetes Service (kind Service, the default, and a name of no
   * other provider: no `@`), in text order: a route's `spec.routes[].services[]`, a
   * TraefikService's (see parse.ts), a Middleware's `spec.errors.service`; `mirror` for the mirrors
   * of a TraefikService's mirroring.
   */
  backends: ServiceBackendRef[];
};

/**
 * A Gateway API ReferenceGrant: the kinds of other namespaces (`from`) that may refer to kinds of
 * its own namespace (`to`, all of a kind or one by name).
 */
export type ReferenceGrant = ObjectBase & {
  kind: 'ReferenceGrant';
  from: { group: string; kind: string; namespace: string }[];
  to: { group: string; kind: string; name?: string }[];
};

/**
 * A prometheus-operator ServiceMonitor (monitoring.coreos.com): Prometheus scrapes the endpoints of
 * the Services it selects, by their labels, in the namespaces of its `namespaceSelector`; for each
 * of its `endpoints` that gives a `port`, only those whose port has that name.
 */
export type ServiceMonitor = ObjectBase & {
  kind: 'ServiceMonitor';
  /** `spec.selector`, a LabelSelector (`keyRange` its key); undefined when not written or no mapping. */
  selector?: WorkloadSelector;
  /**
   * `spec.namespaceSelector`: every namespace (`any: true`), or those `matchNames` lists, or, with
   * neither, the monitor's own; undefined when written in a shape the model does not read.
   */
  namespaceSelector: { any: boolean; matchNames: Located<string>[] } | undefined;
  /** The `port` of each of `spec.endpoints`: the name of the port it scrapes. */
  endpointPorts: Located<string>[];
};

/** A kustomization file, which can set the namespace of the resources it lists. */
export type Kustomization = ObjectBase & {
  kind: 'Kustomization';
  /** The `namespace:` field (not metadata.namespace). */
  targetNamespace?: Located<string>;
  resources: Located<string>[];
};

/** Every object the model yields. */
export type KubeObject =
  | Service
  | Endpoints
  | EndpointSlice
  | Workload
  | Kustomization
  | Ingress
  | Route
  | TraefikRouter
  | ReferenceGrant
  | ServiceMonitor;

/** The objects that send traffic to Services they name: Ingresses, Gateway API routes and Traefik's routes. */
export type Router = Ingress | Route | TraefikRouter;

export function isRouter(object: KubeObject): object is Router {
  return 'backends' in object;
}

export function isGatewayRouteKind(kind: string | undefined): kind is RouteKind {
  return (ROUTE_KINDS as readonly (string | undefined)[]).includes(kind);
}

export function isGatewayRoute(object: KubeObject): object is Route {
  return isGatewayRouteKind(object.kind);
}

export function isTraefikKind(kind: string): kind is TraefikKind {
  return (TRAEFIK_KINDS as readonly string[]).includes(kind);
}

export function isTraefikRouter(object: KubeObject): object is TraefikRouter {
  return isTraefikKind(object.kind);
}

/** A backend object of a Service: what kube-proxy reads addresses from. */
export type Backend = Endpoints | EndpointSlice;

/** What a comment that silences findings starts with, after `#` (see rules/suppressions.ts). */
export const IGNORE_COMMENT_MARKER = 'kube-endpoints-ignore';

/** The annotation that suppresses findings about its object (see rules/suppressions.ts). */
export const IGNORE_ANNOTATION = 'kube-endpoints.io/ignore';

/** The label that ties an EndpointSlice to its Service. */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

/** The label that keeps the EndpointSlice mirroring controller away from an Endpoints. */
export const SKIP_MIRROR_LABEL = 'endpointslice.kubernetes.io/skip-mirror';

/** The annotation of leader-election records, whose Endpoints are never mirrored either. */
export const LEADER_ANNOTATION = 'control-plane.alpha.kubernetes.io/leader';

/** The label that says which controller, or which person, owns an EndpointSlice. */
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';

/**
 * `managed-by` values of the control plane's controllers: a slice carrying one is
 * rewritten or deleted by that controller, so hand-written slices must not use them.
 */
export const CONTROLLER_MANAGED_BY: readonly string[] = [
  'endpointslice-controller.k8s.io',
  'endpointslicemirroring-controller.k8s.io',
];

export const WORKLOAD_KINDS: readonly WorkloadKind[] = [
  'Pod',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'ReplicationController',
  'Job',
  'CronJob',
  ...OPERATOR_WORKLOAD_KINDS,
];

/**
 * Where each kind of workload keeps what its pods are made from: the spec of the controller
 * (`spec`; a CronJob's job template's), its pods' metadata and spec (a pod template's; a Pod's
 * own; `spec.podMetadata` and `spec` for prometheus-operator's) and its selector, as key paths
 * and as the field paths the API server names in its messages.
 */
export type WorkloadPaths = {
  /** The controller's spec, where the template and the selector are; none for a Pod. */
  spec?: readonly string[];
  podMetadata: readonly string[];
  /** Where the pods' `containers` are. */
  podSpec: readonly string[];
  podLabels: string;
  podAnnotations: string;
  /** `spec.selector`: a LabelSelector, or a ReplicationController's plain map of labels. */
  selector?: string;
  /** The labels the selector matches: its `matchLabels`, or a ReplicationController's selector itself. */
  selectorLabels?: string;
  /** Whether the selector is a LabelSelector (`matchLabels`, `matchExpressions`). */
  labelSelector: boolean;
};

const CONTROLLER_SPECS: Readonly<Record<Exclude<WorkloadKind, OperatorWorkloadKind>, readonly string[] | undefined>> = {
  Pod: undefined,
  Deployment: ['spec'],
  StatefulSet: ['spec'],
  DaemonSet: ['spec'],
  ReplicaSet: ['spec'],
  ReplicationController: ['spec'],
  Job: ['spec'],
  CronJob: ['spec', 'jobTemplate', 'spec'],
};

/** prometheus-operator's workloads: no template, and the selector is the operator's. */
const OPERATOR_WORKLOAD_PATHS: WorkloadPaths = {
  spec: ['spec'],
  podMetadata: ['spec', 'podMetadata'],
  podSpec: ['spec'],
  podLabels: 'spec.podMetadata.labels',
  podAnnotations: 'spec.podMetadata.annotations',
  labelSelector: false,
};

export const WORKLOAD_PATHS: Readonly<Record<WorkloadKind, WorkloadPaths>> = Object.fromEntries([
  ...Object.entries(CONTROLLER_SPECS).map(([kind, spec]) => {
    const podTemplate = spec ? [...spec, 'template'] : [];
    const podMetadata = [...podTemplate, 'metadata'];
    const selector = spec && [...spec, 'selector'].join('.');
    const labelSelector = selector !== undefined && kind !== 'ReplicationController';
    const paths: WorkloadPaths = {
      spec,
      podMetadata,
      podSpec: [...podTemplate, 'spec'],
      podLabels: `${podMetadata.join('.')}.labels`,
      podAnnotations: `${podMetadata.join('.')}.annotations`,
      selector,
      selectorLabels: selector && (labelSelector ? `${selector}.matchLabels` : selector),
      labelSelector,
    };
    return [kind, paths];
  }),
  ...OPERATOR_WORKLOAD_KINDS.map((kind) => [kind, OPERATOR_WORKLOAD_PATHS]),
]) as Record<WorkloadKind, WorkloadPaths>;

/** Whether `kind` is one of the workloads prometheus-operator runs. */
export function isOperatorWorkloadKind(kind: string): kind is OperatorWorkloadKind {
  return (OPERATOR_WORKLOAD_KINDS as readonly string[]).includes(kind);
}

/** Whether the workload is one prometheus-operator runs. */
export function isOperatorWorkload(
  workload: Pick<Workload, 'kind'>,
): workload is Workload & { kind: OperatorWorkloadKind } {
  return isOperatorWorkloadKind(workload.kind);
}

/**
 * Every `kind` parse.ts reads an object from; `List` and other `*List` kinds are read for
 * their items, and kustomization files by name. The pre-scan (documents.ts) skips documents
 * of any other kind without parsing them, so a kind the model starts reading must be added here
 * (`ModelledKind` and the record below must agree, or this does not compile).
 */
export const MODELLED_KINDS: ReadonlySet<string> = new Set<string>([
  ...Object.keys({
    Service: true,
    Endpoints: true,
    EndpointSlice: true,
    Kustomization: true,
    Ingress: true,
    HTTPRoute: true,
    GRPCRoute: true,
    TLSRoute: true,
    TCPRoute: true,
    UDPRoute: true,
    IngressRoute: true,
    IngressRouteTCP: true,
    IngressRouteUDP: true,
    TraefikService: true,
    Middleware: true,
    ReferenceGrant: true,
    ServiceMonitor: true,
  } satisfies Record<Exclude<ModelledKind, WorkloadKind>, true>),
  ...WORKLOAD_KINDS,
]);
