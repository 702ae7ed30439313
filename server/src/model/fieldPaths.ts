import type {
  Backend,
  EndpointAddress,
  EndpointPort,
  EndpointSlice,
  Endpoints,
  Located,
  Service,
  SliceEndpoint,
} from './types';

/**
 * The fields rules and the index read, each with the path the API server names it by
 * (`subsets[0].notReadyAddresses[1]`), so every rule words a field the same way.
 */

/** An Endpoints address and where it is: `subsets[0].addresses[1]`. */
export type AddressAt = { address: EndpointAddress; subset: number; path: string };

export function endpointsAddresses(endpoints: Endpoints): AddressAt[] {
  return endpoints.subsets.flatMap((subset, s) =>
    subset.addresses.map((address) => ({
      address,
      subset: s,
      path: `subsets[${s}].${address.ready ? 'addresses' : 'notReadyAddresses'}[${address.indexInList}]`,
    })),
  );
}

/** A port of an Endpoints subset or of an EndpointSlice and its path: `subsets[0].ports[1]`, `ports[1]`. */
export type PortAt = { port: EndpointPort; path: string; subset?: number };

export function endpointsPorts(endpoints: Endpoints): PortAt[] {
  return endpoints.subsets.flatMap((subset, s) =>
    subset.ports.map((port, p) => ({ port, subset: s, path: `subsets[${s}].ports[${p}]` })),
  );
}

export function slicePorts(slice: EndpointSlice): PortAt[] {
  return slice.ports.map((port, p) => ({ port, path: `ports[${p}]` }));
}

/** An address of an EndpointSlice endpoint: `endpoints[0].addresses[1]`. */
export type SliceAddressAt = { value: Located<string>; endpoint: SliceEndpoint; path: string };

export function sliceAddresses(slice: EndpointSlice): SliceAddressAt[] {
  return slice.endpoints.flatMap((endpoint, e) =>
    endpoint.addresses.map((value, a) => ({ value, endpoint, path: `endpoints[${e}].addresses[${a}]` })),
  );
}

/** An address a backend offers kube-proxy, whatever the kind: an Endpoints `ip` or a slice address. */
export type BackendAddressAt = { backend: Backend; value: Located<string>; path: string };

/** The addresses of a backend; for slices, only those of IP address types (FQDN slices hold names). */
export function backendAddresses(backend: Backend): BackendAddressAt[] {
  if (backend.kind === 'Endpoints') {
    return endpointsAddresses(backend).flatMap(({ address, path }) =>
      address.ip ? [{ backend, value: address.ip, path: `${path}.ip` }] : [],
    );
  }
  if (!holdsIps(backend)) return [];
  return sliceAddresses(backend).map(({ value, path }) => ({ backend, value, path }));
}

/** `backendAddresses` without their paths: the index files every backend under each (no strings to build). */
export function backendAddressValues(backend: Backend): Located<string>[] {
  const values: Located<string>[] = [];
  if (backend.kind === 'Endpoints') {
    for (const subset of backend.subsets)
      for (const address of subset.addresses) if (address.ip) values.push(address.ip);
  } else if (holdsIps(backend)) {
    for (const endpoint of backend.endpoints) values.push(...endpoint.addresses);
  }
  return values;
}

function holdsIps(slice: EndpointSlice): boolean {
  return slice.addressType?.value === 'IPv4' || slice.addressType?.value === 'IPv6';
}

/**
 * The cluster IPs a Service asks for, as the API server reads them: `clusterIPs`, else
 * `[clusterIP]` (its registry copies the singular field into the plural one on create),
 * each with the path upstream reports it by.
 */
export function clusterIpsOf(service: Service): { value: Located<string>; path: string }[] {
  if (service.clusterIPs) {
    return service.clusterIPs.items.map((value, i) => ({ value, path: `spec.clusterIPs[${i}]` }));
  }
  return service.clusterIP && service.clusterIP.value !== ''
    ? [{ value: service.clusterIP, path: 'spec.clusterIPs[0]' }]
    : [];
}

/** The ports of a backend: those of every Endpoints subset, or the slice's. */
export function backendPorts(backend: Backend): EndpointPort[] {
  return backend.kind === 'Endpoints' ? backend.subsets.flatMap((subset) => subset.ports) : backend.ports;
}
