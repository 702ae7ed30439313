import type { Range, WorkspaceEdit } from 'vscode-languageserver';
import { ErrorCodes, ResponseError } from '../lsp';
import { prepareRename, renameAt } from '../navigation/rename';
import { SourceRangeConvert, toWorkspaceEditOf } from './convert';
import type { ServerState } from './state';

/** Renaming a Service, its Endpoints or a reference renames them all in one edit; a bad name is refused. */
export function registerRename(state: ServerState): void {
  state.connection.onPrepareRename(({ textDocument, position }): { range: Range; placeholder: string } | null => {
    // A document the server does not hold (never seen, or not YAML) has nothing to rename.
    if (!state.index.file(textDocument.uri)) return null;
    const lines = state.linesOf(textDocument.uri);
    const span = prepareRename(state.index, textDocument.uri, lines.offsetAt(position));
    if ('error' in span) throw new ResponseError(ErrorCodes.InvalidRequest, span.error);
    return { range: SourceRangeConvert.toLsp(lines, span.range), placeholder: span.placeholder };
  });
  state.connection.onRenameRequest(({ textDocument, position, newName }): WorkspaceEdit | null => {
    if (!state.index.file(textDocument.uri)) return null;
    const offset = state.linesOf(textDocument.uri).offsetAt(position);
    const result = renameAt(state.index, textDocument.uri, offset, newName);
    if ('error' in result) throw new ResponseError(ErrorCodes.InvalidRequest, result.error);
    return toWorkspaceEditOf(state, result.changes);
  });
}
