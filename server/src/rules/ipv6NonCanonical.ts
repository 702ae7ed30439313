import { canonicalIpFixes, ipWarningFindings } from './ipWarnings';
import type { Rule } from './types';

/**
 * Rule: ipv6-non-canonical
 *
 * An IPv6 address in an Endpoints, EndpointSlice or Service IP field that is valid but
 * not in RFC 5952 canonical form (upper case, leading zeros, `::` not where RFC 5952
 * puts it) gets a warning from the API server (GetWarningsForIP,
 * staging/src/k8s.io/apimachinery/pkg/util/validation/ip.go). Harmless, but the stored
 * object then differs from what tools print, and comparisons by text fail.
 *
 * Fix: write the canonical form.
 */
export const ipv6NonCanonical: Rule = {
  code: 'ipv6-non-canonical',
  defaultSeverity: 'information',
  description: 'An IPv6 address is not in RFC 5952 canonical form; the API server warns about it.',
  dependsOn: ['key'],

  check(index) {
    return ipWarningFindings(this, index, 'non-canonical');
  },

  fixes: canonicalIpFixes,
};
