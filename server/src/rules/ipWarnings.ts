import type { WorkspaceIndex } from '../index/workspaceIndex';
import { ipWarnings, type IpWarning } from '../model/k8sValidation';
import type { Located } from '../model/types';
import { clusterIpsOf, endpointsAddresses, sliceAddresses } from '../model/fieldPaths';
import type { Finding as FindingType, Fix, Rule } from './types';
import { Finding } from './types';
import { replaceScalar } from './yamlText';

/**
 * What the ip-non-standard and ipv6-non-canonical rules share: the IP fields the API
 * server answers with warnings (GetWarningsForIP) and the fix that writes the canonical form.
 *
 * The fields, as the registry strategies warn on them: Endpoints addresses
 * (pkg/registry/core/endpoint, endpointsWarnings), EndpointSlice addresses
 * (pkg/registry/discovery/endpointslice, warnOnBadIPs), both skipped when a controller
 * manages the object, and a Service's cluster IPs, when set, and external IPs
 * (pkg/api/service/warnings.go, GetWarningsForService).
 */

/** The managed-by labels of objects the controllers write; the API server does not warn on those. */
const MANAGED_BY: Record<string, { label: string; values: string[] }> = {
  Endpoints: { label: 'endpoints.kubernetes.io/managed-by', values: ['endpoint-controller'] },
  EndpointSlice: {
    label: 'endpointslice.kubernetes.io/managed-by',
    values: ['endpointslice-controller.k8s.io', 'endpointslicemirroring-controller.k8s.io'],
  },
};

/** Findings of `rule` for every IP field whose warning is of `kind`. */
export function ipWarningFindings(rule: Rule, index: WorkspaceIndex, kind: IpWarning['kind']): FindingType[] {
  const findings: FindingType[] = [];
  for (const object of index.servicesAndBackends()) {
    const managedBy = MANAGED_BY[object.kind];
    if (managedBy && managedBy.values.includes(object.labels[managedBy.label]?.value ?? '')) continue;
    const fields: { value: Located<string>; path: string }[] = [];
    if (object.kind === 'Endpoints') {
      for (const { address, path } of endpointsAddresses(object)) {
        if (address.ip) fields.push({ value: address.ip, path: `${path}.ip` });
      }
    } else if (object.kind === 'EndpointSlice') {
      fields.push(...sliceAddresses(object));
    } else if (object.kind === 'Service') {
      const clusterIPs = clusterIpsOf(object);
      if (clusterIPs.length > 0 && clusterIPs[0].value.value !== 'None') fields.push(...clusterIPs);
      object.externalIPs?.items.forEach((value, i) => fields.push({ value, path: `spec.externalIPs[${i}]` }));
    }
    for (const { value, path } of fields) {
      for (const warning of ipWarnings(path, value.value)) {
        if (warning.kind !== kind) continue;
        findings.push(
          Finding.of(rule, object.uri, value.range, warning.message, { data: { canonical: warning.canonical } }),
        );
      }
    }
  }
  return findings;
}

/** The fix for either rule: write the address as the warning says. */
export function canonicalIpFixes(finding: FindingType, index: WorkspaceIndex): Fix[] {
  const canonical = finding.data?.canonical;
  const text = index.file(finding.uri)?.text;
  if (typeof canonical !== 'string' || text === undefined) return [];
  return [
    {
      title: `Write the address as ${canonical}`,
      isPreferred: true,
      safe: true,
      changes: [{ kind: 'edit', uri: finding.uri, ...replaceScalar(text, finding, canonical) }],
    },
  ];
}
