import { FieldError, isDns1123Subdomain } from '../model/k8sValidation';
import { ServiceSemantics } from '../model/semantics';
import type { SourceRange } from '../model/types';
import { clusterIpsOf } from '../model/fieldPaths';
import { unsupportedValue, writeSupportedValue } from './enumerations';
import type { Finding as FindingType, Rule } from './types';
import { Finding } from './types';

/**
 * Rule: service-type-invalid
 *
 * What ValidateService (kubernetes/kubernetes pkg/apis/core/validation) requires of a
 * Service's type: one of ClusterIP, NodePort, LoadBalancer or ExternalName; a NodePort or
 * LoadBalancer Service is not headless (`clusterIP: None`); an ExternalName Service has
 * a valid `externalName` (a DNS-1123 subdomain, a trailing dot allowed) and no cluster
 * IPs, IP families or IP family policy.
 *
 * Fix: write a type that differs from a known one only in case as that one.
 */
export const serviceTypeInvalid: Rule = {
  code: 'service-type-invalid',
  defaultSeverity: 'error',
  description: 'A Service type is unknown, or the Service has fields its type does not allow.',
  dependsOn: ['key'],

  check(index) {
    const findings: FindingType[] = [];
    for (const service of index.allServices()) {
      const report = (range: SourceRange, message: string) =>
        findings.push(Finding.of(this, service.uri, range, message));
      const type = ServiceSemantics.typeOf(service);
      if (service.type && !ServiceSemantics.TYPES.includes(type)) {
        const { message, data } = unsupportedValue('spec.type', type, ServiceSemantics.TYPES, 'Types');
        findings.push(Finding.of(this, service.uri, service.type.range, message, data && { data }));
        continue;
      }
      const clusterIPs = clusterIpsOf(service);
      if ((type === 'NodePort' || type === 'LoadBalancer') && ServiceSemantics.isHeadless(service)) {
        report(
          clusterIPs[0].value.range,
          `${FieldError.invalid('spec.clusterIPs[0]', 'None', `may not be set to 'None' for ${type} services`)}. ` +
            'A headless Service has no virtual IP for node ports to forward to: remove clusterIP, or make the Service type ClusterIP.',
        );
      }
      if (type !== 'ExternalName') continue;
      const forbidden = 'may not be set for ExternalName services';
      if (clusterIPs.length > 0) {
        report(
          service.clusterIPs?.keyRange ?? clusterIPs[0].value.range,
          `${FieldError.forbidden('spec.clusterIPs', forbidden)}. An ExternalName Service is a DNS alias with no cluster IP: remove ${service.clusterIPs ? 'clusterIPs' : 'clusterIP'}.`,
        );
      }
      if (service.ipFamilies && service.ipFamilies.items.length > 0) {
        report(
          service.ipFamilies.keyRange ?? service.ipFamilies.range,
          FieldError.forbidden('spec.ipFamilies', forbidden),
        );
      }
      if (service.ipFamilyPolicy) {
        report(service.ipFamilyPolicy.range, FieldError.forbidden('spec.ipFamilyPolicy', forbidden));
      }
      const cname = service.externalName?.value.replace(/\.$/, '') ?? '';
      if (cname.length === 0) {
        const anchor = service.externalName ?? service.type!;
        report(
          anchor.range,
          `${FieldError.required('spec.externalName')}. Give the DNS name this Service is an alias for.`,
        );
      } else {
        for (const problem of isDns1123Subdomain(cname)) {
          report(service.externalName!.range, FieldError.invalid('spec.externalName', cname, problem));
        }
      }
    }
    return findings;
  },

  fixes: writeSupportedValue,
};
