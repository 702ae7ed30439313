import { FieldError, isDns1123Label, isDns1123Subdomain } from '../model/k8sValidation';
import { endpointsAddresses } from '../model/fieldPaths';
import type { Finding as FindingType, Rule } from './types';
import { Finding } from './types';

/**
 * Rule: endpoints-subset-invalid
 *
 * What validateEndpointSubsets and validateEndpointAddress (kubernetes/kubernetes
 * pkg/apis/core/validation) require of a subset besides its IPs and ports: at least one
 * entry in `addresses` or `notReadyAddresses`, an address `hostname` that is a DNS-1123
 * label (it becomes the Pod's DNS name under a headless Service) and a `nodeName` that
 * is a DNS-1123 subdomain (ValidateNodeName).
 */
export const endpointsSubsetInvalid: Rule = {
  code: 'endpoints-subset-invalid',
  defaultSeverity: 'error',
  description: 'An Endpoints subset has no addresses, or an address hostname or nodeName the API server rejects.',
  dependsOn: ['key'],

  check(index) {
    const findings: FindingType[] = [];
    for (const endpoints of index.allEndpoints()) {
      endpoints.subsets.forEach((subset, s) => {
        if (subset.addresses.length === 0) {
          findings.push(
            Finding.of(
              this,
              endpoints.uri,
              subset.range,
              `${FieldError.required(`subsets[${s}]`, 'must specify `addresses` or `notReadyAddresses`')}. ` +
                'Remove the subset, or list the backend IPs under `addresses`.',
            ),
          );
        }
      });
      for (const { address, path } of endpointsAddresses(endpoints)) {
        if (address.hostname && address.hostname.value.length > 0) {
          for (const problem of isDns1123Label(address.hostname.value)) {
            findings.push(
              Finding.of(
                this,
                endpoints.uri,
                address.hostname.range,
                FieldError.invalid(`${path}.hostname`, address.hostname.value, problem),
              ),
            );
          }
        }
        if (address.nodeName) {
          for (const problem of isDns1123Subdomain(address.nodeName.value)) {
            findings.push(
              Finding.of(
                this,
                endpoints.uri,
                address.nodeName.range,
                FieldError.invalid(`${path}.nodeName`, address.nodeName.value, problem),
              ),
            );
          }
        }
      }
    }
    return findings;
  },
};
