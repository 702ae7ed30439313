import type { WorkspaceIndex } from '../index/workspaceIndex';
import { FieldError, isQualifiedName, isValidCidr, isValidPortNum, sameButForCase } from '../model/k8sValidation';
import { KubernetesVersion } from '../model/kubernetesVersion';
import { ServiceSemantics } from '../model/semantics';
import { type Located, objectHolding, type Service, type SourceRange } from '../model/types';
import type { CheckContext, Finding as FindingType, Fix, FixData, Rule } from './types';
import { Finding } from './types';
import { unsupportedValue, writeSupportedValue } from './enumerations';
import { deleteEntry } from './yamlText';

/** Upstream `MaxClientIPServiceAffinitySeconds`. */
const MAX_AFFINITY_TIMEOUT_SECONDS = 86400;
const SOURCE_RANGES_ANNOTATION = 'service.beta.kubernetes.io/load-balancer-source-ranges';
const ONLY_LOAD_BALANCER = "may only be used when `type` is 'LoadBalancer'";
/** The release from which `trafficDistribution` is kept (the ServiceTrafficDistribution gate's beta); dropped before. */
const TRAFFIC_DISTRIBUTION_KEPT: KubernetesVersion = { major: 1, minor: 31 };
/** The release from which PreferSameZone and PreferSameNode are accepted (the PreferSameTrafficDistribution gate's beta). */
const PREFER_SAME_ACCEPTED: KubernetesVersion = { major: 1, minor: 34 };

/** The fields a fix may remove: those the Service's type does not allow. */
type RemovableField =
  | 'externalTrafficPolicy'
  | 'healthCheckNodePort'
  | 'allocateLoadBalancerNodePorts'
  | 'loadBalancerClass'
  | 'loadBalancerSourceRanges';

/**
 * Rule: service-traffic-invalid
 *
 * What ValidateService (kubernetes/kubernetes pkg/apis/core/validation) requires of the fields
 * that steer a Service's traffic, once SetDefaults_Service (pkg/apis/core/v1/defaults.go) has
 * filled in what is left out (so a missing field is never reported):
 * - `sessionAffinity` is ClientIP or None; with ClientIP, `sessionAffinityConfig.clientIP.timeoutSeconds`
 *   is 1 to 86400 (validateClientIPAffinityConfig);
 * - `loadBalancerSourceRanges` (or, without it, the `service.beta.kubernetes.io/load-balancer-source-ranges`
 *   annotation), `allocateLoadBalancerNodePorts` and `loadBalancerClass` only on a LoadBalancer
 *   Service; the ranges are CIDRs (IsValidCIDR), the class a qualified name (validateLoadBalancerClassField);
 * - `externalTrafficPolicy` only where traffic comes from outside (ExternallyAccessible: NodePort,
 *   LoadBalancer, or ClusterIP with external IPs), and then Cluster or Local;
 *   `healthCheckNodePort` only on a LoadBalancer with policy Local, and then a port number
 *   (validateServiceExternalTrafficPolicy);
 * - `internalTrafficPolicy` is Cluster or Local (validateServiceInternalTrafficFieldsValue);
 * - `trafficDistribution` is PreferClose, and from 1.34 also PreferSameZone or PreferSameNode
 *   (validateServiceTrafficDistribution, the PreferSameTrafficDistribution gate: alpha in 1.33,
 *   beta in 1.34); before 1.31 the field is dropped unread.
 * A Service of an unknown type gets only the checks that do not depend on the type:
 * service-type-invalid reports the type, and what the rest means depends on the type meant.
 *
 * Fixes: write a value that differs from a supported one only in case as that one (safe);
 * remove a field the type does not allow (a choice: the type may be what is wrong).
 */
