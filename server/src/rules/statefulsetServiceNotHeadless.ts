import { firstPodDnsName, serviceReferences, servicesReferencedBy } from '../index/selection';
import { ServiceSemantics } from '../model/semantics';
import { describe, describeAt } from './describe';
import type { Rule } from './types';
import { Finding } from './types';

/**
 * Rule: statefulset-service-not-headless
 *
 * A StatefulSet's pods take its `serviceName` as their subdomain, and the cluster's DNS publishes
 * their own names (`db-0.db.shop.svc`, the "stable network ID" peers find each other by) only
 * when a headless Service (`clusterIP: None`) of that name exists in their namespace (Kubernetes
 * DNS specification, "Pod's hostname and subdomain fields"; apps/v1 StatefulSetSpec.serviceName:
 * "This service must exist before the StatefulSet, and is responsible for the network identity of
 * the set"). A Service of that name with a cluster IP, or an ExternalName one, publishes none. The
 * API server takes both; a missing Service is `service-reference-missing`'s. kube-score's
 * `statefulset-has-servicename` checks the same. Information: a single replica reached through the
 * Service's cluster IP (a homelab's database) works without those names; peers that find each
 * other by them (replicated databases, quorum systems) do not.
 */
export const statefulsetServiceNotHeadless: Rule = {
  code: 'statefulset-service-not-headless',
  defaultSeverity: 'information',
  description:
    "A StatefulSet's serviceName names a Service that is not headless, so its pods get no DNS names of their own.",
  dependsOn: ['key', 'referencedServices'],

  check(index) {
    return serviceReferences(index).flatMap((reference) => {
      const { object, name } = reference;
      if (object.kind !== 'StatefulSet') return [];
      const services = servicesReferencedBy(index, reference);
      if (services.length === 0 || services.some(ServiceSemantics.isHeadless)) return [];
      const service = services[0];
      const why = ServiceSemantics.isExternalName(service)
        ? 'it is an ExternalName Service'
        : service.clusterIP
          ? `its clusterIP is ${service.clusterIP.value}`
          : 'it writes no clusterIP, so the cluster gives it one';
      return [
        Finding.of(
          this,
          object.uri,
          name.range,
          `${describe(index, object)} names ${describeAt(index, service, object.uri)} as its serviceName, which is not headless: ` +
            `${why}. The cluster's DNS publishes the pods' own names (${firstPodDnsName(index, object, name.value)}), ` +
            'by which replicas find each other, only for a headless Service: give it clusterIP: None (the Service is then created again: a cluster IP cannot change), or name a headless one.',
          { related: [{ uri: service.uri, range: service.name!.range, message: describe(index, service) }] },
        ),
      ];
    });
  },
};
