import { compileCacheStatus } from '../node/compileCache';
import type { DiagnosticsPublisher } from './diagnostics';
import { SERVER_STATS_REQUEST, type ServerStatsResult } from './protocol';
import type { ServerState } from './state';

/** Answers `kubeEndpoints/serverStats` with the process's memory and the publisher's counts. */
export function registerServerStats(state: ServerState, diagnostics: DiagnosticsPublisher): void {
  state.connection.onRequest(SERVER_STATS_REQUEST, (): ServerStatsResult => {
    const { rss, heapUsed } = process.memoryUsage();
    return { memory: { rss, heapUsed }, compileCache: compileCacheStatus(), ...diagnostics.counts() };
  });
}
