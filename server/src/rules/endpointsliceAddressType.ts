import { FieldError, isFullyQualifiedDomainName } from '../model/k8sValidation';
import { sliceAddresses } from '../model/fieldPaths';
import { unsupportedValue, writeSupportedValue } from './enumerations';
import type { Finding as FindingType, Rule } from './types';
import { Finding } from './types';

/** The address types an EndpointSlice may be created with, sorted as upstream lists them. */
const ADDRESS_TYPES: readonly string[] = ['FQDN', 'IPv4', 'IPv6'];

/**
 * Rule: endpointslice-address-type
 *
 * validateAddressType and validateEndpoints (kubernetes/kubernetes
 * pkg/apis/discovery/validation): `addressType` is required and one of IPv4, IPv6 or
 * FQDN, and every address of an FQDN slice is a fully qualified domain name
 * (IsFullyQualifiedDomainName). Addresses of IPv4 and IPv6 slices are checked by
 * endpoint-ip-invalid, with those of Endpoints; of an unknown type, not at all, as upstream.
 *
 * Fix: write an address type that differs from a known one only in case as that one.
 */
export const endpointsliceAddressType: Rule = {
  code: 'endpointslice-address-type',
  defaultSeverity: 'error',
  description: 'An EndpointSlice has no valid addressType, or an FQDN slice an address that is no domain name.',
  dependsOn: ['key'],

  check(index) {
    const findings: FindingType[] = [];
    for (const slice of index.allEndpointSlices()) {
      const report = (range: { start: number; end: number }, message: string) =>
        findings.push(Finding.of(this, slice.uri, range, message));
      const type = slice.addressType;
      if (!type || type.value === '') {
        const anchor = type ?? slice.name;
        if (anchor) {
          report(
            anchor.range,
            `${FieldError.required('addressType')}. Set it to IPv4, IPv6 or FQDN, the kind of addresses the slice lists.`,
          );
        }
        continue;
      }
      if (!ADDRESS_TYPES.includes(type.value)) {
        const { message, data } = unsupportedValue('addressType', type.value, ADDRESS_TYPES, 'Address types');
        const advice = type.value === 'IP' ? '. The IP type is deprecated: use IPv4 or IPv6.' : '';
        findings.push(Finding.of(this, slice.uri, type.range, message + advice, data && { data }));
        continue;
      }
      if (type.value !== 'FQDN') continue;
      // The addresses of IPv4 and IPv6 slices are endpoint-ip-invalid's.
      for (const { value, path } of sliceAddresses(slice)) {
        for (const message of isFullyQualifiedDomainName(path, value.value)) report(value.range, message);
      }
    }
    return findings;
  },

  fixes: writeSupportedValue,
};
