import { FieldError, isQualifiedName, isValidLabelValue, sameButForCase } from '../model/k8sValidation';
import { JOB_NAME_LABELS } from '../model/semantics';
import {
  type Located,
  objectHolding,
  type SelectorRequirement,
  SELECTOR_OPERATORS,
  type SourceRange,
  type Workload,
  type WorkloadKind,
  WORKLOAD_PATHS,
  type WorkloadSelector,
} from '../model/types';
import { describe } from './describe';
import type { Finding as FindingType, Fix, Rule } from './types';
import { Finding } from './types';
import { writeSupportedValue } from './enumerations';
import { deleteEntry, insertFirstEntry, replaceScalar, scalarText } from './yamlText';

/**
 * The workloads whose selector the API server checks against their pod template, with the
 * `apiVersion` that checks it, and how ValidateXSpec words an empty selector. Older versions
 * (extensions/v1beta1, apps/v1beta2) defaulted a missing selector to the template's labels.
 */
const CHECKED: Partial<Record<WorkloadKind, { apiVersion: string; empty?: string; required: boolean }>> = {
  Deployment: { apiVersion: 'apps/v1', empty: 'empty selector is invalid for deployment', required: true },
  // ValidateReplicaSetSpec words it as for a Deployment.
  ReplicaSet: { apiVersion: 'apps/v1', empty: 'empty selector is invalid for deployment', required: true },
  StatefulSet: { apiVersion: 'apps/v1', empty: 'empty selector is invalid for statefulset', required: true },
  // No Required: a DaemonSet without a selector selects nothing, so it does not match the template.
  DaemonSet: { apiVersion: 'apps/v1', empty: 'empty selector is invalid for daemonset', required: false },
  // SetDefaults_ReplicationController gives an empty selector the template's labels.
  ReplicationController: { apiVersion: 'v1', required: false },
  // With `manualSelector: true`; without it, see `generatedSelectorProblems`. An empty selector selects every pod.
  Job: { apiVersion: 'batch/v1', required: true },
};

/** The labels of a Job's uid that the API server gives its pods and selector beside `JOB_NAME_LABELS`. */
const JOB_UID_LABELS = ['controller-uid', 'batch.kubernetes.io/controller-uid'];

/** Why a selector does not select its own pods, where, and the `matchLabels` key at fault if one is. */
type Mismatch = { at: Located<unknown> | { range: SourceRange }; why: string; label?: string };

/** A finding about a workload, before the sentence every finding of the rule ends with. */
export type Problem = { at: { range: SourceRange }; message: string; data?: FindingType['data'] };

/**
 * Rule: workload-selector-invalid
 *
 * A Deployment, ReplicaSet, StatefulSet or DaemonSet (apps/v1) or a ReplicationController must
 * select the pods its template makes, or the API server refuses it, and the Services that
 * select those pods get no endpoints (kubernetes/kubernetes pkg/apis/apps/validation:
 * ValidateDeploymentSpec, ValidateReplicaSetSpec, ValidateStatefulSetSpec,
 * ValidateDaemonSetSpec; pkg/apis/core/validation ValidateReplicationControllerSpec):
 * - `spec.selector` is required (Deployment, ReplicaSet, StatefulSet), and must not be empty;
 * - its `matchLabels` and `matchExpressions` (In, NotIn, Exists, DoesNotExist) must hold for
 *   `spec.template.metadata.labels` ("`selector` does not match template `labels`"); a DaemonSet
 *   without a selector matches nothing. A ReplicationController's empty selector is defaulted to
 *   the template's labels (SetDefaults_ReplicationController), which then must not be empty.
 * - each of its `matchExpressions` is well formed (ValidateLabelSelectorRequirement; see
 *   `requirementProblems`); a selector with a malformed one is not matched against the template.
 * - a batch/v1 Job's selector, without `manualSelector: true`, matches the labels the API server
 *   generates (see `generatedSelectorProblems`); with it, as a Deployment's, but it may be empty.
 * Labels the model cannot read (a template's `{name}` is a mapping to YAML) are left to other
 * tools: the selector is not judged.
 *
 * Fixes: an operator in the wrong case written as the API spells it (safe); write the selector's
 * label in the template (preferred: an apps/v1 selector cannot be changed once created), or the
 * template's value in the selector; add a selector of the template's labels where it is missing.
 */
