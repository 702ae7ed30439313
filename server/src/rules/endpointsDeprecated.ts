import { KubernetesVersion } from '../model/kubernetesVersion';
import { ServiceSemantics } from '../model/semantics';
import type { Endpoints } from '../model/types';
import { conversionFixes } from './assists/convertEndpointsToSlices';
import type { Rule } from './types';
import { Finding } from './types';

/**
 * Rule: endpoints-deprecated
 *
 * Kubernetes 1.33 deprecated the v1 Endpoints API in favour of discovery.k8s.io/v1
 * EndpointSlice: the API server answers every Endpoints write with "Warning: v1
 * Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice"
 * (KEP-4974). kube-proxy reads only EndpointSlices, so a hand-written Endpoints
 * reaches it only through the EndpointSlice mirroring controller. A hint, reported
 * only when `kubeEndpoints.kubernetesVersion` is 1.33 or later, on the `kind` value.
 *
 * Endpoints of Services with a selector or of ExternalName Services are left to the
 * rules that say they should not exist at all.
 *
 * Fix: convert to EndpointSlices in place (adding them beside it is an assist only).
 */
export const endpointsDeprecated: Rule = {
  code: 'endpoints-deprecated',
  defaultSeverity: 'hint',
  description: 'An Endpoints is written for Kubernetes 1.33 or later, which deprecates Endpoints for EndpointSlices.',
  dependsOn: ['key'],

  check(index, context) {
    const version = context.kubernetesVersion;
    if (!KubernetesVersion.deprecatesEndpoints(version)) return [];
    return index
      .allEndpoints()
      .filter((endpoints) => endpoints.kindRange)
      .filter((endpoints) => index.servicesOf(endpoints).every(ServiceSemantics.needsManualBackends))
      .map((endpoints) =>
        Finding.of(
          this,
          endpoints.uri,
          endpoints.kindRange!,
          `v1 Endpoints is deprecated in Kubernetes 1.33+ (target: ${KubernetesVersion.format(version)}); ` +
            'kube-proxy reads only EndpointSlices and sees this object through the mirroring controller. ' +
            'Use discovery.k8s.io/v1 EndpointSlice.',
        ),
      );
  },

  fixes(finding, index, context) {
    const endpoints = index
      .file(finding.uri)
      ?.objects.find(
        (object): object is Endpoints => object.kind === 'Endpoints' && object.kindRange?.start === finding.range.start,
      );
    // Adding slices beside the Endpoints keeps what is deprecated: that stays an assist.
    return endpoints ? conversionFixes(index, endpoints, context).filter((fix) => fix.rewritesObjects) : [];
  },
};
