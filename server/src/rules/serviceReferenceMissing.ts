import {
  firstPodDnsName,
  referencedNamespace,
  type ServiceReference,
  serviceReferences,
  servicesReferencedBy,
} from '../index/selection';
import { UriPath } from '../index/uriPath';
import { nearest, ObjectKey, type WorkspaceIndex } from '../index/workspaceIndex';
import { compareByPlace, isGatewayRoute, isRouter, isTraefikRouter, objectHolding, type Service } from '../model/types';
import { describe, describeAt, editDistance, leftOutByTraefik } from './describe';
import { closestNames, servicesNamedNear, setNamespaceFix, TYPO_DISTANCE } from './nearMisses';
import type { Fix, Rule } from './types';
import { Finding } from './types';
import { insertEntryAfter, replaceScalar } from './yamlText';

/** How many Services a typo away a message suggests (and fixes offer), closest first. */
const MAX_SUGGESTIONS = 3;

/**
 * Rule: service-reference-missing
 *
 * An Ingress backend (`service.name` of networking.k8s.io/v1, `serviceName` of older versions), a
 * Gateway API route's backendRef to a Service (`name`, in its `namespace` when it writes one), a
 * service of a Traefik route, TraefikService or Middleware (the same) or a StatefulSet's
 * `serviceName` names a Service the namespace does not have in the workspace:
 * - the Ingress controller finds no Service for the backend and answers its paths with 503
 *   (ingress-nginx logs "service not found"); the API server takes the Ingress as it is;
 * - the Gateway finds none for the backendRef, an invalid one, and answers the requests it would
 *   get with 500 (Gateway API HTTPRouteRule.backendRefs: "a resource that does not exist"); for
 *   the backendRef of a requestMirror filter, it configures no mirror (HTTPRequestMirrorFilter:
 *   "If the referent cannot be found, this BackendRef is invalid and must be dropped");
 * - Traefik finds none for the service, logs "kubernetes service not found" and leaves it (a
 *   Middleware's, the middleware) out of its configuration (its Kubernetes CRD provider,
 *   buildServersLB);
 * - the StatefulSet's pods get no DNS names of their own (`web-0.web.shop.svc`): its governing
 *   Service, headless, is what publishes them (StatefulSet "Stable Network ID").
 * It speaks only when the object's folder holds a Service of that namespace: an app's manifests
 * usually sit together, and an Ingress alone in its folder most often routes to Services installed
 * from elsewhere (a Helm chart, another repository), as in homelab repositories.
 * Services a typo away in the namespace are named, with a fix that writes the name; so are Services
 * of that name in other namespaces, with a fix that names their namespace where the reference may
 * (a route's backendRef, which then needs a ReferenceGrant there; a Traefik service).
 * A namespace that is a typo itself (written, holding no Service in the workspace, a typo away
 * from one that has a Service of the name) is reported wherever the reference sits, with a fix
 * that writes the right one where the typo is: the reference's `namespace`, or its object's.
 */
