import type { Diagnostic } from 'vscode-languageserver';
import { checkAll } from '../rules';
import type { Finding } from '../rules/types';
import { toDiagnostic } from './convert';
import type { ServerState } from './state';
import type { StatusReporter } from './status';

/** How long edits may keep coming before the workspace is checked again. */
const SETTLE_MS = 40;

/**
 * Push diagnostics for every file with findings, open or not. After any change the
 * whole workspace is re-checked (edits in one file clear warnings in another) and
 * only files whose diagnostics changed are re-published.
 */
export class DiagnosticsPublisher {
  private findingsByUri = new Map<string, Finding[]>();
  private readonly published = new Map<string, string>();
  private readonly reportedFailures = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
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

  /** Re-checks soon, once edits settle. */
  schedule(): void {
    if (!this.ready) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.refresh(), SETTLE_MS);
  }

  /** The current findings of one file, for code actions. */
  findingsOf(uri: string): readonly Finding[] {
    return this.findingsByUri.get(uri) ?? [];
  }

  /** Every current finding, for the Service graph. */
  allFindings(): Finding[] {
    return [...this.findingsByUri.values()].flat();
  }

  refresh(): void {
    clearTimeout(this.timer);
    const { connection, index, settings } = this.state;
    const { findings, failures } = settings.enable
      ? checkAll(index, settings.rules, { kubernetesVersion: settings.kubernetesVersion })
      : { findings: [], failures: [] };
    for (const failure of failures) {
      if (this.reportedFailures.has(failure.code)) continue;
      this.reportedFailures.add(failure.code);
      const detail = failure.error instanceof Error ? failure.error.stack : String(failure.error);
      connection.console.error(`Rule ${failure.code} failed and was skipped: ${detail}`);
    }
    this.findingsByUri = groupByUri(findings);
    const diagnosticsByUri = new Map<string, Diagnostic[]>();
    for (const [uri, list] of this.findingsByUri) {
      diagnosticsByUri.set(
        uri,
        list.map((finding) => toDiagnostic(finding, (other) => this.state.linesOf(other))),
      );
    }
    for (const uri of this.published.keys()) {
      if (!diagnosticsByUri.has(uri)) diagnosticsByUri.set(uri, []);
    }
    for (const [uri, diagnostics] of diagnosticsByUri) {
      const serialized = JSON.stringify(diagnostics);
      if (this.published.get(uri) === serialized) continue;
      if (diagnostics.length === 0) this.published.delete(uri);
      else this.published.set(uri, serialized);
      void connection.sendDiagnostics({ uri, diagnostics });
    }
    // After the diagnostics, so that a client that counts them agrees with the status.
    this.status.ready(findings);
  }
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
