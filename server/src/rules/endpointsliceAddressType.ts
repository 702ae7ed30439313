import { parseIpSloppy, familyOf } from '../model/ip';
import {
  FieldError,
  isFullyQualifiedDomainName,
  isValidIpv4Address,
  isValidIpv6Address,
  validateEndpointIp,
} from '../model/k8sValidation';
import { sliceAddresses } from './fieldPaths';
import type { Finding as FindingType, Rule } from './types';
import { Finding } from './types';

/** The address types an EndpointSlice may be created with, sorted as upstream lists them. */
const ADDRESS_TYPES: readonly string[] = ['FQDN', 'IPv4', 'IPv6'];

/**
 * Rule: endpointslice-address-type
 *
 * validateAddressType and validateEndpoints (kubernetes/kubernetes
 * pkg/apis/discovery/validation): `addressType` is required and one of IPv4, IPv6 or
 * FQDN, and every address must be of that type: an IPv4 or IPv6 address
 * (IsValidIPv4Address, IsValidIPv6Address) that is no unspecified, loopback, link-local
 * or link-local multicast one (ValidateEndpointIP), or a fully qualified domain name
 * (IsFullyQualifiedDomainName). Addresses of an unknown type are not checked, as upstream,
 * and the special ranges only for addresses of the right family.
 */
export const endpointsliceAddressType: Rule = {
  code: 'endpointslice-address-type',
  defaultSeverity: 'error',
  description: 'An EndpointSlice has no valid addressType, or an address that is not of its type.',

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
        const known = ADDRESS_TYPES.find((candidate) => candidate.toLowerCase() === type.value.toLowerCase());
        const advice = known
          ? `. Address types are case-sensitive: write ${known}.`
          : type.value === 'IP'
            ? '. The IP type is deprecated: use IPv4 or IPv6.'
            : '';
        report(type.range, FieldError.notSupported('addressType', type.value, ADDRESS_TYPES) + advice);
        continue;
      }
      for (const { value, path } of sliceAddresses(slice)) {
        if (type.value === 'FQDN') {
          for (const message of isFullyQualifiedDomainName(path, value.value)) report(value.range, message);
          continue;
        }
        const ofType = type.value === 'IPv4' ? isValidIpv4Address(value.value) : isValidIpv6Address(value.value);
        const ip = parseIpSloppy(value.value);
        for (const problem of ofType) {
          const advice = ip
            ? `. An EndpointSlice holds one address family: put this ${familyOf(ip)} address in a slice of addressType ${familyOf(ip)}.`
            : '';
          report(value.range, FieldError.invalid(path, value.value, problem) + advice);
        }
        // Upstream checks the special ranges only of addresses of the slice's type.
        if (ofType.length > 0) continue;
        for (const problem of validateEndpointIp(value.value))
          report(value.range, FieldError.invalid(path, value.value, problem));
      }
    }
    return findings;
  },
};
