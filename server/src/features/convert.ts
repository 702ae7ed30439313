import type { Diagnostic, DiagnosticRelatedInformation, Range } from 'vscode-languageserver';
import { DiagnosticSeverity } from 'vscode-languageserver';
import { type LineIndex } from '../model/lineIndex';
import type { SourceRange } from '../model/types';
import type { Finding, Severity } from '../rules/types';

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
