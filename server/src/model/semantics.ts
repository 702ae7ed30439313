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

  /** The type once defaulted: a missing or empty one is ClusterIP. */
  export function typeOf(service: Service): string {
    return service.type?.value || 'ClusterIP';
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

  /** Whether somebody must write Endpoints or EndpointSlices for this Service by hand. */
  export function needsManualBackends(service: Service): boolean {
    return !hasSelector(service) && !isExternalName(service);
  }
}

/** The protocol of a port once the API server's default (TCP, for a missing or empty one) applies. */
export function protocolOf(port: ServicePort | EndpointPort): string {
  return port.protocol?.value || 'TCP';
}

/** The port name kube-proxy matches on: the empty string when unnamed. */
export function portNameOf(port: ServicePort | EndpointPort): string {
  return port.name?.value ?? '';
}
