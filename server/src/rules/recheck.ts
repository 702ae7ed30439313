import { referencedNamespace, serviceReferences, servicesReferencedBy } from '../index/selection';
import { type IndexChanges, ObjectKey, type WorkspaceIndex } from '../index/workspaceIndex';
import { canonicalIp } from '../model/ip';
import type { KubeObject, SourceRange } from '../model/types';
import { clusterIpsOf } from '../model/fieldPaths';
import { checkAll, isTargeted, type RuleFailure, rules, type SeverityOverrides } from './index';
import { unpairedNear } from './nearMisses';
import type { CheckContext, Dependency, Finding } from './types';

/**
 * Checking again after an edit, only where the edit can matter.
 *
 * The rules that say what they depend on (`Rule.dependsOn`) run from the objects whose findings
 * the changed objects can alter through what those rules read (see `affectedObjects`); every
 * other earlier finding of theirs stands, moved along with its file's text. Rules that do not
 * say run over everything. Namespace or option changes check everything.
 * `previous` is updated in place and returned.
 */
export function recheck(
  index: WorkspaceIndex,
  previous: Map<string, Finding[]>,
  changes: IndexChanges,
  severities: SeverityOverrides,
  context: CheckContext,
): { findingsByUri: Map<string, Finding[]>; touched: Set<string>; failures: RuleFailure[] } {
  // Rules that read the same run from the same objects: most read only keys, and need far fewer
  // objects than the few that read near names or workloads. A rule's earlier findings inside its
  // seeds are replaced by what it finds now.
  const seedRangesByCode = new Map<string, Map<string, SourceRange[]>>();
  const findings: Finding[] = [];
  const failures: RuleFailure[] = [];
  for (const [reads, codes] of rulesByDependencies()) {
    const seeds = affectedObjects(index, changes.objects, reads);
    const scoped = checkAll(index.scopedTo(seeds), severities, context, (rule) => codes.includes(rule.code));
    findings.push(...scoped.findings);
    failures.push(...scoped.failures);
    const ranges = rangesByUri(seeds);
    for (const code of codes) seedRangesByCode.set(code, ranges);
  }
  // Rules that do not say what they depend on run over everything, and replace all their findings.
  const whole = checkAll(index, severities, context, (rule) => !isTargeted(rule));
  findings.push(...whole.findings);
  failures.push(...whole.failures);
  const redone = new Set(rules.filter((rule) => !isTargeted(rule)).map((rule) => rule.code));
  // Updated in place: copying a map of every file's findings would cost more than the check.
  const findingsByUri = previous;
  const touched = new Set<string>();
  const pointers = pointersInto(findingsByUri);
  // Only files that changed, hold an affected object, or point into a changed file need a look.
  const candidates = new Set<string>(changes.edits.keys());
  for (const ranges of new Set(seedRangesByCode.values())) for (const uri of ranges.keys()) candidates.add(uri);
  for (const target of [...changes.edits.keys(), ...changes.rewritten]) {
    for (const uri of pointers.get(target) ?? []) candidates.add(uri);
  }
  // Every list is replaced through here, so that `pointers` can follow.
  const replacedLists = new Map<string, readonly Finding[] | undefined>();
  const replace = (uri: string, list: Finding[]) => {
    if (!replacedLists.has(uri)) replacedLists.set(uri, findingsByUri.get(uri));
    if (list.length > 0) findingsByUri.set(uri, list);
    else findingsByUri.delete(uri);
  };
  for (const uri of changes.rewritten) {
    if (findingsByUri.has(uri)) {
      replace(uri, []);
      touched.add(uri);
    }
    candidates.delete(uri);
  }
  // Every file, on every keystroke: a loop that allocates nothing per file.
  if (redone.size > 0) {
    findingsByUri.forEach((list, uri) => {
      if (holdsCodeOf(list, redone)) candidates.add(uri);
    });
  }
  // The findings computed again, and those they replace, by file: a file whose findings come
  // out the same is not touched, so its diagnostics are not sent again.
  const replaced = new Map<string, string[]>();
  const computed = new Map<string, string[]>();
  const rebuilt = new Set<string>();
  for (const uri of candidates) {
    const list = findingsByUri.get(uri);
    if (!list) continue;
    const kept: Finding[] = [];
    for (const finding of list) {
      const moved = moveFinding(finding, changes);
      // Moved (its line may be another) or gone: the file's diagnostics are to be sent again.
      if (moved !== finding) touched.add(uri);
      if (moved === undefined) continue;
      const ranges = seedRangesByCode.get(finding.code)?.get(uri);
      if (redone.has(finding.code) || (ranges && contains(ranges, moved.range.start))) note(replaced, moved);
      else kept.push(moved);
    }
    replace(uri, kept);
    rebuilt.add(uri);
  }
  for (const finding of findings) {
    note(computed, finding);
    const list = findingsByUri.get(finding.uri);
    if (list && rebuilt.has(finding.uri)) {
      list.push(finding);
    } else {
      // Never add to a list the previous findings still own.
      replace(finding.uri, [...(list ?? []), finding]);
      rebuilt.add(finding.uri);
    }
  }
  for (const uri of new Set([...replaced.keys(), ...computed.keys()])) {
    const before = replaced.get(uri)?.sort() ?? [];
    const after = computed.get(uri)?.sort() ?? [];
    if (before.length !== after.length || before.some((finding, i) => finding !== after[i])) touched.add(uri);
  }
  for (const [uri, list] of replacedLists) {
    link(pointers, uri, list, false);
    link(pointers, uri, findingsByUri.get(uri), true);
  }
  return { findingsByUri, touched, failures };
}

