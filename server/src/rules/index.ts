import type { ObjectKey, WorkspaceIndex } from '../index/workspaceIndex';
import { KubernetesVersion } from '../model/kubernetesVersion';
import type { KubeObject } from '../model/types';
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
import { routePortInvalid } from './routePortInvalid';
import { routePortUnknown } from './routePortUnknown';
import { routeReferenceNotPermitted } from './routeReferenceNotPermitted';
import { ipNonStandard } from './ipNonStandard';
import { labelsInvalid } from './labelsInvalid';
import { ipv6NonCanonical } from './ipv6NonCanonical';
import { objectNameInvalid } from './objectNameInvalid';
import { portMismatch } from './portMismatch';
import { serviceClusterIpInvalid } from './serviceClusterIpInvalid';
import { serviceExternalIpInvalid } from './serviceExternalIpInvalid';
import { servicePortInvalid } from './servicePortInvalid';
import { selectorMatchesNoWorkload } from './selectorMatchesNoWorkload';
import { serviceReferenceMissing } from './serviceReferenceMissing';
import { servicemonitorPortUnknown } from './servicemonitorPortUnknown';
import { servicemonitorSelectsNothing } from './servicemonitorSelectsNothing';
import { serviceSpecEndpoints } from './serviceSpecEndpoints';
import { serviceTrafficInvalid } from './serviceTrafficInvalid';
import { serviceTypeInvalid } from './serviceTypeInvalid';
import { serviceWithoutEndpoints } from './serviceWithoutEndpoints';
import { sessionAffinityIgnored } from './sessionAffinityIgnored';
import { statefulsetServiceNotHeadless } from './statefulsetServiceNotHeadless';
import { ignoreFix, isSuppressed } from './suppressions';
import { targetPortNameUnknown } from './targetPortNameUnknown';
import { targetPortNumberUndeclared } from './targetPortNumberUndeclared';
import type { CheckContext, Finding, Fix, FixContext, Rule, Severity } from './types';
import { workloadSelectorInvalid } from './workloadSelectorInvalid';

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
  serviceReferenceMissing,
  routePortUnknown,
  routeReferenceNotPermitted,
  statefulsetServiceNotHeadless,
  servicemonitorSelectsNothing,
  servicemonitorPortUnknown,
  targetPortNameUnknown,
  targetPortNumberUndeclared,
  sessionAffinityIgnored,
  // What the API server rejects or warns about, object by object.
  objectNameInvalid,
  labelsInvalid,
  routePortInvalid,
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
  serviceTrafficInvalid,
  workloadSelectorInvalid,
  ipNonStandard,
  ipv6NonCanonical,
  endpointsDeprecated,
  // What could not be checked at all.
  fileNotChecked,
  documentsNotChecked,
];

/**
 * Whether a rule says what its findings read (`dependsOn`), so that it can run from some of the
 * objects (a re-check's, a piece's); the others run over the whole index.
 */
export function isTargeted(rule: Rule): boolean {
  return rule.dependsOn !== undefined;
}

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
 * and the findings anchored in that file are kept, unless it throws there. In a view
 * (`scopedTo`), only the files of its objects, from those objects alone: the view's findings,
 * each once, when others find the rest.
 */
function checkFileByFile(rule: Rule, index: WorkspaceIndex, context: CheckContext): CheckResult {
  const findings: Finding[] = [];
  const failures: RuleFailure[] = [];
  for (const [uri, objects] of index.objectsByFile()) {
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

/**
 * Objects per piece of `checkInPieces`: every rule over 200 objects of the 50k workspace takes
 * 4-6 ms, about the slice a check may hold the server for (features/diagnostics.ts).
 */
const OBJECTS_PER_PIECE = 200;

/**
 * A full check in pieces of a few milliseconds each, which together find what `checkAll` finds
 * (in another order): first each rule that reads the whole index (no `dependsOn`), then every
 * other rule over a piece of the index at a time, each piece made of whole key groups. A rule's
 * findings about an object are anchored in the object's key group (`'key'` in `Rule.dependsOn`,
 * which the targeted re-check relies on too), so each finding comes from the one piece that holds
 * its key group. Run rule by rule instead, a full check held the server for one rule over the whole
 * index: up to 180 ms at 100k resources. Pieces are taken from the index as they are asked for: a
 * caller that lets the index change in between starts again.
 */
export function* checkInPieces(
  index: WorkspaceIndex,
  severities: SeverityOverrides = {},
  context: CheckContext = { kubernetesVersion: KubernetesVersion.LATEST },
  objectsPerPiece = OBJECTS_PER_PIECE,
): Generator<CheckResult, void, undefined> {
  for (const rule of rules) {
    if (!isTargeted(rule)) yield checkAll(index, severities, context, (candidate) => candidate === rule);
  }
  for (const piece of keyGroupPieces(index, objectsPerPiece)) {
    yield checkAll(index.scopedTo(piece), severities, context, isTargeted);
  }
}

/** The index's objects in pieces of about `size` (more for a larger key group), each made of whole key groups. */
function* keyGroupPieces(index: WorkspaceIndex, size: number): Generator<KubeObject[], void, undefined> {
  const keysTaken = new Set<ObjectKey>();
  let piece: KubeObject[] = [];
  for (const object of index.objects()) {
    const key = index.groupKeyOf(object);
    if (!key) piece.push(object);
    else if (!keysTaken.has(key)) {
      keysTaken.add(key);
      // Not spread: a key that thousands of objects share would pass them all as arguments.
      for (const member of index.keyGroup(key)) piece.push(member);
    }
    if (piece.length >= size) {
      yield piece;
      piece = [];
    }
  }
  if (piece.length > 0) yield piece;
}

/** The fixes for a finding: the rule's own, then the one that ignores it for its object. */
export function fixesFor(finding: Finding, index: WorkspaceIndex, context: FixContext): Fix[] {
  const rule = rules.find((candidate) => candidate.code === finding.code);
  const ignore = ignoreFix(finding, index);
  return [...(rule?.fixes?.(finding, index, context) ?? []), ...(ignore ? [ignore] : [])];
}
