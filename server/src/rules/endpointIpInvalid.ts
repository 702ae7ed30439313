import type { WorkspaceIndex } from '../index/workspaceIndex';
import { familyOf, parseIpSloppy } from '../model/ip';
import {
  FieldError,
  isDns1123Subdomain,
  isValidIpv4Address,
  isValidIpv6Address,
  validateEndpointIp,
} from '../model/k8sValidation';
import { ServiceSemantics } from '../model/semantics';
import type { EndpointAddress, Endpoints, Service } from '../model/types';
import { endpointsAddresses, sliceAddresses } from '../model/fieldPaths';
import type { Finding as FindingType, Fix, Rule } from './types';
import { Finding } from './types';
import { deleteDocument, deleteEntry, eolOf, mergeEdits, replaceScalar, scalarText, type TextEdit } from './yamlText';

/**
 * Rule: endpoint-ip-invalid
 *
 * The API server rejects an Endpoints whose address `ip` is not an IP, or is an
 * unspecified, loopback, link-local or link-local multicast one, in `addresses` and
 * `notReadyAddresses` alike (kubernetes/kubernetes pkg/apis/core/validation,
 * validateEndpointAddress → ValidateEndpointIP). It rejects an address of an IPv4 or IPv6
 * EndpointSlice that is not an IP of the slice's `addressType`, or is one of those ranges
 * (pkg/apis/discovery/validation, validateEndpoints → IsValidIPv4Address,
 * IsValidIPv6Address, ValidateEndpointIP); FQDN slices are endpointslice-address-type's.
 * Messages use the upstream wording.
 *
 * A host name written as an Endpoints `ip` gets its own advice: Endpoints hold IPs only,
 * and an ExternalName Service is how a Service points at a DNS name. Fix: turn the
 * Service and its Endpoints into that one ExternalName Service.
 */
export const endpointIpInvalid: Rule = {
  code: 'endpoint-ip-invalid',
  defaultSeverity: 'error',
  description: 'An Endpoints or EndpointSlice address is not an IP the API server accepts.',
  dependsOn: ['key'],

  check(index) {
    const findings: FindingType[] = [];
    for (const endpoints of index.allEndpoints()) {
      for (const { address, path } of endpointsAddresses(endpoints)) {
        if (!address.ip) continue;
        const value = address.ip.value;
        const problems = validateEndpointIp(value);
        // Only for an address the API server rejects: it parses the address again.
        const hostname = problems.length > 0 ? hostnameIn(value) : undefined;
        for (const problem of problems) {
          const advice = hostname
            ? `. Endpoints hold IP addresses only: to send this Service's traffic to ${hostname}, make it a Service of type ExternalName with externalName: ${hostname}.`
            : '';
          findings.push(
            Finding.of(
              this,
              endpoints.uri,
              address.ip.range,
              `${path}.ip: Invalid value: "${value}": ${problem}${advice}`,
              {
                data: hostname ? { hostname } : undefined,
              },
            ),
          );
        }
      }
    }
    for (const slice of index.allEndpointSlices()) {
      const family = slice.addressType?.value;
      if (family !== 'IPv4' && family !== 'IPv6') continue;
      for (const { value, path } of sliceAddresses(slice)) {
        for (const message of sliceAddressProblems(path, value.value, family)) {
          findings.push(Finding.of(this, slice.uri, value.range, message));
        }
      }
    }
    return findings;
  },

  fixes(finding, index) {
    const hostname = finding.data?.hostname;
    if (typeof hostname !== 'string') return [];
    const endpoints = index
      .file(finding.uri)
      ?.objects.find(
        (object): object is Endpoints =>
          object.kind === 'Endpoints' &&
          endpointsAddresses(object).some(({ address }) => address.ip?.range.start === finding.range.start),
      );
    const fix = endpoints && externalNameFix(index, endpoints, hostname);
    return fix ? [fix] : [];
  },
};

/**
 * validateEndpoints for an address of an IPv4 or IPv6 slice: of the slice's family
 * (by Go's `To4`, so `::ffff:a.b.c.d` counts as IPv4), then not special. Upstream checks
 * the ranges only of addresses of the right family.
 */
function sliceAddressProblems(path: string, value: string, family: 'IPv4' | 'IPv6'): string[] {
  const ofFamily = family === 'IPv4' ? isValidIpv4Address(value) : isValidIpv6Address(value);
  const ip = parseIpSloppy(value);
  if (ofFamily.length > 0) {
    const advice = ip
      ? `. An EndpointSlice holds one address family: put this ${familyOf(ip)} address in a slice of addressType ${familyOf(ip)}.`
      : '';
    return ofFamily.map((problem) => FieldError.invalid(path, value, problem) + advice);
  }
  return validateEndpointIp(value).map((problem) => FieldError.invalid(path, value, problem));
}

