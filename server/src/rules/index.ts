import type { WorkspaceIndex } from '../index/workspaceIndex';
import { endpointIpInvalid } from './endpointIpInvalid';
import { endpointsForExternalName } from './endpointsForExternalName';
import { endpointsForSelectorService } from './endpointsForSelectorService';
import { endpointsWithoutService } from './endpointsWithoutService';
import { portMismatch } from './portMismatch';
import { serviceSpecEndpoints } from './serviceSpecEndpoints';
import { serviceWithoutEndpoints } from './serviceWithoutEndpoints';
import type { Finding, Fix, FixContext, Rule } from './types';

/** Every rule, in the order their findings are listed. */
export const rules: readonly Rule[] = [
  serviceWithoutEndpoints,
  endpointsWithoutService,
  portMismatch,
  endpointsForSelectorService,
  endpointsForExternalName,
  serviceSpecEndpoints,
  endpointIpInvalid,
];

/** A rule that threw, so that the caller can log it once. */
export type RuleFailure = { code: string; error: unknown };

/**
 * Runs every rule over the index. A rule that throws loses its own findings and is
 * reported; the others still run.
 */
export function checkAll(
  index: WorkspaceIndex,
  selected: readonly Rule[] = rules,
): { findings: Finding[]; failures: RuleFailure[] } {
  const findings: Finding[] = [];
  const failures: RuleFailure[] = [];
  for (const rule of selected) {
    try {
      findings.push(...rule.check(index));
    } catch (error) {
      failures.push({ code: rule.code, error });
    }
  }
  return { findings, failures };
}

/** The fixes for a finding, from the rule that made it. */
export function fixesFor(finding: Finding, index: WorkspaceIndex, context: FixContext): Fix[] {
  const rule = rules.find((candidate) => candidate.code === finding.code);
  return rule?.fixes?.(finding, index, context) ?? [];
}