export const workloadSelectorInvalid: Rule = {
  code: 'workload-selector-invalid',
  defaultSeverity: 'error',
  description:
    "A workload's selector is missing, empty or does not match its pod template's labels (a Job's, the labels the API server generates), so the API server refuses it.",
  dependsOn: ['key'],

  check(index) {
    return index
      .allWorkloads()
      .flatMap((workload) =>
        selectorProblems(workload).map(({ at, message, data }) =>
          Finding.of(
            this,
            workload.uri,
            at.range,
            `${message}: the API server refuses ${describe(index, workload)}, so it makes no pods and the Services that select them get no endpoints.`,
            data ? { data } : {},
          ),
        ),
      );
  },

  fixes(finding, index) {
    if (finding.data?.write) return writeSupportedValue(finding, index);
    const file = index.file(finding.uri);
    const workload = file && objectHolding(file.objects, finding.range.start);
    if (!file || !workload || !('podLabels' in workload)) return [];
    const text = file.text;
    const fixes: Fix[] = [];
    const fix = (title: string, edit: { range: SourceRange; newText: string } | undefined, isPreferred = false) => {
      if (edit)
        fixes.push({
          title,
          ...(isPreferred && { isPreferred }),
          changes: [{ kind: 'edit', uri: finding.uri, ...edit }],
        });
    };
    const selector = workload.selector;
    if (finding.data?.generated === true && selector) {
      fix(
        'Remove the selector: the API server makes one',
        deleteEntry(text, selector.keyRange, selector.valueRange),
        true,
      );
      // Only a selector that selects the template's pods may be kept.
      if (workload.specRange && !firstMismatch(workload.podLabels, selector)) {
        const written = workload.manualSelector;
        fix(
          'Set manualSelector: true, keeping this selector',
          written
            ? { range: written.range, newText: 'true' }
            : insertFirstEntry(text, workload.specRange, 'manualSelector', 'true'),
        );
      }
      return fixes;
    }
    const key = finding.data?.label;
    const wanted = typeof key === 'string' ? selector?.matchLabels[key] : undefined;
    if (typeof key === 'string' && wanted) {
      const inTemplate = workload.podLabels[key];
      fix(
        `Label the template's pods ${key}: ${wanted.value}`,
        inTemplate
          ? replaceScalar(text, inTemplate, wanted.value)
          : workload.podLabelsRange && insertFirstEntry(text, workload.podLabelsRange, key, scalarText(wanted.value)),
        true,
      );
      if (inTemplate) fix(`Select ${key}: ${inTemplate.value} instead`, replaceScalar(text, wanted, inTemplate.value));
    }
    const labels = Object.entries(workload.podLabels);
    if (finding.data?.addSelector === true && workload.specRange && !workload.selectorKeyWritten && labels.length > 0) {
      const pairs = labels.map(([name, value]) => `${scalarText(name)}: ${scalarText(value.value)}`).join(', ');
      const flow = workload.kind === 'ReplicationController' ? `{${pairs}}` : `{matchLabels: {${pairs}}}`;
      fix(`Select the template's labels: ${pairs}`, insertFirstEntry(text, workload.specRange, 'selector', flow), true);
    }
    return fixes;
  },
};

/**
 * Why the API server refuses the workload's selector (see the rule), in its words; none when it
 * takes it, when the workload is not of a kind and version checked, or when the model could not
 * read its labels.
 */