/** The rules that say what they read, grouped by what they read: each group runs from its own seeds. */
function rulesByDependencies(): [ReadonlySet<Dependency>, string[]][] {
  const groups = new Map<string, [ReadonlySet<Dependency>, string[]]>();
  for (const rule of rules) {
    if (!rule.dependsOn) continue;
    const name = [...rule.dependsOn].sort().join(' ');
    const group = groups.get(name) ?? groups.set(name, [new Set(rule.dependsOn), []]).get(name)!;
    group[1].push(rule.code);
  }
  return [...groups.values()];
}

/** Whether a finding of `list` has one of `codes`. */
function holdsCodeOf(list: readonly Finding[], codes: ReadonlySet<string>): boolean {
  for (const finding of list) if (codes.has(finding.code)) return true;
  return false;
}

/** Adds a finding, as JSON, to its file's list in `byUri`. */
function note(byUri: Map<string, string[]>, finding: Finding): void {
  const list = byUri.get(finding.uri);
  if (list) list.push(JSON.stringify(finding));
  else byUri.set(finding.uri, [JSON.stringify(finding)]);
}

/**
 * For a map of findings by file, the files whose findings point into each file (by related
 * information): built once per map, then kept up to date by `recheck`, so that an edit finds the
 * findings it moves without a look at every file's.
 */
function pointersInto(findingsByUri: Map<string, Finding[]>): Map<string, Set<string>> {
  let pointers = pointersOf.get(findingsByUri);
  if (!pointers) {
    pointers = new Map();
    for (const [uri, list] of findingsByUri) link(pointers, uri, list, true);
    pointersOf.set(findingsByUri, pointers);
  }
  return pointers;
}

const pointersOf = new WeakMap<Map<string, Finding[]>, Map<string, Set<string>>>();

/** Records that the findings `list` of `uri` point into the files they name, or with `add` false forgets it. */
function link(
  pointers: Map<string, Set<string>>,
  uri: string,
  list: readonly Finding[] | undefined,
  add: boolean,
): void {
  for (const target of relatedUris(list ?? [])) {
    let uris = pointers.get(target);
    if (add) {
      if (!uris) pointers.set(target, (uris = new Set()));
      uris.add(uri);
    } else if (uris?.delete(uri) && uris.size === 0) {
      pointers.delete(target);
    }
  }
}

