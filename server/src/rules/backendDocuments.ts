import type { WorkspaceIndex } from '../index/workspaceIndex';
import { parseIpSloppy } from '../model/ip';
import type { Located, Service } from '../model/types';
import { MANAGED_BY_LABEL, SERVICE_NAME_LABEL } from '../model/types';
import {
  entries,
  escapeSnippet,
  renderYaml,
  scalarText,
  sourceOf,
  type RenderedDocument,
  type YamlEntries,
  type YamlStyle,
  type YamlValue,
} from './yamlText';

/**
 * The Endpoints and EndpointSlice documents that fixes and assists write, built from
 * what the source says (scalars copied as written) and rendered in the file's style.
 * Creating a backend for a Service and converting an Endpoints share these builders.
 */

/** What a created backend holds until the user types the real address; the IP rule flags it. */
export const ADDRESS_PLACEHOLDER = '<backend-ip>';

/** An EndpointSlice's `addressType` for IP addresses. */
export type AddressType = 'IPv4' | 'IPv6';

/** Stands where the address placeholder goes until the text is rendered; never in YAML. */
const ADDRESS_MARKER = '\u0000';

/**
 * The Endpoints a selector-less Service needs: name and namespace copied as the Service
 * writes them, one subset with a placeholder address, and its ports (see `portsForService`).
 */
export function endpointsForService(text: string, service: Service, style: YamlStyle): RenderedDocument {
  const ports = portsForService(text, service);
  const subset = entries(['addresses', [entries(['ip', ADDRESS_MARKER])]], ports.length > 0 && ['ports', ports]);
  const body = entries(
    ['apiVersion', 'v1'],
    ['kind', 'Endpoints'],
    [
      'metadata',
      entries(
        ['name', sourceOf(text, service.name!)],
        service.namespace !== undefined && ['namespace', sourceOf(text, service.namespace)],
      ),
    ],
    ['subsets', [subset]],
  );
  return withAddressPlaceholders([renderYaml(body, style)])[0];
}

/**
 * The EndpointSlices a selector-less Service needs: one per IP family it serves
 * (`addressTypesOfService`; a slice holds addresses of one type), named from `names`,
 * labelled for the Service and its manager, each with one endpoint at a placeholder
 * address and the Service's ports.
 */
export function endpointSlicesForService(
  text: string,
  service: Service,
  names: readonly string[],
  managedBy: string,
  style: YamlStyle,
): RenderedDocument[] {
  const bodies = addressTypesOfService(service).map((addressType, i) =>
    renderYaml(
      endpointSlice({
        name: scalarText(names[i]),
        namespace: service.namespace && sourceOf(text, service.namespace),
        labels: sliceLabels(sourceOf(text, service.name!), managedBy),
        addressType,
        endpoints: [entries(['addresses', [ADDRESS_MARKER]])],
        ports: portsForService(text, service),
      }),
      style,
    ),
  );
  return withAddressPlaceholders(bodies);
}

/** The parts of an EndpointSlice, each value as YAML source text. */
export type SliceParts = {
  name: string;
  namespace?: string;
  labels: [string, string][];
  annotations?: [string, string][];
  addressType: AddressType;
  endpoints: YamlValue[];
  ports: YamlValue[];
};

/** A discovery.k8s.io/v1 EndpointSlice; `endpoints: []` when it has none, as the API requires the field. */
export function endpointSlice(parts: SliceParts): YamlEntries {
  const annotations = parts.annotations ?? [];
  return entries(
    ['apiVersion', 'discovery.k8s.io/v1'],
    ['kind', 'EndpointSlice'],
    [
      'metadata',
      entries(
        ['name', parts.name],
        parts.namespace !== undefined && ['namespace', parts.namespace],
        ['labels', entries(...parts.labels)],
        annotations.length > 0 && ['annotations', entries(...annotations)],
      ),
    ],
    ['addressType', parts.addressType],
    ['endpoints', parts.endpoints.length > 0 ? parts.endpoints : '[]'],
    parts.ports.length > 0 && ['ports', parts.ports],
  );
}

/**
 * The labels every hand-written slice needs: `kubernetes.io/service-name` (YAML text),
 * which ties it to its Service, and `endpointslice.kubernetes.io/managed-by`, which
 * keeps the EndpointSlice controller from treating it as its own.
 */
