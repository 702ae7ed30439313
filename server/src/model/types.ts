/** UTF-16 offsets into one file's text, `end` exclusive. */
export type SourceRange = { start: number; end: number };

/** A scalar value together with where it is written. */
export type Located<T> = {
  value: T;
  /** The scalar itself, quotes included. */
  range: SourceRange;
  /** The key of the mapping entry that holds it, when there is one. */
  keyRange?: SourceRange;
};

/** The kinds the analysis models; every other kind is skipped. */
export type ModelledKind = 'Service' | 'Endpoints' | 'EndpointSlice' | 'Kustomization' | 'Ingress' | WorkloadKind;

export type WorkloadKind =
  'Pod' | 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'ReplicaSet' | 'ReplicationController' | 'Job' | 'CronJob';

/** What every modelled object carries: identity, provenance and the ranges fixes need. */
export type ObjectBase = {
  uri: string;
  /** 0-based index of the YAML document in its file. */
  docIndex: number;
  /** For items of a `kind: List`, their index in `items`. */
  itemIndex?: number;
  apiVersion: string;
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
};

/** A port of a Service (`spec.ports[]`). */
export type ServicePort = {
  range: SourceRange;
  name?: Located<string>;
  port?: Located<number>;
  targetPort?: Located<number | string>;
  protocol?: Located<string>;
  nodePort?: Located<number>;
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
};

/** One entry of `subsets[].addresses` or `subsets[].notReadyAddresses`. */
export type EndpointAddress = {
  range: SourceRange;
  ip?: Located<string>;
  hostname?: Located<string>;
  nodeName?: Located<string>;
  ready: boolean;
};

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
  containerPorts: ContainerPort[];
  replicas?: Located<number>;
  /** A StatefulSet's `spec.serviceName`: the headless Service that gives its pods their DNS names. */
  serviceName?: Located<string>;
};

/** An Ingress, for the Services its backends name. */
export type Ingress = ObjectBase & {
  kind: 'Ingress';
  /**
   * Every Service name a backend names: `spec.defaultBackend.service.name` and
   * `spec.rules[].http.paths[].backend.service.name` (networking.k8s.io/v1), or
   * `spec.backend.serviceName` and `...backend.serviceName` (extensions/v1beta1).
   */
  serviceNames: Located<string>[];
};

/** A kustomization file, which can set the namespace of the resources it lists. */
export type Kustomization = ObjectBase & {
  kind: 'Kustomization';
  /** The `namespace:` field (not metadata.namespace). */
  targetNamespace?: Located<string>;
  resources: Located<string>[];
};

/** Every object the model yields. */
export type KubeObject = Service | Endpoints | EndpointSlice | Workload | Kustomization | Ingress;

/** A backend object of a Service: what kube-proxy reads addresses from. */
export type Backend = Endpoints | EndpointSlice;

/** The label that ties an EndpointSlice to its Service. */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

export const WORKLOAD_KINDS: readonly WorkloadKind[] = [
  'Pod',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'ReplicationController',
  'Job',
  'CronJob',
];