/** The files a list of findings points to in its related information, computed once per list. */
function relatedUris(list: readonly Finding[]): ReadonlySet<string> {
  let uris = relatedUrisOf.get(list);
  if (!uris) {
    uris = new Set(list.flatMap((finding) => finding.related?.map((item) => item.uri) ?? []));
    relatedUrisOf.set(list, uris);
  }
  return uris;
}

const relatedUrisOf = new WeakMap<readonly Finding[], ReadonlySet<string>>();

/**
 * The objects whose findings an edit of `changed` (old and new versions) can alter, through what
 * the rules read (`reads`). Closed under "same key": a rule that starts from a Service reports on
 * its backends too, and a backend's findings are redone only if its Service is.
 */
function affectedObjects(
  index: WorkspaceIndex,
  changed: readonly KubeObject[],
  reads: ReadonlySet<Dependency>,
): Set<KubeObject> {
  const seeds = new Set<KubeObject>();
  const keys = new Set<ObjectKey>();
  const addKey = (key: ObjectKey) => {
    if (keys.has(key)) return;
    keys.add(key);
    for (const object of index.keyGroup(key)) seeds.add(object);
  };
  const add = (object: KubeObject) => {
    const key = index.groupKeyOf(object);
    if (key) addKey(key);
    else seeds.add(object);
  };
  // A burst of edits lists every version of an object: the near names of a key are looked up once.
  const changedKeys = new Set<ObjectKey>();
  for (const object of changed) {
    const key = index.groupKeyOf(object);
    if (key && !changedKeys.has(key)) {
      changedKeys.add(key);
      addKey(key);
      if (reads.has('nearNames')) nearNames(index, key).forEach(add);
    }
    if (object.kind === 'Service' && reads.has('clusterIps')) {
      // A backend's finding names the Services of its address; the backend itself is a changed object.
      for (const { value } of clusterIpsOf(object)) {
        const ip = canonicalIp(value.value);
        if (ip !== undefined) index.backendsWithAddress(ip).forEach(add);
      }
    }
    if ('podLabels' in object && (reads.has('selectedWorkloads') || reads.has('namespaceWorkloads'))) {
      // The Services that select the workload, in this version or the other; and those that select
      // nothing, whose findings read every workload of the namespace: a few, not every Service of it.
      const namespace = index.namespaceOf(object);
      index.servicesSelectingPodsOf(namespace, object).forEach(add);
      if (reads.has('namespaceWorkloads')) index.servicesSelectingNothingIn(namespace).forEach(add);
    }
  }
  if (reads.has('referencedServices')) referrersAffectedBy(index, changed).forEach(add);
  // The changed objects themselves, also those no key finds (nameless, or a slice without its label).
  for (const object of changed) if (index.holds(object)) seeds.add(object);
  return seeds;
}

/**
 * The Ingresses, routes and StatefulSets whose findings an edit of `changed` can alter through the
 * Services they name (see `Dependency`): those that name a changed Service's namespace/name, or
 * one that a changed Service's namespace lacks (a Service beside them or a typo away may have come
 * or gone), or one of a changed Service's name that they find in no namespace of theirs (the
 * Service of that name in another namespace, which the message names, may have come or gone), or
 * a Service of the Services that may select a changed workload, or one of a namespace whose
 * ReferenceGrants changed. The walk over every reference happens only when such an object
 * changed: typing in an Endpoints, a backend or a route looks at none.
 */
