import { describe } from './describe';
import type { Rule } from './types';
import { Finding } from './types';

/**
 * Rule: service-spec-endpoints
 *
 * ServiceSpec has no `endpoints` field (k8s.io/api/core/v1 ServiceSpec), so the API
 * server rejects it under strict field validation, kubectl's default since 1.27
 * (`unknown field "spec.endpoints"`), and drops it silently otherwise. A common
 * misconception: a Service finds its backends through an Endpoints or EndpointSlice
 * object of the same namespace and name, never through its own spec.
 */
export const serviceSpecEndpoints: Rule = {
  code: 'service-spec-endpoints',
  defaultSeverity: 'error',
  description: 'A Service declares `spec.endpoints`, a field Services do not have.',
  dependsOn: ['key'],

  check(index) {
    return index
      .allServices()
      .flatMap((service) =>
        service.specEndpointsKey
          ? [
              Finding.of(
                this,
                service.uri,
                service.specEndpointsKey,
                `Services have no field "spec.endpoints": kubectl rejects ${describe(index, service)} (unknown field "spec.endpoints"), ` +
                  'or the API server drops the field without validation. List the addresses in an Endpoints or EndpointSlice object ' +
                  'with the same namespace and name as the Service instead.',
              ),
            ]
          : [],
      );
  },
};
