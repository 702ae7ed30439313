import { nearest, type WorkspaceIndex } from '../index/workspaceIndex';
import type { Backend, KubeObject, Service, SourceRange } from '../model/types';
import { servedServiceName } from '../model/semantics';
import { compareByPlace } from '../model/types';
import { characterClassCounts, describe, describeAt, editDistance, editDistanceAtLeast } from './describe';
import type { Fix } from './types';
import { insertEntryAfter, insertFirstEntry, replaceScalar, scalarText } from './yamlText';

/**
 * The objects that were probably meant to pair but do not: same name in another
 * namespace, or a name within a typo (edit distance 2) in the same namespace.
 * Shared by the rules that look from either side of a Service/Endpoints pair.
 */

/** How far apart two names may be and still read as a typo. */
export const TYPO_DISTANCE = 2;

/**
 * How many names a typo away a message suggests (and fixes offer), closest first: in a
 * workspace of `app-1234`, `app-1284`… dozens qualify, and a wall of guesses helps nobody.
 */
const MAX_TYPO_SUGGESTIONS = 3;

/*
 * Only unpaired objects are offered (`missesBackends` and `missesService` of the index): a
 * Service that has backends, or a backend that has its Service, was not meant for the object at
 * hand; nor was a Service that takes no hand-written backends.
 */

/** Services missing backends with the backend's name in other namespaces: the nearest, in file order. */
export function servicesInOtherNamespaces(index: WorkspaceIndex, backend: Backend): Service[] {
  const name = serviceNameOf(backend);
  const namespace = index.namespaceOf(backend);
  if (name === undefined) return [];
  return nearest(
    index
      .servicesNamed(name)
      .filter((service) => index.namespaceOf(service) !== namespace && index.missesBackends(service)),
    backend.uri,
  ).sort(compareByPlace);
}

/** Backends without a Service, named for this Service, in other namespaces: the nearest, in file order. */
export function backendsInOtherNamespaces(index: WorkspaceIndex, service: Service): Backend[] {
  const name = service.name?.value;
  const namespace = index.namespaceOf(service);
  if (name === undefined) return [];
  return nearest(
    index
      .backendsNamed(name)
      .filter((backend) => index.namespaceOf(backend) !== namespace && index.missesService(backend)),
    service.uri,
  ).sort(compareByPlace);
}

/** Services missing backends in the backend's namespace whose name is a typo away from the one it names. */
export function similarServices(index: WorkspaceIndex, backend: Backend): Service[] {
  const name = serviceNameOf(backend);
  const namespace = index.namespaceOf(backend);
  if (name === undefined) return [];
  return closest(servicesNear(index, namespace, name));
}

/** Backends without a Service in the Service's namespace whose Service name is a typo away from its name. */
export function similarBackends(index: WorkspaceIndex, service: Service): Backend[] {
  const name = service.name?.value;
  const namespace = index.namespaceOf(service);
  if (name === undefined) return [];
  return closest(backendsNear(index, namespace, name));
}

/** The names of a list of candidates, with their `characterClassCounts`. */
type Names = { names: string[]; counts: Uint32Array };

/**
 * The names of the lists of unpaired objects the index hands out (the same list until a Service
 * or backend of its namespace is filed again), read once for all the objects that look through one.
 */
const unpairedServiceNames = new WeakMap<readonly Service[], Names>();
const unpairedBackendNames = new WeakMap<readonly Backend[], Names>();
/** The same for the lists of all the Services of a namespace. */
const namespaceServiceNames = new WeakMap<readonly Service[], Names>();

/** The name of the Service a backend is for: its own name for Endpoints, its label for a slice. */
export function serviceNameOf(backend: Backend): string | undefined {
  return servedServiceName(backend)?.value;
}

/** A fix that sets `metadata.namespace` of `object`, replacing it or adding it after the name. */
export function setNamespaceFix(index: WorkspaceIndex, object: KubeObject, namespace: string): Fix | undefined {
  const text = index.file(object.uri)?.text;
  // A namespace that is empty or no string has no scalar to replace, and adding another would repeat the key.
  if (text === undefined || !object.metadataRange) return undefined;
  if (!object.namespace && object.namespaceKeyWritten) return undefined;
  // The namespace comes from another object's value (a block scalar's line breaks included): insert it quoted as needed.
  const edit = object.namespace
    ? replaceScalar(text, object.namespace, namespace)
    : object.name
      ? insertEntryAfter(text, object.metadataRange, object.name, 'namespace', scalarText(namespace))
      : insertFirstEntry(text, object.metadataRange, 'namespace', scalarText(namespace));
  if (!edit) return undefined;
  return {
    title: `Set the namespace of ${object.kind} "${object.name?.value ?? ''}" to "${namespace}"`,
    changes: [{ kind: 'edit', uri: object.uri, ...edit }],
  };
}

/** A fix that renames an Endpoints, or relabels a slice, to serve the Service `name`. */
export function renameBackendFix(index: WorkspaceIndex, backend: Backend, name: string): Fix | undefined {
  const text = index.file(backend.uri)?.text;
  const target = backend.kind === 'Endpoints' ? backend.name : backend.serviceName;
  if (text === undefined || !target) return undefined;
  const title =
    backend.kind === 'Endpoints'
      ? `Rename Endpoints "${target.value}" to "${name}"`
      : `Set the service-name label of EndpointSlice "${backend.name?.value ?? ''}" to "${name}"`;
  return {
    title,
    changes: [{ kind: 'edit', uri: backend.uri, ...replaceScalar(text, target, name) }],
  };
}

