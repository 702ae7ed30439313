import type { CompletionItem, CompletionList } from 'vscode-languageserver';
import { CompletionItemKind } from '../lsp';
import { type CompletionCandidate, completionsAt } from '../navigation/completion';
import type { ServerState } from './state';

/** Characters after which the editor asks for completions by itself: after `key:` and its space. */
export const COMPLETION_TRIGGERS = [':', ' '];

const KINDS: Record<CompletionCandidate['kind'], CompletionItemKind> = {
  service: CompletionItemKind.Reference,
  port: CompletionItemKind.Field,
  label: CompletionItemKind.Property,
  value: CompletionItemKind.Value,
};

/**
 * Completion inside Services, Endpoints and EndpointSlices, from the open document's
 * text (which may not parse yet) and the index.
 */
export function registerCompletion(state: ServerState): void {
  state.connection.onCompletion(({ textDocument, position }): CompletionList | null => {
    const document = state.documents.get(textDocument.uri);
    if (!document) return null;
    const toRange = (range: { start: number; end: number }) => ({
      start: document.positionAt(range.start),
      end: document.positionAt(range.end),
    });
    const candidates = completionsAt(state.index, document.uri, document.getText(), document.offsetAt(position));
    const items = candidates.map((candidate): CompletionItem => ({
      label: candidate.label,
      kind: KINDS[candidate.kind],
      detail: candidate.detail,
      sortText: candidate.sortText,
      // Filter on what is typed, without the space a completion right after a colon brings.
      filterText: candidate.insertText.trimStart(),
      textEdit: { range: toRange(candidate.range), newText: candidate.insertText },
      additionalTextEdits: candidate.additionalEdits?.map((edit) => ({
        range: toRange(edit.range),
        newText: edit.newText,
      })),
      command: candidate.retrigger ? { title: 'Suggest', command: 'editor.action.triggerSuggest' } : undefined,
    }));
    return { isIncomplete: false, items };
  });
}
