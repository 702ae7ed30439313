import type { Hover } from 'vscode-languageserver';
import { MarkupKind } from '../lsp';
import { hoverAt } from '../navigation/hover';
import { SourceRangeConvert } from './convert';
import type { DiagnosticsPublisher } from './diagnostics';
import type { ServerState } from './state';

/** Hover cards on Services and backends, and why a flagged span is flagged. */
export function registerHover(state: ServerState, diagnostics: DiagnosticsPublisher): void {
  state.connection.onHover(({ textDocument, position }): Hover | null => {
    const uri = textDocument.uri;
    const lines = state.linesOf(uri);
    const card = hoverAt(state.index, uri, lines.offsetAt(position), diagnostics.findingsOf(uri), (other) =>
      state.linesOf(other),
    );
    if (!card) return null;
    return {
      contents: { kind: MarkupKind.Markdown, value: card.markdown },
      range: SourceRangeConvert.toLsp(lines, card.range),
    };
  });
}
