import { referenceOf, serviceNameReference, type ServiceReference } from '../index/selection';
import type { WorkspaceIndex } from '../index/workspaceIndex';
import type {
  Backend,
  ContainerPort,
  EndpointPort,
  Router,
  ServiceBackendRef,
  KubeObject,
  Located,
  Service,
  ServiceMonitor,
  ServicePort,
  SourceRange,
  Workload,
} from '../model/types';
import { isRouter, objectHolding } from '../model/types';

/** A span of one file: what navigation answers with. */
export type SourceLocation = { uri: string; range: SourceRange };

/** What the cursor is on, as far as navigation cares; `range` is the scalar under it. */
export type Target = { range: SourceRange } & (
  | { type: 'name'; object: KubeObject }
  | { type: 'serviceLabel'; object: Backend & { kind: 'EndpointSlice' } }
  | { type: 'selector'; object: Service; key: string }
  | { type: 'servicePort'; object: Service; port: ServicePort; field: 'targetPort' | 'other' }
  | { type: 'endpointPort'; object: Backend; port: EndpointPort }
  | { type: 'address'; object: Backend; address: Located<string>; ready: boolean; ports: readonly EndpointPort[] }
  | { type: 'containerPort'; object: Workload; port: ContainerPort }
  | { type: 'serviceReference'; object: ServiceReference['object']; reference: ServiceReference }
  | { type: 'referencePort'; object: Router; backend: ServiceBackendRef }
  | { type: 'monitorPort'; object: ServiceMonitor; port: Located<string> }
  | { type: 'object'; object: KubeObject }
);

/**
 * What is at `offset` in `uri`: the innermost modelled object there and the field of
 * it the offset touches (ends included, so a cursor right after a name counts).
 */
export function targetAt(index: WorkspaceIndex, uri: string, offset: number): Target | undefined {
  const object = objectAt(index, uri, offset);
  if (!object) return undefined;
  const at = (located: { range: SourceRange; keyRange?: SourceRange } | undefined, withKey = false) =>
    located !== undefined && (touches(located.range, offset) || (withKey && touches(located.keyRange, offset)));
  if (at(object.name)) return { type: 'name', object, range: object.name!.range };
  switch (object.kind) {
    case 'Service': {
      for (const [key, value] of Object.entries(object.selector?.labels ?? {})) {
        if (at(value, true)) return { type: 'selector', object, key, range: value.range };
      }
      for (const port of object.ports) {
        if (at(port.targetPort)) {
          return { type: 'servicePort', object, port, field: 'targetPort', range: port.targetPort!.range };
        }
        const field = [port.name, port.port, port.protocol].find((located) => at(located));
        if (field) return { type: 'servicePort', object, port, field: 'other', range: field.range };
      }
      break;
    }
    case 'Endpoints':
      for (const subset of object.subsets) {
        const address = subset.addresses.find((candidate) => at(candidate.ip));
        if (address) {
          const ip = address.ip!;
          return { type: 'address', object, address: ip, ready: address.ready, ports: subset.ports, range: ip.range };
        }
        const port = endpointPortAt(subset.ports, at);
        if (port) return { type: 'endpointPort', object, ...port };
      }
      break;
    case 'EndpointSlice': {
      if (at(object.serviceName)) return { type: 'serviceLabel', object, range: object.serviceName!.range };
      for (const endpoint of object.endpoints) {
        const address = endpoint.addresses.find((candidate) => at(candidate));
        // A slice endpoint is ready unless its `ready` condition says false.
        if (address) {
          const ready = endpoint.ready?.value !== false;
          return { type: 'address', object, address, ready, ports: object.ports, range: address.range };
        }
      }
      const port = endpointPortAt(object.ports, at);
      if (port) return { type: 'endpointPort', object, ...port };
      break;
    }
    case 'ServiceMonitor': {
      const port = object.endpointPorts.find((candidate) => at(candidate));
      if (port) return { type: 'monitorPort', object, port, range: port.range };
      break;
    }
    case 'Kustomization':
    case 'ReferenceGrant':
      break;
    default: {
      if (isRouter(object)) {
        for (const backend of object.backends) {
          const reference = referenceOf(object, backend);
          if (at(reference.name)) return { type: 'serviceReference', object, reference, range: reference.name.range };
          if (at(backend.port)) return { type: 'referencePort', object, backend, range: backend.port!.range };
        }
        break;
      }
      if (at(object.serviceName)) {
        return {
          type: 'serviceReference',
          object,
          reference: serviceNameReference(object, object.serviceName!),
          range: object.serviceName!.range,
        };
      }
      const port = object.containerPorts.find((candidate) => at(candidate.name) || at(candidate.containerPort));
      if (port)
        return { type: 'containerPort', object, port, range: (at(port.name) ? port.name : port.containerPort)!.range };
    }
  }
  return { type: 'object', object, range: object.range };
}

/** The modelled object whose mapping holds `offset`. */
export function objectAt(index: WorkspaceIndex, uri: string, offset: number): KubeObject | undefined {
  return objectHolding(index.file(uri)?.objects ?? [], offset);
}

/** Whether `offset` lies in `range`, its end included. */
export function touches(range: SourceRange | undefined, offset: number): boolean {
  return range !== undefined && range.start <= offset && offset <= range.end;
}

function endpointPortAt(
  ports: readonly EndpointPort[],
  at: (located: Located<unknown> | undefined) => boolean,
): { port: EndpointPort; range: SourceRange } | undefined {
  for (const port of ports) {
    const field = [port.name, port.port, port.protocol].find((located) => at(located));
    if (field) return { port, range: field.range };
  }
  return undefined;
}