export function selectorProblems(workload: Workload): Problem[] {
  const checked = CHECKED[workload.kind];
  if (!checked || workload.apiVersion !== checked.apiVersion) return [];
  const selector = workload.selector;
  if (selector?.matchLabelsUnread || workload.podLabelsUnread) return [];
  if (workload.kind === 'Job') {
    const manual = workload.manualSelector?.value;
    // `manualSelector: yes` and the like: kubectl's YAML 1.1 reads a boolean there, which is not judged.
    if (manual !== undefined && manual !== null && typeof manual !== 'boolean') return [];
    if (manual !== true) return generatedSelectorProblems(workload);
  }
  const problems: Problem[] = [];
  const selectorPath = WORKLOAD_PATHS[workload.kind].selector!;
  const anchor = workload.name ?? (workload.kindRange ? { range: workload.kindRange } : workload);
  const selectorEmpty =
    !selector || (Object.keys(selector.matchLabels).length === 0 && selector.matchExpressions?.length === 0);
  const doesNotMatch = ({ at, why, label }: Mismatch, data?: FindingType['data']) => {
    const labels = JSON.stringify(valuesOf(workload.podLabels));
    const message = `${WORKLOAD_PATHS[workload.kind].podLabels}: Invalid value: ${labels}: \`selector\` does not match template \`labels\` (${why})`;
    problems.push({ at, message, data: label ? { label } : data });
  };
  if (workload.kind === 'ReplicationController' && selectorEmpty) {
    if (Object.keys(workload.podLabels).length === 0) {
      const message = `${FieldError.required(selectorPath)} (the template has no labels to default it to)`;
      problems.push({ at: anchor, message });
    }
    return problems;
  }
  if (!selector) {
    // A DaemonSet's is not required: LabelSelectorAsSelector(nil) matches nothing.
    if (checked.required)
      problems.push({ at: anchor, message: FieldError.required(selectorPath), data: { addSelector: true } });
    else doesNotMatch({ at: anchor, why: 'without a selector it selects no pods' }, { addSelector: true });
    return problems;
  }
  if (selectorEmpty) {
    if (checked.empty) {
      problems.push({
        at: { range: selector.keyRange },
        message: `${selectorPath}: Invalid value: {}: ${checked.empty}`,
      });
    }
    return problems;
  }
  const malformed = requirementProblems(selectorPath, selector.matchExpressions ?? []);
  // LabelSelectorAsSelector refuses such a selector: whether it matches is not judged.
  if (malformed.length > 0) return malformed;
  const mismatch = firstMismatch(workload.podLabels, selector);
  if (mismatch) doesNotMatch(mismatch);
  return problems;
}

/**
 * A Job without `manualSelector: true` gets its selector from the API server (generateSelector,
 * pkg/registry/batch/job/strategy.go): the selector written, with the Job's uid label added.
 * ValidateGeneratedSelector (pkg/apis/batch/validation) then refuses it unless it matches the
 * labels the API server gives the Job's pods, its name and uid ("`selector` not auto-generated"):
 * a selector of the user's own labels is refused, the error of a Deployment's selector copied into
 * a Job. One that names the uid labels is not judged: the uid is known once the Job exists.
 */
function generatedSelectorProblems(workload: Workload): Problem[] {
  const selector = workload.selector;
  const requirements = selector?.matchExpressions;
  const name = workload.name?.value;
  if (!selector || !requirements || name === undefined) return [];
  const selectorPath = WORKLOAD_PATHS.Job.selector!;
  const malformed = requirementProblems(selectorPath, requirements);
  if (malformed.length > 0) return malformed;
  const keys = [...Object.keys(selector.matchLabels), ...requirements.map((requirement) => requirement.key!.value)];
  if (keys.some((key) => JOB_UID_LABELS.includes(key))) return [];
  const generated = Object.fromEntries(JOB_NAME_LABELS.map((key) => [key, { value: name }]));
  const mismatch = firstMismatch(generated, selector, {
    says: 'the API server gives its pods',
    lacks: 'the API server gives its pods no',
    whose: 'the labels the API server gives its pods',
  });
  if (!mismatch) return [];
  const written = JSON.stringify({
    ...(Object.keys(selector.matchLabels).length > 0 && {
      matchLabels: valuesOf(selector.matchLabels),
    }),
    ...(requirements.length > 0 && {
      matchExpressions: requirements.map(({ key, operator, values }) => ({
        key: key!.value,
        operator: operator!.value,
        ...(values.length > 0 && { values: values.map((value) => value.value) }),
      })),
    }),
  });
  return [
    {
      at: mismatch.at,
      message:
        `${selectorPath}: Invalid value: ${written}: \`selector\` not auto-generated (without \`manualSelector: true\` the API ` +
        `server makes the selector itself, from the Job's name and uid, and ${mismatch.why})`,
      data: { generated: true },
    },
  ];
}

