import { referenceOf, routerBackends, servicesReferencedBy } from '../index/selection';
import type { WorkspaceIndex } from '../index/workspaceIndex';
import {
  GATEWAY_API_GROUP,
  isGatewayRoute,
  type Located,
  type ReferenceGrant,
  type Route,
  type Service,
} from '../model/types';
import { describe, describeAt } from './describe';
import type { Fix, Rule } from './types';
import { Finding } from './types';
import { entries, escapeSnippet, insertDocumentsAfter, renderYaml, scalarText, styleOfService } from './yamlText';

/**
 * Rule: route-reference-not-permitted
 *
 * A Gateway API route's backendRef to a Service of another namespace is valid only when a
 * ReferenceGrant of that namespace lets the route's kind from the route's namespace refer to
 * Services there (all of them, or that one by name): Gateway API BackendObjectReference ("a
 * ReferenceGrant object is required in the referent namespace to allow that namespace's owner to
 * accept the reference"). Otherwise the route's ResolvedRefs condition is False
 * (RefNotPermitted), and the requests for that backend get 500 (HTTPRouteRule.backendRefs). The
 * API server takes the route. Judged only when the Service is in the workspace: the manifests of
 * its namespace are there, so would its grant be.
 *
 * Fix: create the ReferenceGrant after the Service, for this route kind and namespace and this
 * Service alone.
 */
export const routeReferenceNotPermitted: Rule = {
  code: 'route-reference-not-permitted',
  defaultSeverity: 'warning',
  description:
    'A Gateway API route refers to a Service of another namespace that no ReferenceGrant there permits, so the Gateway refuses the reference.',
  dependsOn: ['key', 'referencedServices'],

  check(index) {
    return unpermitted(index).map(({ route, namespace, service, mirror }) =>
      Finding.of(
        this,
        route.uri,
        namespace.range,
        `${describe(index, route)} ${mirror ? 'mirrors requests' : 'sends'} to ${describeAt(index, service, route.uri)} ` +
          `of another namespace, which no ReferenceGrant of namespace "${namespace.value}" in the workspace permits ` +
          `for ${route.kind}s of namespace "${index.namespaceOf(route)}", so the Gateway refuses the reference ` +
          `(ResolvedRefs: RefNotPermitted) and ${mirror ? 'mirrors none' : 'answers the requests it would get with 500'}.`,
        { related: [{ uri: service.uri, range: service.name!.range, message: describe(index, service) }] },
      ),
    );
  },

  fixes(finding, index) {
    const found = unpermitted(index).find(
      ({ route, namespace }) => route.uri === finding.uri && namespace.range.start === finding.range.start,
    );
    const text = found && index.file(found.service.uri)?.text;
    if (!found || text === undefined) return [];
    const { route, service } = found;
    const routeNamespace = index.namespaceOf(route);
    const name = `allow-${routeNamespace}-${route.kind.toLowerCase()}s-to-${service.name!.value}`;
    const taken = index
      .referenceGrants()
      .some((grant) => grant.name?.value === name && index.namespaceOf(grant) === index.namespaceOf(service));
    if (taken) return [];
    const grant = renderYaml(
      entries(
        ['apiVersion', `${GATEWAY_API_GROUP}/v1beta1`],
        ['kind', 'ReferenceGrant'],
        ['metadata', entries(['name', scalarText(name)], ['namespace', scalarText(index.namespaceOf(service))])],
        [
          'spec',
          entries(
            [
              'from',
              [entries(['group', GATEWAY_API_GROUP], ['kind', route.kind], ['namespace', scalarText(routeNamespace)])],
            ],
            ['to', [entries(['group', '""'], ['kind', 'Service'], ['name', scalarText(service.name!.value)])]],
          ),
        ],
      ),
      styleOfService(text, service),
    );
    const edit = insertDocumentsAfter(text, service, [{ text: grant, snippet: escapeSnippet(grant) }]);
    if (!edit) return [];
    return [
      {
        title: `Create ReferenceGrant "${name}" after ${describe(index, service)}`,
        isPreferred: true,
        changes: [{ kind: 'edit', uri: service.uri, ...edit }],
      } satisfies Fix,
    ];
  },
};

type Unpermitted = { route: Route; namespace: Located<string>; service: Service; mirror: boolean };

/** The backendRefs to a Service of another namespace in the workspace that no grant there permits. */
function unpermitted(index: WorkspaceIndex): Unpermitted[] {
  return routerBackends(index).flatMap(({ router, backend }): Unpermitted[] => {
    const namespace = backend.namespace;
    if (!isGatewayRoute(router) || !namespace || namespace.value === index.namespaceOf(router)) return [];
    const service = servicesReferencedBy(index, referenceOf(router, backend))[0];
    if (!service) return [];
    const permitted = index.referenceGrants().some((grant) => permits(index, grant, router, service));
    return permitted ? [] : [{ route: router, namespace, service, mirror: backend.mirror }];
  });
}

/** Whether `grant` lets `route` refer to `service`: in the Service's namespace, from the route's kind and namespace. */
function permits(index: WorkspaceIndex, grant: ReferenceGrant, route: Route, service: Service): boolean {
  return (
    index.namespaceOf(grant) === index.namespaceOf(service) &&
    grant.from.some(
      (from) =>
        from.group === GATEWAY_API_GROUP && from.kind === route.kind && from.namespace === index.namespaceOf(route),
    ) &&
    grant.to.some(
      (to) => to.group === '' && to.kind === 'Service' && (to.name === undefined || to.name === service.name!.value),
    )
  );
}
