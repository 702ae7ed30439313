import {
  labelSelectorMatches,
  protocolOf,
  ServiceSemantics,
  STATEFULSET_POD_LABELS,
  targetPortOf,
} from '../model/semantics';
import type {
  ContainerPort,
  Located,
  Router,
  Service,
  ServiceBackendRef,
  ServiceMonitor,
  ServicePort,
  SourceRange,
  Workload,
} from '../model/types';
import { compareByPlace, isRouter, isTraefikRouter } from '../model/types';
import { nearest, ObjectKey, type WorkspaceIndex } from './workspaceIndex';

/**
 * The links between objects that are not Service/backend pairs: the workloads a
 * Service's selector picks, and the Ingresses and StatefulSets that name a Service.
 * Navigation follows them and the selector rules check them.
 */

/**
 * The Services a ServiceMonitor selects, by their labels, in the namespaces of its
 * `namespaceSelector` (every one for `any: true`, else those of `matchNames`, else its own), but
 * ExternalName Services, which have no endpoints to scrape; in file order. Undefined when its
 * selectors are not read (not written, or in a shape the model does not read).
 */
export function servicesMonitoredBy(index: WorkspaceIndex, monitor: ServiceMonitor): readonly Service[] | undefined {
  return index.selectionOf(monitor, () => {
    const { selector } = monitor;
    const candidates = servicesWatchedBy(index, monitor);
    if (!selector || !candidates) return undefined;
    const selected: Service[] = [];
    for (const service of candidates) {
      if (ServiceSemantics.isExternalName(service)) continue;
      const matches = labelSelectorMatches(selector, service.labels);
      if (matches === undefined) return undefined;
      if (matches) selected.push(service);
    }
    return selected.sort(compareByPlace);
  });
}

/**
 * The Services a ServiceMonitor selects among, in the namespaces of its `namespaceSelector`: every
 * one for `any: true`, else those of `matchNames`, else its own; undefined when it is not read.
 */
export function servicesWatchedBy(index: WorkspaceIndex, monitor: ServiceMonitor): readonly Service[] | undefined {
  const { namespaceSelector } = monitor;
  if (!namespaceSelector) return undefined;
  if (namespaceSelector.any) return index.servicesOfEveryNamespace();
  return monitoredNamespaces(index, monitor).flatMap((namespace) => index.servicesIn(namespace));
}

/** The namespaces a ServiceMonitor watches unless it says `any: true`: those of `matchNames`, else its own. */
export function monitoredNamespaces(index: WorkspaceIndex, monitor: ServiceMonitor): string[] {
  const names = monitor.namespaceSelector?.matchNames ?? [];
  return names.length > 0 ? [...new Set(names.map(({ value }) => value))] : [index.namespaceOf(monitor)];
}

/** The ServiceMonitors that select a Service, in file order. */
export function monitorsSelecting(index: WorkspaceIndex, service: Service): ServiceMonitor[] {
  return index.serviceMonitors().filter((monitor) => servicesMonitoredBy(index, monitor)?.includes(service));
}

/**
 * The ports of the Services a ServiceMonitor selects that an endpoint's `port` scrapes: those whose
 * name it matches as Prometheus matches its relabeling's regular expression, anchored (the operator
 * keeps the endpoints whose port has that name); in the Services' order. Undefined when the port is
 * not judged: empty (every port is kept) or no regular expression JavaScript reads alike.
 */
export function portsScrapedBy(
  services: readonly Service[],
  port: string,
): { service: Service; port: ServicePort }[] | undefined {
  const matches = monitorPortMatcher(port);
  if (!matches) return undefined;
  return services.flatMap((service) =>
    service.ports
      .filter(({ name }) => matches(name?.value ?? ''))
      .map((servicePort) => ({ service, port: servicePort })),
  );
}

function monitorPortMatcher(port: string): ((name: string) => boolean) | undefined {
  if (port === '') return undefined;
  // A port name (IANA_SVC_NAME) is its own expression.
  if (/^[a-z0-9-]*$/.test(port)) return (name) => name === port;
  try {
    const expression = new RegExp(`^(?:${port})$`);
    return (name) => expression.test(name);
  } catch {
    return undefined;
  }
}

