import type { WorkspaceIndex } from '../index/workspaceIndex';
import { FieldError, isQualifiedName, isValidLabelValue } from '../model/k8sValidation';
import type { Backend, Located, Service, SourceRange, Workload } from '../model/types';
import { isOperatorWorkload, WORKLOAD_PATHS } from '../model/types';
import { describe } from './describe';
import type { Rule } from './types';
import { Finding } from './types';

/**
 * Label keys and values found valid: most repeat across the workspace (`app`, team and component
 * names), so each is validated once. Bounded, as edits can bring new ones for ever.
 */
const validKeys = new Set<string>();
const validValues = new Set<string>();
const MAX_REMEMBERED = 100_000;

/** The problems `validate` finds with `text`, none when `valid` holds it already; remembers it when fine. */
function problemsOf(valid: Set<string>, text: string, validate: (text: string) => string[]): string[] {
  if (valid.has(text)) return [];
  const problems = validate(text);
  if (problems.length === 0) {
    if (valid.size >= MAX_REMEMBERED) valid.clear();
    valid.add(text);
  }
  return problems;
}

/** A map of strings the API server validates as labels (and a selector), or as annotations. */
type LabelMap = {
  /** Its field path, as the API server names it. */
  path: string;
  entries: Readonly<Record<string, Located<string>>> | undefined;
  role: 'labels' | 'annotations' | 'selector';
  /** The Go struct that holds it, which the decoding error names. */
  struct: string;
};

/** The maps of strings of an object: its own labels and annotations, a workload's pod template's, selectors. */
function labelMapsOf(object: Service | Backend | Workload): LabelMap[] {
  const maps: LabelMap[] = [
    { path: 'metadata.labels', entries: object.labels, role: 'labels', struct: 'ObjectMeta' },
    { path: 'metadata.annotations', entries: object.annotations, role: 'annotations', struct: 'ObjectMeta' },
  ];
  if (object.kind === 'Service') {
    maps.push({ path: 'spec.selector', entries: object.selector?.labels, role: 'selector', struct: 'ServiceSpec' });
  } else if ('podLabels' in object && object.kind !== 'Pod' && !isOperatorWorkload(object)) {
    const paths = WORKLOAD_PATHS[object.kind];
    maps.push(
      { path: paths.podLabels, entries: object.podLabels, role: 'labels', struct: 'ObjectMeta' },
      { path: paths.podAnnotations, entries: object.podAnnotations, role: 'annotations', struct: 'ObjectMeta' },
      {
        path: paths.selectorLabels!,
        entries: object.selector?.matchLabels,
        role: 'selector',
        // matchLabels of a LabelSelector, or a ReplicationController's own map.
        struct: paths.labelSelector ? 'LabelSelector' : `${object.kind}Spec`,
      },
    );
  }
  return maps;
}

/** How messages name an entry of each role of map. */
const ENTRY_NAMES: Record<LabelMap['role'], string> = {
  labels: 'Label',
  annotations: 'Annotation',
  selector: 'Selector entry',
};

/**
 * Rule: labels-invalid
 *
 * The labels and annotations of a Service, Endpoints, EndpointSlice or workload, those of a
 * workload's pod template, and the selectors of Services and workloads, as the API server takes
 * them:
 * - their values are strings (`map[string]string`): a value kubectl reads as a number or a boolean
 *   (`version: 2`, `prometheus.io/scrape: true`, and, as it reads YAML 1.1, `enabled: yes` and
 *   `size: 1_000`, but not a float that overflows: see `Yaml11`) cannot be decoded (`json:
 *   cannot unmarshal bool into Go struct field ObjectMeta.metadata.annotations of type string`),
 *   so the whole object is refused;
 * - label and selector keys are qualified names and their values label values (ValidateLabels,
 *   staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/validation; ValidateService validates the
 *   selector the same way, ValidateLabelSelector a `matchLabels`, ValidateReplicationControllerSpec
 *   its selector); annotation keys are qualified names, in any case (ValidateAnnotations,
 *   staging/src/k8s.io/apimachinery/pkg/api/validation/objectmeta.go). A pod template's metadata is
 *   validated as an object's (ValidatePodTemplateSpec → ValidateObjectMeta). The `spec.podMetadata`
 *   of a Prometheus or an Alertmanager is not: only the StatefulSet the operator makes of it is.
 *
 * Fix: quote a value written as a number or a boolean, as written (`1.10` stays `"1.10"`).
 */
