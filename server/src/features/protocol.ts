/**
 * The messages this server adds to LSP, for the VS Code client (as rust-analyzer's
 * `lsp_ext.rs`). Plain constants and types, so the client bundles nothing from here.
 */
import type { Range } from 'vscode-languageserver';
import type { GraphFilter } from '../graph/graphFilter';
import type { GraphEdge, GraphNode } from '../graph/serviceGraph';
import type { CompileCacheStatus } from '../node/compileCache';
import type { Severity } from '../rules/types';

/**
 * Server → client notification: indexing progress, then what the workspace holds and
 * how many problems it has, after each check. Sent only to clients that pass
 * `{ statusNotification: true }` in `initializationOptions`.
 */
export const STATUS_NOTIFICATION = 'kubeEndpoints/status';

export type StatusParams = {
  /** `disabled` when `kubeEndpoints.enable` is false. */
  state: 'indexing' | 'ready' | 'disabled';
  /** YAML files indexed so far. */
  files: number;
  services: number;
  /** Endpoints and EndpointSlices. */
  backends: number;
  workloads: number;
  /** Findings by severity, over the whole workspace. */
  problems: Record<Severity, number>;
  /**
   * How many times the workspace has been checked: it grows after every change, also
   * those that leave the counts alone, so views of the workspace know to refresh.
   */
  revision: number;
};

/**
 * Client → server request: the Service graph of the workspace, or the part of it that `params`
 * asks for (without params, all of it).
 */
export const SERVICE_GRAPH_REQUEST = 'kubeEndpoints/serviceGraph';

/**
 * The part of the graph to send: that of `namespace` (every namespace when empty), the groups
 * that match `query`, and no node at all when more than `maxNodes` match (then `total` says how
 * many, if the server counted them): the graph of 50k resources is 19 MB of JSON, more than a
 * page can draw.
 */
export type ServiceGraphParams = Partial<GraphFilter> & { maxNodes?: number };

/** A graph node whose range is an LSP range in its file. */
export type ServiceGraphNode = Omit<GraphNode, 'range'> & { range: Range };

export type ServiceGraphResult = {
  nodes: ServiceGraphNode[];
  edges: GraphEdge[];
  /** The namespaces of the workspace's Services and backends, sorted, whatever the filter. */
  namespaces: string[];
  /**
   * How many nodes the filter matches, sent or not; absent when more than `maxNodes` do and the
   * server stopped counting (it builds the graph of every namespace only for a search).
   */
  total?: number;
  /** The Services and the Endpoints and EndpointSlices of the whole workspace. */
  counts: { services: number; backends: number };
};

/**
 * Client → server request, no params: what the server process uses and has done since it
 * started, for bug reports and the robustness tests (as rust-analyzer's `memoryUsage`).
 */
export const SERVER_STATS_REQUEST = 'kubeEndpoints/serverStats';

export type ServerStatsResult = ServerStatsCounts & {
  /** From `process.memoryUsage()`, in bytes. */
  memory: { rss: number; heapUsed: number };
  /** What became of V8's code cache for the server's bundle (server/src/node/compileCache.ts). */
  compileCache: CompileCacheStatus;
};

export type ServerStatsCounts = {
  /** Changes to the index that asked for a check: edits, opens, closes, files changed on disk. */
  changes: number;
  /**
   * Checks run: of the whole workspace, and targeted ones after changes (several changes share
   * one); full checks that a change, or a newer check, stopped before they ended.
   */
  checks: { full: number; targeted: number; fullAbandoned: number };
  /** How many pieces of the full check under way have run (it lets requests through between them); 0 when none runs. */
  fullCheckPiecesRun: number;
};
