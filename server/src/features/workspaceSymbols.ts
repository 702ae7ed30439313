import type { SymbolInformation } from 'vscode-languageserver';
import { workspaceSymbols } from '../navigation/symbols';
import { toLocation } from './convert';
import { SYMBOL_KINDS } from './documentSymbols';
import type { ServerState } from './state';

/** Go to symbol in workspace: every named object of the index. */
export function registerWorkspaceSymbols(state: ServerState): void {
  state.connection.onWorkspaceSymbol(({ query }): SymbolInformation[] =>
    workspaceSymbols(state.index, query).map((symbol) => ({
      name: symbol.name,
      kind: SYMBOL_KINDS[symbol.type],
      location: toLocation(symbol.location, (uri) => state.linesOf(uri)),
    })),
  );
}
