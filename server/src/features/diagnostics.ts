import type { Diagnostic } from 'vscode-languageserver';
import { comparePositions, type LineIndex } from '../model/lineIndex';
import { checkAll, type CheckResult, checkInPieces, type RuleFailure } from '../rules';
import { groupByUri } from '../model/types';
import { recheck } from '../rules/recheck';
import type { CheckContext, Finding, Severity } from '../rules/types';
import { isDiagnosticOf, sameJson, toDiagnostic } from './convert';
import type { ServerStatsCounts } from './protocol';
import type { ServerState } from './state';
import type { StatusReporter } from './status';
import { afterWaitingMessages, type ScheduledSlice } from './turns';

/**
 * After this long without edits, the whole workspace is checked once more, so that findings
 * stay exact even for a dependency between objects that the targeted re-check does not know.
 */
const FULL_CHECK_AFTER_MS = 1500;

/** How long a check waits, at most, for a stream of changes to pause: diagnostics keep coming while it lasts. */
const MAX_DEFER_MS = 200;

/**
 * How long a full check runs, or its publication, at most, before it lets waiting messages
 * through.
 */
const STEP_MS = 5;

/**
 * How long changes may keep starting an owed full check again (see `refresh`) before it runs in
 * one piece: a stream of changes must not put off the diagnostics for ever.
 */
const MAX_OWED_MS = 2000;

/**
 * Push diagnostics for every file with findings, open or not. After a change, the rules run
 * again from the objects the change can affect (edits in one file clear warnings in another;
 * see rules/recheck.ts), the whole workspace is checked again once edits pause, and only
 * files whose diagnostics changed are re-published.
 */
export class DiagnosticsPublisher {
  private findingsByUri = new Map<string, Finding[]>();
  /** Counts the checks that changed `findingsByUri`: a targeted one changes the map in place, unseen from outside. */
  private findingsCount = 0;
  /** What was last sent for each file with diagnostics. */
  private readonly published = new Map<string, Publication>();
  /** The diagnostics last sent, by severity, over every file: what the status reports. */
  private readonly problems: Record<Severity, number> = { error: 0, warning: 0, information: 0, hint: 0 };
  /**
   * Each finding's diagnostic, made once: a finding never moves while it lives (an edit that
   * moves it makes a new one, see rules/recheck.ts), so neither do the positions of its ranges.
   * A keystroke in a large file sends all its diagnostics again, but makes only the new ones.
   * A diagnostic is never modified once made: the stdio writer keeps the JSON of those it has sent.
   */
  private readonly diagnosticOf = new WeakMap<Finding, Diagnostic>();
  private readonly reportedFailures = new Set<string>();
  private pending: NodeJS.Immediate | undefined;
  /** When the pending check was first asked for. */
  private pendingSince = 0;
  private changes = 0;
  private readonly checks = { full: 0, targeted: 0, fullAbandoned: 0 };
  private fullCheckTimer: NodeJS.Timeout | undefined;
  /** The next step of the full check under way (see `checkInSteps`). */
  private nextStep: ScheduledSlice | undefined;
  /** How many pieces of the full check under way have run so far; 0 when none runs. */
  private piecesRun = 0;
  /** Since when a full check is owed (start-up, settings, folders), until one has ended. */
  private owedSince: number | undefined;
  /** Resolved when the owed full check has ended and its diagnostics are sent. */
  private owedDone: (() => void)[] = [];
  /** The files whose diagnostics are still to be compared with those last sent, in the order they go out. */
  private unsent = new Set<string>();
  /** Called once every file of `unsent` has gone out. */
  private whenSent: (() => void)[] = [];
  /** Numbers each publication, so that one superseded by another stops (see `publishInSlices`). */
  private publication = 0;
  /** Until the first scan ends, a partial index would report spurious findings. */
  private ready = false;

  constructor(
    private readonly state: ServerState,
    private readonly status: StatusReporter,
  ) {}