/** `app=web, tier=api`: a selector as `kubectl` writes one. */
export function selectorText(labels: Readonly<Record<string, Located<string>>>): string {
  return Object.entries(labels)
    .map(([key, value]) => `${key}=${value.value}`)
    .join(', ');
}

/**
 * The workloads a Service selects: those of its namespace whose pod template carries
 * every selector pair, nearest to the Service as backends are (so that folders of
 * examples that reuse labels stay apart); none without a selector.
 */
export function workloadsSelectedBy(index: WorkspaceIndex, service: Service): readonly Workload[] {
  const selector = service.selector?.labels;
  if (!selector) return [];
  return index.selectionOf(service, () => workloadsMatching(index, index.namespaceOf(service), selector, service.uri));
}

/** The workloads of `namespace` whose pod template carries every pair of `selector`: the nearest to `uri`, in file order. */
export function workloadsMatching(
  index: WorkspaceIndex,
  namespace: string,
  selector: Readonly<Record<string, Located<string>>>,
  uri: string,
): Workload[] {
  return nearest(index.workloadsCarrying(namespace, selector), uri).sort(compareByPlace);
}

/**
 * Each named Service whose selector picks pods (an ExternalName Service ignores its
 * selector), with the workloads it selects: what the selector checks look at.
 */
export function selectingServices(index: WorkspaceIndex): { service: Service; workloads: readonly Workload[] }[] {
  return index
    .allServices()
    .flatMap((service) =>
      service.name && service.selector && !ServiceSemantics.isExternalName(service)
        ? [{ service, workloads: workloadsSelectedBy(index, service) }]
        : [],
    );
}

/** The Services that select the workload: the inverse of `workloadsSelectedBy`, in file order. */
export function servicesSelecting(index: WorkspaceIndex, workload: Workload): Service[] {
  return index
    .servicesSelectingPodsOf(index.namespaceOf(workload), workload)
    .filter((service) => workloadsSelectedBy(index, service).includes(workload))
    .sort(compareByPlace);
}

/** Every container port of the workloads' pod templates. */
export function containerPortsOf(workloads: readonly Workload[]): ContainerPort[] {
  return workloads.flatMap((workload) => workload.containerPorts);
}

/** The protocol of a container port once the API server's default (TCP) applies. */
export function containerPortProtocolOf(port: ContainerPort): string {
  return port.protocol?.value || 'TCP';
}

/** A container port a Service port reaches, and where its name or number is written. */
export type ReachedPort = { workload: Workload; port: ContainerPort; location: { uri: string; range: SourceRange } };

/** The container ports a Service port's targetPort reaches in the selected workloads, by name or number. */
export function containerPortsFor(index: WorkspaceIndex, service: Service, port: ServicePort): ReachedPort[] {
  return containerPortsReachedIn(workloadsSelectedBy(index, service), port);
}

/**
 * The container ports a Service port's targetPort reaches in `workloads`: of its name or number,
 * and its protocol (pkg/api/v1/pod FindPort).
 */
export function containerPortsReachedIn(workloads: readonly Workload[], port: ServicePort): ReachedPort[] {
  const target = targetPortOf(port);
  if (!target) return [];
  const byName = typeof target.value === 'string';
  return workloads.flatMap((workload) =>
    workload.containerPorts.flatMap((containerPort): ReachedPort[] => {
      const written = byName ? containerPort.name : containerPort.containerPort;
      if (written?.value !== target.value || containerPortProtocolOf(containerPort) !== protocolOf(port)) return [];
      return [{ workload, port: containerPort, location: { uri: workload.uri, range: written.range } }];
    }),
  );
}

/** How many pods a workload runs, when its spec says: undefined for DaemonSets and Jobs. */
export function podCountOf(workload: Workload): number | undefined {
  switch (workload.kind) {
    case 'Pod':
      return 1;
    case 'Deployment':
    case 'StatefulSet':
    case 'ReplicaSet':
    case 'ReplicationController':
    case 'Alertmanager':
      return workload.replicas?.value ?? 1;
    case 'Prometheus':
      // `replicas` pods in each of its shards.
      return (workload.replicas?.value ?? 1) * Math.max(workload.shards?.value ?? 1, 1);
    default:
      return undefined;
  }
}

/**
 * How many of a workload's pods a Service selects: one when its selector names a StatefulSet pod
 * by the name or ordinal the controller gives it (a per-pod Service), else all of them.
 */
