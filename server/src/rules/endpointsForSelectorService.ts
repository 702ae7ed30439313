import { ServiceSemantics } from '../model/semantics';
import { describe, describeAt } from './describe';
import type { Rule } from './types';
import { Finding } from './types';

/**
 * Rule: endpoints-for-selector-service
 *
 * For a Service with a selector, the endpoints controller owns the Endpoints of the
 * same name: it recomputes them from the selected Pods and overwrites whatever was
 * applied by hand (kubernetes/kubernetes pkg/controller/endpoint, syncService). A
 * hand-written Endpoints for such a Service is lost at the next sync.
 */
export const endpointsForSelectorService: Rule = {
  code: 'endpoints-for-selector-service',
  defaultSeverity: 'warning',
  description:
    'A hand-written Endpoints belongs to a Service with a selector, whose Endpoints the control plane overwrites.',
  dependsOn: ['key'],

  check(index) {
    return index.allEndpoints().flatMap((endpoints) => {
      const service = index.servicesOf(endpoints).find(ServiceSemantics.hasSelector);
      if (!service || !endpoints.name) return [];
      return [
        Finding.of(
          this,
          endpoints.uri,
          endpoints.name.range,
          `${describeAt(index, service, endpoints.uri)} has a selector, so the endpoints controller writes ${describe(index, endpoints)} ` +
            'from the selected Pods and overwrites these addresses. Remove the selector from the Service to manage its Endpoints by hand, or delete this object.',
          { related: [{ uri: service.uri, range: service.selector!.range, message: 'The selector' }] },
        ),
      ];
    });
  },
};
