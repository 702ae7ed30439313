import type { WorkspaceIndex } from '../index/workspaceIndex';
import type { EndpointSlice } from '../model/types';
import { SERVICE_NAME_LABEL } from '../model/types';
import { describe, describeAt } from './describe';
import { renameBackendFix, servicesInOtherNamespaces, setNamespaceFix, similarServices } from './nearMisses';
import type { Fix, Rule } from './types';
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
              `Add the label with the name of the Service these endpoints serve.`,
          ),
        ];
      }
      if (index.servicesOf(slice).length > 0) return [];
      const elsewhere = servicesInOtherNamespaces(index, slice);
      const similar = similarServices(index, slice);
      const hints = [
        ...elsewhere.map(
          (service) =>
            ` ${describeAt(index, service, slice.uri)} has that name but another namespace: a slice serves a Service of its own namespace only.`,
        ),
        ...similar.map((service) => ` Did you mean ${describeAt(index, service, slice.uri)}?`),
      ];
      return [
        Finding.of(
          this,
          slice.uri,
          label.range,
          `${describe(index, slice)} is labelled for Service "${index.namespaceOf(slice)}/${label.value}", which does not exist, ` +
            `so no traffic reaches these endpoints.${hints.join('')}`,
          {
            related: [...elsewhere, ...similar].map((service) => ({
              uri: service.uri,
              range: service.name!.range,
              message: describe(index, service),
            })),
          },
        ),
      ];
    });
  },

  fixes(finding, index) {
    const slice = sliceAt(index, finding.uri, finding.range.start);
    if (!slice) return [];
    const namespaces = [
      ...new Set(servicesInOtherNamespaces(index, slice).map((service) => index.namespaceOf(service))),
    ];
    const names = [...new Set(similarServices(index, slice).map((service) => service.name!.value))];
    const fixes = [
      ...namespaces.map((namespace) => setNamespaceFix(index, slice, namespace)),
      ...names.map((name) => renameBackendFix(index, slice, name)),
    ].filter((fix): fix is Fix => fix !== undefined);
    if (fixes.length === 1) fixes[0].isPreferred = true;
    return fixes;
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
