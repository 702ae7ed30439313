import { familyOf, parseIpSloppy } from './ip';
import {
  type Backend,
  type EndpointPort,
  isOperatorWorkload,
  type Located,
  type OperatorWorkloadKind,
  type Service,
  type ServicePort,
  type Workload,
  type WorkloadSelector,
} from './types';

/** Whether pods labelled `podLabels` carry every pair of `selector` (how the endpoints controller selects). */
export function selectorMatches(
  selector: Readonly<Record<string, Located<string>>>,
  podLabels: Readonly<Record<string, Located<string>>>,
): boolean {
  for (const key in selector) if (podLabels[key]?.value !== selector[key].value) return false;
  return true;
}

/**
 * Whether an object labelled `labels` is selected by a LabelSelector (metav1.LabelSelectorAsSelector):
 * every pair of `matchLabels`, and every requirement: In (the label has one of the values), NotIn
 * (it has none of them, or is absent), Exists, DoesNotExist. Undefined when the selector is not
 * read whole, or a requirement is one the API machinery refuses (another operator, In or NotIn
 * without values, Exists or DoesNotExist with some).
 */
export function labelSelectorMatches(
  selector: WorkloadSelector,
  labels: Readonly<Record<string, Located<string>>>,
): boolean | undefined {
  if (selector.matchLabelsUnread || !selector.matchExpressions) return undefined;
  let matches = selectorMatches(selector.matchLabels, labels);
  for (const { key, operator, values } of selector.matchExpressions) {
    if (key === undefined || operator === undefined) return undefined;
    const value = labels[key.value]?.value;
    const listed = value !== undefined && values.some((candidate) => candidate.value === value);
    const takesValues = operator.value === 'In' || operator.value === 'NotIn';
    if (takesValues !== values.length > 0) return undefined;
    if (operator.value === 'In') matches &&= listed;
    else if (operator.value === 'NotIn') matches &&= !listed;
    else if (operator.value === 'Exists') matches &&= value !== undefined;
    else if (operator.value === 'DoesNotExist') matches &&= value === undefined;
    else return undefined;
  }
  return matches;
}

/** The labels the API server gives a Job's pods, its name, unless `manualSelector` is true (batch.JobNameLabel…). */
export const JOB_NAME_LABELS: readonly string[] = ['job-name', 'batch.kubernetes.io/job-name'];

/** The labels the StatefulSet controller gives each pod: its name (`web-0`) and its ordinal (`0`). */
export const STATEFULSET_POD_LABELS: readonly string[] = [
  'statefulset.kubernetes.io/pod-name',
  'apps.kubernetes.io/pod-index',
];

/**
 * The most ordinals whose labels are listed, of a StatefulSet's pods or a Prometheus's shards: a
 * Service selecting one pod of a larger one by name is not expected, and a typo of `replicas` must
 * not list a million.
 */
const MAX_LISTED_ORDINALS = 1000;

/**
 * The labels a workload's pods carry beside its template's, given by the API server or the
 * controller, with the values its pods carry: a Job's name (pkg/registry/batch/job/strategy.go
 * generateSelector, unless `manualSelector` is true), a StatefulSet pod's name and ordinal
 * (pkg/controller/statefulset/stateful_set_utils.go initIdentity, from `spec.ordinals.start`:
 * per-pod Services select `statefulset.kubernetes.io/pod-name: kafka-0`), prometheus-operator's
 * (`operatorPodLabels`). Undefined for other workloads and unnamed ones; the uid labels, unknown
 * before the object exists, are not listed.
 */
export function controllerPodLabels(workload: Workload): ReadonlyMap<string, readonly string[]> | undefined {
  const name = workload.name?.value;
  if (name === undefined) return undefined;
  if (workload.kind === 'Job' && workload.manualSelector?.value !== true) {
    return new Map(JOB_NAME_LABELS.map((label) => [label, [name]]));
  }
  if (isOperatorWorkload(workload)) return operatorPodLabels(workload, name);
  if (workload.kind !== 'StatefulSet') return undefined;
  // Ordinals run from `spec.ordinals.start` (StatefulSetStartOrdinal, GA in 1.31: getStartOrdinal).
  const start = Math.max(workload.ordinalsStart?.value ?? 0, 0);
  const ordinals = Array.from(
    { length: Math.min(Math.max(workload.replicas?.value ?? 1, 0), MAX_LISTED_ORDINALS) },
    (_, i) => start + i,
  );
  return new Map([
    [STATEFULSET_POD_LABELS[0], ordinals.map((ordinal) => `${name}-${ordinal}`)],
    [STATEFULSET_POD_LABELS[1], ordinals.map(String)],
  ]);
}

/**
 * The labels prometheus-operator gives the pods of a Prometheus or an Alertmanager, over those of
 * its `spec.podMetadata`, with the values its pods carry (pkg/prometheus/server/statefulset.go
 * podSelectorLabels, pkg/alertmanager/operator.go makeSelectorLabels): a Prometheus's pods carry
 * their shard, from "0" below `spec.shards` (at least one shard).
 */
function operatorPodLabels(workload: Workload & { kind: OperatorWorkloadKind }, name: string): Map<string, string[]> {
  if (workload.kind === 'Alertmanager') {
    return new Map([
      ['app.kubernetes.io/name', ['alertmanager']],
      ['app.kubernetes.io/managed-by', ['prometheus-operator']],
      ['app.kubernetes.io/instance', [name]],
      ['alertmanager', [name]],
    ]);
  }
  const shards = Math.min(Math.max(workload.shards?.value ?? 1, 1), MAX_LISTED_ORDINALS);
  return new Map([
    ['app.kubernetes.io/name', ['prometheus']],
    ['app.kubernetes.io/managed-by', ['prometheus-operator']],
    ['app.kubernetes.io/instance', [name]],
    ['prometheus', [name]],
    ['operator.prometheus.io/name', [name]],
    ['operator.prometheus.io/shard', Array.from({ length: shards }, (_, shard) => String(shard))],
  ]);
}