export const labelsInvalid: Rule = {
  code: 'labels-invalid',
  defaultSeverity: 'error',
  description:
    'A label, annotation or selector value is not a string, or a key or value is of a form the API server refuses.',
  dependsOn: ['key'],

  check(index) {
    const findingsOf = (object: Service | Backend | Workload) =>
      labelProblems(index, object).map(({ range, message, quoted }) =>
        Finding.of(this, object.uri, range, message, quoted ? { data: { quoted } } : {}),
      );
    return [...index.servicesAndBackends().flatMap(findingsOf), ...index.allWorkloads().flatMap(findingsOf)];
  },

  fixes(finding, index) {
    const quoted = finding.data?.quoted;
    const text = index.file(finding.uri)?.text;
    if (typeof quoted !== 'string' || text === undefined) return [];
    return [
      {
        title: `Quote the value: ${quoted}`,
        isPreferred: true,
        safe: true,
        changes: [{ kind: 'edit', uri: finding.uri, range: finding.range, newText: quoted }],
      },
    ];
  },
};

/**
 * A problem with a label, annotation or selector entry: where, what to tell, the reason in a few
 * words (for the findings of other objects), and the quoted value that fixes it.
 */
type LabelProblem = { range: SourceRange; message: string; reason: string; quoted?: string };

/** Why the API server refuses the object's labels, annotations or selectors (see the rule); none when it takes them. */
export function labelProblems(index: WorkspaceIndex, object: Service | Backend | Workload): LabelProblem[] {
  const problems: LabelProblem[] = [];
  const maps = labelMapsOf(object);
  for (const { map: path, key, value, readAs, readSoByYaml12 } of object.nonStringEntries ?? []) {
    const map = maps.find((candidate) => candidate.path === path)!;
    const type = readAs === 'number' ? 'a number' : 'a boolean';
    const why = readSoByYaml12 ? type : `which kubectl, reading YAML 1.1, takes for ${type}`;
    problems.push({
      range: value.range,
      message: notAString(index, object, map, key, value.value, why, readAs),
      reason: `${path}: the value of "${key}", ${value.value}, is read as ${type}, not a string`,
      quoted: JSON.stringify(value.value),
    });
  }
  // The API server's words are short enough to be the reason too.
  const invalid = (range: SourceRange, message: string) => problems.push({ range, message, reason: message });
  for (const { path, entries, role } of maps) {
    for (const key in entries) {
      const value = entries[key];
      const keyProblems = problemsOf(validKeys, key, isQualifiedName);
      // Annotation keys may be in any case.
      const keyWhys =
        keyProblems.length > 0 && role === 'annotations' ? isQualifiedName(key.toLowerCase()) : keyProblems;
      for (const why of keyWhys) invalid(value.keyRange ?? value.range, FieldError.invalid(path, key, why));
      if (role === 'annotations') continue;
      for (const why of problemsOf(validValues, value.value, isValidLabelValue))
        invalid(value.range, FieldError.invalid(path, value.value, why));
    }
  }
  return problems;
}

/**
 * The message for an entry whose value is not a string (`readAs`: "a number", "a boolean", or
 * why it is one): what YAML makes of it, and the decoding error it leads to (`jsonType`: the
 * JSON type the API server's decoder names).
 */
function notAString(
  index: WorkspaceIndex,
  object: Service | Backend | Workload,
  map: LabelMap,
  key: string,
  written: string,
  readAs: string,
  jsonType: 'number' | 'bool',
): string {
  return (
    `${ENTRY_NAMES[map.role]} "${key}" has the value ${written}, ${readAs}: ${map.path} holds strings, so the API server cannot decode ` +
    `${describe(index, object)} (json: cannot unmarshal ${jsonType} into Go struct field ${map.struct}.${map.path} of type string). ` +
    `Quote it: ${JSON.stringify(written)}.`
  );
}
