import { randomBytes } from 'node:crypto';
import { type Disposable, type Event, type ExtensionContext, Uri, ViewColumn, type WebviewPanel, window } from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  SERVICE_GRAPH_REQUEST,
  type ServiceGraphParams,
  type ServiceGraphResult,
  type StatusParams,
} from '../../server/src/features/protocol';
import { serviceGraphHtml } from './serviceGraphHtml';

/** Edits come in bursts: redraw once they pause. */
const REFRESH_DELAY_MS = 250;

/**
 * The "Show Service Graph" webview: asks the server for the part of the graph the page's filter
 * shows, hands it to the page, redraws when the workspace changes, and opens the object behind
 * a clicked node. One panel at most; the command reveals it when it is open.
 */
export class ServiceGraphPanel {
  private static current: ServiceGraphPanel | undefined;
  private readonly panel: WebviewPanel;
  private graph: ServiceGraphResult | undefined;
  /** The page's filter, once the page has said it: the server sends that part of the graph only. */
  private params: ServiceGraphParams | undefined;
  private shownJson = '';
  private refreshTimer: NodeJS.Timeout | undefined;
  private readonly disposables: Disposable[] = [];

  static show(context: ExtensionContext, client: LanguageClient, statuses: Event<StatusParams>): void {
    if (ServiceGraphPanel.current) ServiceGraphPanel.current.panel.reveal();
    else ServiceGraphPanel.current = new ServiceGraphPanel(context, client, statuses);
  }

  private constructor(
    context: ExtensionContext,
    private readonly client: LanguageClient,
    statuses: Event<StatusParams>,
  ) {
    const assets = Uri.joinPath(context.extensionUri, 'client', 'out', 'webview');
    this.panel = window.createWebviewPanel('kubeEndpoints.serviceGraph', 'Service Graph', ViewColumn.Beside, {
      enableScripts: true,
      localResourceRoots: [assets],
    });
    this.panel.iconPath = Uri.joinPath(context.extensionUri, 'images', 'icon.png');
    const webview = this.panel.webview;
    webview.html = serviceGraphHtml({
      cspSource: webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      scriptUri: webview.asWebviewUri(Uri.joinPath(assets, 'serviceGraph.js')).toString(),
      styleUri: webview.asWebviewUri(Uri.joinPath(assets, 'serviceGraph.css')).toString(),
    });
    this.disposables.push(
      webview.onDidReceiveMessage((message: { type?: string; id?: string; filter?: ServiceGraphParams }) => {
        if (message.filter) this.params = message.filter;
        if (message.type === 'ready' || message.type === 'refresh' || message.type === 'filter')
          void this.refresh(true);
        if (message.type === 'open' && typeof message.id === 'string') void this.open(message.id);
      }),
      statuses((status) => {
        if (status.state !== 'ready' || !this.panel.visible) return;
        clearTimeout(this.refreshTimer);
        this.refreshTimer = setTimeout(() => void this.refresh(), REFRESH_DELAY_MS);
      }),
      this.panel.onDidDispose(() => this.dispose()),
    );
  }

  /** Asks for the graph and hands it to the page, unless it is the one the page shows. */
  private async refresh(force = false): Promise<void> {
    // Before the page says what it shows, a request would fetch the whole graph (19 MB at 50k resources).
    if (!this.params) return;
    try {
      const graph = await this.client.sendRequest<ServiceGraphResult>(SERVICE_GRAPH_REQUEST, this.params);
      const json = JSON.stringify(graph);
      if (!force && json === this.shownJson) return;
      this.graph = graph;
      this.shownJson = json;
      await this.panel.webview.postMessage({ type: 'graph', graph });
    } catch (error) {
      void window.showErrorMessage(`Kube Endpoints: could not read the Service graph (${String(error)}).`);
    }
  }

  /** Opens the node's file at the node, in an editor group beside the graph. */
  private async open(id: string): Promise<void> {
    const node = this.graph?.nodes.find((candidate) => candidate.id === id);
    if (!node) return;
    await window.showTextDocument(Uri.parse(node.uri), {
      selection: this.client.protocol2CodeConverter.asRange(node.range),
      viewColumn: this.panel.viewColumn === ViewColumn.One ? ViewColumn.Two : ViewColumn.One,
    });
  }

  private dispose(): void {
    ServiceGraphPanel.current = undefined;
    clearTimeout(this.refreshTimer);
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }
}
