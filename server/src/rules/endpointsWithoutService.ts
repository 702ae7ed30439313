import type { WorkspaceIndex } from '../index/workspaceIndex';
import type { Endpoints } from '../model/types';
import { LEADER_ANNOTATION } from '../model/types';
import { describe } from './describe';
import { serviceNearMissFixes, serviceNearMisses } from './nearMisses';
import type { Rule } from './types';
import { Finding } from './types';

/**
 * Rule: endpoints-without-service
 *
 * An Endpoints object serves the Service of the same namespace and name and nothing
 * else (kube-proxy and the EndpointSlice mirroring controller look it up by that key).
 * With no such Service it carries no traffic: usually a typo in the name or the
 * namespace. The message names the Service it was probably meant for. Worse, the
 * endpoints controller deletes it: on start it queues every Endpoints, and syncing a
 * key whose Service does not exist deletes the Endpoints (pkg/controller/endpoint,
 * checkLeftoverEndpoints and syncService). Leader-election records, which carry the
 * annotation control-plane.alpha.kubernetes.io/leader, are the exception there and here.
 *
 * Fixes: set the namespace to that of a same-named Service; rename to a Service whose
 * name is a typo away.
 */
export const endpointsWithoutService: Rule = {
  code: 'endpoints-without-service',
  defaultSeverity: 'warning',
  description: 'An Endpoints has no Service of the same namespace and name, so nothing routes to it.',
  dependsOn: ['key', 'nearNames'],

  check(index) {
    return index
      .allEndpoints()
      .filter(
        (endpoints) => endpoints.name && !endpoints.annotations[LEADER_ANNOTATION] && index.missesService(endpoints),
      )
      .map((endpoints) => {
        const { hints, related } = serviceNearMisses(index, endpoints);
        const message =
          `${describe(index, endpoints)} has no Service of the same namespace and name, so no traffic reaches these addresses, ` +
          'and the endpoints controller deletes it when it restarts.' +
          hints;
        return Finding.of(this, endpoints.uri, endpoints.name!.range, message, { related });
      });
  },

  fixes(finding, index) {
    const endpoints = endpointsAt(index, finding.uri, finding.range.start);
    return endpoints ? serviceNearMissFixes(index, endpoints) : [];
  },
};

/** The Endpoints whose name starts at `offset` in `uri`. */
export function endpointsAt(index: WorkspaceIndex, uri: string, offset: number): Endpoints | undefined {
  return index
    .file(uri)
    ?.objects.find((object): object is Endpoints => object.kind === 'Endpoints' && object.name?.range.start === offset);
}