/**
 * The host name an `ip` value holds (lowercased), or undefined when it is no DNS name or
 * names this machine, which no ExternalName Service reaches either.
 */
function hostnameIn(value: string): string | undefined {
  const name = value.toLowerCase().replace(/\.$/, '');
  if (parseIpSloppy(value) || /^[0-9.]*$/.test(name)) return undefined;
  if (name === 'localhost' || name.endsWith('.localhost')) return undefined;
  return isDns1123Subdomain(name).length === 0 ? name : undefined;
}

/**
 * Makes the Service of `endpoints` an ExternalName Service for `hostname` and deletes the
 * Endpoints, editing only the lines involved. Offered when the Endpoints holds this one
 * address, its Service is a selector-less ClusterIP Service with a block `spec`, and the
 * Endpoints document can go without emptying its file.
 */
function externalNameFix(index: WorkspaceIndex, endpoints: Endpoints, hostname: string): Fix | undefined {
  const addresses: EndpointAddress[] = endpoints.subsets.flatMap((subset) => subset.addresses);
  const services = index.servicesOf(endpoints);
  if (addresses.length !== 1 || services.length !== 1) return undefined;
  const service = services[0];
  if (ServiceSemantics.hasSelector(service) || (service.type && service.type.value !== 'ClusterIP')) return undefined;
  const serviceText = index.file(service.uri)?.text;
  const endpointsText = index.file(endpoints.uri)?.text;
  if (serviceText === undefined || endpointsText === undefined) return undefined;
  const serviceEdits = externalNameEdits(serviceText, service, hostname);
  const deletion = deleteDocument(endpointsText, endpoints);
  if (!serviceEdits || !deletion) return undefined;
  const byUri = new Map<string, TextEdit[]>([[service.uri, serviceEdits]]);
  byUri.set(endpoints.uri, [...(byUri.get(endpoints.uri) ?? []), deletion]);
  return {
    title: `Make Service "${service.name?.value ?? ''}" an ExternalName Service for ${hostname} and delete its Endpoints`,
    changes: [...byUri].flatMap(([uri, edits]) =>
      mergeEdits(index.file(uri)!.text, edits).map((edit) => ({ kind: 'edit' as const, uri, ...edit })),
    ),
  };
}

/** The edits that make `service` type ExternalName: type and externalName set, cluster IP fields removed. */
function externalNameEdits(text: string, service: Service, hostname: string): TextEdit[] | undefined {
  const spec = service.specRange;
  if (!spec) return undefined;
  // New entries go on lines of their own before the first one, at its indentation.
  const lineStart = text.lastIndexOf('\n', spec.start - 1) + 1;
  const indent = text.slice(lineStart, spec.start);
  if (indent.trim() !== '') return undefined;
  const edits: TextEdit[] = [];
  const inserted: string[] = [];
  if (service.type) edits.push(replaceScalar(text, service.type, 'ExternalName'));
  else inserted.push(`${indent}type: ExternalName${eolOf(text)}`);
  if (service.externalName) edits.push(replaceScalar(text, service.externalName, hostname));
  else inserted.push(`${indent}externalName: ${scalarText(hostname)}${eolOf(text)}`);
  if (inserted.length > 0) edits.push({ range: { start: lineStart, end: lineStart }, newText: inserted.join('') });
  // ExternalName Services may not have cluster IPs or IP families (ValidateService).
  const removals = [
    service.clusterIP && service.clusterIP.value !== '' && service.clusterIP.keyRange
      ? { keyRange: service.clusterIP.keyRange, range: service.clusterIP.range }
      : undefined,
    service.clusterIPs?.keyRange && { keyRange: service.clusterIPs.keyRange, range: service.clusterIPs.range },
    service.ipFamilies?.keyRange && { keyRange: service.ipFamilies.keyRange, range: service.ipFamilies.range },
    service.ipFamilyPolicy?.keyRange && {
      keyRange: service.ipFamilyPolicy.keyRange,
      range: service.ipFamilyPolicy.range,
    },
  ];
  for (const removal of removals) {
    if (!removal) continue;
    const edit = deleteEntry(text, removal.keyRange, removal.range);
    if (!edit) return undefined;
    edits.push(edit);
  }
  return edits;
}
