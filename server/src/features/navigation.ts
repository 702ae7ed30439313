import type { ServerCapabilities } from 'vscode-languageserver';
import { registerCodeLens } from './codeLens';
import { COMPLETION_TRIGGERS, registerCompletion } from './completion';
import { registerDefinition } from './definition';
import type { DiagnosticsPublisher } from './diagnostics';
import { registerDocumentSymbols } from './documentSymbols';
import { registerHover } from './hover';
import { registerReferences } from './references';
import { registerRename } from './rename';
import type { ServerState } from './state';
import { registerWorkspaceSymbols } from './workspaceSymbols';

/** What the navigation features announce in `initialize`. */
export const NAVIGATION_CAPABILITIES: ServerCapabilities = {
  hoverProvider: true,
  definitionProvider: true,
  referencesProvider: true,
  codeLensProvider: { resolveProvider: false },
  renameProvider: { prepareProvider: true },
  documentSymbolProvider: true,
  workspaceSymbolProvider: true,
  completionProvider: { triggerCharacters: COMPLETION_TRIGGERS },
};

/** Hover, definition, references, lenses, rename, symbols and completion over the index. */
export function registerNavigation(state: ServerState, diagnostics: DiagnosticsPublisher): void {
  registerHover(state, diagnostics);
  registerDefinition(state);
  registerReferences(state);
  registerCodeLens(state);
  registerRename(state);
  registerDocumentSymbols(state);
  registerWorkspaceSymbols(state);
  registerCompletion(state);
}
