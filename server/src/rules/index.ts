import type { WorkspaceIndex } from '../index/workspaceIndex';
import { KubernetesVersion } from '../model/kubernetesVersion';
import { backendsInSeveralFiles } from './backendsInSeveralFiles';
import { endpointFamilyMismatch } from './endpointFamilyMismatch';
import { endpointIpIsClusterIp } from './endpointIpIsClusterIp';
import { endpointsOverCapacity } from './endpointsOverCapacity';
import { endpointsSkipMirror } from './endpointsSkipMirror';
import { endpointslicePortWithoutNumber } from './endpointslicePortWithoutNumber';
import { endpointsliceWithoutService } from './endpointsliceWithoutService';
import { targetPortUnused } from './targetPortUnused';
import { endpointIpInvalid } from './endpointIpInvalid';
import { endpointsliceAddressType } from './endpointsliceAddressType';
import { endpointsliceEndpointInvalid } from './endpointsliceEndpointInvalid';
import { endpointslicePortInvalid } from './endpointslicePortInvalid';
import { endpointsPortInvalid } from './endpointsPortInvalid';
import { endpointsSubsetInvalid } from './endpointsSubsetInvalid';
import { endpointsForExternalName } from './endpointsForExternalName';
import { endpointsDeprecated } from './endpointsDeprecated';
import { documentsNotChecked } from './documentsNotChecked';
import { endpointsForSelectorService } from './endpointsForSelectorService';
import { endpointsWithoutService } from './endpointsWithoutService';
import { fileNotChecked } from './fileNotChecked';
import { ipNonStandard } from './ipNonStandard';
import { ipv6NonCanonical } from './ipv6NonCanonical';
import { objectNameInvalid } from './objectNameInvalid';
import { portMismatch } from './portMismatch';
import { serviceClusterIpInvalid } from './serviceClusterIpInvalid';
import { serviceExternalIpInvalid } from './serviceExternalIpInvalid';
import { servicePortInvalid } from './servicePortInvalid';
import { selectorMatchesNoWorkload } from './selectorMatchesNoWorkload';
import { serviceSpecEndpoints } from './serviceSpecEndpoints';
import { serviceTypeInvalid } from './serviceTypeInvalid';
import { serviceWithoutEndpoints } from './serviceWithoutEndpoints';
import { ignoreFix, isSuppressed } from './suppressions';
import { targetPortNameUnknown } from './targetPortNameUnknown';
import { targetPortNumberUndeclared } from './targetPortNumberUndeclared';
import type { CheckContext, Finding, Fix, FixContext, Rule, Severity } from './types';

/** Every rule, in the order their findings are listed. */
export const rules: readonly Rule[] = [
  serviceWithoutEndpoints,
  endpointsWithoutService,
  portMismatch,
  endpointsForSelectorService,
  endpointsForExternalName,
  serviceSpecEndpoints,
  endpointsliceWithoutService,
  endpointslicePortWithoutNumber,
  endpointFamilyMismatch,
  endpointIpIsClusterIp,
  endpointsSkipMirror,
  endpointsOverCapacity,
  backendsInSeveralFiles,
  targetPortUnused,
  selectorMatchesNoWorkload,
  targetPortNameUnknown,
  targetPortNumberUndeclared,
  // What the API server rejects or warns about, object by object.
  objectNameInvalid,
  endpointIpInvalid,
  endpointsSubsetInvalid,
  endpointsPortInvalid,
  endpointsliceAddressType,
  endpointsliceEndpointInvalid,
  endpointslicePortInvalid,
  servicePortInvalid,
  serviceTypeInvalid,
  serviceClusterIpInvalid,
  serviceExternalIpInvalid,
  ipNonStandard,
  ipv6NonCanonical,
  endpointsDeprecated,
  // What could not be checked at all.
  fileNotChecked,
  documentsNotChecked,
];

/** A severity per rule code, overriding the rule's default; `off` silences the rule. */
export type SeverityOverrides = Readonly<Record<string, Severity | 'off'>>;

/** A rule that threw, on one file (`uri`) or on the whole index only, so that the caller can log it once. */
export type RuleFailure = { code: string; uri?: string; error: unknown };

/** What a check found, and the rules that threw meanwhile. */
export type CheckResult = { findings: Finding[]; failures: RuleFailure[] };

/**
 * Runs every rule that is not switched off over the index, with the severities the
 * settings give (only the rules `only` accepts). A rule that throws is run again file by
 * file, so that only the files it throws on lose its findings; the other rules still run.
 */
export function checkAll(
  index: WorkspaceIndex,
  severities: SeverityOverrides = {},
  context: CheckContext = { kubernetesVersion: KubernetesVersion.LATEST },
  only: (rule: Rule) => boolean = () => true,
): CheckResult {
  const findings: Finding[] = [];
  const failures: RuleFailure[] = [];
  for (const rule of rules) {
    if (!only(rule)) continue;
    const severity = severities[rule.code] ?? rule.defaultSeverity;
    if (severity === 'off') continue;
    let ruleFindings: Finding[];
    try {
      ruleFindings = rule.check(index, context);
    } catch (error) {
      const byFile = checkFileByFile(rule, index, context);
      ruleFindings = byFile.findings;
      // Thrown on the whole index but on no single file: still a bug to report.
      failures.push(...(byFile.failures.length > 0 ? byFile.failures : [{ code: rule.code, error }]));
    }
    for (const finding of ruleFindings) {
      if (!isSuppressed(finding, index)) findings.push(Object.assign({}, finding, { severity }));
    }
  }
  return { findings, failures };
}

/**
 * A rule's findings, file by file: for each file, the rule runs from the file's objects and
 * the objects that share their keys (what its findings read first, as in rules/recheck.ts),
 * and the findings anchored in that file are kept, unless it throws there.
 */
function checkFileByFile(rule: Rule, index: WorkspaceIndex, context: CheckContext): CheckResult {
  const findings: Finding[] = [];
  const failures: RuleFailure[] = [];
  // Every file, those without objects too: some rules report on files (file-not-checked).
  for (const uri of index.uris()) {
    const objects = index.file(uri)!.objects;
    const scope = new Set(objects);
    for (const object of objects) {
      const key = index.groupKeyOf(object);
      if (key) for (const other of index.keyGroup(key)) scope.add(other);
    }
    try {
      findings.push(...rule.check(index.scopedTo(scope), context).filter((finding) => finding.uri === uri));
    } catch (error) {
      failures.push({ code: rule.code, uri, error });
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
