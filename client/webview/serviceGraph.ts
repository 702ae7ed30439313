/**
 * The Service graph webview: tells the extension which part of the graph to send (its
 * namespace and search), draws what comes with Graphviz (viz.js, WebAssembly, bundled) and
 * asks the extension to open the object behind a clicked node. Messages: in `{ type: 'graph',
 * graph }`; out `{ type: 'ready', filter }`, `{ type: 'filter', filter }`, `{ type: 'open', id }`,
 * `{ type: 'refresh' }`.
 */
import { instance, type Viz } from '@viz-js/viz';
import type { ServiceGraphNode, ServiceGraphParams, ServiceGraphResult } from '../../server/src/features/protocol';
import type { GraphFilter } from '../../server/src/graph/graphFilter';
import { toGraphviz } from './graphviz';

declare function acquireVsCodeApi(): {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
};

/** Beyond this many nodes Graphviz takes seconds: ask for a namespace or a search instead. */
const MAX_NODES = 1500;
/** Typing in the search box asks for another part of the graph once it pauses this long. */
const QUERY_DELAY_MS = 150;
/** Horizontal room (in SVG units) kept between a label and its box. */
const LABEL_PADDING = 8;

type ViewState = GraphFilter & { scale: number };

const vscode = acquireVsCodeApi();
const view: ViewState = {
  namespace: '',
  query: '',
  scale: 1,
  ...(vscode.getState() as Partial<ViewState> | undefined),
};
const elements = {
  graph: byId('graph'),
  summary: byId('summary'),
  namespace: byId('namespace') as HTMLSelectElement,
  query: byId('query') as HTMLInputElement,
};
let graph: ServiceGraphResult | undefined;
let shown: ServiceGraphNode[] = [];
let queryTimer: ReturnType<typeof setTimeout> | undefined;
const vizReady: Promise<Viz> = instance();

elements.query.value = view.query;
window.addEventListener('message', (event: MessageEvent<{ type?: string; graph?: ServiceGraphResult }>) => {
  if (event.data?.type !== 'graph' || !event.data.graph) return;
  graph = event.data.graph;
  void render();
});
elements.namespace.addEventListener('change', () => update({ namespace: elements.namespace.value }));
elements.query.addEventListener('input', () => update({ query: elements.query.value }, QUERY_DELAY_MS));
byId('refresh').addEventListener('click', () => vscode.postMessage({ type: 'refresh' }));
byId('zoom-in').addEventListener('click', () => zoom(view.scale * 1.25));
byId('zoom-out').addEventListener('click', () => zoom(view.scale / 1.25));
byId('zoom-reset').addEventListener('click', () => zoom(1));
elements.graph.addEventListener('click', (event) => open(event.target));
elements.graph.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' || event.key === ' ') {
    event.preventDefault();
    open(event.target);
  }
});
vscode.postMessage({ type: 'ready', filter: filterOfView() });

/** Changes the filter and asks for its part of the graph, `delay` ms later (typing waits for a pause). */
function update(change: Partial<GraphFilter>, delay = 0): void {
  Object.assign(view, change);
  vscode.setState(view);
  clearTimeout(queryTimer);
  queryTimer = setTimeout(() => vscode.postMessage({ type: 'filter', filter: filterOfView() }), delay);
}

function filterOfView(): ServiceGraphParams {
  return { namespace: view.namespace, query: view.query, maxNodes: MAX_NODES };
}

