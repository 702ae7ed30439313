import { parseFile } from '../model/parse';
import type {
  Backend,
  EndpointSlice,
  Endpoints,
  KubeObject,
  Kustomization,
  ObjectBase,
  Service,
  Workload,
} from '../model/types';
import { UriPath } from './uriPath';

/** `namespace/name`: how Kubernetes ties a Service to its Endpoints. */
export type ObjectKey = string;

export namespace ObjectKey {
  export function of(namespace: string, name: string): ObjectKey {
    return `${namespace}/${name}`;
  }
}

/** What one file contributes to the index. */
export type FileEntry = {
  uri: string;
  /** The decoded path, for folder arithmetic. */
  path: string;
  text: string;
  objects: readonly KubeObject[];
  /** Documents that did not parse and were skipped. */
  brokenDocuments: number;
};

export type IndexOptions = {
  /** Namespace of objects that set none and are not under a namespaced kustomization. */
  defaultNamespace: string;
};

/**
 * Every modelled object of the workspace, updated one file at a time.
 *
 * Effective namespace: `metadata.namespace`, else the `namespace:` of the nearest
 * kustomization that lists the file (or a folder above it) among its resources,
 * else `defaultNamespace`. Pairing: a backend belongs to the nearest Service of its
 * key (same file, then same folder, then the deepest shared folder), so folders of
 * fixtures that reuse names stay apart.
 */
export class WorkspaceIndex {
  private readonly entries = new Map<string, FileEntry>();
  private readonly services = new MultiMap<ObjectKey, Service>();
  private readonly endpoints = new MultiMap<ObjectKey, Endpoints>();
  private readonly slicesByService = new MultiMap<ObjectKey, EndpointSlice>();
  private readonly workloads = new MultiMap<string, Workload>();
  /** The key each object was filed under, so removal finds it again. */
  private readonly filedUnder = new Map<string, { object: KubeObject; key: string }[]>();
  private kustomizations: Kustomization[] = [];
  private readonly namespaceCache = new Map<string, string>();
  /** Pairings computed since the last change; any update clears them. */
  private readonly servicesOfCache = new Map<Backend, Service[]>();
  private readonly backendsOfCache = new Map<Service, Backend[]>();
  private options: IndexOptions;

  constructor(options: Partial<IndexOptions> = {}) {
    this.options = { defaultNamespace: options.defaultNamespace ?? 'default' };
  }

  /** Replaces everything `uri` contributed before. */
  update(uri: string, text: string): void {
    this.forgetPairings();
    const previous = this.entries.get(uri);
    const parsed = parseFile(uri, text);
    const entry: FileEntry = { uri, path: UriPath.of(uri), text, ...parsed };
    this.entries.set(uri, entry);
    if (hasKustomization(previous) || hasKustomization(entry)) {
      this.refileEverything();
    } else {
      this.unfile(uri);
      this.fileObjects(entry);
    }
  }

  remove(uri: string): void {
    this.forgetPairings();
    const previous = this.entries.get(uri);
    if (!previous) return;
    this.entries.delete(uri);
    if (hasKustomization(previous)) this.refileEverything();
    else this.unfile(uri);
  }

  /** Changes the options; every key is recomputed. */
  configure(options: Partial<IndexOptions>): void {
    this.options = { ...this.options, ...options };
    this.forgetPairings();
    this.refileEverything();
  }

  get defaultNamespace(): string {
    return this.options.defaultNamespace;
  }

  file(uri: string): FileEntry | undefined {
    return this.entries.get(uri);
  }

  uris(): IterableIterator<string> {
    return this.entries.keys();
  }

  /** Every modelled object of every file, in file order. */
  *objects(): IterableIterator<KubeObject> {
    for (const entry of this.entries.values()) yield* entry.objects;
  }

  allServices(): Service[] {
    return this.services.values();
  }

  allEndpoints(): Endpoints[] {
    return this.endpoints.values();
  }

  /** Every EndpointSlice, with or without the label that files it under a Service. */
  allEndpointSlices(): EndpointSlice[] {
    return [...this.objects()].filter((object): object is EndpointSlice => object.kind === 'EndpointSlice');
  }

  servicesWithKey(key: ObjectKey): readonly Service[] {
    return this.services.get(key);
  }

  endpointsWithKey(key: ObjectKey): readonly Endpoints[] {
    return this.endpoints.get(key);
  }

  /** EndpointSlices whose `kubernetes.io/service-name` label names `key`'s Service. */
  slicesForServiceKey(key: ObjectKey): readonly EndpointSlice[] {
    return this.slicesByService.get(key);
  }

  workloadsIn(namespace: string): readonly Workload[] {
    return this.workloads.get(namespace);
  }

  /** The namespace Kubernetes would put the object in (for `{ uri }` alone: what a file's objects inherit). */
  namespaceOf(object: Pick<ObjectBase, 'uri' | 'namespace'>): string {
    return object.namespace?.value ?? this.inheritedNamespace(object.uri);
  }

  /** Where an object belongs: its namespace and name, `undefined` when it has no name. */
  keyOf(object: ObjectBase): ObjectKey | undefined {
    return object.name ? ObjectKey.of(this.namespaceOf(object), object.name.value) : undefined;
  }

  /** The Service key a backend serves: by name for Endpoints, by label for slices. */
  serviceKeyOf(backend: Backend): ObjectKey | undefined {
    const name = backend.kind === 'Endpoints' ? backend.name : backend.serviceName;
    return name ? ObjectKey.of(this.namespaceOf(backend), name.value) : undefined;
  }