function referrersAffectedBy(index: WorkspaceIndex, changed: readonly KubeObject[]): KubeObject[] {
  const keys = new Set<ObjectKey>();
  const serviceNamespaces = new Set<string>();
  const serviceNames = new Set<string>();
  const grantNamespaces = new Set<string>();
  for (const object of changed) {
    if (object.kind === 'Service') {
      const key = index.keyOf(object);
      if (key) keys.add(key);
      serviceNamespaces.add(index.namespaceOf(object));
      if (object.name) serviceNames.add(object.name.value);
    } else if (object.kind === 'ReferenceGrant') {
      grantNamespaces.add(index.namespaceOf(object));
    } else if ('podLabels' in object) {
      for (const service of index.servicesSelectingPodsOf(index.namespaceOf(object), object)) {
        const key = index.keyOf(service);
        if (key) keys.add(key);
      }
    }
  }
  if (keys.size === 0 && serviceNamespaces.size === 0 && grantNamespaces.size === 0) return [];
  return serviceReferences(index)
    .filter((reference) => {
      const namespace = referencedNamespace(index, reference);
      return (
        keys.has(ObjectKey.of(namespace, reference.name.value)) ||
        grantNamespaces.has(namespace) ||
        ((serviceNamespaces.has(namespace) || serviceNames.has(reference.name.value)) &&
          servicesReferencedBy(index, reference).length === 0)
      );
    })
    .map((reference) => reference.object);
}

/**
 * The Services and backends without a partner of `key`'s name in every namespace, and of names a
 * typo away in its namespace: the objects whose near-miss hints can name an object of `key`
 * (see `Dependency`). An object with a partner has none, and an edit of another key leaves it
 * paired, so it is left out: in a namespace of `app-1234`s most near names are paired.
 */
function nearNames(index: WorkspaceIndex, key: ObjectKey): KubeObject[] {
  const { namespace, name } = ObjectKey.parts(key);
  return [
    ...index.servicesNamed(name).filter((service) => index.missesBackends(service)),
    ...index.backendsNamed(name).filter((backend) => index.missesService(backend)),
    ...unpairedNear(index, namespace, name),
  ];
}

/** A finding with its ranges moved by the edits of their files; undefined when it lay in a changed part. */
function moveFinding(finding: Finding, changes: IndexChanges): Finding | undefined {
  const range = moveRange(finding.uri, finding.range, changes);
  if (!range) return undefined;
  let related = finding.related;
  if (related?.some((item) => changes.edits.has(item.uri) || changes.rewritten.has(item.uri))) {
    const moved: NonNullable<Finding['related']> = [];
    for (const item of related) {
      const itemRange = changes.rewritten.has(item.uri) ? undefined : moveRange(item.uri, item.range, changes);
      // What it pointed at changed: the finding is stale (its object is affected, so it is redone).
      if (!itemRange) return undefined;
      moved.push(itemRange === item.range ? item : Object.assign({}, item, { range: itemRange }));
    }
    related = moved;
  }
  return range === finding.range && related === finding.related
    ? finding
    : Object.assign({}, finding, { range, related });
}

function moveRange(uri: string, range: SourceRange, changes: IndexChanges): SourceRange | undefined {
  const edit = changes.edits.get(uri);
  if (!edit || range.start < edit.start) return range;
  if (range.start < edit.end) return undefined;
  return { start: range.start + edit.delta, end: range.end + edit.delta };
}

/** Each file's seed ranges, sorted by start, for `contains`. */
function rangesByUri(objects: Iterable<KubeObject>): Map<string, SourceRange[]> {
  const byUri = new Map<string, SourceRange[]>();
  for (const object of objects) {
    const list = byUri.get(object.uri);
    if (list) list.push(object.range);
    else byUri.set(object.uri, [object.range]);
  }
  for (const list of byUri.values()) list.sort((a, b) => a.start - b.start);
  return byUri;
}

/** Whether one of the sorted ranges (disjoint: objects do not overlap) contains `offset`. */
function contains(ranges: readonly SourceRange[], offset: number): boolean {
  let low = 0;
  let high = ranges.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (ranges[middle].start > offset) high = middle - 1;
    else if (ranges[middle].end < offset) low = middle + 1;
    else return true;
  }
  return false;
}
