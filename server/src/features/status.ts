import type { Severity } from '../rules/types';
import { STATUS_NOTIFICATION, type StatusParams } from './protocol';
import type { ServerState } from './state';

/**
 * Tells the client what the server is doing (`kubeEndpoints/status`): indexing with
 * a file count, then the workspace's counts after each check.
 */
export class StatusReporter {
  private lastSent = '';
  private revision = 0;

  constructor(private readonly state: ServerState) {}

  /** The scan is running and has read `files` files (the scan says so a few times a second). */
  indexing(files: number): void {
    if (!this.state.statusNotification) return;
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