export const serviceReferenceMissing: Rule = {
  code: 'service-reference-missing',
  defaultSeverity: 'warning',
  description:
    "An Ingress, Gateway API route or Traefik route backend, or a StatefulSet's serviceName, names a Service its namespace does not have.",
  dependsOn: ['key', 'referencedServices'],

  check(index) {
    return serviceReferences(index).flatMap((reference) => {
      // Most references name a Service: a lookup by key, before the walk over the namespace's Services.
      if (servicesReferencedBy(index, reference).length > 0) return [];
      const namespace = referencedNamespace(index, reference);
      const folder = UriPath.folderOf(reference.object.uri);
      const besideIt = (service: Service) => UriPath.folderOf(service.uri) === folder;
      if (!index.servicesIn(namespace).some(besideIt) && !namespaceTypoed(index, reference)) return [];
      const { object, name } = reference;
      const similar = similarServices(index, reference);
      const elsewhere = sameNameElsewhere(index, reference);
      const { named, consequence } = wording(index, reference);
      const hints =
        similar.map((service) => ` Did you mean ${describeAt(index, service, object.uri)}?`).join('') +
        elsewhere.map((service) => elsewhereHint(index, reference, service)).join('');
      return [
        Finding.of(
          this,
          object.uri,
          name.range,
          `${describe(index, object)} names Service "${name.value}" as ${named}, which namespace "${namespace}" does not have in the workspace, ${consequence}.${hints}`,
          {
            related: [...similar, ...elsewhere].map((service) => ({
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
    const reference = referenceAt(index, finding.uri, finding.range.start);
    const text = index.file(finding.uri)?.text;
    if (!reference || text === undefined) return [];
    const names = similarServices(index, reference).map((service) => service.name!.value);
    const otherNamespaces = sameNameElsewhere(index, reference).map((service) => index.namespaceOf(service));
    const namespaces = canNameNamespace(reference.object) ? otherNamespaces : [];
    const renames = names.map((name): Fix => ({
      title: `Name Service "${name}" instead`,
      changes: [{ kind: 'edit', uri: finding.uri, ...replaceScalar(text, reference.name, name) }],
    }));
    // A typo in the namespace its object's metadata writes: the object moves, its other references with it.
    const objectNamespace = reference.namespace?.value ? undefined : reference.object.namespace?.value;
    const objectMoves =
      objectNamespace === referencedNamespace(index, reference)
        ? otherNamespaces
            .filter((namespace) => isTypoOf(namespace, objectNamespace))
            .flatMap((namespace) => setNamespaceFix(index, reference.object, namespace) ?? [])
        : [];
    const moves = namespaces.flatMap((namespace): Fix[] => {
      const edit = namespaceEdit(text, reference, namespace);
      return edit
        ? [
            {
              title: `Name Service "${namespace}/${reference.name.value}"`,
              changes: [{ kind: 'edit', uri: finding.uri, ...edit }],
            },
          ]
        : [];
    });
    const fixes = [...renames, ...objectMoves, ...moves];
    if (fixes.length === 1) fixes[0].isPreferred = true;
    return fixes;
  },
};

/** How the message names the reference, and what follows from it naming no Service. */
function wording(
  index: WorkspaceIndex,
  { object, name, mirror }: ServiceReference,
): { named: string; consequence: string } {
  if (object.kind === 'Ingress')
    return {
      named: 'a backend',
      consequence: 'so the Ingress controller finds no Service for this backend and answers its requests with 503',
    };
  if (isTraefikRouter(object))
    return {
      named: object.kind === 'Middleware' ? 'the service of its error pages' : 'one of its services',
      consequence: `so Traefik finds no Service for it and leaves ${leftOutByTraefik(object)} out of its configuration ("kubernetes service not found")`,
    };
  if (mirror)
    return {
      named: 'the backendRef of a requestMirror filter',
      consequence:
        "so the Gateway finds no Service to mirror the requests to and mirrors none (the route's ResolvedRefs condition: BackendNotFound)",
    };
  if (isRouter(object))
    return {
      named: 'a backendRef',
      consequence:
        "so the Gateway finds no Service for this backendRef and answers the requests it would get with 500 (the route's ResolvedRefs condition: BackendNotFound)",
    };
  return {
    named: 'its serviceName',
    consequence: `so its pods get no DNS names of their own (${firstPodDnsName(index, object, name.value)}): the governing Service publishes them`,
  };
}

/**
 * The Services of the reference's namespace whose names are a typo away from the one it gives, one
 * per name (the nearest to the reference, as backends pair), closest names first: the same however
 * the index was built or edited.
 */
function similarServices(index: WorkspaceIndex, reference: ServiceReference): Service[] {
  const { object, name } = reference;
  const namespace = referencedNamespace(index, reference);
  const distances = new Map<string, number>();
  for (const { candidate, distance } of servicesNamedNear(index, namespace, name.value))
    if (distance > 0) distances.set(candidate.name!.value, distance);
  return closestNames(distances, MAX_SUGGESTIONS).map(
    (candidate) =>
      nearest(index.servicesWithKey(ObjectKey.of(namespace, candidate)), object.uri).sort(compareByPlace)[0],
  );
}

/**
 * The Services of the reference's name in other namespaces, one per namespace (the nearest), those a
 * typo away first, then by namespace: the reference may be written in, or name, the wrong one.
 */
function sameNameElsewhere(index: WorkspaceIndex, reference: ServiceReference): Service[] {
  const namespace = referencedNamespace(index, reference);
  const byNamespace = new Map<string, Service[]>();
  for (const service of index.servicesNamed(reference.name.value)) {
    const other = index.namespaceOf(service);
    if (other !== namespace) byNamespace.set(other, [...(byNamespace.get(other) ?? []), service]);
  }
  const typoFirst = (other: string) => (isTypoOf(other, namespace) ? 0 : 1);
  return [...byNamespace]
    .sort(([a], [b]) => typoFirst(a) - typoFirst(b) || (a < b ? -1 : 1))
    .slice(0, MAX_SUGGESTIONS)
    .map(([, services]) => nearest(services, reference.object.uri).sort(compareByPlace)[0]);
}

/**
 * Whether the namespace the reference resolves in, as its text writes it (its own `namespace`, or
 * its object's), has no Service in the workspace and is a typo away from one that has a Service of
 * the name it gives: then it speaks even with no Service of that namespace in the folder.
 */
function namespaceTypoed(index: WorkspaceIndex, reference: ServiceReference): boolean {
  const namespace = referencedNamespace(index, reference);
  const written = reference.namespace?.value || reference.object.namespace?.value;
  return (
    written === namespace &&
    index.servicesIn(namespace).length === 0 &&
    index.servicesNamed(reference.name.value).some((service) => isTypoOf(index.namespaceOf(service), namespace))
  );
}

/** Whether two namespaces differ, by a typo at most. */
function isTypoOf(namespace: string, other: string): boolean {
  return namespace !== other && editDistance(namespace, other, TYPO_DISTANCE) <= TYPO_DISTANCE;
}

/** What the message says of a Service of the name a reference gives, in another namespace. */
function elsewhereHint(index: WorkspaceIndex, reference: ServiceReference, service: Service): string {
  const { object } = reference;
  const where = describeAt(index, service, object.uri);
  if (isTypoOf(index.namespaceOf(service), referencedNamespace(index, reference)))
    return ` Did you mean ${where}, whose namespace differs by a typo?`;
  if (canNameNamespace(object)) return ` Did you mean ${where} of another namespace?`;
  const naming = object.kind === 'Ingress' ? 'an Ingress backend' : "a StatefulSet's serviceName";
  return ` ${where} has that name in another namespace, which ${naming} cannot name.`;
}

/**
 * Whether the reference may name a Service of another namespace: a Gateway API route's backendRef
 * (with a ReferenceGrant there) and a Traefik service (with Traefik's allowCrossNamespace) write
 * `namespace`; an Ingress backend and a StatefulSet's serviceName cannot.
 */
function canNameNamespace(object: ServiceReference['object']): boolean {
  return isGatewayRoute(object) || isTraefikRouter(object);
}

/** The edit that makes a route's reference name `namespace`: its `namespace` value, or a new entry after its name. */
function namespaceEdit(text: string, reference: ServiceReference, namespace: string) {
  if (reference.namespace) return replaceScalar(text, reference.namespace, namespace);
  if (!isRouter(reference.object)) return undefined;
  const backend = reference.object.backends.find((candidate) => candidate.serviceName === reference.name);
  return backend && insertEntryAfter(text, backend.range, backend.serviceName, 'namespace', namespace);
}

/** The reference whose name starts at `offset` of `uri`. */
function referenceAt(index: WorkspaceIndex, uri: string, offset: number): ServiceReference | undefined {
  const file = index.file(uri);
  const object = file && objectHolding(file.objects, offset);
  if (!object) return undefined;
  return serviceReferences(index).find(
    (reference) => reference.object === object && reference.name.range.start === offset,
  );
}
