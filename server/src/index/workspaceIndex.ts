import type { DocumentSpan, FileEdit, TextChange, TextSlice } from '../model/documents';
import { canonicalIp } from '../model/ip';
import { parseFile } from '../model/parse';
import type {
  Backend,
  EndpointSlice,
  Endpoints,
  KubeObject,
  Kustomization,
  Located,
  ObjectBase,
  ReferenceGrant,
  ServiceMonitor,
  Router,
  SourceRange,
  Service,
  Workload,
} from '../model/types';
import { backendAddressValues, clusterIpsOf } from '../model/fieldPaths';
import { compact, NO_ITEMS } from '../model/compact';
import { compareByPlace, groupByUri, isRouter } from '../model/types';
import { controllerPodLabels, selectsPodsOf, servedServiceName, ServiceSemantics } from '../model/semantics';
import { UriPath } from './uriPath';

/** `namespace/name`: how Kubernetes ties a Service to its Endpoints. */
export type ObjectKey = string;

export namespace ObjectKey {
  /**
   * `namespace/name`. A `/` (and so `%`) in the namespace is escaped, so that the first `/`
   * always ends the namespace: valid namespaces have neither, but the key of any object must
   * split back into the same two parts (see `parts`).
   */
  export function of(namespace: string, name: string): ObjectKey {
    // Filing makes a key for every object: two regular expressions each, for what valid namespaces never hold.
    const escaped =
      namespace.includes('%') || namespace.includes('/')
        ? namespace.replace(/%/g, '%25').replace(/\//g, '%2F')
        : namespace;
    return `${escaped}/${name}`;
  }

  /** The namespace and name a key was made of. */
  export function parts(key: ObjectKey): { namespace: string; name: string } {
    const slash = key.indexOf('/');
    const namespace = key.slice(0, slash);
    return {
      namespace: namespace.includes('%') ? decodeURIComponent(namespace) : namespace,
      name: key.slice(slash + 1),
    };
  }
}

/** What one file contributes to the index. */
export type FileEntry = {
  uri: string;
  text: string;
  objects: readonly KubeObject[];
  /** The documents that did not parse and were skipped (see `ParsedFile`). */
  brokenDocuments: readonly SourceRange[];
  /** False when the text holds no `# kube-endpoints-ignore` comment (see `ParsedFile`). */
  mayHoldIgnoreComments: boolean;
  /** The text's documents, once the file has been edited (see `ParsedFile`). */
  spans?: DocumentSpan[];
  /**
   * How many of `objects` are of each kind: slices and kustomizations make a change of the file
   * reach beyond it, and the index adds up the rest for `summary()`. `serviceReferrers` counts the
   * Ingresses, routes and StatefulSets (which name Services) among them, workloads counted too;
   * `referenceGrants`, the Gateway API ReferenceGrants; `serviceMonitors`, prometheus-operator's.
   */
  counts: {
    services: number;
    endpoints: number;
    endpointSlices: number;
    kustomizations: number;
    workloads: number;
    serviceReferrers: number;
    referenceGrants: number;
    serviceMonitors: number;
  };
  /** Set when the file's content was not parsed at all (and `text` is empty). */
  unchecked?: UncheckedReason;
};

/** Why a file was not parsed: more than `maxFileSize` bytes, or binary (it holds a NUL character). */
export type UncheckedReason = { kind: 'too-large'; bytes: number; maxFileSize: number } | { kind: 'binary' };

export namespace UncheckedReason {
  /**
   * Why `text` must not be parsed, if it must not; its size is counted in UTF-8 bytes, as on disk.
   * `change` made `text` from a text that was parsed: only what it inserted can be binary.
   */
  export function of(text: string, maxFileSize: number, change?: TextChange): UncheckedReason | undefined {
    if ((change?.text ?? text).includes('\0')) return { kind: 'binary' };
    // A UTF-16 code unit takes at most 3 bytes in UTF-8: most texts need no count.
    if (text.length * 3 <= maxFileSize) return undefined;
    const bytes = utf8Length(text);
    return bytes > maxFileSize ? { kind: 'too-large', bytes, maxFileSize } : undefined;
  }
}

/** The default of `kubeEndpoints.maxFileSize`: 5 MB, six times the largest manifest of the corpus (a CRD). */
export const DEFAULT_MAX_FILE_SIZE = 5_000_000;

/** What changed in the index since the last `takeChanges()`, so a check can redo only what that affects. */
export type IndexChanges = {
  /** Namespaces or options changed: everything must be checked again. */
  everything: boolean;
  /** Files added, removed or read anew: none of their earlier findings stands. */
  rewritten: Set<string>;
  /** Files edited in place: earlier offsets before `start` stand, those from `end` on moved by `delta`. */
  edits: Map<string, FileEdit>;
  /** The objects that appeared or went away (both versions of a changed document). */
  objects: KubeObject[];
};

export type IndexOptions = {
  /** Namespace of objects that set none and are not under a namespaced kustomization. */
  defaultNamespace: string;
  /** Files of more bytes are not parsed (`kubeEndpoints.maxFileSize`); set it before adding files. */
  maxFileSize: number;
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
  private readonly filedUnder = new Map<string, Filed[]>();
  private kustomizations: Kustomization[] = [];
  /** Files that hold a kustomization. */
  private readonly kustomized = new Set<string>();
  /**
   * Files not parsed, or with documents skipped: the rules that report them look at these
   * instead of every file on every keystroke.
   */
  private readonly notFullyParsed = new Set<string>();
  /** Every file's `counts`, added up: the status bar asks after every check. */
  private totals: KindCounts = NO_OBJECTS;
  /** Folders and files that namespaced kustomizations list, resolved once per refile. */
  private listedBy = new Map<string, { namespace: string; dir: string; order: number }[]>();
  /** Set when a kustomization changed: everything is refiled before the next read, once. */
  private refilePending = false;
  /** The files a refile has still to file (see `settleInSlices`), from `nextToFile` on. */
  private toFile: string[] = [];
  private nextToFile = 0;
  private readonly namespaceCache = new Map<string, string>();
  /** Pairings computed so far; a change forgets those of the keys it touches. */
  private readonly servicesOfCache = new Map<Backend, Service[]>();
  private readonly backendsOfCache = new Map<Service, Backend[]>();
  /** What each Service and ServiceMonitor selects (`selectionOf`), until the next change of any file. */
  private readonly selections = new Map<Service | ServiceMonitor, Selection>();
  /** The unpaired Services and backends of each namespace asked for (`servicesMissingBackendsIn`), kept up to date. */
  private readonly unpaired = new Map<string, Unpaired>();
  /** The Services that select nothing in each namespace asked for (`servicesSelectingNothingIn`), kept up to date. */
  private readonly unselected = new Map<string, Unselected>();
  /** Services and backends by namespace and by name, kept with the filing. */
  private readonly groups: ObjectGroups = {
    servicesByNamespace: new GroupMap(),
    servicesByName: new GroupMap(),
    backendsByNamespace: new GroupMap(),
    backendsByName: new GroupMap(),
    workloadsByPodLabel: new GroupMap(),
    servicesBySelector: new GroupMap(),
    servicesByClusterIp: new GroupMap(),
    backendsByAddress: new GroupMap(),
  };
  private changes: IndexChanges = noChanges();
  /** Counts the changes of files and options: equal revisions, the same index. */
  private changeCount = 0;
  private options: IndexOptions;
  /** Every EndpointSlice, labelled or not. */
  private readonly slices = new ObjectsOfKind((object): object is EndpointSlice => object.kind === 'EndpointSlice');
  /** `slices` by name, for the list `of` it was made from. */
  private slicesByName: { of: readonly EndpointSlice[]; byName: GroupMap<string, EndpointSlice> } | undefined;
  /** Every Ingress, route and StatefulSet. */
  private readonly referrers = new ObjectsOfKind(isServiceReferrer);
  /** Every ReferenceGrant. */
  private readonly grants = new ObjectsOfKind((object): object is ReferenceGrant => object.kind === 'ReferenceGrant');
  /** Every ServiceMonitor. */
  private readonly monitors = new ObjectsOfKind((object): object is ServiceMonitor => object.kind === 'ServiceMonitor');
  /** Every Service, Endpoints and EndpointSlice, named or not; forgotten when a file with any changes. */
  private allServicesAndBackends: (Service | Backend)[] | undefined;

  constructor(options: Partial<IndexOptions> = {}) {
    this.options = {
      defaultNamespace: options.defaultNamespace ?? 'default',
      maxFileSize: options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE,
    };
  }

  /**
   * Replaces everything `uri` contributed before. Binary text, or text over `maxFileSize`,
   * contributes nothing but its `unchecked` reason. `change`, when the editor said how `text`
   * was made from the text the index holds, spares reading the rest of it; `slice` reads parts of
   * `text` without making it flat, if it is a rope (see features/openDocument.ts).
   */
  update(uri: string, text: string, change?: TextChange, slice?: TextSlice): void {
    const previous = this.entries.get(uri);
    const known = previous && !previous.unchecked ? change : undefined;
    const unchecked = UncheckedReason.of(text, this.options.maxFileSize, known);
    this.replace(uri, unchecked ? '' : text, unchecked, known, slice);
  }

  /** `update` for a file left unread because its size on disk, `bytes`, is over `maxFileSize`. */
  updateTooLarge(uri: string, bytes: number): void {
    this.replace(uri, '', { kind: 'too-large', bytes, maxFileSize: this.options.maxFileSize });
  }

  /** Changes with every change of a file or of the options: what was computed at one revision holds until the next. */
  get revision(): number {
    return this.changeCount;
  }

  get maxFileSize(): number {
    return this.options.maxFileSize;
  }

  private replace(
    uri: string,
    text: string,
    unchecked: UncheckedReason | undefined,
    change?: TextChange,
    slice?: TextSlice,
  ): void {
    // A file filed now must not be filed again by a refile under way, nor be left half filed.
    this.finishFiling();
    const previous = this.entries.get(uri);
    const { reused, ...parsed } = parseFile(uri, text, previous, change, slice);
    // After an edit, only the objects of the documents it touched are looked at one by one.
    const edited =
      previous && reused
        ? {
            edit: reused.edit,
            removed: reused.replaced,
            added: objectsStartingIn(parsed.objects, reused.edit.start, reused.edit.end + reused.edit.delta),
          }
        : undefined;
    const counts = edited
      ? countsAfterEdit(previous!.counts, countKinds(edited.added), countKinds(edited.removed))
      : countKinds(parsed.objects);
    const entry: FileEntry = { uri, text, ...parsed, counts, ...(unchecked && { unchecked }) };
    this.entries.set(uri, entry);
    this.totals = countsAfterEdit(this.totals, counts, previous?.counts);
    if (entry.unchecked || entry.brokenDocuments.length > 0) this.notFullyParsed.add(uri);
    else this.notFullyParsed.delete(uri);
    this.recordChange(uri, previous, entry, edited);
    this.slices.fileChanged(uri, previous?.counts.endpointSlices ?? 0, counts.endpointSlices);
    this.referrers.fileChanged(uri, previous?.counts.serviceReferrers ?? 0, counts.serviceReferrers);
    this.grants.fileChanged(uri, previous?.counts.referenceGrants ?? 0, counts.referenceGrants);
    this.monitors.fileChanged(uri, previous?.counts.serviceMonitors ?? 0, counts.serviceMonitors);
    if ((previous && holdsServicesOrBackends(previous.counts)) || holdsServicesOrBackends(counts)) {
      this.allServicesAndBackends = undefined;
    }
    const kustomized = this.kustomized.has(uri);
    if (counts.kustomizations > 0) this.kustomized.add(uri);
    else this.kustomized.delete(uri);
    if (this.refilePending || kustomized || this.kustomized.has(uri)) {
      this.refilePending = true;
    } else {
      this.refile(entry, edited);
    }
  }

  remove(uri: string): void {
    const previous = this.entries.get(uri);
    if (!previous) return;
    this.finishFiling();
    this.entries.delete(uri);
    this.totals = countsAfterEdit(this.totals, NO_OBJECTS, previous.counts);
    this.notFullyParsed.delete(uri);
    this.recordChange(uri, previous, undefined, undefined);
    this.slices.fileChanged(uri, previous.counts.endpointSlices, 0);
    this.referrers.fileChanged(uri, previous.counts.serviceReferrers, 0);
    this.grants.fileChanged(uri, previous.counts.referenceGrants, 0);
    this.monitors.fileChanged(uri, previous.counts.serviceMonitors, 0);
    if (holdsServicesOrBackends(previous.counts)) this.allServicesAndBackends = undefined;
    if (this.refilePending || this.kustomized.delete(uri)) this.refilePending = true;
    else this.unfile(uri);
  }

  /** Changes the options; every key is recomputed. */
  configure(options: Partial<IndexOptions>): void {
    this.changeCount++;
    this.options = { ...this.options, ...options };
    this.changes.everything = true;
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

  /** Whether this version of `object` is in the index: an edit replaces the objects it changes with new ones. */
  holds(object: KubeObject): boolean {
    const objects = this.entries.get(object.uri)?.objects ?? [];
    return objectsStartingIn(objects, object.range.start, object.range.start + 1).includes(object);
  }

  /** The files that were not parsed (`unchecked`) or had documents skipped (`brokenDocuments`). */
  *filesNotFullyParsed(): IterableIterator<FileEntry> {
    for (const uri of this.notFullyParsed) yield this.entries.get(uri)!;
  }

  /** Every modelled object of every file, in file order. */
  *objects(): IterableIterator<KubeObject> {
    for (const entry of this.entries.values()) yield* entry.objects;
  }

  /** Every file with its objects, those without any too; in a view (`scopedTo`), the files of its objects, with those alone. */
  objectsByFile(): Map<string, readonly KubeObject[]> {
    return new Map([...this.entries].map(([uri, entry]) => [uri, entry.objects]));
  }

  allServices(): readonly Service[] {
    return this.servicesOfEveryNamespace();
  }

  /**
   * The same Services as a lookup, as `servicesIn` is one: a view (`scopedTo`) answers it for the
   * whole workspace, where its `allServices` lists only the view's own.
   */
  servicesOfEveryNamespace(): readonly Service[] {
    this.settle();
    return this.services.values();
  }

  allEndpoints(): readonly Endpoints[] {
    this.settle();
    return this.endpoints.values();
  }

  /**
   * How many files, and objects of each kind the status bar shows, the index holds: added up
   * file by file as files change, so that asking costs nothing (not even filing what is pending).
   */
  summary(): { files: number; services: number; backends: number; workloads: number } {
    const { services, endpoints, endpointSlices, workloads } = this.totals;
    return { files: this.entries.size, services, backends: endpoints + endpointSlices, workloads };
  }

  /**
   * Every Service, Endpoints and EndpointSlice, with a name or not, in file order: for the rules
   * that check each one's own fields. Walking every object of the workspace took 50 ms at 50k
   * resources, for each of them.
   */
  servicesAndBackends(): readonly (Service | Backend)[] {
    this.allServicesAndBackends ??= [...this.objects()].filter(isServiceOrBackend);
    return this.allServicesAndBackends;
  }

  /**
   * Every EndpointSlice, with or without the label that files it under a Service, file by file:
   * found in the files that hold some, not by a walk over every object (50 ms at 50k resources,
   * after every edit of a file with slices).
   */
  allEndpointSlices(): readonly EndpointSlice[] {
    return this.slices.all(this.entries);
  }

  /** The EndpointSlices named `name`, labelled or not, in every namespace. */
  endpointSlicesNamed(name: string): readonly EndpointSlice[] {
    // The whole index's slices, also in a view (`scopedTo`), whose `allEndpointSlices` lists fewer.
    const all = this.slices.all(this.entries);
    if (this.slicesByName?.of !== all) this.slicesByName = { of: all, byName: groupedByName(all) };
    return this.slicesByName.byName.get(name);
  }

  /** Every Ingress, route and StatefulSet: the objects that name Services besides their backends (see `serviceReferences`). */
  serviceReferrers(): readonly (Router | Workload)[] {
    return this.referrers.all(this.entries);
  }

  /** Every Gateway API ReferenceGrant. */
  referenceGrants(): readonly ReferenceGrant[] {
    return this.grants.all(this.entries);
  }

  /** Every prometheus-operator ServiceMonitor. */
  serviceMonitors(): readonly ServiceMonitor[] {
    return this.monitors.all(this.entries);
  }

  servicesWithKey(key: ObjectKey): readonly Service[] {
    this.settle();
    return this.services.get(key);
  }

  endpointsWithKey(key: ObjectKey): readonly Endpoints[] {
    this.settle();
    return this.endpoints.get(key);
  }

  /** EndpointSlices whose `kubernetes.io/service-name` label names `key`'s Service. */
  slicesForServiceKey(key: ObjectKey): readonly EndpointSlice[] {
    this.settle();
    return this.slicesByService.get(key);
  }

  /**
   * The objects filed under one key: its Services, Endpoints and the EndpointSlices labelled for
   * it. A rule's findings about any of them read the others (`'key'` in `Rule.dependsOn`).
   */
  keyGroup(key: ObjectKey): KubeObject[] {
    return [...this.servicesWithKey(key), ...this.endpointsWithKey(key), ...this.slicesForServiceKey(key)];
  }

  /** The key whose group holds an object: a Service's or Endpoints' own, a slice's Service's; else undefined. */
  groupKeyOf(object: KubeObject): ObjectKey | undefined {
    return object.kind === 'Service' || object.kind === 'Endpoints'
      ? this.keyOf(object)
      : object.kind === 'EndpointSlice'
        ? this.serviceKeyOf(object)
        : undefined;
  }

  workloadsIn(namespace: string): readonly Workload[] {
    this.settle();
    return this.workloads.get(namespace);
  }

  /** Every workload, namespace by namespace: for the rules that check each one's own fields. */
  allWorkloads(): readonly Workload[] {
    this.settle();
    return this.workloads.values();
  }

  /** The workloads of a namespace whose pod template carries every pair of `selector`, in `workloadsIn` order. */
  workloadsCarrying(namespace: string, selector: Readonly<Record<string, Located<string>>>): Workload[] {
    // Only the workloads that carry the selector's first pair can match: far fewer than the namespace's.
    const key = selectorGroupKey(namespace, selector);
    const candidates =
      key === anySelectorKey(namespace) ? this.workloadsIn(namespace) : this.grouped().workloadsByPodLabel.get(key);
    return candidates.filter((workload) => selectsPodsOf(selector, workload));
  }

  /**
   * The named Services of a namespace whose selector selects pods of `workload`: found by their
   * selectors' first pairs, not by a walk over the namespace's Services (thousands, in a
   * monorepo's one namespace). Those with an empty selector, which selects every pod, included.
   */
  servicesSelectingPodsOf(namespace: string, workload: Workload): Service[] {
    const bySelector = this.grouped().servicesBySelector;
    const candidates = [...bySelector.get(anySelectorKey(namespace))];
    forEachPodLabelKey(namespace, workload, (labelKey) => candidates.push(...bySelector.get(labelKey)));
    return candidates.filter((service) => selectsPodsOf(service.selector!.labels, workload));
  }

  /**
   * The named Services of a namespace whose selector selects none of its workloads, in no
   * particular order: `selector-matches-no-workload` reads every workload of the namespace for
   * them (`namespaceWorkloads` in `Rule.dependsOn`), so a workload's edit checks them again. Found
   * once per namespace, then kept up to date: whether a Service selects anything changes only with
   * the workloads that carry its selector's first pair, so a change notes those pairs and the next
   * ask looks at their Services alone. Walking every Service of the namespace instead made a
   * keystroke in a Deployment of the 50k workspace in one namespace take 70 ms.
   */
  servicesSelectingNothingIn(namespace: string): readonly Service[] {
    this.settle();
    const selectsNothing = (service: Service) =>
      this.workloadsCarrying(namespace, service.selector!.labels).length === 0;
    let unselected = this.unselected.get(namespace);
    if (!unselected) {
      const services = this.servicesIn(namespace).filter((service) => service.selector && selectsNothing(service));
      this.unselected.set(namespace, (unselected = { services, changedSelectors: new Set() }));
    }
    const changed = unselected.changedSelectors;
    if (changed.size > 0) {
      const bySelector = this.groups.servicesBySelector;
      unselected.services = [
        ...unselected.services.filter((service) => !changed.has(selectorGroupKey(namespace, service.selector!.labels))),
        ...[...changed].flatMap((key) => bySelector.get(key).filter(selectsNothing)),
      ];
      changed.clear();
    }
    return unselected.services;
  }

  /** The Services of a namespace. */
  servicesIn(namespace: string): readonly Service[] {
    return this.grouped().servicesByNamespace.get(namespace);
  }

  /** The Services with a name, in every namespace. */
  servicesNamed(name: string): readonly Service[] {
    return this.grouped().servicesByName.get(name);
  }

  /** The Endpoints and EndpointSlices of a namespace. */
  backendsIn(namespace: string): readonly Backend[] {
    return this.grouped().backendsByNamespace.get(namespace);
  }

  /** The Endpoints and EndpointSlices for a Service name, in every namespace. */
  backendsNamed(name: string): readonly Backend[] {
    return this.grouped().backendsByName.get(name);
  }

  /**
   * The Services of a namespace that need hand-written backends (no selector, not ExternalName)
   * and have none, in no particular order: where near-miss hints look for the Service an unpaired
   * backend was meant for. Found once per namespace, then kept up to date: each unpaired backend
   * went through its whole namespace, a check quadratic in a namespace's size (the command line
   * took 7.6–8.4 s on the 50k benchmark workspace in one namespace, 2.6–2.8 s on it as generated,
   * a namespace per thousand objects); and finding them again after every keystroke took half
   * of an edit's recheck there (median 13–15 ms, 8–9 ms kept up to date).
   */
  servicesMissingBackendsIn(namespace: string): readonly Service[] {
    const unpaired = this.unpairedIn(namespace);
    return (unpaired.services ??= this.servicesIn(namespace).filter((service) => this.missesBackends(service)));
  }

  /** The Endpoints and EndpointSlices of a namespace without a Service (see `servicesMissingBackendsIn`). */
  backendsMissingServicesIn(namespace: string): readonly Backend[] {
    const unpaired = this.unpairedIn(namespace);
    return (unpaired.backends ??= this.backendsIn(namespace).filter((backend) => this.missesService(backend)));
  }

  /**
   * Whether a Service needs hand-written backends (no selector, not ExternalName) and has none:
   * `service-without-endpoints` reports it, and near-miss hints offer only such Services, since a
   * backend moved or renamed to a Service with a selector or of type ExternalName would be
   * overwritten or never used.
   */
  missesBackends(service: Service): boolean {
    return ServiceSemantics.needsManualBackends(service) && this.backendsOf(service).length === 0;
  }

  /** Whether an Endpoints or EndpointSlice has no Service of its key (see `servicesOf`). */
  missesService(backend: Backend): boolean {
    return this.servicesOf(backend).length === 0;
  }

  /** The Endpoints and the labelled EndpointSlices filed under a Service key (filing settled). */
  private backendsFiledUnder(key: ObjectKey): Backend[] {
    return [...this.endpoints.get(key), ...this.slicesByService.get(key)];
  }

  /**
   * `namespace`'s unpaired Services and backends as found before, brought up to date: pairing
   * happens within a key, so only those of the names filed again since can have come or gone.
   */
  private unpairedIn(namespace: string): Unpaired {
    this.settle();
    let unpaired = this.unpaired.get(namespace);
    if (!unpaired) this.unpaired.set(namespace, (unpaired = { refiledNames: new Set() }));
    const refiled = unpaired.refiledNames;
    if (refiled.size === 0) return unpaired;
    const keys = [...refiled].map((name) => ObjectKey.of(namespace, name));
    if (unpaired.services) {
      unpaired.services = [
        ...unpaired.services.filter((service) => !refiled.has(service.name!.value)),
        ...keys.flatMap((key) => this.services.get(key).filter((service) => this.missesBackends(service))),
      ];
    }
    if (unpaired.backends) {
      unpaired.backends = [
        ...unpaired.backends.filter((backend) => !refiled.has(servedServiceName(backend)!.value)),
        ...keys.flatMap((key) => this.backendsFiledUnder(key).filter((backend) => this.missesService(backend))),
      ];
    }
    refiled.clear();
    return unpaired;
  }

  /** The named Services with `ip` (in canonical form) among their cluster IPs. */
  servicesWithClusterIp(ip: string): readonly Service[] {
    return this.grouped().servicesByClusterIp.get(ip);
  }

  /** The Endpoints and EndpointSlices, labelled or not, with the address `ip` (in canonical form). */
  backendsWithAddress(ip: string): readonly Backend[] {
    return this.grouped().backendsByAddress.get(ip);
  }

  /** The namespace Kubernetes would put the object in (for `{ uri }` alone: what a file's objects inherit). */
  namespaceOf(object: Pick<ObjectBase, 'uri' | 'namespace'>): string {
    this.settleNamespaces();
    return object.namespace?.value ?? this.inheritedNamespace(object.uri);
  }

  /** Where an object belongs: its namespace and name, `undefined` when it has no name. */
  keyOf(object: ObjectBase): ObjectKey | undefined {
    return object.name ? ObjectKey.of(this.namespaceOf(object), object.name.value) : undefined;
  }

  /** The Service key a backend serves: by name for Endpoints, by label for slices. */
  serviceKeyOf(backend: Backend): ObjectKey | undefined {
    const name = servedServiceName(backend);
    return name ? ObjectKey.of(this.namespaceOf(backend), name.value) : undefined;
  }

  /**
   * The workloads a Service selects, or the Services a ServiceMonitor selects, as `select` finds
   * them (index/selection.ts), found once until a file changes: three selector rules ask for every
   * Service's in each full check, and a walk over the Services of the 50k workspace takes 25-35 ms;
   * the two ServiceMonitor rules, hovers and completion ask for a ServiceMonitor's.
   */
  selectionOf(service: Service, select: () => readonly Workload[]): readonly Workload[];
  selectionOf(monitor: ServiceMonitor, select: () => readonly Service[] | undefined): readonly Service[] | undefined;
  selectionOf(selecting: Service | ServiceMonitor, select: () => Selection): Selection {
    let selection = this.selections.get(selecting);
    // A ServiceMonitor whose selectors are not read selects undefined, which is kept too.
    if (selection === undefined && !this.selections.has(selecting)) {
      selection = select();
      this.selections.set(selecting, selection);
    }
    return selection;
  }

  /** The Service(s) of a backend's key nearest to it; usually one. */
  servicesOf(backend: Backend): Service[] {
    this.settle();
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
    this.settle();
    let backends = this.backendsOfCache.get(service);
    if (!backends) {
      const key = this.keyOf(service);
      const candidates = key ? this.backendsFiledUnder(key) : [];
      backends = compact(candidates.filter((backend) => this.servicesOf(backend).includes(service)));
      this.backendsOfCache.set(service, backends);
    }
    return backends;
  }

  /**
   * Applies a pending refile a slice of `sliceMs` at a time, awaiting `pause()` between slices:
   * filing the 50k workspace again takes 400 ms, which a server must not spend in one piece.
   * Whatever reads the index meanwhile finishes the filing first.
   */
  async settleInSlices(sliceMs: number, pause: () => Promise<void>): Promise<void> {
    this.settleNamespaces();
    while (this.nextToFile < this.toFile.length) {
      this.fileQueued(sliceMs);
      if (this.nextToFile < this.toFile.length) await pause();
    }
  }

  /** Applies a pending refile (after kustomization changes, batched over a scan). */
  private settle(): void {
    this.settleNamespaces();
    this.finishFiling();
  }

  /** The first half of a pending refile, all that namespaces need: the kustomizations read again. */
  private settleNamespaces(): void {
    if (this.refilePending) this.unfileEverything();
  }

  /** Files at once what a refile in slices has left. */
  private finishFiling(): void {
    if (this.nextToFile < this.toFile.length) this.fileQueued(Infinity);
  }

  private grouped(): ObjectGroups {
    this.settle();
    return this.groups;
  }

  /**
   * Forgets the pairings an object filed under `key` takes part in: a pairing depends only on
   * the Services and backends of one key, so those of other keys stand.
   */
  private forgetPairingsOf(object: KubeObject, key: string | undefined): void {
    if (!isServiceOrBackend(object)) return;
    this.servicesOfCache.delete(object as Backend);
    this.backendsOfCache.delete(object as Service);
    if (key === undefined) return;
    if (this.unpaired.size > 0) {
      const { namespace, name } = ObjectKey.parts(key);
      this.unpaired.get(namespace)?.refiledNames.add(name);
    }
    for (const service of this.services.get(key)) this.backendsOfCache.delete(service);
    for (const backend of this.endpoints.get(key)) this.servicesOfCache.delete(backend);
    for (const slice of this.slicesByService.get(key)) this.servicesOfCache.delete(slice);
  }

  private forgetPairings(): void {
    this.servicesOfCache.clear();
    this.backendsOfCache.clear();
  }

  private fileObjects(entry: FileEntry): void {
    const filed: Filed[] = [];
    for (const object of entry.objects) {
      const key = this.filingKey(object);
      if (!isFiled(object, key)) continue;
      this.place(object, key, 'add');
      filed.push({ object, key });
    }
    this.filedUnder.set(entry.uri, compact(filed));
  }

  /**
   * Files a new version of an entry: what it kept (the same objects, also those an edit moved in
   * place) stays where it is, so lookups list objects in the same order as before the edit and
   * findings that list them need no recheck; the rest is swapped. After an edit in place
   * (`edited`), only the objects it took away and brought are looked up.
   */
  private refile(entry: FileEntry, edited?: EditedObjects): void {
    const current = edited ? undefined : new Set(entry.objects);
    const removed = edited && new Set(edited.removed);
    const filed: Filed[] = [];
    for (const item of this.filedUnder.get(entry.uri) ?? []) {
      if (removed ? !removed.has(item.object) : current!.delete(item.object)) {
        filed.push(item);
      } else {
        this.forgetPairingsOf(item.object, item.key);
        this.place(item.object, item.key, 'delete');
      }
    }
    for (const object of edited ? edited.added : current!) {
      const key = this.filingKey(object);
      if (!isFiled(object, key)) continue;
      this.place(object, key, 'add');
      this.forgetPairingsOf(object, key);
      filed.push({ object, key });
    }
    this.filedUnder.set(entry.uri, filed);
  }

  private unfile(uri: string): void {
    for (const { object, key } of this.filedUnder.get(uri) ?? []) {
      this.forgetPairingsOf(object, key);
      this.place(object, key, 'delete');
    }
    this.filedUnder.delete(uri);
  }

  /** Adds an object to (or removes it from) its key's list, if it has a key, and its groups. */
  private place(object: KubeObject, key: string | undefined, change: Change): void {
    const map = key === undefined ? undefined : this.mapFor(object);
    if (change === 'add') map?.add(key!, object);
    else map?.delete(key!, object);
    this.group(object, key, change);
  }

  /**
   * Adds an object to (or removes it from) its groups: a Service or backend to those of its
   * namespace and name and of its IPs, a workload to those of its pod labels.
   */
  private group(object: KubeObject, key: string | undefined, change: Change): void {
    const toGroup = (group: GroupMap<string, KubeObject>, groupKey: string): void => {
      if (change === 'add') group.add(groupKey, object);
      else group.delete(groupKey, object);
    };
    if (isServiceOrBackend(object)) {
      const service = object.kind === 'Service';
      if (key !== undefined) {
        const { namespace, name } = ObjectKey.parts(key);
        const [byNamespace, byName] = service
          ? [this.groups.servicesByNamespace, this.groups.servicesByName]
          : [this.groups.backendsByNamespace, this.groups.backendsByName];
        toGroup(byNamespace as GroupMap<string, KubeObject>, namespace);
        toGroup(byName as GroupMap<string, KubeObject>, name);
        if (object.kind === 'Service' && object.selector) {
          const selectorKey = selectorGroupKey(namespace, object.selector.labels);
          toGroup(this.groups.servicesBySelector as GroupMap<string, KubeObject>, selectorKey);
          this.unselected.get(namespace)?.changedSelectors.add(selectorKey);
        }
      }
      const [byIp, ips] = service
        ? [this.groups.servicesByClusterIp, clusterIpsOf(object).map(({ value }) => value)]
        : [this.groups.backendsByAddress, backendAddressValues(object)];
      // Once per IP: a Service's clusterIP is mostly its first clusterIPs too, and addresses repeat across subsets.
      const canonical = new Set<string>();
      for (const value of ips) {
        const ip = canonicalIp(value.value);
        if (ip !== undefined) canonical.add(ip);
      }
      for (const ip of canonical) toGroup(byIp as GroupMap<string, KubeObject>, ip);
    } else if (key !== undefined && 'podLabels' in object) {
      // Filed under its namespace; grouped by each pod label, for selectors.
      const unselected = this.unselected.get(key);
      unselected?.changedSelectors.add(anySelectorKey(key));
      forEachPodLabelKey(key, object, (labelKey) => {
        toGroup(this.groups.workloadsByPodLabel as GroupMap<string, KubeObject>, labelKey);
        // The Services whose selector starts with this pair may select something, or nothing, now.
        unselected?.changedSelectors.add(labelKey);
      });
    }
  }

  /** What changed since the last call (see `IndexChanges`); starts a new record. */
  takeChanges(): IndexChanges {
    this.settle();
    const changes = this.changes;
    this.changes = noChanges();
    return changes;
  }

  /**
   * A view of this index whose `objects()`, `allServices()`, `allEndpoints()`,
   * `allEndpointSlices()`, `servicesAndBackends()`, `allWorkloads()` and `serviceReferrers()` list
   * only `objects` (the objects rules start from), while every lookup still sees everything.
   */
  scopedTo(objects: Iterable<KubeObject>): WorkspaceIndex {
    this.settle();
    const all = [...objects];
    const services: Service[] = [];
    const endpoints: Endpoints[] = [];
    const slices: EndpointSlice[] = [];
    const servicesAndBackends: (Service | Backend)[] = [];
    const workloads: Workload[] = [];
    const referrers: (Router | Workload)[] = [];
    const monitors: ServiceMonitor[] = [];
    for (const object of all) {
      if (isServiceOrBackend(object)) servicesAndBackends.push(object);
      else if ('podLabels' in object) workloads.push(object);
      else if (object.kind === 'ServiceMonitor') monitors.push(object);
      if (isServiceReferrer(object)) referrers.push(object);
      // As in the index's own lists: Services and Endpoints without a name are in none.
      if (object.kind === 'Service' && object.name) services.push(object);
      else if (object.kind === 'Endpoints' && object.name) endpoints.push(object);
      else if (object.kind === 'EndpointSlice') slices.push(object);
    }
    const view = Object.create(this) as WorkspaceIndex;
    view.allServices = () => services;
    view.allEndpoints = () => endpoints;
    view.allEndpointSlices = () => slices;
    view.servicesAndBackends = () => servicesAndBackends;
    view.allWorkloads = () => workloads;
    view.serviceReferrers = () => referrers;
    view.serviceMonitors = () => monitors;
    view.objects = () => all.values();
    view.objectsByFile = () => groupByUri(all);
    return view;
  }

  /** `edited`: the edit of the file in place and the objects it took away and brought, if it was one. */
  private recordChange(
    uri: string,
    previous: FileEntry | undefined,
    entry: FileEntry | undefined,
    edited: EditedObjects | undefined,
  ): void {
    this.changeCount++;
    // Only if any: clearing a map allocates a new table, and the scan changes files by the thousand.
    if (this.selections.size > 0) this.selections.clear();
    const changes = this.changes;
    if (changes.everything || this.refilePending) {
      changes.everything = true;
      return;
    }
    if (edited && !changes.edits.has(uri) && !changes.rewritten.has(uri)) {
      changes.edits.set(uri, edited.edit);
      changes.objects.push(...edited.removed, ...edited.added);
      return;
    }
    changes.edits.delete(uri);
    changes.rewritten.add(uri);
    changes.objects.push(...(previous?.objects ?? []), ...(entry?.objects ?? []));
  }

  private refileEverything(): void {
    this.unfileEverything();
    this.finishFiling();
  }

  /** Takes every object out of the lists, reads the kustomizations again and queues every file for filing. */
  private unfileEverything(): void {
    this.refilePending = false;
    this.changes.everything = true;
    this.forgetPairings();
    this.selections.clear();
    this.unpaired.clear();
    this.unselected.clear();
    // Emptied at once: taking the 28,000 objects of the 50k workspace out one by one searched their
    // lists for each: a third of refiling it after a kustomization changed.
    for (const list of [this.services, this.endpoints, this.slicesByService, this.workloads]) list.clear();
    for (const group of Object.values(this.groups)) group.clear();
    this.filedUnder.clear();
    this.kustomizations = [];
    for (const [uri, entry] of this.entries) {
      if (!this.kustomized.has(uri)) continue;
      for (const object of entry.objects) if (object.kind === 'Kustomization') this.kustomizations.push(object);
    }
    this.listedBy = listedPaths(this.kustomizations);
    this.namespaceCache.clear();
    this.toFile = [...this.entries.keys()];
    this.nextToFile = 0;
  }

  /** Files queued files, at least one, for up to `ms` milliseconds. */
  private fileQueued(ms: number): void {
    const until = Date.now() + ms;
    do {
      const entry = this.entries.get(this.toFile[this.nextToFile++]);
      // Gone since it was queued, or filed when an edit came in meanwhile.
      if (entry && !this.filedUnder.has(entry.uri)) this.fileObjects(entry);
    } while (this.nextToFile < this.toFile.length && Date.now() < until);
    if (this.nextToFile >= this.toFile.length) {
      this.toFile = [];
      this.nextToFile = 0;
    }
  }

  private filingKey(object: KubeObject): string | undefined {
    switch (object.kind) {
      case 'Service':
      case 'Endpoints':
        return this.keyOf(object);
      case 'EndpointSlice':
        return this.serviceKeyOf(object);
      default:
        return 'podLabels' in object ? this.namespaceOf(object) : undefined;
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
      default:
        return 'podLabels' in object ? (this.workloads as MultiMap<string, KubeObject>) : undefined;
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
    // The kustomizations that list the file or a folder above it; the nearest wins, the first on a tie.
    let best: { namespace: string; depth: number; order: number } | undefined;
    const listing: string[] = [];
    for (let listed = path; listed !== ''; listed = UriPath.dirname(listed)) listing.push(listed);
    if (path.startsWith('/')) listing.push('/');
    for (const listed of listing) {
      for (const { namespace, dir: kustomizationDir, order } of this.listedBy.get(listed) ?? []) {
        const depth = UriPath.sharedDepth(kustomizationDir, dir);
        if (!best || depth > best.depth || (depth === best.depth && order < best.order))
          best = { namespace, depth, order };
      }
    }
    const namespace = best?.namespace ?? this.options.defaultNamespace;
    this.namespaceCache.set(uri, namespace);
    return namespace;
  }
}

/**
 * The candidates closest to `uri`: same file, else same folder, else the deepest shared folder.
 * At their own length (see `compact`): the index keeps them, as pairings and selections.
 */
export function nearest<T extends ObjectBase>(candidates: readonly T[], uri: string): T[] {
  if (candidates.length <= 1) return [...candidates];
  const dir = UriPath.folderOf(uri);
  const proximity = (candidate: T): number => {
    if (candidate.uri === uri) return Number.MAX_SAFE_INTEGER;
    const candidateDir = UriPath.folderOf(candidate.uri);
    return candidateDir === dir ? Number.MAX_SAFE_INTEGER - 1 : UriPath.sharedDepth(candidateDir, dir);
  };
  const scores = candidates.map(proximity);
  const best = Math.max(...scores);
  return compact(candidates.filter((_, i) => scores[i] === best));
}

/** Each path a namespaced kustomization lists (resolved against its folder), with who lists it. */
function listedPaths(
  kustomizations: readonly Kustomization[],
): Map<string, { namespace: string; dir: string; order: number }[]> {
  const listed = new Map<string, { namespace: string; dir: string; order: number }[]>();
  kustomizations.forEach((kustomization, order) => {
    const namespace = kustomization.targetNamespace?.value;
    if (!namespace) return;
    const dir = UriPath.folderOf(kustomization.uri);
    for (const resource of kustomization.resources) {
      const path = UriPath.resolve(dir, resource.value);
      const list = listed.get(path);
      // A kustomization that lists one path twice counts once.
      if (list?.some((item) => item.order === order)) continue;
      if (list) list.push({ namespace, dir, order });
      else listed.set(path, [{ namespace, dir, order }]);
    }
  });
  return listed;
}

/** The objects whose mapping starts in `[start, end)`, by binary search: a file's objects are in file order. */
function objectsStartingIn(objects: readonly KubeObject[], start: number, end: number): KubeObject[] {
  let low = 0;
  let high = objects.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (objects[middle].range.start < start) low = middle + 1;
    else high = middle;
  }
  const found: KubeObject[] = [];
  for (let i = low; i < objects.length && objects[i].range.start < end; i++) found.push(objects[i]);
  return found;
}

/** What a Service (workloads) or a ServiceMonitor (Services, or undefined when not read) selects. */
type Selection = readonly Workload[] | readonly Service[] | undefined;

type KindCounts = FileEntry['counts'];

function countKinds(objects: readonly KubeObject[]): KindCounts {
  // Most files of a repository hold no modelled object: they share one record of none.
  if (objects.length === 0) return NO_OBJECTS;
  const counts = { ...NO_OBJECTS };
  for (const object of objects) {
    if (object.kind === 'Service') counts.services++;
    else if (object.kind === 'Endpoints') counts.endpoints++;
    else if (object.kind === 'EndpointSlice') counts.endpointSlices++;
    else if (object.kind === 'Kustomization') counts.kustomizations++;
    // A workload: it has a pod template.
    else if ('podLabels' in object) counts.workloads++;
    if (isServiceReferrer(object)) counts.serviceReferrers++;
    else if (object.kind === 'ReferenceGrant') counts.referenceGrants++;
    else if (object.kind === 'ServiceMonitor') counts.serviceMonitors++;
  }
  return counts;
}

/** `counts` with `added` added and `removed` taken away, kind by kind. */
function countsAfterEdit(counts: KindCounts, added: KindCounts, removed: KindCounts = NO_OBJECTS): KindCounts {
  const result = { ...counts };
  for (const kind of Object.keys(result) as (keyof KindCounts)[]) result[kind] += added[kind] - removed[kind];
  return result;
}

const NO_OBJECTS: KindCounts = Object.freeze({
  services: 0,
  endpoints: 0,
  endpointSlices: 0,
  kustomizations: 0,
  workloads: 0,
  serviceReferrers: 0,
  referenceGrants: 0,
  serviceMonitors: 0,
});

function isServiceReferrer(object: KubeObject): object is Router | Workload {
  return isRouter(object) || object.kind === 'StatefulSet';
}

/** An object as filed: under its key, or under none (a slice without its label, still grouped by address). */
type Filed = { object: KubeObject; key: string | undefined };

/**
 * A namespace's Services without backends and backends without a Service (each list once asked
 * for), and the names filed again since (see `unpairedIn`).
 */
type Unpaired = { services?: Service[]; backends?: Backend[]; refiledNames: Set<string> };

/**
 * A namespace's Services that select nothing, and the selectors (`selectorGroupKey`) whose
 * Services may have come, gone, or started or stopped selecting since (see `servicesSelectingNothingIn`).
 */
type Unselected = { services: Service[]; changedSelectors: Set<string> };

type Change = 'add' | 'delete';

/** An edit of a file in place, and the objects it took away and brought (the others stay, moved in place). */
type EditedObjects = { edit: FileEdit; removed: readonly KubeObject[]; added: readonly KubeObject[] };

function isServiceOrBackend(object: KubeObject): object is Service | Backend {
  return object.kind === 'Service' || object.kind === 'Endpoints' || object.kind === 'EndpointSlice';
}

function holdsServicesOrBackends(counts: KindCounts): boolean {
  return counts.services + counts.endpoints + counts.endpointSlices > 0;
}

/** Whether an object is filed: when it has a key, and slices always (their addresses are grouped). */
function isFiled(object: KubeObject, key: string | undefined): boolean {
  return key !== undefined || object.kind === 'EndpointSlice';
}

function noChanges(): IndexChanges {
  return { everything: false, rewritten: new Set(), edits: new Map(), objects: [] };
}

type ObjectGroups = {
  servicesByNamespace: GroupMap<string, Service>;
  servicesByName: GroupMap<string, Service>;
  backendsByNamespace: GroupMap<string, Backend>;
  backendsByName: GroupMap<string, Backend>;
  workloadsByPodLabel: GroupMap<string, Workload>;
  servicesBySelector: GroupMap<string, Service>;
  servicesByClusterIp: GroupMap<string, Service>;
  backendsByAddress: GroupMap<string, Backend>;
};

/**
 * The objects of one kind, listed from the files whose counts say they hold some and kept until
 * one of those files changes: lookups ask for them again and again, and few files hold them.
 */
class ObjectsOfKind<T extends KubeObject> {
  private readonly files = new Set<string>();
  private listed: readonly T[] | undefined;

  constructor(private readonly isOfKind: (object: KubeObject) => object is T) {}

  /** A file held `before` of them and now holds `now` (0 once it is gone). */
  fileChanged(uri: string, before: number, now: number): void {
    if (before > 0 || now > 0) this.listed = undefined;
    if (now > 0) this.files.add(uri);
    else this.files.delete(uri);
  }

  all(entries: ReadonlyMap<string, FileEntry>): readonly T[] {
    this.listed ??= [...this.files].flatMap((uri) => entries.get(uri)!.objects.filter(this.isOfKind));
    return this.listed;
  }
}

function groupedByName<T extends KubeObject>(objects: readonly T[]): GroupMap<string, T> {
  const byName = new GroupMap<string, T>();
  for (const object of objects) if (object.name) byName.add(object.name.value, object);
  return byName;
}

/** Calls `visit` with the key of each label pair the workload's pods carry, given ones too (`controllerPodLabels`). */
function forEachPodLabelKey(namespace: string, workload: Workload, visit: (labelKey: string) => void): void {
  for (const label in workload.podLabels) visit(podLabelKey(namespace, label, workload.podLabels[label].value));
  controllerPodLabels(workload)?.forEach((values, label) => {
    for (const value of values) visit(podLabelKey(namespace, label, value));
  });
}

function podLabelKey(namespace: string, label: string, value: string): string {
  return `${namespace}\0${label}\0${value}`;
}

/**
 * Where a Service is grouped by its selector: under its first pair (`podLabelKey`), which every
 * pod it selects carries; a selector without pairs, which selects every pod, under `anySelectorKey`.
 */
function selectorGroupKey(namespace: string, selector: Readonly<Record<string, Located<string>>>): string {
  for (const label in selector) return podLabelKey(namespace, label, selector[label].value);
  return anySelectorKey(namespace);
}

function anySelectorKey(namespace: string): string {
  return `${namespace}\0`;
}

/**
 * A map from keys to groups of values, in the order they were added. Groups can be large (a
 * namespace), so they are not kept in file order: callers that list their members in a message
 * sort what they keep. A value is added to a group once (the callers see to it), and a group
 * `get` has handed out is copied before it changes, so that what was handed out stays as it was.
 * Arrays rather than sets: at 50k resources the index keeps some 35,000 groups, most of one or two
 * values, and a set weighs about three times an array of them.
 */
class GroupMap<K, V extends object> {
  private readonly groups = new Map<K, V[]>();
  /** The keys whose group `get` has handed out since it last changed. */
  private readonly handedOut = new Set<K>();

  get(key: K): readonly V[] {
    const group = this.groups.get(key);
    if (!group) return NO_ITEMS;
    this.handedOut.add(key);
    return group;
  }

  add(key: K, value: V): void {
    const group = this.changing(key);
    if (group) group.push(value);
    else this.groups.set(key, [value]);
  }

  delete(key: K, value: V): void {
    // Looked up first: a value that is not there leaves a handed-out group uncopied.
    const at = this.groups.get(key)?.indexOf(value) ?? -1;
    if (at < 0) return;
    const group = this.changing(key)!;
    group.splice(at, 1);
    if (group.length === 0) this.groups.delete(key);
  }

  clear(): void {
    this.groups.clear();
    this.handedOut.clear();
  }

  /** The group of `key`, to be changed: a copy if it was handed out. */
  private changing(key: K): V[] | undefined {
    const group = this.groups.get(key);
    if (!group || !this.handedOut.delete(key)) return group;
    const copy = group.slice();
    this.groups.set(key, copy);
    return copy;
  }
}

/** A map from keys to lists that keeps no empty lists. */
class MultiMap<K, V extends ObjectBase> {
  private readonly map = new Map<K, V[]>();
  /** All values, kept until the next change: rules ask for them again and again. */
  private all: V[] | undefined;

  get(key: K): readonly V[] {
    return this.map.get(key) ?? [];
  }

  /**
   * Keeps each list in file order (`compareByPlace`). A scan visits sibling folders in reverse
   * order, so the place is searched for: a walk back from the end made filing the workloads of a
   * namespace quadratic (80 ms of the 480 ms that filing the 50k workspace took).
   */
  add(key: K, value: V): void {
    this.all = undefined;
    const list = this.map.get(key);
    if (!list) return void this.map.set(key, [value]);
    let low = 0;
    let high = list.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compareByPlace(list[middle], value) > 0) high = middle;
      else low = middle + 1;
    }
    list.splice(low, 0, value);
  }

  delete(key: K, value: V): void {
    const list = this.map.get(key);
    if (!list) return;
    this.all = undefined;
    const at = list.indexOf(value);
    if (at >= 0) list.splice(at, 1);
    if (list.length === 0) this.map.delete(key);
  }

  clear(): void {
    this.map.clear();
    this.all = undefined;
  }

  values(): V[] {
    if (!this.all) {
      this.all = [];
      for (const list of this.map.values()) for (const value of list) this.all.push(value);
    }
    return this.all;
  }
}

/** The length of `text` in UTF-8 bytes. */
function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // A surrogate pair (4 bytes) counts 2 per half.
    bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c <= 0xdfff ? 2 : 3;
  }
  return bytes;
}
