import type { WorkspaceIndex } from '../index/workspaceIndex';
import type { TextChange } from '../model/documents';
import { type CheckResult, checkAll, fixesFor, type SeverityOverrides } from './index';
import { groupByUri } from '../model/types';
import { recheck } from './recheck';
import { type FileChange, type Finding, type Fix, FixContext } from './types';

/**
 * How many fixes one run may apply before it stops, should fixes ever undo each other: each
 * fix removes a finding, so twice as many as there are at the start, and at least 1000.
 */
const MIN_ROUNDS = 1000;

/**
 * Applies safe fixes one at a time, re-checking after each, until none is left.
 * Re-checking after every fix keeps edits from overlapping and lets a fix that
 * resolves several findings count once. The check after a fix is the targeted one of an
 * edit in the editor (`recheck`), and a finding found to have no safe fix is not asked again
 * while it stays the same but for where it is (an edit above it moves it): a full check and
 * every fix of every finding per fix took hours at 50k resources. When no safe fix seems
 * left, a full check, every finding asked again, confirms it. Returns the new text of every
 * changed file, and what that last check found (the findings a report of the fixed workspace
 * lists: no need to check it all again); the index holds the fixed workspace afterwards.
 */
export function applySafeFixes(
  index: WorkspaceIndex,
  severities: SeverityOverrides = {},
  context: FixContext = FixContext.of(),
): { changed: Map<string, string>; remaining: CheckResult } {
  const changed = new Map<string, string>();
  const fullCheck = () => {
    index.takeChanges();
    return checkAll(index, severities, context);
  };
  // A full check with every finding asked for its fixes since, and no fix made since.
  let confirmed: CheckResult | undefined = fullCheck();
  let findingsByUri = groupByUri(confirmed.findings);
  let withoutSafeFix = new FindingsWithoutSafeFix();
  const rounds = Math.max(MIN_ROUNDS, 2 * [...findingsByUri.values()].reduce((sum, list) => sum + list.length, 0));
  for (let round = 0; round < rounds; round++) {
    let fix = firstSafeFix(findingsByUri, index, context, withoutSafeFix);
    if (!fix) {
      if (!confirmed) {
        confirmed = fullCheck();
        findingsByUri = groupByUri(confirmed.findings);
        withoutSafeFix = new FindingsWithoutSafeFix();
        fix = firstSafeFix(findingsByUri, index, context, withoutSafeFix);
      }
      if (!fix) return { changed, remaining: confirmed };
    }
    confirmed = undefined;
    const texts = applyFileChanges((uri) => index.file(uri)?.text, fix.changes);
    for (const [uri, text] of texts) {
      const previous = index.file(uri)?.text;
      index.update(uri, text, previous === undefined ? undefined : changeOf(fix, uri, previous, text));
      changed.set(uri, text);
    }
    const changes = index.takeChanges();
    findingsByUri = changes.everything
      ? groupByUri(fullCheck().findings)
      : recheck(index, findingsByUri, changes, severities, context).findingsByUri;
  }
  // Out of rounds: fixes that undo each other.
  return { changed, remaining: fullCheck() };
}

/** The first safe fix of the findings, in the order of the map; notes the findings that have none. */
function firstSafeFix(
  findingsByUri: ReadonlyMap<string, readonly Finding[]>,
  index: WorkspaceIndex,
  context: FixContext,
  withoutSafeFix: FindingsWithoutSafeFix,
): Fix | undefined {
  for (const findings of findingsByUri.values()) {
    for (const finding of findings) {
      if (withoutSafeFix.has(finding)) continue;
      const fix = fixesFor(finding, index, context).find((candidate) => candidate.safe);
      if (fix) return fix;
      withoutSafeFix.add(finding);
    }
  }
  return undefined;
}

/**
 * Findings known to have no safe fix: the objects themselves, and what they say (file, rule,
 * message) for the copies `recheck` makes of those an edit moves.
 */
class FindingsWithoutSafeFix {
  private readonly findings = new WeakSet<Finding>();
  private readonly said = new Set<string>();

  has(finding: Finding): boolean {
    if (this.findings.has(finding)) return true;
    if (!this.said.has(whatItSays(finding))) return false;
    this.findings.add(finding);
    return true;
  }

  add(finding: Finding): void {
    this.findings.add(finding);
    this.said.add(whatItSays(finding));
  }
}

function whatItSays(finding: Finding): string {
  return `${finding.uri}\n${finding.code}\n${finding.message}`;
}

/**
 * How a fix changed `previous`, the text of `uri`, into `text`: one span from its first edit
 * to its last, which the index reads again alone (the documents around it stay as they were).
 */
function changeOf(fix: Fix, uri: string, previous: string, text: string): TextChange | undefined {
  const ranges = fix.changes.flatMap((change) => (change.kind === 'edit' && change.uri === uri ? [change.range] : []));
  if (ranges.length === 0) return undefined;
  const start = Math.min(...ranges.map((range) => range.start));
  const end = Math.max(...ranges.map((range) => range.end));
  return { start, end, text: text.slice(start, end + text.length - previous.length) };
}

/**
 * The text of every file a list of changes creates or edits, given the current text
 * of files (`undefined` for a file that does not exist). Edits apply last first, so
 * their offsets, which refer to the text before the fix, hold.
 */
export function applyFileChanges(
  currentText: (uri: string) => string | undefined,
  changes: readonly FileChange[],
): Map<string, string> {
  const texts = new Map<string, string>();
  for (const change of changes) {
    if (change.kind !== 'create') continue;
    if (currentText(change.uri) !== undefined) throw new Error(`a fix creates ${change.uri}, which exists`);
    texts.set(change.uri, change.text);
  }
  const edits = changes
    .flatMap((change) => (change.kind === 'edit' ? [change] : []))
    .sort((a, b) => b.range.start - a.range.start);
  for (const edit of edits) {
    const text = texts.get(edit.uri) ?? currentText(edit.uri);
    if (text === undefined) throw new Error(`a fix edits ${edit.uri}, which does not exist`);
    texts.set(edit.uri, text.slice(0, edit.range.start) + edit.newText + text.slice(edit.range.end));
  }
  return texts;
}
