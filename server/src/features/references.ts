import type { Location } from 'vscode-languageserver';
import { referencesAt } from '../navigation/links';
import { toLocation } from './convert';
import type { ServerState } from './state';

/** Find references: what names a Service, and which Services select a workload. */
export function registerReferences(state: ServerState): void {
  state.connection.onReferences(({ textDocument, position, context }): Location[] => {
    const offset = state.linesOf(textDocument.uri).offsetAt(position);
    return referencesAt(state.index, textDocument.uri, offset, context.includeDeclaration).map((location) =>
      toLocation(location, (uri) => state.linesOf(uri)),
    );
  });
}
