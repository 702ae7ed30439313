import type { WorkspaceIndex } from '../index/workspaceIndex';
import type { Endpoints } from '../model/types';
import { describe, describeAt } from './describe';
import { renameBackendFix, servicesInOtherNamespaces, setNamespaceFix, similarServices } from './nearMisses';
import type { Fix, Rule } from './types';
import { Finding } from './types';

/**
 * Rule: endpoints-without-service
 *
 * An Endpoints object serves the Service of the same namespace and name and nothing
 * else (kube-proxy and the EndpointSlice mirroring controller look it up by that key).
 * With no such Service it carries no traffic: usually a typo in the name or the
 * namespace. The message names the Service it was probably meant for.
 *
 * Fixes: set the namespace to that of a same-named Service; rename to a Service whose
 * name is a typo away.
 */
export const endpointsWithoutService: Rule = {
  code: 'endpoints-without-service',
  defaultSeverity: 'warning',
  description: 'An Endpoints has no Service of the same namespace and name, so nothing routes to it.',

  check(index) {
    return index
      .allEndpoints()
      .filter((endpoints) => endpoints.name && index.servicesOf(endpoints).length === 0)
      .map((endpoints) => {
        const elsewhere = servicesInOtherNamespaces(index, endpoints);
        const similar = similarServices(index, endpoints);
        const hints = [
          ...elsewhere.map(
            (service) =>
              ` ${describeAt(index, service, endpoints.uri)} has its name but another namespace: set the namespace to "${index.namespaceOf(service)}".`,
          ),
          ...similar.map((service) => ` Did you mean ${describeAt(index, service, endpoints.uri)}?`),
        ];
        const message =
          `${describe(index, endpoints)} has no Service of the same namespace and name, so no traffic reaches these addresses.` +
          hints.join('');
        return Finding.of(this, endpoints.uri, endpoints.name!.range, message, {
          related: [...elsewhere, ...similar].map((service) => ({
            uri: service.uri,
            range: service.name!.range,
            message: describe(index, service),
          })),
        });
      });
  },

  fixes(finding, index) {
    const endpoints = endpointsAt(index, finding.uri, finding.range.start);
    if (!endpoints) return [];
    const namespaceFixes = unique(servicesInOtherNamespaces(index, endpoints).map((s) => index.namespaceOf(s))).map(
      (namespace) => setNamespaceFix(index, endpoints, namespace),
    );
    const renameFixes = unique(similarServices(index, endpoints).map((s) => s.name!.value)).map((name) =>
      renameBackendFix(index, endpoints, name),
    );
    const fixes = [...namespaceFixes, ...renameFixes].filter((fix): fix is Fix => fix !== undefined);
    if (fixes.length === 1) Object.assign(fixes[0], { isPreferred: true, safe: true });
    return fixes;
  },
};

/** The Endpoints whose name starts at `offset` in `uri`. */
export function endpointsAt(index: WorkspaceIndex, uri: string, offset: number): Endpoints | undefined {
  return index
    .file(uri)
    ?.objects.find((object): object is Endpoints => object.kind === 'Endpoints' && object.name?.range.start === offset);
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
