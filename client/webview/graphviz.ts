import type { Graph, Node, Subgraph } from '@viz-js/viz';
import type { ServiceGraphNode, ServiceGraphResult } from '../../server/src/features/protocol';

/**
 * The Graphviz graph of `nodes` (left to right, one cluster per namespace); node `i`
 * is named `n<i>` and its SVG group gets the id `node-<i>`, so a click finds it again.
 */
export function toGraphviz(graph: ServiceGraphResult, nodes: readonly ServiceGraphNode[]): Graph {
  const indexOf = new Map(nodes.map((node, i) => [node.id, i]));
  const clusters = new Map<string, Node[]>();
  nodes.forEach((node, i) => {
    const list = clusters.get(node.namespace) ?? [];
    list.push({ name: `n${i}`, attributes: nodeAttributes(node, i) });
    clusters.set(node.namespace, list);
  });
  const subgraphs: Subgraph[] = [...clusters].map(([namespace, clusterNodes], i) => ({
    name: `cluster_${i}`,
    graphAttributes: { label: `namespace ${namespace}`, class: 'namespace', labeljust: 'l' },
    nodes: clusterNodes,
  }));
  const edges = graph.edges
    .filter((edge) => indexOf.has(edge.from) && indexOf.has(edge.to))
    .map((edge) => ({
      tail: `n${indexOf.get(edge.from)}`,
      head: `n${indexOf.get(edge.to)}`,
      attributes: { class: `edge-${edge.kind}`, ...EDGE_STYLES[edge.kind] },
    }));
  return {
    directed: true,
    graphAttributes: {
      rankdir: 'LR',
      bgcolor: 'transparent',
      fontname: FONT,
      fontsize: 11,
      nodesep: 0.2,
      ranksep: 0.5,
    },
    nodeAttributes: { fontname: FONT, fontsize: 11, shape: 'box', margin: '0.12,0.05' },
    edgeAttributes: { arrowsize: 0.6 },
    subgraphs,
    edges,
  };
}

const FONT = 'Helvetica,Arial,sans-serif';

const SHAPES: Record<string, Record<string, string>> = {
  Service: { shape: 'box', style: 'rounded,bold' },
  Endpoints: { shape: 'box' },
  EndpointSlice: { shape: 'box', style: 'dashed' },
  Address: { shape: 'box', style: 'rounded' },
  MoreAddresses: { shape: 'plaintext' },
  ExternalName: { shape: 'note' },
};

const EDGE_STYLES: Record<string, Record<string, string>> = {
  backend: {},
  address: {},
  selects: { style: 'dashed', label: 'selects', fontsize: '9', fontname: FONT },
  externalName: { style: 'dotted' },
};

function nodeAttributes(node: ServiceGraphNode, i: number): Record<string, string | { html: string }> {
  const workload = !(node.kind in SHAPES);
  const severity = node.severity ? ` severity-${node.severity}` : '';
  return {
    id: `node-${i}`,
    class: `kind-${workload ? 'workload' : node.kind.toLowerCase()}${severity}`,
    label: { html: labelOf(node) },
    ...(workload ? { shape: 'component', margin: '0.24,0.05' } : SHAPES[node.kind]),
  };
}

/** Three lines: the kind (and the worst problem), the name in bold, the detail. */
function labelOf(node: ServiceGraphNode): string {
  const lines: string[] = [];
  const kind =
    node.kind === 'Address' || node.kind === 'MoreAddresses'
      ? ''
      : node.kind === 'ExternalName'
        ? 'DNS name'
        : node.kind;
  const problem = node.severity ? `${kind ? ' · ' : ''}${node.severity}` : '';
  if (kind || problem) lines.push(`<font point-size="8">${escapeHtml(kind + problem)}</font>`);
  if (node.kind === 'MoreAddresses') lines.push(escapeHtml(`… ${node.name}`));
  else if (node.kind === 'Address') lines.push(escapeHtml(node.name));
  else lines.push(`<b>${escapeHtml(node.name)}</b>`);
  if (node.detail && node.kind !== 'ExternalName') lines.push(`<font point-size="9">${escapeHtml(node.detail)}</font>`);
  return lines.join('<br/>');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
