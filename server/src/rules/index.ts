import type { WorkspaceIndex } from '../index/workspaceIndex';
import { endpointIpInvalid } from './endpointIpInvalid';
import { endpointsForExternalName } from './endpointsForExternalName';
import { endpointsForSelectorService } from './endpointsForSelectorService';
import { endpointsWithoutService } from './endpointsWithoutService';
import { portMismatch } from './portMismatch';
import { selectorMatchesNoWorkload } from './selectorMatchesNoWorkload';
import { serviceSpecEndpoints } from './serviceSpecEndpoints';
import { serviceWithoutEndpoints } from './serviceWithoutEndpoints';
import { ignoreFix, isSuppressed } from './suppressions';
import { targetPortNameUnknown } from './targetPortNameUnknown';
import { targetPortNumberUndeclared } from './targetPortNumberUndeclared';
import type { Finding, Fix, FixContext, Rule, Severity } from './types';

/** Every rule, in the order their findings are listed. */
export const rules: readonly Rule[] = [
  serviceWithoutEndpoints,
  endpointsWithoutService,
  portMismatch,
  endpointsForSelectorService,
  endpointsForExternalName,
  serviceSpecEndpoints,
  endpointIpInvalid,
  selectorMatchesNoWorkload,
  targetPortNameUnknown,
  targetPortNumberUndeclared,
];

/** A severity per rule code, overriding the rule's default; `off` silences the rule. */
export type SeverityOverrides = Readonly<Record<string, Severity | 'off'>>;

/** A rule that threw, so that the caller can log it once. */
export type RuleFailure = { code: string; error: unknown };

/**
 * Runs every rule that is not switched off over the index, with the severities the
 * settings give. A rule that throws loses its own findings and is reported; the
 * others still run.
 */
export function checkAll(
  index: WorkspaceIndex,
  severities: SeverityOverrides = {},
): { findings: Finding[]; failures: RuleFailure[] } {
  const findings: Finding[] = [];
  const failures: RuleFailure[] = [];
  for (const rule of rules) {
    const severity = severities[rule.code] ?? rule.defaultSeverity;
    if (severity === 'off') continue;
    try {
      for (const finding of rule.check(index)) {
        if (!isSuppressed(finding, index)) findings.push({ ...finding, severity });
      }
    } catch (error) {
      failures.push({ code: rule.code, error });
    }
  }
  return { findings, failures };
}

/** The fixes for a finding: the rule's own, then the one that ignores it for its object. */
export function fixesFor(finding: Finding, index: WorkspaceIndex, context: FixContext): Fix[] {
  const rule = rules.find((candidate) => candidate.code === finding.code);
  const ignore = ignoreFix(finding, index);
  return [...(rule?.fixes?.(finding, index, context) ?? []), ...(ignore ? [ignore] : [])];
}