/**
 * Whether `selector` selects pods of `workload`: each pair is a label of its template, or one its
 * pods are given (`controllerPodLabels`), as the endpoints controller sees the pods.
 */
export function selectsPodsOf(selector: Readonly<Record<string, Located<string>>>, workload: Workload): boolean {
  if (selectorMatches(selector, workload.podLabels)) return true;
  const given = controllerPodLabels(workload);
  if (!given) return false;
  for (const key in selector) {
    const value = selector[key].value;
    if (workload.podLabels[key]?.value !== value && !given.get(key)?.includes(value)) return false;
  }
  return true;
}

/** What the API server and kube-proxy make of a Service's fields. */
export namespace ServiceSemantics {
  /** The Service types, sorted as upstream lists them (supportedServiceType). */
  export const TYPES: readonly string[] = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
  /** `sessionAffinity` (supportedSessionAffinityType). */
  export const SESSION_AFFINITIES: readonly string[] = ['ClientIP', 'None'];
  /** `externalTrafficPolicy` and `internalTrafficPolicy`. */
  export const TRAFFIC_POLICIES: readonly string[] = ['Cluster', 'Local'];
  /** `trafficDistribution` from Kubernetes 1.34 (PreferClose alone before), in upstream's order. */
  export const TRAFFIC_DISTRIBUTIONS: readonly string[] = ['PreferClose', 'PreferSameZone', 'PreferSameNode'];

  /** Whether the control plane writes this Service's Endpoints (it has a selector). */
  export function hasSelector(service: Service): boolean {
    return service.selector !== undefined;
  }

  export function isExternalName(service: Service): boolean {
    return service.type?.value === 'ExternalName';
  }

  /** The type once defaulted: a missing or empty one is ClusterIP. */
  export function typeOf(service: Service): string {
    return service.type?.value || 'ClusterIP';
  }

  /**
   * Whether traffic from outside the cluster reaches the Service (upstream `ExternallyAccessible`):
   * through node ports and load balancers, or through external IPs of a ClusterIP Service.
   */
  export function isExternallyAccessible(service: Service): boolean {
    const type = typeOf(service);
    return (
      type === 'LoadBalancer' ||
      type === 'NodePort' ||
      (type === 'ClusterIP' && (service.externalIPs?.items.length ?? 0) > 0)
    );
  }

  /**
   * Whether the Service is headless: its cluster IPs are exactly `None`, from
   * `clusterIPs` or, when that is absent, from `clusterIP` (the registry copies it over).
   */
  export function isHeadless(service: Service): boolean {
    const clusterIPs =
      service.clusterIPs?.items.map((ip) => ip.value) ?? (service.clusterIP ? [service.clusterIP.value] : []);
    return clusterIPs.length === 1 && clusterIPs[0] === 'None';
  }

  /**
   * The IP families kube-proxy serves for the Service, when its YAML settles them:
   * two families (from `ipFamilies` or the cluster IPs) mean both; one family with no
   * policy or SingleStack means that one. Undefined when the cluster decides (no family
   * written, or a dual-stack policy that may add the other), and for headless and
   * ExternalName Services, which kube-proxy does not proxy.
   */
  export function servedFamilies(service: Service): ('IPv4' | 'IPv6')[] | undefined {
    if (isExternalName(service) || isHeadless(service)) return undefined;
    const written = service.ipFamilies?.items.map((family) => family.value) ?? [];
    const fromIps = (service.clusterIPs?.items ?? (service.clusterIP ? [service.clusterIP] : [])).flatMap((ip) => {
      const parsed = parseIpSloppy(ip.value);
      return parsed ? [familyOf(parsed)] : [];
    });
    const families = [...new Set(written.length > 0 ? written : fromIps)].filter(
      (family): family is 'IPv4' | 'IPv6' => family === 'IPv4' || family === 'IPv6',
    );
    if (families.length >= 2) return families;
    const policy = service.ipFamilyPolicy?.value ?? 'SingleStack';
    return families.length === 1 && policy === 'SingleStack' ? families : undefined;
  }

  /** Whether somebody must write Endpoints or EndpointSlices for this Service by hand. */
  export function needsManualBackends(service: Service): boolean {
    return !hasSelector(service) && !isExternalName(service);
  }
}

/** What names the Service a backend is for: an Endpoints' own name, an EndpointSlice's `kubernetes.io/service-name` label. */
export function servedServiceName(backend: Backend): Located<string> | undefined {
  return backend.kind === 'Endpoints' ? backend.name : backend.serviceName;
}

/** The protocol of a port once the API server's default (TCP, for a missing or empty one) applies. */
export function protocolOf(port: ServicePort | EndpointPort): string {
  return port.protocol?.value || 'TCP';
}

/** The targetPort of a Service port once the API server's default (the port itself, for a missing one) applies. */
export function targetPortOf(port: ServicePort): Located<number | string> | undefined {
  return port.targetPort ?? port.port;
}

/** The port name kube-proxy matches on: the empty string when unnamed. */
export function portNameOf(port: ServicePort | EndpointPort): string {
  return port.name?.value ?? '';
}

/** Whether kube-proxy pairs these ports: same name (unnamed is "") and same protocol (default TCP). */
export function portsMatch(a: ServicePort | EndpointPort, b: ServicePort | EndpointPort): boolean {
  return portNameOf(a) === portNameOf(b) && protocolOf(a) === protocolOf(b);
}
