import { visibleNodes } from '../graph/graphFilter';
import { serviceGraph } from '../graph/serviceGraph';
import { SourceRangeConvert } from './convert';
import type { DiagnosticsPublisher } from './diagnostics';
import { SERVICE_GRAPH_REQUEST, type ServiceGraphParams, type ServiceGraphResult } from './protocol';
import type { ServerState } from './state';

/**
 * Answers `kubeEndpoints/serviceGraph` with the graph of the current index and findings: the part
 * `params` asks for, built for its namespace alone when it names one, with the workspace's
 * namespaces and counts so that a page showing a part can offer the rest.
 */
export function registerServiceGraph(state: ServerState, diagnostics: DiagnosticsPublisher): void {
  state.connection.onRequest(SERVICE_GRAPH_REQUEST, (params?: ServiceGraphParams | null): ServiceGraphResult => {
    const { index } = state;
    const filter = { namespace: params?.namespace ?? '', query: params?.query ?? '' };
    // Without a search, the nodes come in the order they are drawn: no need to build more than are sent.
    const graph = serviceGraph(index, diagnostics.allFindings(), {
      maxAddresses: 6,
      ...(filter.namespace && { namespace: filter.namespace }),
      ...(!filter.query.trim() && params?.maxNodes !== undefined && { maxNodes: params.maxNodes }),
    });
    const shown = visibleNodes(graph, filter);
    const sent = params?.maxNodes !== undefined && shown.length > params.maxNodes ? [] : shown;
    const ids = new Set(sent.map((node) => node.id));
    const services = index.allServices();
    const backends = [...index.allEndpoints(), ...index.allEndpointSlices()];
    return {
      nodes: sent.map((node) => ({ ...node, range: SourceRangeConvert.toLsp(state.linesOf(node.uri), node.range) })),
      edges: graph.edges.filter((edge) => ids.has(edge.from) && ids.has(edge.to)),
      namespaces: [...new Set([...services, ...backends].map((object) => index.namespaceOf(object)))].sort(),
      ...(!graph.truncated && { total: shown.length }),
      counts: { services: services.length, backends: backends.length },
    };
  });
}