export function sliceLabels(serviceName: string, managedBy: string): [string, string][] {
  return [
    [SERVICE_NAME_LABEL, serviceName],
    [MANAGED_BY_LABEL, scalarText(managedBy)],
  ];
}

/** An endpoint port (of Endpoints or EndpointSlice, which agree) with the fields that are written. */
export function endpointPort(
  text: string,
  port: {
    name?: Located<unknown>;
    port?: Located<unknown>;
    protocol?: Located<unknown>;
    appProtocol?: Located<unknown>;
  },
): YamlEntries {
  return entries(
    port.name !== undefined && ['name', sourceOf(text, port.name)],
    port.port !== undefined && ['port', sourceOf(text, port.port)],
    port.protocol !== undefined && ['protocol', sourceOf(text, port.protocol)],
    port.appProtocol !== undefined && ['appProtocol', sourceOf(text, port.appProtocol)],
  );
}

/**
 * One endpoint port per Service port with its name and protocol. The port number is
 * the numeric `targetPort` when there is one, since kube-proxy forwards to the
 * endpoint's port, else the Service `port`.
 */
function portsForService(text: string, service: Service): YamlValue[] {
  return service.ports.map((port) => {
    const target = port.targetPort && typeof port.targetPort.value === 'number' ? port.targetPort : port.port;
    return endpointPort(text, { name: port.name, port: target, protocol: port.protocol });
  });
}

/**
 * The Service's primary IP family: the first of `ipFamilies`, else that of a written
 * `clusterIP`, else IPv4 (the API server's default on single-stack IPv4 clusters).
 */
export function addressTypeOfService(service: Service): AddressType {
  const primary = service.ipFamilies?.items[0]?.value;
  if (primary === 'IPv6' || primary === 'IPv4') return primary;
  const clusterIP = service.clusterIP?.value;
  return clusterIP && clusterIP !== 'None' ? addressTypeOf(clusterIP) : 'IPv4';
}

/**
 * The IP families a Service's slices must cover, primary first: both when its YAML makes
 * it dual-stack (two `ipFamilies`, or cluster IPs of both families; the endpoints of a
 * family reach only that family's cluster IP), else its primary family.
 */
export function addressTypesOfService(service: Service): AddressType[] {
  const written = service.ipFamilies?.items.map((family) => family.value) ?? [];
  const fromIps = (service.clusterIPs?.items ?? []).map((ip) => addressTypeOf(ip.value));
  const families = [...new Set(written.length > 0 ? written : fromIps)].filter(
    (family): family is AddressType => family === 'IPv4' || family === 'IPv6',
  );
  return families.length === 2 ? families : [addressTypeOfService(service)];
}

/** The address type an IP belongs in, by how it is written; what is no IP counts as IPv4. */
export function addressTypeOf(ip: string): AddressType {
  return (parseIpSloppy(ip)?.family ?? (ip.includes(':') ? 6 : 4)) === 6 ? 'IPv6' : 'IPv4';
}

/**
 * `count` EndpointSlice names `<base>-1`, `<base>-2`… that no slice of `namespace` has,
 * labelled or not, so that applying them creates objects instead of replacing some.
 */
export function freeSliceNames(index: WorkspaceIndex, namespace: string, base: string, count: number): string[] {
  const taken = (name: string) =>
    index.endpointSlicesNamed(name).some((slice) => index.namespaceOf(slice) === namespace);
  const names: string[] = [];
  for (let n = 1; names.length < count; n++) if (!taken(`${base}-${n}`)) names.push(`${base}-${n}`);
  return names;
}

/**
 * The rendered texts with placeholders for the address markers, plain and as snippet tab
 * stops numbered across all of them (documents inserted by one edit share one snippet).
 */
function withAddressPlaceholders(bodies: readonly string[]): RenderedDocument[] {
  let stop = 0;
  return bodies.map((body) => ({
    text: body.split(ADDRESS_MARKER).join(ADDRESS_PLACEHOLDER),
    snippet: escapeSnippet(body).replace(/\u0000/g, () => `\${${++stop}:${ADDRESS_PLACEHOLDER}}`),
  }));
}
