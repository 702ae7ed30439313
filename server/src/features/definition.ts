import type { Location } from 'vscode-languageserver';
import { definitionsAt } from '../navigation/links';
import { toLocation } from './convert';
import type { ServerState } from './state';

/** Go to definition: Endpoints and slices to their Service, selectors to workloads, targetPorts to container ports. */
export function registerDefinition(state: ServerState): void {
  state.connection.onDefinition(({ textDocument, position }): Location[] => {
    const offset = state.linesOf(textDocument.uri).offsetAt(position);
    return definitionsAt(state.index, textDocument.uri, offset).map((location) =>
      toLocation(location, (uri) => state.linesOf(uri)),
    );
  });
}
