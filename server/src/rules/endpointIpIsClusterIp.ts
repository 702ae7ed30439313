import { UriPath } from '../index/uriPath';
import { canonicalIp } from '../model/ip';
import { compareByPlace } from '../model/types';
import { describe, describeAt } from './describe';
import { backendAddresses, clusterIpsOf } from '../model/fieldPaths';
import type { Finding as FindingType, Rule } from './types';
import { Finding } from './types';

/**
 * Rule: endpoint-ip-is-cluster-ip
 *
 * The API server accepts an endpoint address that is some Service's cluster IP, but
 * kube-proxy does not support virtual IPs as a destination: the Kubernetes documentation
 * on Services without selectors says "Endpoint IP addresses cannot be the cluster IPs of
 * other Kubernetes Services, because kube-proxy doesn't support virtual IPs as a
 * destination." Compared, in canonical form, with the cluster IPs of Services in the same
 * file or folder: a workspace often holds manifests of several clusters, or test fixtures
 * that reuse addresses, and cluster IPs written elsewhere say nothing about this one.
 */
export const endpointIpIsClusterIp: Rule = {
  code: 'endpoint-ip-is-cluster-ip',
  defaultSeverity: 'warning',
  description: "An endpoint address is a Service's cluster IP, which kube-proxy cannot forward to.",
  dependsOn: ['key', 'clusterIps'],

  check(index) {
    const findings: FindingType[] = [];
    for (const backend of [...index.allEndpoints(), ...index.allEndpointSlices()]) {
      const folder = UriPath.folderOf(backend.uri);
      for (const { value, path } of backendAddresses(backend)) {
        const ip = canonicalIp(value.value);
        // Looked up in the whole index: after an edit this runs from the affected backends only.
        const services = (ip === undefined ? [] : index.servicesWithClusterIp(ip))
          .filter((service) => UriPath.folderOf(service.uri) === folder)
          .sort(compareByPlace);
        if (services.length === 0) continue;
        const owners = services.map((service) => describeAt(index, service, backend.uri)).join(', ');
        findings.push(
          Finding.of(
            this,
            backend.uri,
            value.range,
            `${path} ${value.value} is the cluster IP of ${owners}: kube-proxy does not forward to virtual IPs, ` +
              'so connections to this endpoint fail. List the Pod or host addresses behind that Service instead.',
            {
              related: services.map((service) => ({
                uri: service.uri,
                range: clusterIpsOf(service)[0].value.range,
                message: `The cluster IP of ${describe(index, service)}`,
              })),
            },
          ),
        );
      }
    }
    return findings;
  },
};
