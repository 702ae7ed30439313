import type { GraphEdge } from './serviceGraph';

/**
 * Which part of the Service graph to draw: the page's filter, which the server applies before it
 * sends the graph (that of a large workspace is too big to send whole, and to draw).
 */
export type GraphFilter = {
  /** One namespace, or every namespace when empty. */
  namespace: string;
  /** Keeps the groups (connected parts) that have a node whose name contains this, ignoring case. */
  query: string;
};

type FilteredNode = { id: string; name: string; namespace: string };

/** The nodes to draw: those of the namespace, in the groups that match the query. */
export function visibleNodes<Node extends FilteredNode>(
  graph: { nodes: readonly Node[]; edges: readonly GraphEdge[] },
  filter: GraphFilter,
): Node[] {
  const inNamespace = graph.nodes.filter((node) => !filter.namespace || node.namespace === filter.namespace);
  const query = filter.query.trim().toLowerCase();
  if (!query) return inNamespace;
  const group = groupsOf(graph.edges);
  const matching = new Set(
    inNamespace.filter((node) => node.name.toLowerCase().includes(query)).map((node) => group(node.id)),
  );
  return inNamespace.filter((node) => matching.has(group(node.id)));
}

/** The connected parts of the graph: each node id → the id that stands for its part (union-find). */
function groupsOf(edges: readonly GraphEdge[]): (id: string) => string {
  const parent = new Map<string, string>();
  const find = (id: string): string => {
    let root = id;
    while (parent.has(root) && parent.get(root) !== root) root = parent.get(root)!;
    parent.set(id, root);
    return root;
  };
  for (const edge of edges) {
    const a = find(edge.from);
    const b = find(edge.to);
    if (a !== b) parent.set(a, b);
  }
  return find;
}
