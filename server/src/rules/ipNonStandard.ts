import { canonicalIpFixes, ipWarningFindings } from './ipWarnings';
import type { Rule } from './types';

/**
 * Rule: ip-non-standard
 *
 * The API server accepts IPv4 octets with leading zeros (`010.0.0.1`) and IPv4-mapped
 * IPv6 addresses (`::ffff:10.0.0.1`) in Endpoints, EndpointSlice and Service IP fields
 * (IsValidIPForLegacyField without StrictIPCIDRValidation), but answers with the warning
 * of GetWarningsForIP (staging/src/k8s.io/apimachinery/pkg/util/validation/ip.go): they
 * "will be considered invalid in a future Kubernetes release". Some software reads a
 * leading zero as octal, so `010.0.0.1` may mean 8.0.0.1 elsewhere.
 *
 * Fix: write the canonical form the warning gives.
 */
export const ipNonStandard: Rule = {
  code: 'ip-non-standard',
  defaultSeverity: 'warning',
  description: 'An IP has leading zeros or is IPv4-mapped IPv6, forms a future Kubernetes release will reject.',
  dependsOn: ['key'],

  check(index) {
    return ipWarningFindings(this, index, 'non-standard');
  },

  fixes: canonicalIpFixes,
};
