import type {
  Diagnostic,
  DiagnosticRelatedInformation,
  Location,
  Range,
  TextEdit,
  WorkspaceEdit,
} from 'vscode-languageserver';
import { DiagnosticSeverity } from 'vscode-languageserver';
import { type LineIndex } from '../model/lineIndex';
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
