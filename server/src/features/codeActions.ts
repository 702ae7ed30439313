import type {
  CodeAction,
  CodeActionParams,
  CreateFile,
  TextDocumentEdit,
  TextEdit,
  WorkspaceEdit,
  SnippetTextEdit,
} from 'vscode-languageserver';
import { CodeActionKind } from '../lsp';
import { fixesFor } from '../rules';
import { assistsAt } from '../rules/assists';
import type { FileChange, Fix } from '../rules/types';
import { DIAGNOSTIC_SOURCE, SourceRangeConvert } from './convert';
import type { DiagnosticsPublisher } from './diagnostics';
import type { ServerState } from './state';

/**
 * Quick fixes for our diagnostics, and assists (refactorings) where the cursor is.
 * The finding is looked up by the diagnostic's code and position among the current
 * findings, never by its message.
 */
export function registerCodeActions(state: ServerState, diagnostics: DiagnosticsPublisher): void {
  state.connection.onCodeAction((params) => codeActions(state, diagnostics, params));
}

function codeActions(state: ServerState, diagnostics: DiagnosticsPublisher, params: CodeActionParams): CodeAction[] {
  const uri = params.textDocument.uri;
  const lines = state.linesOf(uri);
  const context = state.fixContext();
  const wanted = (kind: string) =>
    !params.context.only ||
    params.context.only.some((requested) => requested === '' || kind === requested || kind.startsWith(`${requested}.`));
  const actions: CodeAction[] = [];
  if (wanted(CodeActionKind.QuickFix)) {
    for (const diagnostic of params.context.diagnostics) {
      if (diagnostic.source !== DIAGNOSTIC_SOURCE) continue;
      const start = SourceRangeConvert.fromLsp(lines, diagnostic.range).start;
      const finding = diagnostics
        .findingsOf(uri)
        .find((candidate) => candidate.code === diagnostic.code && candidate.range.start === start);
      if (!finding) continue;
      for (const fix of fixesFor(finding, state.index, context)) {
        if (!staysInWorkspace(state, fix)) continue;
        actions.push({
          title: fix.title,
          kind: CodeActionKind.QuickFix,
          diagnostics: [diagnostic],
          isPreferred: fix.isPreferred,
          edit: toWorkspaceEdit(state, fix),
        });
      }
    }
  }
  if (wanted(CodeActionKind.RefactorRewrite)) {
    // A quick fix for a diagnostic under the cursor may make the same change: list it once.
    const offered = new Set(actions.map((action) => action.title));
    const range = SourceRangeConvert.fromLsp(lines, params.range);
    for (const fix of assistsAt(state.index, uri, range, context)) {
      if (offered.has(fix.title) || !staysInWorkspace(state, fix)) continue;
      actions.push({ title: fix.title, kind: CodeActionKind.RefactorRewrite, edit: toWorkspaceEdit(state, fix) });
    }
  }
  return actions;
}

/**
 * Whether a fix changes only files inside the workspace folders, or edits a document open in the
 * editor (where the user sees it): a fix never creates or edits a file anywhere else.
 */
function staysInWorkspace(state: ServerState, fix: Fix): boolean {
  return fix.changes.every(
    (change) =>
      state.inWorkspace(change.uri) || (change.kind === 'edit' && state.documents.get(change.uri) !== undefined),
  );
}

/** A fix as the client can apply it: document changes when supported, else a plain map of edits. */
function toWorkspaceEdit(state: ServerState, fix: Fix): WorkspaceEdit {
  const workspaceEdit = state.capabilities.workspace?.workspaceEdit;
  const snippets = !!workspaceEdit?.snippetEditSupport;
  if (!workspaceEdit?.documentChanges) {
    const changes: Record<string, TextEdit[]> = {};
    for (const change of fix.changes) {
      if (change.kind === 'edit') (changes[change.uri] ??= []).push(toTextEdit(state, change, false) as TextEdit);
    }
    return { changes };
  }
  const documentChanges: (TextDocumentEdit | CreateFile)[] = [];
  for (const change of fix.changes) {
    if (change.kind === 'create') {
      documentChanges.push({ kind: 'create', uri: change.uri, options: { overwrite: false, ignoreIfExists: false } });
      documentChanges.push({
        textDocument: { uri: change.uri, version: null },
        edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: change.text }],
      });
    } else {
      documentChanges.push({
        textDocument: { uri: change.uri, version: state.documents.get(change.uri)?.version ?? null },
        edits: [toTextEdit(state, change, snippets)],
      });
    }
  }
  return { documentChanges };
}

function toTextEdit(
  state: ServerState,
  change: Extract<FileChange, { kind: 'edit' }>,
  snippets: boolean,
): TextEdit | SnippetTextEdit {
  const range = SourceRangeConvert.toLsp(state.linesOf(change.uri), change.range);
  if (snippets && change.snippet !== undefined) return { range, snippet: { kind: 'snippet', value: change.snippet } };
  return { range, newText: change.newText };
}
