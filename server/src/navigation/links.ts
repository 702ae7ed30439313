import {
  containerPortsFor,
  monitorsSelecting,
  portsScrapedBy,
  referenceOf,
  referencesTo,
  servicePortsNamedBy,
  servicesReferencedBy,
  servicesMonitoredBy,
  servicesSelecting,
  workloadsSelectedBy,
} from '../index/selection';
import type { WorkspaceIndex } from '../index/workspaceIndex';
import { portNameOf, protocolOf } from '../model/semantics';
import type { Backend, EndpointPort, KubeObject, Located, Service, ServicePort, Workload } from '../model/types';
import { type SourceLocation, type Target, targetAt } from './locate';

/**
 * Go to definition and find references: the links the index knows (Service ⇄
 * backends, selector → workloads, named targetPort → container port, Ingress and
 * StatefulSet → Service), followed from whatever the cursor is on.
 */

/** Where the thing at `offset` is defined; a declaration's own name answers itself. */
export function definitionsAt(index: WorkspaceIndex, uri: string, offset: number): SourceLocation[] {
  const target = targetAt(index, uri, offset);
  if (!target) return [];
  switch (target.type) {
    case 'name':
      if (target.object.kind === 'Endpoints') return servicesOfTarget(index, target).map(nameLocation);
      return [nameLocation(target.object)];
    case 'serviceLabel':
    case 'serviceReference':
      return servicesOfTarget(index, target).map(nameLocation);
    case 'selector':
      return selectorDefinitions(index, target.object, target.key);
    case 'servicePort':
      return target.field === 'targetPort'
        ? containerPortsFor(index, target.object, target.port).map((reached) => reached.location)
        : [];
    case 'referencePort':
      return referencePortsOf(index, target).map(({ service, port }) => ({
        uri: service.uri,
        range: (port.name?.value === target.backend.port!.value ? port.name : port.port)!.range,
      }));
    case 'monitorPort':
      return (monitoredPortsOf(index, target) ?? []).map(({ service, port }) => ({
        uri: service.uri,
        range: (port.name ?? port).range,
      }));
    case 'endpointPort':
      return servicePortsFor(index, target.object, target.port).map((port) => ({
        uri: port.service.uri,
        range: (port.port.name ?? port.port.port ?? port.port).range,
      }));
    default:
      return [];
  }
}

/**
 * What refers to the thing at `offset`. For a Service (or anything that names one):
 * its Endpoints and slices, the workloads it selects, and the Ingresses and
 * StatefulSets that name it. For a workload: the Services that select it.
 */
export function referencesAt(
  index: WorkspaceIndex,
  uri: string,
  offset: number,
  includeDeclaration: boolean,
): SourceLocation[] {
  const target = targetAt(index, uri, offset);
  if (!target) return [];
  const services = servicesOfTarget(index, target);
  if (services.length > 0) {
    return services.flatMap((service) => [
      ...(includeDeclaration ? [nameLocation(service)] : []),
      ...serviceLinks(index, service).map((link) => link.location),
      // A ServiceMonitor selects it by its labels, not its name: its selector refers to it, and renaming leaves it.
      ...monitorsSelecting(index, service).map((monitor) => ({ uri: monitor.uri, range: monitor.selector!.keyRange })),
    ]);
  }
  if (target.type === 'name' && isWorkload(target.object)) {
    const workload = target.object;
    return [
      ...(includeDeclaration ? [nameLocation(workload)] : []),
      ...servicesSelecting(index, workload).map(nameLocation),
    ];
  }
  // An Endpoints or slice without its Service: only itself.
  if ((target.type === 'name' || target.type === 'serviceLabel') && includeDeclaration) {
    return [{ uri: target.object.uri, range: target.range }];
  }
  return [];
}

/** One object that refers to a Service, and the scalar that does. */
export type ServiceLink = { object: KubeObject; location: SourceLocation; role: 'backend' | 'workload' | 'reference' };

/** Everything that refers to a Service: backends, selected workloads, Ingresses and StatefulSets, in that order. */
export function serviceLinks(index: WorkspaceIndex, service: Service): ServiceLink[] {
  return [
    ...index
      .backendsOf(service)
      .map((backend): ServiceLink => ({ object: backend, location: backendAnchor(backend), role: 'backend' })),
    ...workloadsSelectedBy(index, service).map((workload): ServiceLink => ({
      object: workload,
      location: nameLocation(workload),
      role: 'workload',
    })),
    ...referencesTo(index, service).map((reference): ServiceLink => ({
      object: reference.object,
      location: { uri: reference.object.uri, range: reference.name.range },
      role: 'reference',
    })),
  ];
}

