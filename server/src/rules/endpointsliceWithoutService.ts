import type { WorkspaceIndex } from '../index/workspaceIndex';
import type { EndpointSlice } from '../model/types';
import { SERVICE_NAME_LABEL } from '../model/types';
import { describe } from './describe';
import { serviceNearMissFixes, serviceNearMisses } from './nearMisses';
import type { Rule } from './types';
import { Finding } from './types';

/**
 * Rule: endpointslice-without-service
 *
 * kube-proxy files an EndpointSlice under the Service its `kubernetes.io/service-name`
 * label names, in the slice's namespace (pkg/proxy/endpointslicecache.go,
 * endpointSliceCacheKeys: "Error getting endpoint slice cache keys" for a slice without
 * the label, which it then skips). A slice without the label, or whose label names no
 * Service of its namespace, carries no traffic. The message names the Service it was
 * probably meant for: the same name in another namespace, or a name a typo away.
 *
 * Fixes: set the namespace to that of a same-named Service; relabel to a Service whose
 * name is a typo away.
 */
export const endpointsliceWithoutService: Rule = {
  code: 'endpointslice-without-service',
  defaultSeverity: 'warning',
  description: 'An EndpointSlice has no kubernetes.io/service-name label, or it names no Service of its namespace.',
  dependsOn: ['key', 'nearNames'],

  check(index) {
    return index.allEndpointSlices().flatMap((slice) => {
      const label = slice.serviceName;
      if (!label || label.value === '') {
        const anchor = label ?? slice.name;
        if (!anchor) return [];
        return [
          Finding.of(
            this,
            slice.uri,
            anchor.range,
            `${describe(index, slice)} has ${label ? 'an empty' : 'no'} ${SERVICE_NAME_LABEL} label, so kube-proxy ignores it: the label is how a slice names its Service. ` +
              'Add the label with the name of the Service these endpoints serve.',
          ),
        ];
      }
      if (!index.missesService(slice)) return [];
      const { hints, related } = serviceNearMisses(index, slice);
      return [
        Finding.of(
          this,
          slice.uri,
          label.range,
          `${describe(index, slice)} is labelled for Service "${index.namespaceOf(slice)}/${label.value}", which does not exist, ` +
            `so no traffic reaches these endpoints.${hints}`,
          { related },
        ),
      ];
    });
  },

  fixes(finding, index) {
    const slice = sliceAt(index, finding.uri, finding.range.start);
    return slice ? serviceNearMissFixes(index, slice) : [];
  },
};

/** The slice whose service-name label value starts at `offset` in `uri`. */
function sliceAt(index: WorkspaceIndex, uri: string, offset: number): EndpointSlice | undefined {
  return index
    .file(uri)
    ?.objects.find(
      (object): object is EndpointSlice =>
        object.kind === 'EndpointSlice' && object.serviceName?.range.start === offset,
    );
}
