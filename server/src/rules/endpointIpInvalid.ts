import { ipv4Of, parseIpSloppy } from '../model/ip';
import type { EndpointAddress, Endpoints } from '../model/types';
import type { Finding as FindingType, Rule } from './types';
import { Finding } from './types';

/**
 * Rule: endpoint-ip-invalid
 *
 * The API server rejects an Endpoints whose address `ip` is not an IP, or is an
 * unspecified, loopback, link-local or link-local multicast one, in `addresses` and
 * `notReadyAddresses` alike (kubernetes/kubernetes pkg/apis/core/validation,
 * validateEndpointAddress → ValidateEndpointIP). It rejects an EndpointSlice address
 * that is not an IP of the slice's `addressType` (pkg/apis/discovery/validation,
 * validateEndpoints → IsValidIPv4Address, IsValidIPv6Address; FQDN slices are not
 * checked here). Messages use the upstream wording.
 */
export const endpointIpInvalid: Rule = {
  code: 'endpoint-ip-invalid',
  defaultSeverity: 'error',
  description: 'An Endpoints or EndpointSlice address is not an IP the API server accepts.',

  check(index) {
    const findings: FindingType[] = [];
    for (const endpoints of index.allEndpoints()) {
      for (const { address, path } of addressesWithPaths(endpoints)) {
        if (!address.ip) continue;
        for (const problem of validateEndpointIp(address.ip.value)) {
          findings.push(
            Finding.of(
              this,
              endpoints.uri,
              address.ip.range,
              `${path}: Invalid value: "${address.ip.value}": ${problem}`,
            ),
          );
        }
      }
    }
    for (const slice of index.objects()) {
      if (slice.kind !== 'EndpointSlice') continue;
      const family = slice.addressType?.value;
      if (family !== 'IPv4' && family !== 'IPv6') continue;
      slice.endpoints.forEach((endpoint, i) =>
        endpoint.addresses.forEach((address, j) => {
          if (isIpOfFamily(address.value, family)) return;
          findings.push(
            Finding.of(
              this,
              slice.uri,
              address.range,
              `endpoints[${i}].addresses[${j}]: Invalid value: "${address.value}": must be a valid ${family} address`,
            ),
          );
        }),
      );
    }
    return findings;
  },
};

/** Upstream `IsValidIPv4Address` / `IsValidIPv6Address`: by Go's `To4`, so `::ffff:a.b.c.d` counts as IPv4. */
function isIpOfFamily(text: string, family: 'IPv4' | 'IPv6'): boolean {
  const ip = parseIpSloppy(text);
  return ip !== undefined && (ipv4Of(ip) !== undefined) === (family === 'IPv4');
}

/**
 * Upstream `ValidateEndpointIP`: the reasons an address may not be an endpoint, in
 * upstream order and words; empty when it is fine.
 */
export function validateEndpointIp(text: string): string[] {
  const ip = parseIpSloppy(text);
  if (!ip) return ['must be a valid IP address'];
  const problems: string[] = [];
  const v4 = ipv4Of(ip);
  const bytes = ip.bytes;
  if (v4 ? v4.every((byte) => byte === 0) : bytes.every((byte) => byte === 0)) {
    problems.push(`may not be unspecified (${text})`);
  }
  if (v4 ? v4[0] === 127 : bytes.slice(0, 15).every((byte) => byte === 0) && bytes[15] === 1) {
    problems.push('may not be in the loopback range (127.0.0.0/8, ::1/128)');
  }
  if (v4 ? v4[0] === 169 && v4[1] === 254 : bytes[0] === 0xfe && (bytes[1] & 0xc0) === 0x80) {
    problems.push('may not be in the link-local range (169.254.0.0/16, fe80::/10)');
  }
  if (v4 ? v4[0] === 224 && v4[1] === 0 && v4[2] === 0 : bytes[0] === 0xff && (bytes[1] & 0x0f) === 0x02) {
    problems.push('may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)');
  }
  return problems;
}

/** Each address with its upstream field path, `subsets[0].notReadyAddresses[1].ip`. */
function addressesWithPaths(endpoints: Endpoints): { address: EndpointAddress; path: string }[] {
  return endpoints.subsets.flatMap((subset, s) => {
    let ready = 0;
    let notReady = 0;
    return subset.addresses.map((address) => ({
      address,
      path: address.ready
        ? `subsets[${s}].addresses[${ready++}].ip`
        : `subsets[${s}].notReadyAddresses[${notReady++}].ip`,
    }));
  });
}