export const serviceTrafficInvalid: Rule = {
  code: 'service-traffic-invalid',
  defaultSeverity: 'error',
  description:
    "A Service's session affinity, traffic policies, traffic distribution or load balancer fields are invalid, or not allowed for its type.",
  dependsOn: ['key'],

  check(index, context) {
    const findings: FindingType[] = [];
    for (const service of index.allServices()) {
      const report = (range: SourceRange, message: string, data?: FixData) =>
        findings.push(Finding.of(this, service.uri, range, message, data && { data }));
      checkService(service, context, report);
    }
    return findings;
  },

  fixes(finding, index) {
    if (finding.data?.write !== undefined) return writeSupportedValue(finding, index);
    const text = index.file(finding.uri)?.text;
    const field = finding.data?.remove as RemovableField | undefined;
    const entry = field && removableEntryAt(index, finding, field);
    const edit = text !== undefined && entry?.keyRange && deleteEntry(text, entry.keyRange, entry.value);
    return edit
      ? [{ title: `Remove ${field}`, changes: [{ kind: 'edit', uri: finding.uri, ...edit }] } satisfies Fix]
      : [];
  },
};

type Report = (range: SourceRange, message: string, data?: FixData) => void;

/** Every check of one Service, in the order ValidateService makes them. */
function checkService(service: Service, context: CheckContext, report: Report): void {
  const affinity = service.sessionAffinity;
  if (affinity?.value) checkEnumeration(affinity, 'spec.sessionAffinity', ServiceSemantics.SESSION_AFFINITIES, report);
  const timeout = service.sessionAffinityTimeout;
  if (
    affinity?.value === 'ClientIP' &&
    timeout &&
    (timeout.value <= 0 || timeout.value > MAX_AFFINITY_TIMEOUT_SECONDS)
  ) {
    report(
      timeout.range,
      `${FieldError.invalid('spec.sessionAffinityConfig.clientIP.timeoutSeconds', timeout.value, `must be greater than 0 and less than ${MAX_AFFINITY_TIMEOUT_SECONDS}`)}. ` +
        'Give how many seconds a client keeps going to the same endpoint: at most a day, 10800 (three hours) when left out.',
    );
  }
  const type = ServiceSemantics.typeOf(service);
  if (ServiceSemantics.TYPES.includes(type)) checkTypeDependentFields(service, type === 'LoadBalancer', report);
  const internalPolicy = service.internalTrafficPolicy;
  if (internalPolicy)
    checkEnumeration(internalPolicy, 'spec.internalTrafficPolicy', ServiceSemantics.TRAFFIC_POLICIES, report);
  checkTrafficDistribution(service, context.kubernetesVersion, report);
}

/** The load balancer fields and the external traffic policy, which depend on the Service's type. */
function checkTypeDependentFields(service: Service, loadBalancer: boolean, report: Report): void {
  const notForType = (field: RemovableField, message: string) =>
    report(removableEntry(service, field)!.anchor, message, { remove: field });
  const sourceRanges = service.loadBalancerSourceRanges;
  const annotation = service.annotations[SOURCE_RANGES_ANNOTATION];
  if (sourceRanges && sourceRanges.items.length > 0) {
    // Upstream's path says `LoadBalancerSourceRanges`, as the API server answers.
    const path = 'spec.LoadBalancerSourceRanges';
    if (!loadBalancer) {
      notForType(
        'loadBalancerSourceRanges',
        `${FieldError.forbidden(path, ONLY_LOAD_BALANCER)}. Only a cloud load balancer filters clients by source address: remove the field, or make the Service type LoadBalancer.`,
      );
    }
    sourceRanges.items.forEach((range, i) => checkCidr(range, `${path}[${i}]`, range.value, report));
  } else if (annotation) {
    const path = `metadata.annotations[${SOURCE_RANGES_ANNOTATION}]`;
    if (!loadBalancer) {
      report(
        annotation.range,
        `${FieldError.forbidden(path, ONLY_LOAD_BALANCER)}. Only a cloud load balancer filters clients by source address.`,
      );
    }
    const value = annotation.value.trim();
    if (value !== '') for (const cidr of value.split(',')) checkCidr(annotation, path, cidr, report);
  }
  if (service.allocateLoadBalancerNodePorts && !loadBalancer) {
    const path = 'spec.allocateLoadBalancerNodePorts';
    notForType('allocateLoadBalancerNodePorts', FieldError.forbidden(path, ONLY_LOAD_BALANCER));
  }
  const loadBalancerClass = service.loadBalancerClass;
  if (loadBalancerClass && !loadBalancer) {
    const path = 'spec.loadBalancerClass';
    notForType('loadBalancerClass', FieldError.forbidden(path, ONLY_LOAD_BALANCER));
  } else if (loadBalancerClass) {
    for (const problem of isQualifiedName(loadBalancerClass.value)) {
      report(loadBalancerClass.range, FieldError.invalid('spec.loadBalancerClass', loadBalancerClass.value, problem));
    }
  }
  const externalPolicy = service.externalTrafficPolicy;
  if (externalPolicy?.value && !ServiceSemantics.isExternallyAccessible(service)) {
    notForType(
      'externalTrafficPolicy',
      `${FieldError.invalid('spec.externalTrafficPolicy', externalPolicy.value, 'may only be set for externally-accessible services')}. ` +
        'It steers traffic from outside the cluster, which reaches a NodePort or LoadBalancer Service, or the external IPs of a ClusterIP one: remove it, or change the Service type.',
    );
  } else if (externalPolicy?.value) {
    checkEnumeration(externalPolicy, 'spec.externalTrafficPolicy', ServiceSemantics.TRAFFIC_POLICIES, report);
  }
  const healthCheckNodePort = service.healthCheckNodePort;
  if (healthCheckNodePort && healthCheckNodePort.value !== 0) {
    const path = 'spec.healthCheckNodePort';
    if (!loadBalancer || externalPolicy?.value !== 'Local') {
      notForType(
        'healthCheckNodePort',
        `${FieldError.invalid(path, healthCheckNodePort.value, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'")}. ` +
          'Load balancers probe it to find the nodes with a ready endpoint, which only policy Local needs.',
      );
    } else {
      for (const problem of isValidPortNum(healthCheckNodePort.value)) {
        report(healthCheckNodePort.range, FieldError.invalid(path, healthCheckNodePort.value, problem));
      }
    }
  }
}

