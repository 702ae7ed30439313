import { serviceGraph } from '../graph/serviceGraph';
import { SourceRangeConvert } from './convert';
import type { DiagnosticsPublisher } from './diagnostics';
import { SERVICE_GRAPH_REQUEST, type ServiceGraphResult } from './protocol';
import type { ServerState } from './state';

/** Answers `kubeEndpoints/serviceGraph` with the graph of the current index and findings. */
export function registerServiceGraph(state: ServerState, diagnostics: DiagnosticsPublisher): void {
  state.connection.onRequest(SERVICE_GRAPH_REQUEST, (): ServiceGraphResult => {
    const graph = serviceGraph(state.index, diagnostics.allFindings());
    return {
      nodes: graph.nodes.map((node) => ({
        ...node,
        range: SourceRangeConvert.toLsp(state.linesOf(node.uri), node.range),
      })),
      edges: graph.edges,
    };
  });
}
