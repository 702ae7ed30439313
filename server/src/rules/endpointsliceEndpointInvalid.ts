import {
  FieldError,
  isDns1123Label,
  isDns1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
} from '../model/k8sValidation';
import type { LocatedList, SourceRange } from '../model/types';
import type { Finding as FindingType, Rule } from './types';
import { Finding } from './types';

const MAX_ENDPOINTS = 1000;
const MAX_ADDRESSES = 100;
const MAX_TOPOLOGY_LABELS = 16;
const MAX_HINTS = 8;

/**
 * Rule: endpointslice-endpoint-invalid
 *
 * validateEndpoints and validateHints (kubernetes/kubernetes
 * pkg/apis/discovery/validation): at most 1000 endpoints per slice, each with 1 to 100
 * addresses, a `hostname` that is a DNS-1123 label, a `nodeName` that is a DNS-1123
 * subdomain, at most 16 valid topology labels, and at most 8 zone hints, each a unique
 * label value.
 */
export const endpointsliceEndpointInvalid: Rule = {
  code: 'endpointslice-endpoint-invalid',
  defaultSeverity: 'error',
  description: 'An EndpointSlice has too many endpoints, or an endpoint the API server rejects.',
  dependsOn: ['key'],

  check(index) {
    const findings: FindingType[] = [];
    for (const slice of index.allEndpointSlices()) {
      const report = (range: SourceRange, message: string) =>
        findings.push(Finding.of(this, slice.uri, range, message));
      if (slice.endpoints.length > MAX_ENDPOINTS) {
        // Upstream stops here: the endpoints themselves are not looked at.
        report(
          (slice.name ?? slice.endpoints[0]).range,
          `${FieldError.tooMany('endpoints', slice.endpoints.length, MAX_ENDPOINTS)}. Split the endpoints over several slices labelled for the same Service.`,
        );
        continue;
      }
      slice.endpoints.forEach((endpoint, e) => {
        const path = `endpoints[${e}]`;
        if (endpoint.addresses.length === 0) {
          report(endpoint.range, FieldError.required(`${path}.addresses`, 'must contain at least 1 address'));
        } else if (endpoint.addresses.length > MAX_ADDRESSES) {
          report(
            endpoint.addresses[0].range,
            `${FieldError.tooMany(`${path}.addresses`, endpoint.addresses.length, MAX_ADDRESSES)}. Each endpoint is one backend; list other backends as endpoints of their own.`,
          );
        }
        if (endpoint.nodeName) {
          for (const problem of isDns1123Subdomain(endpoint.nodeName.value)) {
            report(endpoint.nodeName.range, FieldError.invalid(`${path}.nodeName`, endpoint.nodeName.value, problem));
          }
        }
        const topology = endpoint.topology;
        if (topology) {
          const topologyPath = `${path}.${topology.field}`;
          const labels = Object.entries(topology.labels);
          if (labels.length > MAX_TOPOLOGY_LABELS) {
            report(topology.keyRange, FieldError.tooMany(topologyPath, labels.length, MAX_TOPOLOGY_LABELS));
          }
          for (const [key, value] of labels) {
            for (const problem of isQualifiedName(key)) {
              report(value.keyRange ?? value.range, FieldError.invalid(topologyPath, key, problem));
            }
            for (const problem of isValidLabelValue(value.value)) {
              report(value.range, FieldError.invalid(`${topologyPath}[${key}]`, value.value, problem));
            }
          }
        }
        if (endpoint.hostname) {
          for (const problem of isDns1123Label(endpoint.hostname.value)) {
            report(endpoint.hostname.range, FieldError.invalid(`${path}.hostname`, endpoint.hostname.value, problem));
          }
        }
        for (const [range, message] of zoneHintProblems(`${path}.hints.forZones`, endpoint.hints?.forZones)) {
          report(range, message);
        }
      });
    }
    return findings;
  },
};

/** validateHints: too many (and nothing else), else duplicates and names that are no label values. */
function zoneHintProblems(path: string, hints: LocatedList<string> | undefined): [SourceRange, string][] {
  if (!hints) return [];
  if (hints.items.length > MAX_HINTS) {
    return [[hints.keyRange ?? hints.range, FieldError.tooMany(path, hints.items.length, MAX_HINTS)]];
  }
  const seen = new Set<string>();
  return hints.items.flatMap((hint, i): [SourceRange, string][] => {
    const namePath = `${path}[${i}].name`;
    const problems: [SourceRange, string][] = seen.has(hint.value)
      ? [[hint.range, FieldError.duplicate(namePath, hint.value)]]
      : [];
    seen.add(hint.value);
    for (const problem of isValidLabelValue(hint.value))
      problems.push([hint.range, FieldError.invalid(namePath, hint.value, problem)]);
    return problems;
  });
}