/** A map of located strings as the API server prints it: the values alone. */
function valuesOf(map: Readonly<Record<string, Located<string>>>): Record<string, string> {
  return Object.fromEntries(Object.entries(map).map(([key, value]) => [key, value.value]));
}

/** Labels a selector is matched against: the template's, or those the API server generates for a Job. */
type Labels = Readonly<Record<string, { value: string }>>;

/** How a mismatch's reason names the labels: the template's, by default. */
const TEMPLATE_LABELS = { says: 'the template says', lacks: 'the template has no', whose: "the template's labels" };

/**
 * The first requirement of a selector that `labels` fail, undefined when they meet all, or when its
 * `matchExpressions` are not read (see `WorkloadSelector`).
 */
function firstMismatch(labels: Labels, selector: WorkloadSelector, named = TEMPLATE_LABELS): Mismatch | undefined {
  const requirements = selector.matchExpressions;
  if (!requirements) return undefined;
  for (const [key, value] of Object.entries(selector.matchLabels)) {
    const carried = labels[key];
    if (carried?.value === value.value) continue;
    const why = carried
      ? `the selector wants ${key}=${value.value}, ${named.says} ${key}=${carried.value}`
      : `the selector wants ${key}=${value.value}, ${named.lacks} ${key} label`;
    return { at: value, why, label: key };
  }
  for (const requirement of requirements) {
    if (!holds(requirement, labels)) {
      return {
        at: requirement.key!,
        why: `the selector's requirement ${requirement.key!.value} ${requirement.operator!.value}${
          requirement.values.length > 0 ? ` (${requirement.values.map((value) => value.value).join(', ')})` : ''
        } fails on ${named.whose}`,
      };
    }
  }
  return undefined;
}

/**
 * What ValidateLabelSelectorRequirement (staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/validation)
 * refuses in each requirement: an operator it does not know (an operator in the wrong case gets a
 * fix), values missing for In and NotIn or given to Exists and DoesNotExist, a key that is no
 * qualified name, values that are no label values (apps/v1 validates its selectors strictly).
 */
function requirementProblems(selectorPath: string, requirements: readonly SelectorRequirement[]): Problem[] {
  const problems: Problem[] = [];
  requirements.forEach(({ range, key, operator, values }, i) => {
    const path = `${selectorPath}.matchExpressions[${i}]`;
    const op = operator?.value ?? '';
    if (!SELECTOR_OPERATORS.includes(op)) {
      const known = sameButForCase(op, SELECTOR_OPERATORS);
      problems.push({
        at: operator ?? { range },
        message:
          FieldError.invalid(`${path}.operator`, op, 'not a valid selector operator') +
          (known ? ` (operators are case-sensitive: write ${known})` : ''),
        data: known ? { write: known } : undefined,
      });
    } else if ((op === 'In' || op === 'NotIn') && values.length === 0) {
      problems.push({
        at: operator!,
        message: FieldError.required(`${path}.values`, "must be specified when `operator` is 'In' or 'NotIn'"),
      });
    } else if ((op === 'Exists' || op === 'DoesNotExist') && values.length > 0) {
      problems.push({
        at: values[0],
        message: FieldError.forbidden(
          `${path}.values`,
          "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
        ),
      });
    }
    for (const problem of isQualifiedName(key?.value ?? ''))
      problems.push({ at: key ?? { range }, message: FieldError.invalid(`${path}.key`, key?.value ?? '', problem) });
    values.forEach((value, j) => {
      for (const problem of isValidLabelValue(value.value))
        problems.push({ at: value, message: FieldError.invalid(`${path}.values[${j}]`, value.value, problem) });
    });
  });
  return problems;
}

function holds({ key, operator, values }: SelectorRequirement, labels: Labels): boolean {
  const carried = labels[key!.value]?.value;
  const listed = carried !== undefined && values.some((value) => value.value === carried);
  switch (operator!.value) {
    case 'In':
      return listed;
    case 'NotIn':
      return !listed;
    case 'Exists':
      return carried !== undefined;
    default:
      return carried === undefined;
  }
}
