import type { DocumentSymbol } from 'vscode-languageserver';
import { SymbolKind } from '../lsp';
import type { LineIndex } from '../model/lineIndex';
import { documentSymbols, type OutlineSymbol, type SymbolType } from '../navigation/symbols';
import { SourceRangeConvert } from './convert';
import type { ServerState } from './state';

/** The icon of each kind of symbol. */
export const SYMBOL_KINDS: Record<SymbolType, SymbolKind> = {
  service: SymbolKind.Interface,
  backend: SymbolKind.Struct,
  workload: SymbolKind.Class,
  router: SymbolKind.Module,
  grant: SymbolKind.Object,
  monitor: SymbolKind.Event,
  kustomization: SymbolKind.Package,
  port: SymbolKind.Field,
  address: SymbolKind.Constant,
  reference: SymbolKind.Key,
};

/** The outline of a file: one entry per object, with its ports and addresses. */
export function registerDocumentSymbols(state: ServerState): void {
  state.connection.onDocumentSymbol(({ textDocument }): DocumentSymbol[] => {
    const lines = state.linesOf(textDocument.uri);
    return documentSymbols(state.index, textDocument.uri).map((symbol) => toDocumentSymbol(symbol, lines));
  });
}

function toDocumentSymbol(symbol: OutlineSymbol, lines: LineIndex): DocumentSymbol {
  return {
    name: symbol.name,
    detail: symbol.detail,
    kind: SYMBOL_KINDS[symbol.type],
    range: SourceRangeConvert.toLsp(lines, symbol.range),
    selectionRange: SourceRangeConvert.toLsp(lines, symbol.selectionRange),
    children: symbol.children.map((child) => toDocumentSymbol(child, lines)),
  };
}
