import type { WorkspaceIndex } from '../index/workspaceIndex';
import { checkAll, fixesFor, type SeverityOverrides } from './index';
import { FixContext, type FileChange } from './types';

/** How many fixes one run may apply before it stops, should fixes ever undo each other. */
const MAX_ROUNDS = 1000;

/**
 * Applies safe fixes one at a time, re-checking after each, until none is left.
 * Re-checking after every fix keeps edits from overlapping and lets a fix that
 * resolves several findings count once. Returns the new text of every changed file;
 * the index holds the fixed workspace afterwards.
 */
export function applySafeFixes(
  index: WorkspaceIndex,
  severities: SeverityOverrides = {},
  context: FixContext = FixContext.of(),
): Map<string, string> {
  const changed = new Map<string, string>();
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const fix = checkAll(index, severities, context)
      .findings.flatMap((finding) => fixesFor(finding, index, context))
      .find((candidate) => candidate.safe);
    if (!fix) break;
    for (const [uri, text] of applyFileChanges((uri) => index.file(uri)?.text, fix.changes)) {
      index.update(uri, text);
      changed.set(uri, text);
    }
  }
  return changed;
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
