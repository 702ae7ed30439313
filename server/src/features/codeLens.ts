import type { CodeLens } from 'vscode-languageserver';
import { serviceLenses } from '../navigation/codeLens';
import { SourceRangeConvert, toLocation } from './convert';
import type { ServerState } from './state';

/**
 * The editor command a lens runs: it lists locations in a peek view. Its arguments
 * are LSP types here; the VS Code client converts them (client/src/extension.ts).
 */
export const SHOW_REFERENCES_COMMAND = 'editor.action.showReferences';

/** A lens above each Service: what it routes to, clickable to those places. */
export function registerCodeLens(state: ServerState): void {
  state.connection.onCodeLens(({ textDocument }): CodeLens[] => {
    const uri = textDocument.uri;
    const lines = state.linesOf(uri);
    return serviceLenses(state.index, uri).map((lens) => {
      const range = SourceRangeConvert.toLsp(lines, lens.range);
      const locations = lens.locations.map((location) => toLocation(location, (other) => state.linesOf(other)));
      // A lens with nothing to show says so without being clickable (an empty command).
      const command =
        locations.length > 0
          ? { title: lens.title, command: SHOW_REFERENCES_COMMAND, arguments: [uri, range.start, locations] }
          : { title: lens.title, command: '' };
      return { range, command };
    });
  });
}
