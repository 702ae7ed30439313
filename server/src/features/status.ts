import type { Severity } from '../rules/types';
import { STATUS_NOTIFICATION, type StatusParams } from './protocol';
import type { ServerState } from './state';

/**
 * How often, at most, the counts (and the scan's progress) go out while indexing. The connection
 * writes one message per turn of the event loop, and the scan holds each turn for a slice of its
 * work: messages sent more often than that would pile up, and an answer to a request would wait
 * its turn behind them.
 */
export const INDEXING_INTERVAL_MS = 250;

/**
 * Tells the client what the server is doing (`kubeEndpoints/status`): indexing with
 * a file count, then the workspace's counts after each check.
 */
export class StatusReporter {
  private lastSent = '';
  private revision = 0;
  private lastIndexingAt = 0;

  constructor(private readonly state: ServerState) {}

  /** The scan is running and has read `files` files. */
  indexing(files: number): void {
    // A few times a second is plenty for a status bar.
    if (!this.state.statusNotification || Date.now() - this.lastIndexingAt < INDEXING_INTERVAL_MS) return;
    this.lastIndexingAt = Date.now();
    this.send({ ...this.counts(), state: 'indexing', files });
  }

  /** The workspace was checked, and its diagnostics are out: `problems` of each severity. */
  ready(problems: Readonly<Record<Severity, number>>): void {
    this.revision++;
    // Not on every keystroke for a client that did not ask.
    if (!this.state.statusNotification) return;
    this.send({
      ...this.counts(),
      state: this.state.settings.enable ? 'ready' : 'disabled',
      problems: { ...problems },
    });
  }

  private counts(): Omit<StatusParams, 'state'> {
    return {
      ...this.state.index.summary(),
      problems: { error: 0, warning: 0, information: 0, hint: 0 },
      revision: this.revision,
    };
  }

  private send(params: StatusParams): void {
    if (!this.state.statusNotification) return;
    // Only indexing can repeat itself (a folder scanned twice).
    const serialized = JSON.stringify(params);
    if (serialized === this.lastSent) return;
    this.lastSent = serialized;
    void this.state.connection.sendNotification(STATUS_NOTIFICATION, params);
  }
}