/**
 * The unpaired Services and backends of a namespace whose names are a typo or less from `name`:
 * those whose near-miss hints can name an object called `name`, which an edit of such an object
 * checks again (see rules/recheck.ts).
 */
export function unpairedNear(index: WorkspaceIndex, namespace: string, name: string): KubeObject[] {
  return [...servicesNear(index, namespace, name), ...backendsNear(index, namespace, name)].map(
    ({ candidate }) => candidate,
  );
}

/** The Services missing backends of a namespace at most a typo from `name`, with their distance. */
function servicesNear(index: WorkspaceIndex, namespace: string, name: string): Near<Service>[] {
  return withinTypo(
    name,
    index.servicesMissingBackendsIn(namespace),
    unpairedServiceNames,
    (service) => service.name?.value,
  );
}

/** The backends without a Service of a namespace whose Service name is at most a typo from `name`. */
function backendsNear(index: WorkspaceIndex, namespace: string, name: string): Near<Backend>[] {
  return withinTypo(name, index.backendsMissingServicesIn(namespace), unpairedBackendNames, serviceNameOf);
}

/**
 * The Services of a namespace, paired or not, whose names are at most a typo from `name`, with their
 * distance: those an Ingress backend or a StatefulSet may have meant when the namespace has no
 * Service of the name it gives.
 */
export function servicesNamedNear(index: WorkspaceIndex, namespace: string, name: string): Near<Service>[] {
  return withinTypo(name, index.servicesIn(namespace), namespaceServiceNames, (service) => service.name?.value);
}

/** The names of `distances`, closest first, then in code-unit order (the same however they were found), `limit` at most. */
export function closestNames(distances: ReadonlyMap<string, number>, limit: number): string[] {
  return [...distances]
    .sort(([a, da], [b, db]) => da - db || (a < b ? -1 : 1))
    .slice(0, limit)
    .map(([name]) => name);
}

/** A candidate at most a typo from a name, and how far. */
export type Near<T> = { candidate: T; distance: number };

/** The candidates a typo away, closest first, then in file order: the same however the index was built or edited. */
function closest<T extends KubeObject>(near: Near<T>[]): T[] {
  return near
    .filter(({ distance }) => distance > 0)
    .sort((a, b) => a.distance - b.distance || compareByPlace(a.candidate, b.candidate))
    .slice(0, MAX_TYPO_SUGGESTIONS)
    .map(({ candidate }) => candidate);
}

/**
 * The candidates whose names are at most a typo from `name`, the same name included, with their
 * distance. Each unpaired object of a namespace looks through the others (in the 50k benchmark
 * workspace put in one namespace, 480 Endpoints through 880 Services), and each edit of one
 * through them again: a loop that makes nothing for names not near, most of which it rules out
 * by their character counts.
 */
function withinTypo<T extends KubeObject>(
  name: string,
  candidates: readonly T[],
  namesOfLists: WeakMap<readonly T[], Names>,
  nameOf: (candidate: T) => string | undefined,
): Near<T>[] {
  let list = namesOfLists.get(candidates);
  if (!list) {
    const names = candidates.map((candidate) => nameOf(candidate) ?? '');
    list = { names, counts: Uint32Array.from(names, characterClassCounts) };
    namesOfLists.set(candidates, list);
  }
  const counts = characterClassCounts(name);
  const near: Near<T>[] = [];
  for (let i = 0; i < candidates.length; i++) {
    if (editDistanceAtLeast(counts, list.counts[i]) > TYPO_DISTANCE) continue;
    const distance = editDistance(name, list.names[i], TYPO_DISTANCE);
    if (distance <= TYPO_DISTANCE) near.push({ candidate: candidates[i], distance });
  }
  return near;
}

/**
 * For a backend whose Service does not exist: the Services it was probably meant for, as
 * the sentences a message ends with and as related information.
 */
export function serviceNearMisses(
  index: WorkspaceIndex,
  backend: Backend,
): { hints: string; related: { uri: string; range: SourceRange; message: string }[] } {
  const elsewhere = servicesInOtherNamespaces(index, backend);
  const similar = similarServices(index, backend);
  const hints = [
    ...elsewhere.map(
      (service) =>
        ` ${describeAt(index, service, backend.uri)} has its name but another namespace: set the namespace to "${index.namespaceOf(service)}".`,
    ),
    ...similar.map((service) => ` Did you mean ${describeAt(index, service, backend.uri)}?`),
  ];
  return {
    hints: hints.join(''),
    related: [...elsewhere, ...similar].map((service) => ({
      uri: service.uri,
      range: service.name!.range,
      message: describe(index, service),
    })),
  };
}

/** The fixes for such a backend: move it to a same-named Service's namespace, or rename it to a Service a typo away. */
export function serviceNearMissFixes(index: WorkspaceIndex, backend: Backend): Fix[] {
  const namespaces = [
    ...new Set(servicesInOtherNamespaces(index, backend).map((service) => index.namespaceOf(service))),
  ];
  const names = [...new Set(similarServices(index, backend).map((service) => service.name!.value))];
  const fixes = [
    ...namespaces.map((namespace) => setNamespaceFix(index, backend, namespace)),
    ...names.map((name) => renameBackendFix(index, backend, name)),
  ].filter((fix): fix is Fix => fix !== undefined);
  if (fixes.length === 1) Object.assign(fixes[0], { isPreferred: true, safe: true });
  return fixes;
}
