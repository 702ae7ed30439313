import { selectingServices, selectorText } from '../index/selection';
import type { WorkspaceIndex } from '../index/workspaceIndex';
import type { Located, Service, SourceRange, Workload } from '../model/types';
import { describe, describeAt } from './describe';
import type { Finding as FindingType, Rule } from './types';
import { refusalOf } from './refusals';
import { Finding } from './types';

/**
 * Rule: selector-matches-no-workload
 *
 * The endpoints controller gives a Service with a selector the Pods of its namespace
 * whose labels include every selector pair. When the workspace declares workloads in
 * that namespace and none of their pod templates carries the pairs, the Service most
 * likely selects nothing: a typo in a key or value, or a label changed on one side only.
 * Pods may come from elsewhere (another repository, a Helm chart), hence information.
 * A namespace without workloads in the workspace stays quiet, so a repository of only
 * Services does too.
 *
 * Anchored on the first pair that the workload matching the most pairs lacks.
 *
 * A Service whose selector matches only workloads the API server refuses (their selector does
 * not match their template, or their labels or annotations cannot be decoded or are invalid: see
 * `workload-selector-invalid` and `labels-invalid`) gets no endpoints from them either, as they
 * never exist: said on the Service too, where the missing traffic shows, with the first reason of
 * each. Anchored on the selector's first pair.
 */
export const selectorMatchesNoWorkload: Rule = {
  code: 'selector-matches-no-workload',
  defaultSeverity: 'information',
  description:
    'A Service selector matches no workload of its namespace in the workspace, which has workloads there, or only workloads the API server refuses.',
  dependsOn: ['key', 'selectedWorkloads', 'namespaceWorkloads'],

  check(index) {
    return selectingServices(index).flatMap(({ service, workloads: selected }) => {
      if (selected.length > 0) return onlyRefused(this, index, service, selected);
      const selector = service.selector!.labels;
      const namespace = index.namespaceOf(service);
      const workloads = index.workloadsIn(namespace);
      if (workloads.length === 0) return [];
      const pairs = Object.entries(selector);
      const { closest, unmatched } = closestWorkload(pairs, workloads);
      const [missingKey, missing] = pairs.find(([key, value]) => closest.podLabels[key]?.value !== value.value)!;
      const matchesSome = pairs.length > unmatched;
      const written = closest.podLabels[missingKey];
      const hint = !matchesSome
        ? ''
        : written
          ? ` The closest, ${describeAt(index, closest, service.uri)}, has ${missingKey}=${written.value} instead of ${missingKey}=${missing.value}.`
          : ` The closest, ${describeAt(index, closest, service.uri)}, lacks ${missingKey}=${missing.value}.`;
      return [
        Finding.of(
          this,
          service.uri,
          missing.range,
          `The selector ${selectorText(selector)} of ${describe(index, service)} matches no workload of namespace "${namespace}" ` +
            `in the workspace, so the Service gets no endpoints unless Pods from elsewhere carry these labels.${hint}`,
          {
            related: matchesSome
              ? [{ uri: closest.uri, range: closest.name?.range ?? closest.range, message: describe(index, closest) }]
              : [],
          },
        ),
      ];
    });
  },
};

/**
 * The first workload that lacks the fewest of a selector's pairs, and how many it lacks: a walk
 * over every workload of the namespace (in a monorepo's one namespace, thousands) for each Service
 * that selects nothing, again after each edit of any of them, so it allocates nothing per
 * workload; one pair missing is the fewest there can be, as none carries them all.
 */
function closestWorkload(
  pairs: readonly [string, Located<string>][],
  workloads: readonly Workload[],
): { closest: Workload; unmatched: number } {
  let closest = workloads[0];
  let fewestUnmatched = Infinity;
  for (const workload of workloads) {
    const unmatched = unmatchedPairs(pairs, workload);
    if (unmatched < fewestUnmatched) {
      closest = workload;
      fewestUnmatched = unmatched;
      if (unmatched <= 1) break;
    }
  }
  return { closest, unmatched: fewestUnmatched };
}

function unmatchedPairs(pairs: readonly [string, Located<string>][], workload: Workload): number {
  let unmatched = 0;
  for (const [key, value] of pairs) if (workload.podLabels[key]?.value !== value.value) unmatched++;
  return unmatched;
}

/** The finding of a Service whose selected workloads the API server all refuses; none when it takes one. */
function onlyRefused(
  rule: Rule,
  index: WorkspaceIndex,
  service: Service,
  selected: readonly Workload[],
): FindingType[] {
  const refused: { workload: Workload; range: SourceRange; reason: string }[] = [];
  for (const workload of selected) {
    const refusal = refusalOf(index, workload);
    if (!refusal) return [];
    refused.push({ workload, ...refusal });
  }
  const selector = service.selector!.labels;
  const what =
    refused.length === 1
      ? `${describeAt(index, refused[0].workload, service.uri)}, which the API server refuses (${refused[0].reason}): it makes`
      : `workloads the API server refuses (${refused
          .map(({ workload, reason }) => `${describeAt(index, workload, service.uri)}: ${reason}`)
          .join('; ')}): they make`;
  return [
    Finding.of(
      rule,
      service.uri,
      // A selector of only keys the model cannot read (`? :`) has no first pair.
      Object.values(selector)[0]?.range ?? service.selector!.range,
      `The selector ${selectorText(selector)} of ${describe(index, service)} matches only ${what} no pods, so the ` +
        'Service gets no endpoints unless Pods from elsewhere carry these labels.',
      {
        related: refused.map(({ workload, range, reason }) => ({
          uri: workload.uri,
          range,
          message: `${describe(index, workload)}: ${reason}`,
        })),
      },
    ),
  ];
}