/** `trafficDistribution` against the values the target release accepts. */
function checkTrafficDistribution(service: Service, version: KubernetesVersion, report: Report): void {
  const distribution = service.trafficDistribution;
  if (!distribution || !KubernetesVersion.atLeast(version, TRAFFIC_DISTRIBUTION_KEPT)) return;
  const all = ServiceSemantics.TRAFFIC_DISTRIBUTIONS;
  const accepted = KubernetesVersion.atLeast(version, PREFER_SAME_ACCEPTED) ? all : all.slice(0, 1);
  const later = accepted !== all && sameButForCase(distribution.value, all.slice(1));
  checkEnumeration(
    distribution,
    'spec.trafficDistribution',
    accepted,
    report,
    later
      ? ` ${later} is accepted from Kubernetes ${KubernetesVersion.format(PREFER_SAME_ACCEPTED)} (kubeEndpoints.kubernetesVersion is ${KubernetesVersion.format(version)}), or with the PreferSameTrafficDistribution feature gate on.`
      : '',
  );
}

/** A value of an enumeration: upstream's NotSupported error, and a fix when only its case is wrong. */
function checkEnumeration(
  located: Located<string>,
  path: string,
  supported: readonly string[],
  report: Report,
  advice = '',
): void {
  if (supported.includes(located.value)) return;
  const { message, data } = unsupportedValue(path, located.value, supported);
  report(located.range, (data ? message : `${message}.`) + advice, data);
}

/** One source range, trimmed first as upstream does (values once copied from the annotation may be padded). */
function checkCidr(located: Located<string>, path: string, written: string, report: Report): void {
  const value = written.trim();
  for (const problem of isValidCidr(value)) report(located.range, FieldError.invalid(path, value, problem));
}

/** Where a removable field is written: what its finding is anchored on (a list's key), its key and its value. */
function removableEntry(
  service: Service,
  field: RemovableField,
): { anchor: SourceRange; keyRange?: SourceRange; value: SourceRange } | undefined {
  const written = service[field];
  if (!written) return undefined;
  if ('items' in written)
    return { anchor: written.keyRange ?? written.range, keyRange: written.keyRange, value: written.range };
  return { anchor: written.range, keyRange: written.keyRange, value: written.range };
}

/** The entry of `field` that the finding is anchored on, in the Service that holds it. */
function removableEntryAt(index: WorkspaceIndex, finding: FindingType, field: RemovableField) {
  const object = objectHolding(index.file(finding.uri)?.objects ?? [], finding.range.start);
  const entry = object?.kind === 'Service' ? removableEntry(object, field) : undefined;
  return entry?.anchor.start === finding.range.start ? entry : undefined;
}
