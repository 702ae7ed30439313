import type { Backend } from '../model/types';
import { ServiceSemantics } from '../model/semantics';
import { describe, describeAt } from './describe';
import type { Rule } from './types';
import { Finding } from './types';

/**
 * Rule: endpoints-for-external-name
 *
 * An ExternalName Service is a DNS CNAME to `spec.externalName`; it has no cluster IP
 * and kube-proxy installs no rules for it (pkg/proxy skips ExternalName services), so
 * Endpoints or EndpointSlices written for it are never used.
 */
export const endpointsForExternalName: Rule = {
  code: 'endpoints-for-external-name',
  defaultSeverity: 'warning',
  description: 'An Endpoints or EndpointSlice belongs to an ExternalName Service, which never uses it.',
  dependsOn: ['key'],

  check(index) {
    const backends: Backend[] = [...index.allEndpoints(), ...index.allEndpointSlices()];
    return backends.flatMap((backend) => {
      const service = index.servicesOf(backend).find(ServiceSemantics.isExternalName);
      const anchor = backend.kind === 'Endpoints' ? backend.name : backend.serviceName;
      if (!service || !anchor) return [];
      const target = service.externalName ? ` resolves by DNS to "${service.externalName.value}" and` : '';
      return [
        Finding.of(
          this,
          backend.uri,
          anchor.range,
          `${describeAt(index, service, backend.uri)} is of type ExternalName: it${target} never uses ${describe(index, backend)}. ` +
            'Delete this object, or drop `type: ExternalName` to route to these addresses.',
          { related: [{ uri: service.uri, range: service.type!.range, message: 'type: ExternalName' }] },
        ),
      ];
    });
  },
};
