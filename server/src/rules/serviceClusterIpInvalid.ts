import { parseIpSloppy, familyOf } from '../model/ip';
import { FieldError, goQuote, isValidIp } from '../model/k8sValidation';
import { ServiceSemantics } from '../model/semantics';
import type { Service, SourceRange } from '../model/types';
import { clusterIpsOf } from '../model/fieldPaths';
import type { Finding as FindingType, Rule } from './types';
import { Finding } from './types';

const IP_FAMILIES: readonly string[] = ['IPv4', 'IPv6'];
const IP_FAMILY_POLICIES: readonly string[] = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];

/**
 * Rule: service-cluster-ip-invalid
 *
 * ValidateServiceClusterIPsRelatedFields (kubernetes/kubernetes pkg/apis/core/validation),
 * for every type but ExternalName, after the registry copies `clusterIP` into an absent
 * `clusterIPs`: `clusterIPs[0]` equals `clusterIP`, and `clusterIPs` is empty without
 * it; IP families are IPv4 or IPv6, without duplicates; the policy is SingleStack,
 * PreferDualStack or RequireDualStack; cluster IPs are valid IPs, `None` only alone,
 * at most two and one per family, each of the family `ipFamilies` gives at its index.
 * Then the registry's initIPFamilyFields (pkg/registry/core/service/storage/alloc.go):
 * two cluster IPs or two families need a dual-stack policy, which a missing one is not.
 */
export const serviceClusterIpInvalid: Rule = {
  code: 'service-cluster-ip-invalid',
  defaultSeverity: 'error',
  description: 'A Service has cluster IPs, IP families or an IP family policy the API server rejects.',
  dependsOn: ['key'],

  check(index) {
    const findings: FindingType[] = [];
    for (const service of index.allServices()) {
      if (ServiceSemantics.isExternalName(service)) continue;
      for (const { range, message } of clusterIpProblems(service))
        findings.push(Finding.of(this, service.uri, range, message));
    }
    return findings;
  },
};

function clusterIpProblems(service: Service): { range: SourceRange; message: string }[] {
  const problems: { range: SourceRange; message: string }[] = [];
  const report = (range: SourceRange, message: string) => problems.push({ range, message });
  const clusterIPs = clusterIpsOf(service);
  const values = clusterIPs.map((ip) => ip.value.value);
  const listAnchor = service.clusterIPs?.keyRange ?? clusterIPs[0]?.value.range;
  const list = `[]string{${values.map(goQuote).join(', ')}}`;
  const clusterIP = service.clusterIP?.value ?? '';
  if (service.clusterIPs && service.clusterIPs.items.length > 0) {
    if (clusterIP === '') {
      report(
        listAnchor!,
        `spec.clusterIPs: Invalid value: ${list}: must be empty when \`clusterIP\` is not specified. Set clusterIP to the first of them too.`,
      );
    } else if (values[0] !== clusterIP) {
      report(listAnchor!, `spec.clusterIPs: Invalid value: ${list}: first value must match \`clusterIP\``);
    }
  }
  const seen = new Set<string>();
  service.ipFamilies?.items.forEach((family, i) => {
    const path = `spec.ipFamilies[${i}]`;
    if (!IP_FAMILIES.includes(family.value))
      report(family.range, FieldError.notSupported(path, family.value, IP_FAMILIES));
    if (seen.has(family.value)) report(family.range, FieldError.duplicate(path, family.value));
    seen.add(family.value);
  });
  const policy = service.ipFamilyPolicy;
  if (policy && !IP_FAMILY_POLICIES.includes(policy.value)) {
    report(policy.range, FieldError.notSupported('spec.ipFamilyPolicy', policy.value, IP_FAMILY_POLICIES));
  }
  let hasInvalidIps = false;
  clusterIPs.forEach(({ value, path }, i) => {
    if (i === 0 && value.value === 'None') {
      if (clusterIPs.length > 1) {
        hasInvalidIps = true;
        report(listAnchor!, `spec.clusterIPs: Invalid value: ${list}: 'None' must be the first and only value`);
      }
      return;
    }
    for (const problem of isValidIp(value.value)) {
      hasInvalidIps = true;
      report(value.range, FieldError.invalid(path, value.value, problem));
    }
  });
  if (clusterIPs.length > 2)
    report(listAnchor!, `spec.clusterIPs: Invalid value: ${list}: may only hold up to 2 values`);
  if (hasInvalidIps) return problems;
  // Past this point every cluster IP parses, but for a lone None (headless).
  const families = ServiceSemantics.isHeadless(service) ? [] : values.map((value) => familyOf(parseIpSloppy(value)!));
  // netutils.IsDualStackIPStrings: both families present, however many IPs.
  if (clusterIPs.length > 1 && !(families.includes('IPv4') && families.includes('IPv6'))) {
    report(listAnchor!, `spec.clusterIPs: Invalid value: ${list}: may specify no more than one IP for each IP family`);
  }
  const ipFamilies = service.ipFamilies?.items ?? [];
  if (!ServiceSemantics.isHeadless(service)) {
    families.slice(0, ipFamilies.length).forEach((family, i) => {
      const expected = ipFamilies[i].value;
      if ((expected === 'IPv4' && family === 'IPv6') || (expected === 'IPv6' && family !== 'IPv6')) {
        report(
          clusterIPs[i].value.range,
          FieldError.invalid(
            clusterIPs[i].path,
            values[i],
            `expected an ${expected} value as indicated by \`ipFamilies[${i}]\``,
          ),
        );
      }
    });
  }
  if (problems.length > 0) return problems;
  // initIPFamilyFields: a missing policy is SingleStack, or RequireDualStack for a headless Service without selector.
  const effectivePolicy =
    policy?.value ??
    (ServiceSemantics.isHeadless(service) && !ServiceSemantics.hasSelector(service)
      ? 'RequireDualStack'
      : 'SingleStack');
  if (effectivePolicy === 'SingleStack') {
    const anchor = (fallback: SourceRange) => policy?.range ?? fallback;
    const advice = policy
      ? ''
      : '. SingleStack is what a missing ipFamilyPolicy means: set it to PreferDualStack or RequireDualStack.';
    const policyText =
      "spec.ipFamilyPolicy: Invalid value: \"SingleStack\": must be 'RequireDualStack' or 'PreferDualStack' when multiple";
    if (clusterIPs.length === 2) report(anchor(listAnchor!), `${policyText} cluster IPs are specified${advice}`);
    if (ipFamilies.length === 2) {
      report(
        anchor(service.ipFamilies!.keyRange ?? service.ipFamilies!.range),
        `${policyText} IP families are specified${advice}`,
      );
    }
  }
  return problems;
}
