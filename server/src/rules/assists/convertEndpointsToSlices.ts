import type { WorkspaceIndex } from '../../index/workspaceIndex';
import type { EndpointAddress, Endpoints, EndpointSubset, Located } from '../../model/types';
import { MANAGED_BY_LABEL, SERVICE_NAME_LABEL } from '../../model/types';
import {
  addressTypeOf,
  endpointPort,
  endpointSlice,
  freeSliceNames,
  sliceLabels,
  type AddressType,
  type SliceParts,
} from '../backendDocuments';
import type { Assist, Fix, FixContext } from '../types';
import {
  afterDocument,
  columnOf,
  entries,
  escapeSnippet,
  insertDocumentsAfter,
  renderYaml,
  scalarText,
  sourceOf,
  styleOf,
  type RenderedDocument,
  type YamlEntries,
} from '../yamlText';

/**
 * Assist: convert-endpoints-to-slices
 *
 * Rewrites a v1 Endpoints as discovery.k8s.io/v1 EndpointSlices the way the
 * EndpointSlice mirroring controller would (pkg/controller/endpointslicemirroring):
 * one slice per subset and address family, `notReadyAddresses` as endpoints with
 * `conditions.ready: false`, hostname, nodeName, targetRef and ports carried over,
 * labels and annotations copied but for those the control plane owns. The slices are
 * labelled with `kubeEndpoints.endpointSliceManagedBy`, not a controller's name, so
 * no controller takes them over.
 *
 * Offered anywhere on an Endpoints document: replace it in place (preferred), or add
 * the slices after it and keep it.
 */
export const convertEndpointsToSlices: Assist = {
  id: 'convert-endpoints-to-slices',

  fixes(index, uri, range, context) {
    const endpoints = index
      .file(uri)
      ?.objects.find(
        (object): object is Endpoints =>
          object.kind === 'Endpoints' && object.range.start <= range.start && range.end <= object.range.end,
      );
    return endpoints ? conversionFixes(index, endpoints, context) : [];
  },
};

/** Labels the control plane sets on slices, or reads on Endpoints: never copied. */
const CONTROLLER_LABELS = new Set([SERVICE_NAME_LABEL, MANAGED_BY_LABEL, 'endpointslice.kubernetes.io/skip-mirror']);

/** Annotations that describe one object's history or capacity, not the backends: never copied. */
const CONTROLLER_ANNOTATIONS = new Set([
  'endpoints.kubernetes.io/last-change-trigger-time',
  'endpoints.kubernetes.io/over-capacity',
  'kubectl.kubernetes.io/last-applied-configuration',
]);

/**
 * The conversions of one Endpoints: in place (when it is a document of its own, not a
 * List item), then beside it, which keeps the Endpoints.
 */
export function conversionFixes(index: WorkspaceIndex, endpoints: Endpoints, context: FixContext): Fix[] {
  const text = index.file(endpoints.uri)?.text;
  if (text === undefined || !endpoints.name) return [];
  const style = styleOf(text, endpoints, endpoints.subsets[0]?.range, 1);
  const slices = slicesFor(index, text, endpoints, context);
  const documents: RenderedDocument[] = slices.map(({ parts }) => {
    const rendered = renderYaml(endpointSlice(parts), style);
    return { text: rendered, snippet: escapeSnippet(rendered) };
  });
  const what = slices.length === 1 ? `EndpointSlice "${slices[0].name}"` : `${slices.length} EndpointSlices`;
  const source = `Endpoints "${endpoints.name.value}"`;
  const fixes: Fix[] = [];
  // A List item or a document that starts mid-line cannot be swapped for top-level documents, nor
  // one followed by more than comments before its document ends: yaml leaves out of a mapping's
  // range what follows an empty explicit key (`? :`), which would trail the new documents.
  const rest = text.slice(endpoints.range.end, afterDocument(text, endpoints).offset);
  if (endpoints.itemIndex === undefined && columnOf(text, endpoints.range.start) === 0 && /^(\s|#.*)*$/.test(rest)) {
    const replaced = text.slice(endpoints.range.start, endpoints.range.end);
    let newText = documents.map((document) => document.text).join(`---${style.eol}`);
    if (!replaced.endsWith('\n')) newText = newText.slice(0, newText.length - style.eol.length);
    fixes.push({
      title: `Convert ${source} to ${what}`,
      isPreferred: true,
      rewritesObjects: true,
      changes: [{ kind: 'edit', uri: endpoints.uri, range: endpoints.range, newText }],
    });
  }
  const beside = insertDocumentsAfter(text, endpoints, documents);
  if (beside) {
    fixes.push({ title: `Add ${what} beside ${source}`, changes: [{ kind: 'edit', uri: endpoints.uri, ...beside }] });
  }
  return fixes;
}

/** One slice per subset and address family, IPv4 first; a single empty slice when there is no address. */
function slicesFor(
  index: WorkspaceIndex,
  text: string,
  endpoints: Endpoints,
  context: FixContext,
): { name: string; parts: SliceParts }[] {
  const groups: { subset?: EndpointSubset; addressType: AddressType; addresses: EndpointAddress[] }[] = [];
  for (const subset of endpoints.subsets) {
    for (const addressType of ['IPv4', 'IPv6'] as const) {
      const addresses = subset.addresses.filter(
        (address) => address.ip && addressTypeOf(address.ip.value) === addressType,
      );
      if (addresses.length > 0) groups.push({ subset, addressType, addresses });
    }
  }
  if (groups.length === 0) groups.push({ subset: endpoints.subsets[0], addressType: 'IPv4', addresses: [] });
  const names = freeSliceNames(index, index.namespaceOf(endpoints), endpoints.name!.value, groups.length);
  const labels = copied(text, endpoints.labels, CONTROLLER_LABELS);
  const annotations = copied(text, endpoints.annotations, CONTROLLER_ANNOTATIONS);
  return groups.map(({ subset, addressType, addresses }, i) => ({
    name: names[i],
    parts: {
      name: scalarText(names[i]),
      namespace: endpoints.namespace && sourceOf(text, endpoints.namespace),
      labels: [...sliceLabels(sourceOf(text, endpoints.name!), context.endpointSliceManagedBy), ...labels],
      annotations,
      addressType,
      endpoints: addresses.map((address) => endpointOf(text, address)),
      ports: (subset?.ports ?? []).map((port) => endpointPort(text, port)),
    },
  }));
}

/** An Endpoints address as a slice endpoint; readiness is only written when false, since unset means ready. */
function endpointOf(text: string, address: EndpointAddress): YamlEntries {
  return entries(
    ['addresses', [sourceOf(text, address.ip!)]],
    !address.ready && ['conditions', entries(['ready', 'false'])],
    address.hostname !== undefined && ['hostname', sourceOf(text, address.hostname)],
    address.nodeName !== undefined && ['nodeName', sourceOf(text, address.nodeName)],
    address.targetRef !== undefined &&
      address.targetRef.fields.length > 0 && [
        'targetRef',
        entries(
          ...address.targetRef.fields.map(({ key, value }): [string, string] => [
            scalarText(key),
            sourceOf(text, value),
          ]),
        ),
      ],
  );
}

/** Label or annotation entries as written, but those in `dropped`. */
function copied(text: string, map: Record<string, Located<string>>, dropped: Set<string>): [string, string][] {
  return Object.entries(map)
    .filter(([key]) => !dropped.has(key))
    .map(([key, value]) => [
      value.keyRange ? sourceOf(text, { range: value.keyRange }) : scalarText(key),
      sourceOf(text, value),
    ]);
}
