import { FieldError, isDns1035Label, isDns1123Label, isDns1123Subdomain } from '../model/k8sValidation';
import type { KubeObject } from '../model/types';
import type { Finding as FindingType, Rule } from './types';
import { Finding } from './types';

/**
 * Rule: object-name-invalid
 *
 * ValidateObjectMeta (kubernetes/kubernetes pkg/apis/core/validation) checks the name
 * with the kind's name function: a Service name is a DNS-1035 label
 * (ValidateServiceName = NameIsDNS1035Label), because it becomes a DNS label of the
 * cluster domain and an environment variable prefix; Endpoints and EndpointSlice names
 * are DNS-1123 subdomains (ValidateEndpointsName, ValidateEndpointSliceName). The
 * namespace is a DNS-1123 label (ValidateNamespaceName).
 */
export const objectNameInvalid: Rule = {
  code: 'object-name-invalid',
  defaultSeverity: 'error',
  description: 'A Service, Endpoints or EndpointSlice name or namespace is not one the API server accepts.',
  dependsOn: ['key'],

  check(index) {
    const findings: FindingType[] = [];
    for (const object of index.servicesAndBackends()) {
      const rule = nameRule(object);
      if (!rule) continue;
      if (object.name) {
        for (const problem of rule.check(object.name.value)) {
          findings.push(
            Finding.of(
              this,
              object.uri,
              object.name.range,
              `${FieldError.invalid('metadata.name', object.name.value, problem)}. ${rule.advice}`,
            ),
          );
        }
      }
      if (object.namespace) {
        for (const problem of isDns1123Label(object.namespace.value)) {
          findings.push(
            Finding.of(
              this,
              object.uri,
              object.namespace.range,
              FieldError.invalid('metadata.namespace', object.namespace.value, problem),
            ),
          );
        }
      }
    }
    return findings;
  },
};

function nameRule(object: KubeObject): { check: (name: string) => string[]; advice: string } | undefined {
  switch (object.kind) {
    case 'Service':
      return {
        check: isDns1035Label,
        advice: 'A Service name becomes a DNS label: lowercase letters, digits and hyphens, starting with a letter.',
      };
    case 'Endpoints':
      return {
        check: isDns1123Subdomain,
        advice: 'An Endpoints takes the name of its Service, which must be a DNS-1035 label.',
      };
    case 'EndpointSlice':
      return { check: isDns1123Subdomain, advice: 'Slices are usually named <service>-<suffix>.' };
    default:
      return undefined;
  }
}
