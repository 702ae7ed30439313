import type { WorkspaceIndex } from '../index/workspaceIndex';
import type { SourceRange, Workload } from '../model/types';
import { labelProblems } from './labelsInvalid';
import { selectorProblems } from './workloadSelectorInvalid';

/**
 * Why the API server refuses a workload, in a few words, and where: the first problem of its
 * selector (`workload-selector-invalid`) or of its labels, annotations and selector entries
 * (`labels-invalid`); undefined when it takes it. A refused workload is never created, so it makes
 * no pods: what a Service's finding and hover say of the workloads it selects.
 */
export function refusalOf(
  index: WorkspaceIndex,
  workload: Workload,
): { range: SourceRange; reason: string } | undefined {
  const [selectorProblem] = selectorProblems(workload);
  if (selectorProblem) return { range: selectorProblem.at.range, reason: selectorProblem.message };
  return labelProblems(index, workload)[0];
}
