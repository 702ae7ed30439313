import { visibleNodes } from '../graph/graphFilter';
import { type ServiceGraph, serviceGraph } from '../graph/serviceGraph';
import type { WorkspaceIndex } from '../index/workspaceIndex';
import { SourceRangeConvert } from './convert';
import type { DiagnosticsPublisher } from './diagnostics';
import { SERVICE_GRAPH_REQUEST, type ServiceGraphParams, type ServiceGraphResult } from './protocol';
import type { ServerState } from './state';

/** Addresses drawn per backend; the rest become one node. */
const GRAPH_OPTIONS = { maxAddresses: 6 };

/**
 * Answers `kubeEndpoints/serviceGraph` with the graph of the current index and findings: the part
 * `params` asks for, built for its namespace alone when it names one, with the workspace's
 * namespaces and counts so that a page showing a part can offer the rest.
 */
export function registerServiceGraph(state: ServerState, diagnostics: DiagnosticsPublisher): void {
  /**
   * The whole graph, for searches over every namespace, while the index and the findings stay as
   * they were: a search builds it all (0.3-0.4 s at 50k resources), and the page asks again as
   * the search is typed. Held weakly (it is some megabytes then), and let go of at once by any
   * other request: a view closed during a search leaves it to the garbage collector.
   */
  let searched: { indexRevision: number; findingsRevision: number; graph: WeakRef<ServiceGraph> } | undefined;
  const wholeGraph = (index: WorkspaceIndex): ServiceGraph => {
    const { revision: indexRevision } = index;
    const { findingsRevision } = diagnostics;
    const kept =
      searched?.indexRevision === indexRevision && searched.findingsRevision === findingsRevision
        ? searched.graph.deref()
        : undefined;
    if (kept) return kept;
    const graph = serviceGraph(index, diagnostics.allFindings(), GRAPH_OPTIONS);
    searched = { indexRevision, findingsRevision, graph: new WeakRef(graph) };
    return graph;
  };

  state.connection.onRequest(SERVICE_GRAPH_REQUEST, (params?: ServiceGraphParams | null): ServiceGraphResult => {
    const { index } = state;
    const filter = { namespace: params?.namespace ?? '', query: params?.query ?? '' };
    const searching = filter.query.trim() !== '';
    if (filter.namespace || !searching) searched = undefined;
    // Without a search, the nodes come in the order they are drawn: no need to build more than are sent.
    const graph =
      searching && !filter.namespace
        ? wholeGraph(index)
        : serviceGraph(index, diagnostics.allFindings(), {
            ...GRAPH_OPTIONS,
            ...(filter.namespace && { namespace: filter.namespace }),
            ...(!searching && params?.maxNodes !== undefined && { maxNodes: params.maxNodes }),
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