export function podsSelectedOf(service: Service, workload: Workload): number | undefined {
  const selector = service.selector?.labels ?? {};
  const perPod = STATEFULSET_POD_LABELS.some((label) => label in selector && !(label in workload.podLabels));
  return workload.kind === 'StatefulSet' && perPod ? 1 : podCountOf(workload);
}

/**
 * A place that names a Service outside its backends: an Ingress or route backend, or a
 * StatefulSet's `serviceName`; `namespace`, a route's backendRef's, when it names one; `mirror`,
 * whether it is a route's requestMirror filter's.
 */
export type ServiceReference = {
  object: Router | Workload;
  name: Located<string>;
  namespace?: Located<string>;
  mirror: boolean;
};

/** Every Ingress and route backend and StatefulSet `serviceName` of the workspace, in file order. */
export function serviceReferences(index: WorkspaceIndex): ServiceReference[] {
  const references: ServiceReference[] = [];
  for (const object of index.serviceReferrers()) {
    if (isRouter(object)) references.push(...object.backends.map((backend) => referenceOf(object, backend)));
    else if (object.serviceName) references.push(serviceNameReference(object, object.serviceName));
  }
  return references;
}

/** Every backend of the workspace's Ingresses and routes that names a Service, with its object, in file order. */
export function routerBackends(index: WorkspaceIndex): { router: Router; backend: ServiceBackendRef }[] {
  return index
    .serviceReferrers()
    .filter(isRouter)
    .flatMap((router) => router.backends.map((backend) => ({ router, backend })));
}

/** The reference a StatefulSet's `serviceName` makes to its Service. */
export function serviceNameReference(statefulSet: Workload, serviceName: Located<string>): ServiceReference {
  return { object: statefulSet, name: serviceName, mirror: false };
}

/** The reference a backend of an Ingress or a route makes to its Service. */
export function referenceOf(object: Router, { serviceName, namespace, mirror }: ServiceBackendRef): ServiceReference {
  return { object, name: serviceName, namespace, mirror };
}

/** The namespace of the Service a reference names: the one it writes, else its object's. */
export function referencedNamespace(index: WorkspaceIndex, reference: ServiceReference): string {
  return reference.namespace?.value || index.namespaceOf(reference.object);
}

/**
 * The DNS name of a StatefulSet's first pod under the Service `serviceName`
 * (`db-0.db-headless.shop.svc`), which the cluster publishes only for a headless Service.
 */
export function firstPodDnsName(index: WorkspaceIndex, statefulSet: Workload, serviceName: string): string {
  return `${statefulSet.name?.value ?? '(unnamed)'}-0.${serviceName}.${index.namespaceOf(statefulSet)}.svc`;
}

/** The Services a reference names: those of its namespace and name nearest to it, as for backends. */
export function servicesReferencedBy(index: WorkspaceIndex, reference: ServiceReference): Service[] {
  const key = ObjectKey.of(referencedNamespace(index, reference), reference.name.value);
  return nearest(index.servicesWithKey(key), reference.object.uri);
}

/**
 * The ports of `service` a backend's port names: its number a port's `port`, its name a port's
 * `name`. In an Ingress, digits in quotes are the number, as ingress-nginx compares the backend's
 * port as text; in a Traefik route they are a name (its port is an IntOrString, a string a port's
 * name: getServicePort), which no port has.
 */
export function servicePortsNamedBy(service: Service, router: Router, port: ServiceBackendRef['port']): ServicePort[] {
  if (!port) return [];
  const value = port.value;
  const number = typeof value === 'number' ? value : isTraefikRouter(router) ? undefined : numberInQuotes(value);
  return service.ports.filter((candidate) =>
    number !== undefined ? candidate.port?.value === number : candidate.name?.value === value,
  );
}

/** The number a port written as digits in quotes stands for (`"8080"`), if it is written so. */
export function numberInQuotes(value: number | string): number | undefined {
  return typeof value === 'string' && /^[0-9]+$/.test(value) ? Number(value) : undefined;
}

/** The Ingress and route backends and StatefulSets that name `service`. */
export function referencesTo(index: WorkspaceIndex, service: Service): ServiceReference[] {
  if (!service.name) return [];
  return serviceReferences(index).filter(
    (reference) =>
      reference.name.value === service.name!.value && servicesReferencedBy(index, reference).includes(service),
  );
}