  /** Starts publishing: the initial scan is complete. Resolves once the first check is published. */
  start(): Promise<void> {
    this.ready = true;
    this.refresh();
    return this.owedSince === undefined ? Promise.resolve() : new Promise((resolve) => this.owedDone.push(resolve));
  }

  /**
   * Re-checks once the messages already received are handled: changes that arrive together, or
   * pile up while a check runs, share one check, so a flood of edits never queues stale checks.
   * A lone keystroke waits for no timer; a stream of changes gets a check every MAX_DEFER_MS.
   */
  schedule(): void {
    this.changes++;
    if (!this.ready || this.pending) return;
    this.pendingSince = Date.now();
    this.pending = setImmediate(() => this.checkWhenQuiet(undefined));
  }

  /**
   * How many changes asked for a check and how many checks ran (and full checks were stopped
   * before they ended) since the server started, and how far the full check under way has come.
   */
  counts(): ServerStatsCounts {
    return { changes: this.changes, checks: { ...this.checks }, fullCheckPiecesRun: this.piecesRun };
  }

  /** The current findings of one file, for code actions. */
  findingsOf(uri: string): readonly Finding[] {
    return this.findingsByUri.get(uri) ?? [];
  }

  /** Every current finding, for the Service graph. */
  allFindings(): Finding[] {
    return [...this.findingsByUri.values()].flat();
  }

  /** Changes with every check: what was computed from the findings of one revision holds until the next. */
  get findingsRevision(): number {
    return this.findingsCount;
  }

  /** The findings of a check in place of the earlier ones: the revision moves with them. */
  private replaceFindings(findingsByUri: Map<string, Finding[]>): void {
    this.findingsByUri = findingsByUri;
    this.findingsCount++;
  }

  /**
   * The connection handles one received message per turn of the event loop, and reads the
   * input between turns: a turn that brought no change means that none is waiting.
   */
  private checkWhenQuiet(changesSeen: number | undefined): void {
    if (this.changes !== changesSeen && Date.now() - this.pendingSince < MAX_DEFER_MS) {
      const changes = this.changes;
      this.pending = setImmediate(() => this.checkWhenQuiet(changes));
      return;
    }
    this.refresh(false);
  }

  /**
   * Checks again (everything, unless `everything` is false and only some objects changed) and
   * publishes: a targeted check at once, a full one in steps (see `checkInSteps`). Nothing before
   * the first scan has ended (a settings change can come earlier).
   */
  refresh(everything = true): void {
    if (!this.ready) return;
    clearImmediate(this.pending);
    this.pending = undefined;
    clearTimeout(this.fullCheckTimer);
    this.stopSteps(true);
    const { index, settings } = this.state;
    const changes = index.takeChanges();
    let touched: Iterable<string>;
    if (!settings.enable) {
      touched = [...this.findingsByUri.keys()];
      this.replaceFindings(new Map());
      this.owedCheckEnded();
    } else if (everything || changes.everything || this.owedSince !== undefined) {
      // Owed: a change while it runs starts it again, from a consistent index, until it has been
      // owed too long.
      this.owedSince ??= Date.now();
      if (Date.now() - this.owedSince < MAX_OWED_MS) return this.checkInSteps(true);
      const { findings, failures } = checkAll(index, settings.rules, this.context());
      touched = this.replaceAll(findings, failures);
      this.owedCheckEnded();
    } else {
      this.checks.targeted++;
      const result = recheck(index, this.findingsByUri, changes, settings.rules, this.context());
      this.reportFailures(result.failures);
      this.replaceFindings(result.findingsByUri);
      touched = result.touched;
      this.fullCheckTimer = setTimeout(() => this.checkInSteps(false), FULL_CHECK_AFTER_MS);
    }
    this.send(touched);
  }

