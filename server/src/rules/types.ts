import type { WorkspaceIndex } from '../index/workspaceIndex';
import { KubernetesVersion } from '../model/kubernetesVersion';
import type { SourceRange } from '../model/types';

export type Severity = 'error' | 'warning' | 'information' | 'hint';

/** Plain JSON a rule attaches to a finding so that its fixes need no re-analysis of the message. */
export type FixData = { [key: string]: string | number | boolean | null | FixData | FixData[] | string[] };

/** One problem, anchored on a scalar of one file. */
export type Finding = {
  /** The rule's stable kebab-case code. */
  code: string;
  severity: Severity;
  uri: string;
  range: SourceRange;
  message: string;
  /** Other places the message names, shown as related information. */
  related?: { uri: string; range: SourceRange; message: string }[];
  data?: FixData;
};

/** One change to the workspace: an edit of an existing file, or a new file. */
export type FileChange =
  | {
      kind: 'edit';
      uri: string;
      range: SourceRange;
      newText: string;
      /** The same text in snippet syntax (`${1:placeholder}`), for clients that apply snippet edits. */
      snippet?: string;
    }
  | { kind: 'create'; uri: string; text: string };

/** A quick fix: a title and the changes that make it. */
export type Fix = {
  title: string;
  isPreferred?: boolean;
  /**
   * Whether the fix needs no choice or input from a person (one candidate, no
   * placeholder), so `kube-endpoints check --fix` may apply it unattended.
   */
  safe?: boolean;
  /**
   * Set when the fix rewrites whole objects (a conversion): each edit replaces exactly
   * the mapping of one object, comments inside it included, and nothing else.
   */
  rewritesObjects?: boolean;
  changes: FileChange[];
};

/** What the rules know about the cluster the manifests are for. */
export type CheckContext = {
  /** The Kubernetes release the manifests target (`kubeEndpoints.kubernetesVersion`). */
  kubernetesVersion: KubernetesVersion;
};

/** What fixes know about the client and the user's preferences, so a fix can use what they allow. */
export type FixContext = CheckContext & {
  /** Whether a fix may create new files. */
  canCreateFiles: boolean;
  /** Offer EndpointSlices before Endpoints (`kubeEndpoints.preferEndpointSlice`). */
  preferEndpointSlice: boolean;
  /** The `endpointslice.kubernetes.io/managed-by` label of slices the fixes write. */
  endpointSliceManagedBy: string;
};

export namespace FixContext {
  /** The label value that marks a slice as written by people, not by a controller. */
  export const DEFAULT_MANAGED_BY = 'staff';

  /**
   * A complete context: the newest Kubernetes release unless named, EndpointSlices
   * preferred from the release that deprecated Endpoints unless said otherwise.
   */
  export function of(
    options: Partial<Omit<FixContext, 'preferEndpointSlice'>> & { preferEndpointSlice?: boolean | null } = {},
  ): FixContext {
    const kubernetesVersion = options.kubernetesVersion ?? KubernetesVersion.LATEST;
    return {
      kubernetesVersion,
      canCreateFiles: options.canCreateFiles ?? false,
      preferEndpointSlice: options.preferEndpointSlice ?? KubernetesVersion.deprecatesEndpoints(kubernetesVersion),
      endpointSliceManagedBy: options.endpointSliceManagedBy || DEFAULT_MANAGED_BY,
    };
  }
}

/**
 * What a rule's findings about an object may read:
 * - `key`: the object and the objects of its namespace/name;
 * - `nearNames`: for an object without a partner of its key, the Services and backends without
 *   one of its name in other namespaces and of names a typo away in its namespace (the near-miss
 *   hints: only an object without a partner has such a finding, and only such objects are offered);
 * - `selectedWorkloads`: the workloads a Service's selector matches;
 * - `namespaceWorkloads`: every workload of a Service's namespace, read only for a Service that
 *   selects none of them (whether there are any, and the closest, which the hint names): an edit
 *   of a workload reaches the Services that select nothing, not every Service of its namespace;
 * - `clusterIps`: the Services whose cluster IP is one of a backend's addresses;
 * - `referencedServices`: for an Ingress, a route or a StatefulSet, the Services it names (by
 *   namespace/name) and what they select; for a name of none, any Service of that namespace (one
 *   beside it, one a typo away) or of that name (in another namespace); and the namespace's
 *   ReferenceGrants.
 */
export type Dependency =
  'key' | 'nearNames' | 'selectedWorkloads' | 'namespaceWorkloads' | 'clusterIps' | 'referencedServices';

/** A check over the whole index, with the fixes for its findings beside it. */
export type Rule = {
  code: string;
  /** The severity findings get unless a setting says otherwise; `off`: the rule runs only when a setting asks. */
  defaultSeverity: Severity | 'off';
  /** One line for documentation and completion of settings. */
  description: string;
  check(index: WorkspaceIndex, context: CheckContext): Finding[];
  /**
   * What the rule's findings about an object read, so that after an edit it runs only where that
   * edit can matter (rules/recheck.ts): always `'key'` (the object and the objects of its
   * namespace/name: a Service, its Endpoints and slices; each finding is anchored inside one of
   * them), then whatever else it reads (see `Dependency`). Without it, the rule runs over the
   * whole index after every edit: correct whatever it reads, but slower.
   */
  dependsOn?: readonly ['key', ...Exclude<Dependency, 'key'>[]];
  /** Fixes for one of this rule's findings, computed from its `data` and the current index. */
  fixes?(finding: Finding, index: WorkspaceIndex, context: FixContext): Fix[];
};

/**
 * A code action offered where the cursor is rather than for a finding, like
 * rust-analyzer's assists: a refactoring the user asks for.
 */
export type Assist = {
  /** Stable kebab-case id, for tests and logs. */
  id: string;
  /** The changes on offer at `range` of `uri` (a cursor is an empty range); empty when none apply. */
  fixes(index: WorkspaceIndex, uri: string, range: SourceRange, context: FixContext): Fix[];
};

export namespace Finding {
  /** A finding of `rule` with its default severity. */
  export function of(
    rule: Pick<Rule, 'code' | 'defaultSeverity'>,
    uri: string,
    range: SourceRange,
    message: string,
    extra: Pick<Finding, 'related' | 'data'> = {},
  ): Finding {
    // A rule that is off by default runs only at a severity a setting gives, which replaces this one.
    const severity = rule.defaultSeverity === 'off' ? 'information' : rule.defaultSeverity;
    // Copies of the model's ranges, which an edit moves in place (model/documents.ts): a finding's
    // are moved by the re-check, which must not find them moved already.
    const finding: Finding = { code: rule.code, severity, uri, range: copyOf(range), message, ...extra };
    if (extra.related)
      finding.related = extra.related.map((item) => Object.assign({}, item, { range: copyOf(item.range) }));
    return finding;
  }
}

function copyOf(range: SourceRange): SourceRange {
  return { start: range.start, end: range.end };
}
