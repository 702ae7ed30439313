import { familyOf, parseIpSloppy } from '../model/ip';
import { ServiceSemantics } from '../model/semantics';
import type { Service } from '../model/types';
import { describe, describeAt } from './describe';
import { backendAddresses } from '../model/fieldPaths';
import type { Finding as FindingType, Rule } from './types';
import { Finding } from './types';

/**
 * Rule: endpoint-family-mismatch
 *
 * kube-proxy runs one proxier per IP family and each one proxies a Service only for its
 * cluster IP of that family, with the endpoints of that family (pkg/proxy: the
 * ServiceChangeTracker and EndpointsChangeTracker of a family skip the others, and
 * EndpointSliceUpdate drops any address type but IPv4 and IPv6). Addresses of a family
 * the Service does not serve, and FQDN slices, are accepted by the API server and never
 * used. Checked when the Service's YAML settles its families (`ipFamilies`, the cluster
 * IPs and `ipFamilyPolicy`, dual-stack aware); the cluster's default family is unknown here.
 */
export const endpointFamilyMismatch: Rule = {
  code: 'endpoint-family-mismatch',
  defaultSeverity: 'warning',
  description: 'An endpoint address is of an IP family its Service does not serve, so kube-proxy never uses it.',
  dependsOn: ['key'],

  check(index) {
    const findings: FindingType[] = [];
    for (const service of index.allServices()) {
      const served = ServiceSemantics.servedFamilies(service);
      if (!served) continue;
      const serves = (fromUri: string) =>
        `${describeAt(index, service, fromUri)} serves ${served.join(' and ')} only (${familySource(service)})`;
      // Hand-written Endpoints of a selector Service are overwritten; another rule says so.
      const backends = index
        .backendsOf(service)
        .filter((backend) => backend.kind === 'EndpointSlice' || !ServiceSemantics.hasSelector(service));
      for (const backend of backends) {
        const related = [{ uri: service.uri, range: service.name!.range, message: describe(index, service) }];
        if (backend.kind === 'EndpointSlice' && backend.addressType) {
          const type = backend.addressType.value;
          if (type === 'FQDN' || ((type === 'IPv4' || type === 'IPv6') && !served.includes(type))) {
            findings.push(
              Finding.of(
                this,
                backend.uri,
                backend.addressType.range,
                `${describe(index, backend)} lists ${type} addresses, but ${serves(backend.uri)}: ` +
                  `kube-proxy never routes to them.${type === 'FQDN' ? ' kube-proxy reads IPv4 and IPv6 slices only.' : ''}`,
                { related },
              ),
            );
          }
          continue;
        }
        for (const { value, path } of backendAddresses(backend)) {
          const ip = parseIpSloppy(value.value);
          if (!ip || served.includes(familyOf(ip))) continue;
          findings.push(
            Finding.of(
              this,
              backend.uri,
              value.range,
              `${path} ${value.value} is ${familyOf(ip)}, but ${serves(backend.uri)}: kube-proxy never routes to this address.`,
              { related },
            ),
          );
        }
      }
    }
    return findings;
  },
};

/** What settles the Service's families, as the message quotes it. */
function familySource(service: Service): string {
  const parts: string[] = [];
  if (service.ipFamilies && service.ipFamilies.items.length > 0) {
    parts.push(`ipFamilies: [${service.ipFamilies.items.map((family) => family.value).join(', ')}]`);
  } else if (service.clusterIPs && service.clusterIPs.items.length > 0) {
    parts.push(`clusterIPs: [${service.clusterIPs.items.map((ip) => ip.value).join(', ')}]`);
  } else if (service.clusterIP) {
    parts.push(`clusterIP: ${service.clusterIP.value}`);
  }
  if (service.ipFamilyPolicy) parts.push(`ipFamilyPolicy: ${service.ipFamilyPolicy.value}`);
  return parts.join(', ');
}