  /**
   * A full check in pieces of a few milliseconds (see `checkInPieces`), as many as fit in STEP_MS,
   * with the event loop free in between: at 50k resources it takes over half a second, and requests
   * that arrive meanwhile are answered between two steps. A change gives it up, also one that has
   * not asked for a check yet (files changed on disk are read in slices, then ask): later pieces
   * would see another index than the earlier ones. An `owed` check starts again with the check
   * that the change schedules; the one after a pause waits for the next pause.
   */
  private checkInSteps(owed: boolean): void {
    const changes = this.changes;
    const { revision } = this.state.index;
    const pieces = checkInPieces(this.state.index, this.state.settings.rules, this.context());
    const findings: Finding[] = [];
    const failures: RuleFailure[] = [];
    const step = () => {
      if (this.changes !== changes || this.state.index.revision !== revision) return this.stopSteps(true);
      const until = performance.now() + STEP_MS;
      let piece: IteratorResult<CheckResult, void> | undefined;
      while (performance.now() < until && !(piece = pieces.next()).done) {
        findings.push(...piece.value.findings);
        failures.push(...piece.value.failures);
        this.piecesRun++;
      }
      if (!piece?.done) {
        this.nextStep = afterWaitingMessages(step);
        return;
      }
      this.stopSteps(false);
      const touched = this.replaceAll(findings, failures);
      if (owed) this.owedCheckEnded();
      this.send(touched);
    };
    this.nextStep = afterWaitingMessages(step);
  }

  /** The owed check has ended: those who wait for it are told once its diagnostics are sent. */
  private owedCheckEnded(): void {
    this.owedSince = undefined;
    this.whenSent.push(...this.owedDone.splice(0));
  }

  /** Ends the full check in steps, if one runs: `abandoned` before its last rule. */
  private stopSteps(abandoned: boolean): void {
    if (abandoned && this.nextStep) this.checks.fullAbandoned++;
    this.nextStep?.cancel();
    this.nextStep = undefined;
    this.piecesRun = 0;
  }

  private context(): CheckContext {
    return { kubernetesVersion: this.state.settings.kubernetesVersion };
  }

  /** Takes the findings of a full check in place of all the earlier ones; returns the files they concern. */
  private replaceAll(findings: Finding[], failures: RuleFailure[]): Set<string> {
    this.checks.full++;
    this.reportFailures(failures);
    const touched = new Set([...this.findingsByUri.keys(), ...findings.map((finding) => finding.uri)]);
    this.replaceFindings(groupByUri(findings));
    return touched;
  }

  /**
   * Publishes what changed in the `touched` files, then the status. The files of this check go
   * out first, those open in the editor before the others (the first check of a large workspace
   * takes a few hundred milliseconds to publish: the files on screen need not wait for it), then
   * those an earlier publication had not reached yet.
   */
  private send(touched: Iterable<string>): void {
    const files = [...touched];
    const unsent = new Set(files.filter((uri) => this.state.documents.get(uri) !== undefined));
    for (const uri of files) unsent.add(uri);
    for (const uri of this.unsent) unsent.add(uri);
    this.unsent = unsent;
    this.publishInSlices(++this.publication);
  }

  /**
   * Publishes for STEP_MS, then waits until those messages are written and lets waiting messages
   * through before the next slice. The connection writes its messages in the order they were
   * sent: after the first check of a large workspace, an answer would otherwise wait behind
   * thousands of files' diagnostics (300 ms at 50k resources). A keystroke's few files go out
   * in the first slice, at once.
   */
  private publishInSlices(publication: number): void {
    // A later publication took over what was left of this one.
    if (publication !== this.publication) return;
    const written = this.publish(performance.now() + STEP_MS);
    const allWritten = Promise.all(written);
    if (this.unsent.size > 0) {
      const next = () => afterWaitingMessages(() => this.publishInSlices(publication));
      void allWritten.then(next, next);
      return;
    }
    // After the diagnostics, so that a client that counts them agrees with the status.
    this.status.ready(this.problems);
    for (const done of this.whenSent.splice(0)) done();
    // Not before: each message is written on a later turn of the event loop.
    const flatten = () => this.state.flattenReadDocuments();
    void allWritten.then(flatten, flatten);
  }

