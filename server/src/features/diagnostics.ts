import type { Diagnostic } from 'vscode-languageserver';
import { checkAll, type RuleFailure } from '../rules';
import { recheck } from '../rules/recheck';
import type { Finding } from '../rules/types';
import { toDiagnostic } from './convert';
import type { ServerState } from './state';
import type { StatusReporter } from './status';

/**
 * After this long without edits, the whole workspace is checked once more, so that findings
 * stay exact even for a dependency between objects that the targeted re-check does not know.
 */
const FULL_CHECK_AFTER_MS = 1500;

/**
 * Push diagnostics for every file with findings, open or not. After a change, the rules run
 * again from the objects the change can affect (edits in one file clear warnings in another;
 * see rules/recheck.ts), the whole workspace is checked again once edits pause, and only
 * files whose diagnostics changed are re-published.
 */
export class DiagnosticsPublisher {
  private findingsByUri = new Map<string, Finding[]>();
  private readonly published = new Map<string, string>();
  private readonly reportedFailures = new Set<string>();
  private pending: NodeJS.Immediate | undefined;
  private fullCheckTimer: NodeJS.Timeout | undefined;
  /** Until the first scan ends, a partial index would report spurious findings. */
  private ready = false;

  constructor(
    private readonly state: ServerState,
    private readonly status: StatusReporter,
  ) {}

  /** Starts publishing: the initial scan is complete. */
  start(): void {
    this.ready = true;
    this.refresh();
  }

  /**
   * Re-checks once the messages already received are handled: edits that arrive together
   * (or while a check runs) share one check, and a lone keystroke waits for no timer.
   */
  schedule(): void {
    if (!this.ready || this.pending) return;
    this.pending = setImmediate(() => this.refresh(false));
  }

  /** The current findings of one file, for code actions. */
  findingsOf(uri: string): readonly Finding[] {
    return this.findingsByUri.get(uri) ?? [];
  }

  /** Every current finding, for the Service graph. */
  allFindings(): Finding[] {
    return [...this.findingsByUri.values()].flat();
  }

  /** Checks again (everything, unless `everything` is false and only some objects changed) and publishes. */
  refresh(everything = true): void {
    clearImmediate(this.pending);
    this.pending = undefined;
    clearTimeout(this.fullCheckTimer);
    const { index, settings } = this.state;
    const context = { kubernetesVersion: settings.kubernetesVersion };
    const changes = index.takeChanges();
    let touched: Iterable<string>;
    if (!settings.enable) {
      touched = [...this.findingsByUri.keys()];
      this.findingsByUri = new Map();
    } else if (everything || changes.everything) {
      const { findings, failures } = checkAll(index, settings.rules, context);
      this.reportFailures(failures);
      touched = new Set([...this.findingsByUri.keys(), ...findings.map((finding) => finding.uri)]);
      this.findingsByUri = groupByUri(findings);
    } else {
      const result = recheck(index, this.findingsByUri, changes, settings.rules, context);
      this.reportFailures(result.failures);
      this.findingsByUri = result.findingsByUri;
      touched = result.touched;
      this.fullCheckTimer = setTimeout(() => this.refresh(), FULL_CHECK_AFTER_MS);
    }
    this.publish(touched);
    // After the diagnostics, so that a client that counts them agrees with the status.
    this.status.ready(this.findingsByUri.values());
  }

  /** Sends the diagnostics of the `touched` files whose diagnostics differ from those last sent. */
  private publish(touched: Iterable<string>): void {
    for (const uri of touched) {
      const list = this.findingsByUri.get(uri) ?? [];
      // One order whatever the path that computed them, so equal findings publish equal diagnostics.
      list.sort(byPosition);
      const diagnostics: Diagnostic[] = list.map((finding) =>
        toDiagnostic(finding, (other) => this.state.linesOf(other)),
      );
      const serialized = JSON.stringify(diagnostics);
      if ((this.published.get(uri) ?? '[]') === serialized) continue;
      if (diagnostics.length === 0) this.published.delete(uri);
      else this.published.set(uri, serialized);
      void this.state.connection.sendDiagnostics({ uri, diagnostics });
    }
  }

  private reportFailures(failures: RuleFailure[]): void {
    for (const failure of failures) {
      if (this.reportedFailures.has(failure.code)) continue;
      this.reportedFailures.add(failure.code);
      const detail = failure.error instanceof Error ? failure.error.stack : String(failure.error);
      this.state.connection.console.error(`Rule ${failure.code} failed and was skipped: ${detail}`);
    }
  }
}

function byPosition(a: Finding, b: Finding): number {
  return (
    a.range.start - b.range.start ||
    a.range.end - b.range.end ||
    (a.code < b.code ? -1 : a.code > b.code ? 1 : 0) ||
    (a.message < b.message ? -1 : a.message > b.message ? 1 : 0)
  );
}

function groupByUri(findings: Finding[]): Map<string, Finding[]> {
  const grouped = new Map<string, Finding[]>();
  for (const finding of findings) {
    const list = grouped.get(finding.uri);
    if (list) list.push(finding);
    else grouped.set(finding.uri, [finding]);
  }
  return grouped;
}