async function render(): Promise<void> {
  if (!graph) return;
  // The namespace chosen is gone: ask for them all.
  if (view.namespace && !graph.namespaces.includes(view.namespace)) return update({ namespace: '' });
  fillNamespaces(graph.namespaces);
  shown = graph.nodes;
  const { services, backends } = graph.counts;
  elements.summary.textContent = `${plural(services, 'Service')} · ${plural(backends, 'Endpoints/EndpointSlice', 'Endpoints/EndpointSlices')}`;
  if (services + backends === 0)
    return showMessage('empty', 'No Services, Endpoints or EndpointSlices in this workspace yet.');
  if (graph.total === undefined || graph.total > MAX_NODES) {
    const count = graph.total === undefined ? `More than ${MAX_NODES}` : String(graph.total);
    return showMessage('too-large', `${count} nodes: choose a namespace or search for a name to draw fewer.`);
  }
  if (shown.length === 0) return showMessage('empty', 'Nothing matches this namespace and search.');
  try {
    const svg = (await vizReady).renderSVGElement(toGraphviz(graph, shown));
    decorate(svg);
    elements.graph.replaceChildren(svg);
    fitLabels(svg);
    applyScale();
    document.body.dataset.state = 'rendered';
  } catch (error) {
    showMessage('error', `Could not draw the graph: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Makes each node a link: focusable, named for screen readers, with its file as tooltip. */
function decorate(svg: SVGSVGElement): void {
  svg.setAttribute('role', 'group');
  svg.setAttribute('aria-label', 'Service graph');
  for (const group of svg.querySelectorAll<SVGGElement>('g.node')) {
    const node = nodeOf(group);
    if (!node) continue;
    const place = `${decodeURIComponent(node.uri.replace(/^file:\/\//, ''))}:${node.range.start.line + 1}`;
    const title = group.querySelector('title');
    if (title)
      title.textContent = `${node.kind} ${node.namespace}/${node.name}${node.severity ? ` (${node.severity})` : ''}\n${place}`;
    group.setAttribute('tabindex', '0');
    group.setAttribute('role', 'link');
    group.setAttribute('aria-label', `${node.kind} ${node.name}, ${place}`);
  }
}

/**
 * Graphviz places each label line by Helvetica's metrics; where the browser draws
 * another font (DejaVu Sans on many Linux desktops) lines would drift out of their
 * box. So each line is centred on its box and, when still too wide, condensed to fit.
 * Needs the SVG in the document.
 */
function fitLabels(svg: SVGSVGElement): void {
  for (const group of svg.querySelectorAll<SVGGElement>('g.node')) {
    const shape = group.querySelector<SVGGraphicsElement>('path, polygon');
    if (!shape) continue;
    const box = shape.getBBox();
    for (const text of group.querySelectorAll('text')) {
      text.setAttribute('text-anchor', 'middle');
      text.setAttribute('x', String(box.x + box.width / 2));
      if (text.getComputedTextLength() <= box.width - LABEL_PADDING) continue;
      text.setAttribute('textLength', String(box.width - LABEL_PADDING));
      text.setAttribute('lengthAdjust', 'spacingAndGlyphs');
    }
  }
  for (const cluster of svg.querySelectorAll<SVGGElement>('g.cluster')) {
    const frame = cluster.querySelector<SVGGraphicsElement>('polygon');
    const label = cluster.querySelector('text');
    if (!frame || !label) continue;
    label.setAttribute('text-anchor', 'start');
    label.setAttribute('x', String(frame.getBBox().x + LABEL_PADDING));
  }
}

function open(target: EventTarget | null): void {
  const group = target instanceof Element ? target.closest('g.node') : null;
  const node = group && nodeOf(group);
  if (node) vscode.postMessage({ type: 'open', id: node.id });
}

function nodeOf(group: Element): ServiceGraphNode | undefined {
  const match = /^node-(\d+)$/.exec(group.id);
  return match ? shown[Number(match[1])] : undefined;
}

function fillNamespaces(namespaces: readonly string[]): void {
  const options = [
    new Option('All namespaces', ''),
    ...namespaces.map((namespace) => new Option(namespace, namespace)),
  ];
  elements.namespace.replaceChildren(...options);
  elements.namespace.value = view.namespace;
}

function zoom(scale: number): void {
  view.scale = Math.min(4, Math.max(0.25, scale));
  vscode.setState(view);
  applyScale();
}

/** Scales the drawing from the size Graphviz gave it, kept in data attributes. */
function applyScale(): void {
  const svg = elements.graph.querySelector('svg');
  if (!svg) return;
  for (const dimension of ['width', 'height'] as const) {
    svg.dataset[dimension] ??= String(parseFloat(svg.getAttribute(dimension) ?? '0'));
    svg.setAttribute(dimension, `${Number(svg.dataset[dimension]) * view.scale}pt`);
  }
  byId('zoom-reset').textContent = `${Math.round(view.scale * 100)}%`;
}

function showMessage(state: string, text: string): void {
  const paragraph = document.createElement('p');
  paragraph.className = 'message';
  paragraph.textContent = text;
  elements.graph.replaceChildren(paragraph);
  document.body.dataset.state = state;
}

function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

function byId(id: string): HTMLElement {
  return document.getElementById(id)!;
}