  /**
   * Sends the diagnostics of the files of `unsent`, until the time `until`, that differ from those
   * last sent; the promises settle once they are written.
   */
  private publish(until: number): Promise<void>[] {
    const written: Promise<void>[] = [];
    const linesOf = memoize((uri: string) => this.state.linesOf(uri));
    for (const uri of this.unsent) {
      if (performance.now() >= until) break;
      this.unsent.delete(uri);
      const list = this.findingsByUri.get(uri) ?? [];
      // One order whatever the path that computed them, so equal findings publish equal diagnostics.
      list.sort(byPosition);
      const previous = this.published.get(uri);
      const diagnostics = this.diagnosticsFor(list, previous?.diagnostics ?? [], linesOf);
      // Mostly the same objects (see diagnosticsFor), which the comparison passes over at once.
      if (sameJson(previous?.diagnostics ?? [], diagnostics)) {
        if (previous) previous.diagnostics = diagnostics;
        continue;
      }
      const problems = countBySeverity(list);
      for (const severity of Object.keys(problems) as Severity[])
        this.problems[severity] += problems[severity] - (previous?.problems[severity] ?? 0);
      if (diagnostics.length === 0) this.published.delete(uri);
      else this.published.set(uri, { diagnostics, problems });
      written.push(this.state.connection.sendDiagnostics({ uri, diagnostics }));
    }
    return written;
  }

  /**
   * The diagnostics of a file's findings, sorted by position, given those last sent for it. An
   * edit moves the findings after it as new objects, but most keep their lines and columns
   * (typing on a line moves none below it): such a finding keeps the diagnostic sent before
   * (found by `isDiagnosticOf`), which the stdio writer does not serialize again
   * (node/batchedMessageWriter.ts); the others get a new one.
   */
  private diagnosticsFor(
    findings: readonly Finding[],
    previous: readonly Diagnostic[],
    linesOf: (uri: string) => LineIndex,
  ): Diagnostic[] {
    const diagnostics = new Array<Diagnostic>(findings.length);
    // The previous diagnostics are in the same order: `next` passes those that start before.
    let next = 0;
    for (let i = 0; i < findings.length; i++) {
      const finding = findings[i];
      let diagnostic = this.diagnosticOf.get(finding);
      if (!diagnostic) {
        // None left to look among (none at all on a file's first publication): no position to work out.
        if (next < previous.length) {
          const start = linesOf(finding.uri).positionAt(finding.range.start);
          while (next < previous.length && comparePositions(previous[next].range.start, start) < 0) next++;
          for (let same = next; same < previous.length; same++) {
            if (comparePositions(previous[same].range.start, start) !== 0) break;
            if (isDiagnosticOf(finding, previous[same], linesOf)) {
              diagnostic = previous[same];
              break;
            }
          }
        }
        diagnostic ??= toDiagnostic(finding, linesOf);
        this.diagnosticOf.set(finding, diagnostic);
      }
      diagnostics[i] = diagnostic;
    }
    return diagnostics;
  }

  /** Logs each rule that threw once per file (or once for the whole workspace), not on every keystroke. */
  private reportFailures(failures: RuleFailure[]): void {
    for (const failure of failures) {
      const key = `${failure.code} ${failure.uri ?? ''}`;
      if (this.reportedFailures.has(key)) continue;
      this.reportedFailures.add(key);
      const where = failure.uri ? `on ${failure.uri}; its findings there are skipped` : 'on the whole workspace';
      const detail = failure.error instanceof Error ? failure.error.stack : String(failure.error);
      this.state.connection.console.error(`Rule ${failure.code} failed ${where}: ${detail}`);
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

/** What was last sent for a file: its diagnostics, and how many of each severity. */
type Publication = { diagnostics: Diagnostic[]; problems: Record<Severity, number> };

function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const problems = { error: 0, warning: 0, information: 0, hint: 0 };
  for (const finding of findings) problems[finding.severity]++;
  return problems;
}

function memoize<T>(compute: (key: string) => T): (key: string) => T {
  const values = new Map<string, T>();
  return (key) => {
    let value = values.get(key);
    if (value === undefined) values.set(key, (value = compute(key)));
    return value;
  };
}
