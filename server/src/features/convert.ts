import type {
  Diagnostic,
  DiagnosticRelatedInformation,
  Location,
  Range,
  TextEdit,
  WorkspaceEdit,
} from 'vscode-languageserver';
import { DiagnosticSeverity } from '../lsp';
import { comparePositions, type LineIndex } from '../model/lineIndex';
import type { SourceRange } from '../model/types';
import type { SourceLocation } from '../navigation/locate';
import type { FileChange, Finding, Severity } from '../rules/types';
import type { ServerState } from './state';

/** Where diagnostics say they come from. */
export const DIAGNOSTIC_SOURCE = 'kube-endpoints';

/** Offsets of one file's text to LSP positions and back; one per text, cached by the caller. */
export namespace SourceRangeConvert {
  export function toLsp(lines: LineIndex, range: SourceRange): Range {
    return { start: lines.positionAt(range.start), end: lines.positionAt(range.end) };
  }

  export function fromLsp(lines: LineIndex, range: Range): SourceRange {
    return { start: lines.offsetAt(range.start), end: lines.offsetAt(range.end) };
  }
}

const SEVERITIES: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** A finding as an LSP diagnostic; `linesOf` gives the line index of any file the finding names. */
export function toDiagnostic(finding: Finding, linesOf: (uri: string) => LineIndex): Diagnostic {
  const related: DiagnosticRelatedInformation[] | undefined = finding.related?.map((item) => ({
    location: { uri: item.uri, range: SourceRangeConvert.toLsp(linesOf(item.uri), item.range) },
    message: item.message,
  }));
  return {
    range: SourceRangeConvert.toLsp(linesOf(finding.uri), finding.range),
    severity: SEVERITIES[finding.severity],
    source: DIAGNOSTIC_SOURCE,
    code: finding.code,
    message: finding.message,
    ...(related && related.length > 0 ? { relatedInformation: related } : {}),
    ...(finding.data ? { data: finding.data } : {}),
  };
}

/**
 * Whether `toDiagnostic(finding, linesOf)` would equal `diagnostic` (one it made), without making
 * it: an edit moves every finding after it as a new object, and typing near the top of a large
 * file moves hundreds that keep their lines and columns, whose diagnostics the publisher then
 * finds among those sent before. Making each again to compare cost more than the rest of that
 * publication.
 */
export function isDiagnosticOf(finding: Finding, diagnostic: Diagnostic, linesOf: (uri: string) => LineIndex): boolean {
  const related = finding.related ?? [];
  const sentRelated = diagnostic.relatedInformation ?? [];
  if (
    diagnostic.message !== finding.message ||
    diagnostic.code !== finding.code ||
    diagnostic.severity !== SEVERITIES[finding.severity] ||
    related.length !== sentRelated.length ||
    !(finding.data ? sameJson(diagnostic.data, finding.data) : diagnostic.data === undefined) ||
    !isLspRange(diagnostic.range, linesOf(finding.uri), finding.range)
  ) {
    return false;
  }
  for (let i = 0; i < related.length; i++) {
    const { uri, range, message } = related[i];
    const sent = sentRelated[i];
    if (
      sent.message !== message ||
      sent.location.uri !== uri ||
      !isLspRange(sent.location.range, linesOf(uri), range)
    ) {
      return false;
    }
  }
  return true;
}

/** Whether `range` is `SourceRangeConvert.toLsp(lines, source)`. */
function isLspRange(range: Range, lines: LineIndex, source: SourceRange): boolean {
  return (
    comparePositions(range.start, lines.positionAt(source.start)) === 0 &&
    comparePositions(range.end, lines.positionAt(source.end)) === 0
  );
}

/**
 * Whether two values of plain JSON data (as sent) are equal: without the allocations of
 * `isDeepStrictEqual` (a list of keys per object), which a large file's hundreds of diagnostics
 * made on every keystroke. A key whose value is undefined is not sent, so it counts as absent.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  for (const key in left) if (!sameJson(left[key], right[key])) return false;
  for (const key in right) if (left[key] === undefined && right[key] !== undefined) return false;
  return true;
}

/** A span of a file as an LSP location. */
export function toLocation(location: SourceLocation, linesOf: (uri: string) => LineIndex): Location {
  return { uri: location.uri, range: SourceRangeConvert.toLsp(linesOf(location.uri), location.range) };
}

/**
 * Edits as one workspace edit: one document edit per file (as clients apply each
 * document's edits together) with its open version, or a plain map of edits for
 * clients without document changes.
 */
export function toWorkspaceEditOf(state: ServerState, changes: readonly FileChange[]): WorkspaceEdit {
  const byUri = new Map<string, TextEdit[]>();
  for (const change of changes) {
    if (change.kind !== 'edit') continue;
    const edit = { range: SourceRangeConvert.toLsp(state.linesOf(change.uri), change.range), newText: change.newText };
    byUri.set(change.uri, [...(byUri.get(change.uri) ?? []), edit]);
  }
  if (!state.capabilities.workspace?.workspaceEdit?.documentChanges) return { changes: Object.fromEntries(byUri) };
  return {
    documentChanges: [...byUri].map(([uri, edits]) => ({
      textDocument: { uri, version: state.documents.get(uri)?.version ?? null },
      edits,
    })),
  };
}
