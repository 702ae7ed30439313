import { familyOf, parseIpSloppy } from '../model/ip';
import { portNameOf, protocolOf, ServiceSemantics } from '../model/semantics';
import { LEADER_ANNOTATION, SKIP_MIRROR_LABEL } from '../model/types';
import { describe } from './describe';
import type { Finding as FindingType, Rule } from './types';
import { Finding } from './types';

/** The mirroring controller's default --mirroring-max-endpoints-per-subset. */
const MAX_MIRRORED = 1000;

/**
 * Rule: endpoints-over-capacity
 *
 * The EndpointSlice mirroring controller copies at most 1000 addresses of each
 * Endpoints subset, and at most 1000 per set of ports and address family into the one
 * slice it keeps for them (pkg/controller/endpointslicemirroring, reconciler.reconcile
 * and reconcileByPortMapping, maxEndpointsPerSubset; event TooManyAddressesToMirror).
 * The rest never reach kube-proxy, which reads EndpointSlices only. Only Endpoints the
 * controller mirrors are checked: of a Service without selector, not skipped.
 */
export const endpointsOverCapacity: Rule = {
  code: 'endpoints-over-capacity',
  defaultSeverity: 'warning',
  description:
    'An Endpoints has more addresses than the EndpointSlice mirroring controller copies (1000 per subset and port set).',
  dependsOn: ['key'],

  check(index) {
    const findings: FindingType[] = [];
    for (const endpoints of index.allEndpoints()) {
      if (
        !endpoints.name ||
        endpoints.labels[SKIP_MIRROR_LABEL]?.value === 'true' ||
        endpoints.annotations[LEADER_ANNOTATION]
      ) {
        continue;
      }
      // No group passes the limit when all the addresses together do not: most Endpoints, told apart unparsed.
      if (endpoints.subsets.reduce((sum, subset) => sum + subset.addresses.length, 0) <= MAX_MIRRORED) continue;
      if (!index.servicesOf(endpoints).some((service) => !ServiceSemantics.hasSelector(service))) continue;
      const groups = new Map<string, number>();
      let total = 0;
      let skipped = 0;
      for (const subset of endpoints.subsets) {
        const ports = subset.ports
          .map((port) => `${portNameOf(port)}/${protocolOf(port)}/${port.port?.value ?? 0}`)
          .sort()
          .join(',');
        const valid = subset.addresses.flatMap((address) => {
          const ip = address.ip && parseIpSloppy(address.ip.value);
          return ip ? [familyOf(ip)] : [];
        });
        total += valid.length;
        // Per subset, the first 1000 valid addresses are taken.
        skipped += Math.max(0, valid.length - MAX_MIRRORED);
        for (const family of valid.slice(0, MAX_MIRRORED)) {
          const key = `${family} ${ports}`;
          groups.set(key, (groups.get(key) ?? 0) + 1);
        }
      }
      for (const count of groups.values()) skipped += Math.max(0, count - MAX_MIRRORED);
      if (skipped === 0) continue;
      findings.push(
        Finding.of(
          this,
          endpoints.uri,
          endpoints.name.range,
          `${describe(index, endpoints)} lists ${total} addresses, but the EndpointSlice mirroring controller copies at most ` +
            `${MAX_MIRRORED} per subset and per set of ports, so ${skipped} of them never reach kube-proxy. ` +
            'Write EndpointSlices for this Service instead, at most 1000 endpoints each.',
        ),
      );
    }
    return findings;
  },
};
