import { validateEndpointIp } from '../model/k8sValidation';
import type { EndpointAddress, Endpoints } from '../model/types';
import type { Finding as FindingType, Rule } from './types';
import { Finding } from './types';

/**
 * Rule: endpoint-ip-invalid
 *
 * The API server rejects an Endpoints whose address `ip` is not an IP, or is an
 * unspecified, loopback, link-local or link-local multicast one, in `addresses` and
 * `notReadyAddresses` alike (kubernetes/kubernetes pkg/apis/core/validation,
 * validateEndpointAddress → ValidateEndpointIP). Messages use the upstream wording.
 */
export const endpointIpInvalid: Rule = {
  code: 'endpoint-ip-invalid',
  defaultSeverity: 'error',
  description: 'An Endpoints address is not an IP the API server accepts.',

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
    return findings;
  },
};

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
