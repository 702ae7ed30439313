import type { WorkspaceIndex } from '../index/workspaceIndex';
import { UriPath } from '../index/uriPath';
import { ServiceSemantics } from '../model/semantics';
import type { Service } from '../model/types';
import { describe, describeAt } from './describe';
import { backendsInOtherNamespaces, serviceNameOf, setNamespaceFix, similarBackends } from './nearMisses';
import type { Fix, Rule } from './types';
import { Finding } from './types';
import { afterDocument, entries, escapeSnippet, renderYaml, sourceOf, styleOf, type YamlValue } from './yamlText';

/** What a created Endpoints holds until the user types the real address; the IP rule flags it. */
export const ADDRESS_PLACEHOLDER = '<backend-ip>';

/**
 * Rule: service-without-endpoints
 *
 * A Service without a selector (and not `type: ExternalName`) gets no Endpoints
 * from the control plane: the endpoints and EndpointSlice controllers skip Services
 * whose selector is nil (kubernetes/kubernetes pkg/controller/endpoint,
 * endpointslice: "services without a selector receive no endpoints"). Unless an
 * Endpoints or EndpointSlice of the same namespace/name exists, kube-proxy has no
 * backend for it and connections are refused. Headless Services included.
 *
 * Fixes: create the Endpoints in this file (preferred) or in a new file beside it;
 * move a same-named Endpoints of another namespace into this one.
 */
export const serviceWithoutEndpoints: Rule = {
  code: 'service-without-endpoints',
  defaultSeverity: 'warning',
  description: 'A Service without a selector has no Endpoints or EndpointSlice of the same namespace and name.',
  dependsOn: 'related',

  check(index) {
    return index
      .allServices()
      .filter((service) => service.name && ServiceSemantics.needsManualBackends(service))
      .filter((service) => index.backendsOf(service).length === 0)
      .map((service) => {
        const elsewhere = backendsInOtherNamespaces(index, service);
        const similar = similarBackends(index, service);
        const hints = [
          ...elsewhere.map(
            (backend) =>
              ` ${describeAt(index, backend, service.uri)} has its name but another namespace: Endpoints pair with a Service of the same namespace only.`,
          ),
          ...similar.map(
            (backend) =>
              ` Did you mean ${describeAt(index, backend, service.uri)}, whose name "${serviceNameOf(backend)}" differs by a typo?`,
          ),
        ];
        const message =
          `${describe(index, service)} has no selector and no Endpoints or EndpointSlice of the same namespace and name, ` +
          `so it has no backends and connections to it fail.${hints.join('')}`;
        return Finding.of(this, service.uri, service.name!.range, message, {
          related: [...elsewhere, ...similar].map((backend) => ({
            uri: backend.uri,
            range: backend.name?.range ?? backend.range,
            message: describe(index, backend),
          })),
          data: { otherNamespace: elsewhere.length > 0 ? index.namespaceOf(service) : null },
        });
      });
  },

  fixes(finding, index, context) {
    const service = serviceAt(index, finding.uri, finding.range.start);
    if (!service) return [];
    const fixes: Fix[] = [createEndpointsInFile(index, service)];
    if (context.canCreateFiles) fixes.push(createEndpointsInNewFile(index, service));
    if (finding.data?.otherNamespace) {
      for (const backend of backendsInOtherNamespaces(index, service)) {
        const fix = setNamespaceFix(index, backend, index.namespaceOf(service));
        if (fix) fixes.push(fix);
      }
    }
    return fixes;
  },
};

/** The Service whose name starts at `offset` in `uri`. */
export function serviceAt(index: WorkspaceIndex, uri: string, offset: number): Service | undefined {
  return index
    .file(uri)
    ?.objects.find((object): object is Service => object.kind === 'Service' && object.name?.range.start === offset);
}

function createEndpointsInFile(index: WorkspaceIndex, service: Service): Fix {
  const text = index.file(service.uri)!.text;
  const { offset, lead } = afterDocument(text, service);
  const document = endpointsDocument(text, service);
  const separator = `---${styleOf(text, service).eol}`;
  return {
    title: `Create Endpoints "${service.name!.value}" in this file`,
    isPreferred: true,
    changes: [
      {
        kind: 'edit',
        uri: service.uri,
        range: { start: offset, end: offset },
        newText: lead + separator + document.text,
        snippet: escapeSnippet(lead + separator) + document.snippet,
      },
    ],
  };
}

function createEndpointsInNewFile(index: WorkspaceIndex, service: Service): Fix {
  const text = index.file(service.uri)!.text;
  const uri = freeSiblingUri(index, service.uri, `${service.name!.value}-endpoints`);
  return {
    title: `Create Endpoints "${service.name!.value}" in ${UriPath.basename(UriPath.of(uri))}`,
    changes: [{ kind: 'create', uri, text: endpointsDocument(text, service).text }],
  };
}

/** `<stem>.yaml` beside `uri`, or `<stem>-2.yaml`… when the index already has that file. */
function freeSiblingUri(index: WorkspaceIndex, uri: string, stem: string): string {
  for (let n = 1; ; n++) {
    const candidate = UriPath.sibling(uri, `${stem}${n === 1 ? '' : `-${n}`}.yaml`);
    if (!index.file(candidate)) return candidate;
  }
}

/**
 * The Endpoints a selector-less Service needs: name and namespace copied as the Service
 * writes them, one subset with a placeholder address, and one port per Service port with
 * its name and protocol. The port number is the numeric `targetPort` when there is one,
 * since kube-proxy forwards to the endpoint's port, else the Service `port`.
 */
function endpointsDocument(text: string, service: Service): { text: string; snippet: string } {
  const style = styleOf(text, service, service.ports[0]?.range);
  const ports: YamlValue[] = service.ports.map((port) => {
    const target = port.targetPort && typeof port.targetPort.value === 'number' ? port.targetPort : port.port;
    return entries(
      port.name !== undefined && ['name', sourceOf(text, port.name)],
      target !== undefined && ['port', sourceOf(text, target)],
      port.protocol !== undefined && ['protocol', sourceOf(text, port.protocol)],
    );
  });
  const marker = '\u0000';
  const subset = entries(['addresses', [entries(['ip', marker])]], ports.length > 0 && ['ports', ports]);
  const body = renderYaml(
    entries(
      ['apiVersion', 'v1'],
      ['kind', 'Endpoints'],
      [
        'metadata',
        entries(
          ['name', sourceOf(text, service.name!)],
          service.namespace !== undefined && ['namespace', sourceOf(text, service.namespace)],
        ),
      ],
      ['subsets', [subset]],
    ),
    style,
  );
  return {
    text: body.replace(marker, ADDRESS_PLACEHOLDER),
    snippet: escapeSnippet(body).replace(marker, `\${1:${ADDRESS_PLACEHOLDER}}`),
  };
}