  /** The Service(s) of a backend's key nearest to it; usually one. */
  servicesOf(backend: Backend): Service[] {
    let services = this.servicesOfCache.get(backend);
    if (!services) {
      const key = this.serviceKeyOf(backend);
      services = key ? nearest(this.services.get(key), backend.uri) : [];
      this.servicesOfCache.set(backend, services);
    }
    return services;
  }

  /** The Endpoints and EndpointSlices that belong to a Service. */
  backendsOf(service: Service): Backend[] {
    let backends = this.backendsOfCache.get(service);
    if (!backends) {
      const key = this.keyOf(service);
      const candidates: Backend[] = key ? [...this.endpoints.get(key), ...this.slicesByService.get(key)] : [];
      backends = candidates.filter((backend) => this.servicesOf(backend).includes(service));
      this.backendsOfCache.set(service, backends);
    }
    return backends;
  }

  private forgetPairings(): void {
    this.servicesOfCache.clear();
    this.backendsOfCache.clear();
  }

  private fileObjects(entry: FileEntry): void {
    const filed: { object: KubeObject; key: string }[] = [];
    for (const object of entry.objects) {
      const key = this.filingKey(object);
      if (key === undefined) continue;
      this.mapFor(object)?.add(key, object as never);
      filed.push({ object, key });
    }
    this.filedUnder.set(entry.uri, filed);
  }

  private unfile(uri: string): void {
    for (const { object, key } of this.filedUnder.get(uri) ?? []) this.mapFor(object)?.delete(key, object as never);
    this.filedUnder.delete(uri);
  }

  private refileEverything(): void {
    for (const uri of [...this.filedUnder.keys()]) this.unfile(uri);
    this.kustomizations = [...this.entries.values()].flatMap((entry) =>
      entry.objects.filter((object): object is Kustomization => object.kind === 'Kustomization'),
    );
    this.namespaceCache.clear();
    for (const entry of this.entries.values()) this.fileObjects(entry);
  }

  private filingKey(object: KubeObject): string | undefined {
    switch (object.kind) {
      case 'Service':
      case 'Endpoints':
        return this.keyOf(object);
      case 'EndpointSlice':
        return this.serviceKeyOf(object);
      case 'Kustomization':
      case 'Ingress':
        return undefined;
      default:
        return this.namespaceOf(object);
    }
  }

  private mapFor(object: KubeObject): MultiMap<string, KubeObject> | undefined {
    switch (object.kind) {
      case 'Service':
        return this.services as MultiMap<string, KubeObject>;
      case 'Endpoints':
        return this.endpoints as MultiMap<string, KubeObject>;
      case 'EndpointSlice':
        return this.slicesByService as MultiMap<string, KubeObject>;
      case 'Kustomization':
      case 'Ingress':
        return undefined;
      default:
        return this.workloads as MultiMap<string, KubeObject>;
    }
  }

  /**
   * The namespace a file's objects get when they set none: that of the nearest
   * kustomization listing the file or a folder above it, else the default.
   */
  private inheritedNamespace(uri: string): string {
    const cached = this.namespaceCache.get(uri);
    if (cached !== undefined) return cached;
    const path = UriPath.of(uri);
    const dir = UriPath.dirname(path);
    let best: { namespace: string; depth: number } | undefined;
    for (const kustomization of this.kustomizations) {
      const namespace = kustomization.targetNamespace?.value;
      if (!namespace) continue;
      const kustomizationDir = UriPath.dirname(UriPath.of(kustomization.uri));
      const lists = kustomization.resources.some((resource) =>
        UriPath.isWithin(path, UriPath.resolve(kustomizationDir, resource.value)),
      );
      if (!lists) continue;
      const depth = UriPath.sharedDepth(kustomizationDir, dir);
      if (!best || depth > best.depth) best = { namespace, depth };
    }
    const namespace = best?.namespace ?? this.options.defaultNamespace;
    this.namespaceCache.set(uri, namespace);
    return namespace;
  }
}

/** The candidates closest to `uri`: same file, else same folder, else the deepest shared folder. */
export function nearest<T extends ObjectBase>(candidates: readonly T[], uri: string): T[] {
  if (candidates.length <= 1) return [...candidates];
  const dir = UriPath.dirname(UriPath.of(uri));
  const proximity = (candidate: T): number => {
    if (candidate.uri === uri) return Number.MAX_SAFE_INTEGER;
    const candidateDir = UriPath.dirname(UriPath.of(candidate.uri));
    return candidateDir === dir ? Number.MAX_SAFE_INTEGER - 1 : UriPath.sharedDepth(candidateDir, dir);
  };
  const scores = candidates.map(proximity);
  const best = Math.max(...scores);
  return candidates.filter((_, i) => scores[i] === best);
}

function hasKustomization(entry: FileEntry | undefined): boolean {
  return entry?.objects.some((object) => object.kind === 'Kustomization') ?? false;
}

/** A map from keys to lists that keeps no empty lists. */
class MultiMap<K, V> {
  private readonly map = new Map<K, V[]>();

  get(key: K): readonly V[] {
    return this.map.get(key) ?? [];
  }

  add(key: K, value: V): void {
    const list = this.map.get(key);
    if (list) list.push(value);
    else this.map.set(key, [value]);
  }

  delete(key: K, value: V): void {
    const list = this.map.get(key);
    if (!list) return;
    const at = list.indexOf(value);
    if (at >= 0) list.splice(at, 1);
    if (list.length === 0) this.map.delete(key);
  }

  values(): V[] {
    return [...this.map.values()].flat();
  }
}
