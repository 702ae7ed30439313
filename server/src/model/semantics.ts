import type { EndpointPort, Service, ServicePort } from './types';

/** What the API server and kube-proxy make of a Service's fields. */
export namespace ServiceSemantics {
  /** Whether the control plane writes this Service's Endpoints (it has a selector). */
  export function hasSelector(service: Service): boolean {
    return service.selector !== undefined;
  }

  export function isExternalName(service: Service): boolean {
    return service.type?.value === 'ExternalName';
  }

  /** Whether somebody must write Endpoints or EndpointSlices for this Service by hand. */
  export function needsManualBackends(service: Service): boolean {
    return !hasSelector(service) && !isExternalName(service);
  }
}

/** The protocol the API server defaults a Service or endpoint port to. */
export function protocolOf(port: ServicePort | EndpointPort): string {
  return port.protocol?.value ?? 'TCP';
}

/** The port name kube-proxy matches on: the empty string when unnamed. */
export function portNameOf(port: ServicePort | EndpointPort): string {
  return port.name?.value ?? '';
}
