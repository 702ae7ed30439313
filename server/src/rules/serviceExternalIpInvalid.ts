import { FieldError, isValidIp, validateEndpointIp } from '../model/k8sValidation';
import type { Finding as FindingType, Rule } from './types';
import { Finding } from './types';

/**
 * Rule: service-external-ip-invalid
 *
 * ValidateService (kubernetes/kubernetes pkg/apis/core/validation) checks each
 * `spec.externalIPs` entry as an IP (IsValidIPForLegacyField) and then, like an endpoint
 * address, refuses unspecified, loopback, link-local and link-local multicast ones
 * (ValidateEndpointIP): nodes accept traffic for these IPs, so they must be routable.
 */
export const serviceExternalIpInvalid: Rule = {
  code: 'service-external-ip-invalid',
  defaultSeverity: 'error',
  description: 'A Service external IP is not an IP, or is one the API server refuses as external IP.',
  dependsOn: ['key'],

  check(index) {
    const findings: FindingType[] = [];
    for (const service of index.allServices()) {
      service.externalIPs?.items.forEach((ip, i) => {
        const path = `spec.externalIPs[${i}]`;
        const invalid = isValidIp(ip.value);
        const problems =
          invalid.length > 0
            ? invalid.map(
                (problem) =>
                  `${FieldError.invalid(path, ip.value, problem)}. External IPs are addresses that reach a node; a host name cannot be one.`,
              )
            : validateEndpointIp(ip.value).map((problem) => FieldError.invalid(path, ip.value, problem));
        for (const message of problems) findings.push(Finding.of(this, service.uri, ip.range, message));
      });
    }
    return findings;
  },
};