/** The Services the target is or names: a Service's own name, a backend's, a label or a reference. */
export function servicesOfTarget(index: WorkspaceIndex, target: Target): Service[] {
  switch (target.type) {
    case 'name':
      if (target.object.kind === 'Service') return [target.object];
      if (target.object.kind === 'Endpoints') return index.servicesOf(target.object);
      return [];
    case 'serviceLabel':
      return index.servicesOf(target.object);
    case 'serviceReference':
      return servicesReferencedBy(index, target.reference);
    default:
      return [];
  }
}

/** The Service ports an Ingress or route backend's port names, in the Services its name reaches. */
export function referencePortsOf(
  index: WorkspaceIndex,
  { object, backend }: Target & { type: 'referencePort' },
): { service: Service; port: ServicePort }[] {
  return servicesReferencedBy(index, referenceOf(object, backend)).flatMap((service) =>
    servicePortsNamedBy(service, object, backend.port).map((port) => ({ service, port })),
  );
}

/**
 * The ports a ServiceMonitor's endpoint port scrapes, in the Services it selects; undefined when
 * the ServiceMonitor's selectors or the port are not read.
 */
export function monitoredPortsOf(
  index: WorkspaceIndex,
  { object, port }: Target & { type: 'monitorPort' },
): { service: Service; port: ServicePort }[] | undefined {
  const services = servicesMonitoredBy(index, object);
  return services && portsScrapedBy(services, port.value);
}

/** The Service ports an endpoint port serves: same name and protocol, as kube-proxy pairs them. */
export function servicePortsFor(
  index: WorkspaceIndex,
  backend: Backend,
  port: EndpointPort,
): { service: Service; port: ServicePort }[] {
  return index
    .servicesOf(backend)
    .flatMap((service) =>
      service.ports
        .filter((candidate) => portNameOf(candidate) === portNameOf(port) && protocolOf(candidate) === protocolOf(port))
        .map((candidate) => ({ service, port: candidate })),
    );
}

/**
 * Where a selector entry is satisfied: the pod-template label in each selected
 * workload, else in each workload of the namespace that carries the pair.
 */
function selectorDefinitions(index: WorkspaceIndex, service: Service, key: string): SourceLocation[] {
  const value = service.selector?.labels[key]?.value;
  const selected = workloadsSelectedBy(index, service);
  const carriers =
    selected.length > 0
      ? selected
      : index.workloadsIn(index.namespaceOf(service)).filter((workload) => workload.podLabels[key]?.value === value);
  // A label the controller gives the pods (a Job's name, a StatefulSet pod's): the workload whose name it is.
  return carriers.map((workload) =>
    workload.podLabels[key] ? labelLocation(workload, workload.podLabels[key]) : nameLocation(workload),
  );
}

function labelLocation(workload: Workload, label: Located<string>): SourceLocation {
  return { uri: workload.uri, range: { start: label.keyRange?.start ?? label.range.start, end: label.range.end } };
}

/** An address of a backend, whether it is ready (gets traffic), and the ports it serves. */
export type BackendAddress = { ip: Located<string>; ready: boolean; ports: readonly EndpointPort[] };

/** Every address of an Endpoints (ready and not) or EndpointSlice (ready unless its condition says false). */
export function addressesOf(backend: Backend): BackendAddress[] {
  if (backend.kind === 'Endpoints') {
    return backend.subsets.flatMap((subset) =>
      subset.addresses.flatMap((address) =>
        address.ip ? [{ ip: address.ip, ready: address.ready, ports: subset.ports }] : [],
      ),
    );
  }
  return backend.endpoints.flatMap((endpoint) =>
    endpoint.addresses.map((ip) => ({ ip, ready: endpoint.ready?.value !== false, ports: backend.ports })),
  );
}

/** Every port of a backend: those of all subsets for an Endpoints. */
export function portsOf(backend: Backend): EndpointPort[] {
  return backend.kind === 'Endpoints' ? backend.subsets.flatMap((subset) => subset.ports) : backend.ports;
}

/** The scalar that ties a backend to its Service: an Endpoints' name, a slice's service-name label. */
export function backendAnchor(backend: Backend): SourceLocation {
  return {
    uri: backend.uri,
    range: ((backend.kind === 'Endpoints' ? backend.name : backend.serviceName) ?? backend).range,
  };
}

/** The name of an object, else its whole mapping. */
export function nameLocation(object: KubeObject): SourceLocation {
  return { uri: object.uri, range: (object.name ?? object).range };
}

/** Whether an object is a workload (has a pod template). */
export function isWorkload(object: KubeObject): object is Workload {
  return 'podLabels' in object;
}
