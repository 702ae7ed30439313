import type { WorkspaceIndex } from '../index/workspaceIndex';
import { UriPath } from '../index/uriPath';
import type { Service } from '../model/types';
import { describe, describeAt } from './describe';
import { backendsInOtherNamespaces, serviceNameOf, setNamespaceFix, similarBackends } from './nearMisses';
import {
  addressTypesOfService,
  endpointSlicesForService,
  endpointsForService,
  freeSliceNames,
} from './backendDocuments';
import type { Fix, FixContext, Rule } from './types';
import { Finding } from './types';
import { insertDocumentsAfter, type RenderedDocument, styleOfService } from './yamlText';

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
 * Fixes: create an EndpointSlice or an Endpoints, in this file or in a new file beside
 * it (the EndpointSlice first and preferred when `preferEndpointSlice`, as from
 * Kubernetes 1.33, which deprecates Endpoints); move a same-named backend of another
 * namespace into this one.
 */
export const serviceWithoutEndpoints: Rule = {
  code: 'service-without-endpoints',
  defaultSeverity: 'warning',
  description: 'A Service without a selector has no Endpoints or EndpointSlice of the same namespace and name.',
  dependsOn: ['key', 'nearNames'],

  check(index) {
    return index
      .allServices()
      .filter((service) => service.name && index.missesBackends(service))
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
    const backends = [endpointSliceToCreate(index, service, context), endpointsToCreate(index, service)];
    if (!context.preferEndpointSlice) backends.reverse();
    const fixes: Fix[] = backends.flatMap((backend, i) => {
      const inFile = createInFile(index, service, backend, i === 0);
      const inNewFile =
        context.canCreateFiles && isSafeFileStem(service.name!.value)
          ? createInNewFile(index, service, backend)
          : undefined;
      return [inFile, inNewFile].filter((fix): fix is Fix => fix !== undefined);
    });
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

/** A backend object a fix can create for a Service, rendered in the style of the Service's file. */
type BackendToCreate = {
  /** `Endpoints "db"`, for fix titles. */
  label: string;
  /** The file name, without extension, of the new-file variant. */
  fileStem: string;
  documents: RenderedDocument[];
};

function endpointsToCreate(index: WorkspaceIndex, service: Service): BackendToCreate {
  const text = index.file(service.uri)!.text;
  const name = service.name!.value;
  return {
    label: `Endpoints "${name}"`,
    fileStem: `${name}-endpoints`,
    documents: [endpointsForService(text, service, styleOfService(text, service))],
  };
}

function endpointSliceToCreate(index: WorkspaceIndex, service: Service, context: FixContext): BackendToCreate {
  const text = index.file(service.uri)!.text;
  const families = addressTypesOfService(service);
  const names = freeSliceNames(index, index.namespaceOf(service), service.name!.value, families.length);
  const style = styleOfService(text, service);
  return {
    label:
      names.length === 1
        ? `EndpointSlice "${names[0]}"`
        : `EndpointSlices ${names.map((name, i) => `"${name}" (${families[i]})`).join(' and ')}`,
    fileStem: `${service.name!.value}-endpointslice${names.length === 1 ? '' : 's'}`,
    documents: endpointSlicesForService(text, service, names, context.endpointSliceManagedBy, style),
  };
}

function createInFile(
  index: WorkspaceIndex,
  service: Service,
  backend: BackendToCreate,
  isPreferred: boolean,
): Fix | undefined {
  const edit = insertDocumentsAfter(index.file(service.uri)!.text, service, backend.documents);
  return (
    edit && {
      title: `Create ${backend.label} in this file`,
      isPreferred,
      changes: [{ kind: 'edit', uri: service.uri, ...edit }],
    }
  );
}

function createInNewFile(index: WorkspaceIndex, service: Service, backend: BackendToCreate): Fix {
  const uri = freeSiblingUri(index, service.uri, backend.fileStem);
  return {
    title: `Create ${backend.label} in ${UriPath.basename(UriPath.of(uri))}`,
    changes: [{ kind: 'create', uri, text: backend.documents.map((document) => document.text).join('---\n') }],
  };
}

/**
 * Whether a Service name can name a new file beside it: only characters of DNS names, so
 * no `/`, backslash, `..` or encoded separator can put the file outside the Service's folder.
 * Other names are invalid Service names anyway (object-name-invalid says so).
 */
function isSafeFileStem(name: string): boolean {
  return /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name);
}

/** `<stem>.yaml` beside `uri`, or `<stem>-2.yaml`… when the index already has that file. */
function freeSiblingUri(index: WorkspaceIndex, uri: string, stem: string): string {
  for (let n = 1; ; n++) {
    const candidate = UriPath.sibling(uri, `${stem}${n === 1 ? '' : `-${n}`}.yaml`);
    if (!index.file(candidate)) return candidate;
  }
}
