import { ServiceSemantics } from '../model/semantics';
import { LEADER_ANNOTATION, SKIP_MIRROR_LABEL } from '../model/types';
import { describe, describeAt } from './describe';
import type { Finding as FindingType, Rule } from './types';
import { Finding } from './types';

/**
 * Rule: endpoints-skip-mirror
 *
 * kube-proxy reads EndpointSlices only; a hand-written Endpoints reaches it through the
 * EndpointSlice mirroring controller, which skips Endpoints labelled
 * `endpointslice.kubernetes.io/skip-mirror: "true"` and those carrying the leader-election
 * annotation `control-plane.alpha.kubernetes.io/leader` (pkg/controller/endpointslicemirroring,
 * skipMirror and hasLeaderElection). Unless the Service has EndpointSlices of its own,
 * such an Endpoints never carries traffic.
 */
export const endpointsSkipMirror: Rule = {
  code: 'endpoints-skip-mirror',
  defaultSeverity: 'warning',
  description:
    'An Endpoints is kept from EndpointSlice mirroring, and its Service has no EndpointSlice, so kube-proxy never sees it.',
  dependsOn: ['key'],

  check(index) {
    const findings: FindingType[] = [];
    for (const endpoints of index.allEndpoints()) {
      const skip = endpoints.labels[SKIP_MIRROR_LABEL];
      const leader = endpoints.annotations[LEADER_ANNOTATION];
      const reason =
        skip?.value === 'true'
          ? { anchor: skip, why: `is labelled ${SKIP_MIRROR_LABEL}: "true"`, cure: 'Remove the label' }
          : leader
            ? {
                anchor: leader,
                why: `carries the leader-election annotation ${LEADER_ANNOTATION}`,
                cure: 'Remove the annotation',
              }
            : undefined;
      if (!reason) continue;
      // The endpoints controller owns the Endpoints of selector Services; without a Service nothing routes anyway.
      const service = index.servicesOf(endpoints).find((candidate) => !ServiceSemantics.hasSelector(candidate));
      if (!service || index.backendsOf(service).some((backend) => backend.kind === 'EndpointSlice')) continue;
      findings.push(
        Finding.of(
          this,
          endpoints.uri,
          reason.anchor.range,
          `${describe(index, endpoints)} ${reason.why}, so no EndpointSlice mirrors it, and kube-proxy, which reads only ` +
            `EndpointSlices, never routes ${describeAt(index, service, endpoints.uri)} to these addresses. ` +
            `${reason.cure}, or write an EndpointSlice for the Service.`,
        ),
      );
    }
    return findings;
  },
};
