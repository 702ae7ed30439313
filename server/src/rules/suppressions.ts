import type { WorkspaceIndex } from '../index/workspaceIndex';
import { IGNORE_ANNOTATION, IGNORE_COMMENT_MARKER, objectHolding } from '../model/types';
import type { Finding, Fix } from './types';
import { entryColumn, eolOf, insertFirstEntry, lineAfter, replaceScalar, styleOf } from './yamlText';

const IGNORE_COMMENT = new RegExp(`#\\s*${IGNORE_COMMENT_MARKER}(?![\\w-])([^#\\r\\n]*)`);

/**
 * Whether an annotation or a comment silences this finding. Suppressions are in the spirit of
 * kube-linter's `ignore-check.kube-linter.io/<check>`: an annotation on the object lists the
 * rule codes it ignores (or `*` for all), and a `# kube-endpoints-ignore [codes]` comment
 * silences findings on its own line or the line below it (no codes: every rule).
 */
export function isSuppressed(finding: Finding, index: WorkspaceIndex): boolean {
  const entry = index.file(finding.uri);
  if (!entry) return false;
  const object = objectHolding(entry.objects, finding.range.start);
  const annotation = object?.annotations[IGNORE_ANNOTATION]?.value;
  if (annotation !== undefined && listsCode(annotation, finding.code)) return true;
  // Most files have no such comment: their text is not read (see OpenDocument for why that matters).
  if (!entry.mayHoldIgnoreComments) return false;
  const lineStart = entry.text.lastIndexOf('\n', finding.range.start - 1) + 1;
  const lineEnd = endOfLine(entry.text, finding.range.start);
  const previousStart = lineStart > 0 ? entry.text.lastIndexOf('\n', lineStart - 2) + 1 : lineStart;
  return [entry.text.slice(lineStart, lineEnd), lineStart > 0 ? entry.text.slice(previousStart, lineStart) : ''].some(
    (line) => {
      const comment = IGNORE_COMMENT.exec(line);
      return comment !== null && (comment[1].trim() === '' || listsCode(comment[1], finding.code));
    },
  );
}

/** A fix that adds the finding's code to the ignore annotation of the object it is in. */
export function ignoreFix(finding: Finding, index: WorkspaceIndex): Fix | undefined {
  const entry = index.file(finding.uri);
  const object = entry && objectHolding(entry.objects, finding.range.start);
  if (!entry || !object?.metadataRange) return undefined;
  const text = entry.text;
  const existing = object.annotations[IGNORE_ANNOTATION];
  const title = `Ignore ${finding.code} for ${object.kind} "${object.name?.value ?? ''}"`;
  const edit = (range: { start: number; end: number }, newText: string): Fix => ({
    title,
    changes: [{ kind: 'edit', uri: finding.uri, range, newText }],
  });
  // An ignore annotation that is empty or no string: adding another would repeat the key.
  if (!existing && object.ignoreAnnotationKeyWritten) return undefined;
  if (existing) {
    const codes = existing.value.trim();
    const replacement = replaceScalar(text, existing, codes === '' ? finding.code : `${codes},${finding.code}`);
    return edit(replacement.range, replacement.newText);
  }
  if (object.annotationsRange) {
    const insertion = insertFirstEntry(text, object.annotationsRange, IGNORE_ANNOTATION, finding.code);
    return insertion && edit(insertion.range, insertion.newText);
  }
  // An `annotations:` that is empty or no mapping: adding another would repeat the key.
  if (object.annotationsKeyWritten) return undefined;
  if (text[object.metadataRange.start] === '{' || !object.name?.keyRange) {
    const insertion = insertFirstEntry(
      text,
      object.metadataRange,
      'annotations',
      `{${IGNORE_ANNOTATION}: ${finding.code}}`,
    );
    return insertion && edit(insertion.range, insertion.newText);
  }
  // A block `annotations:` mapping on the lines after `name:`, indented like the file.
  const eol = eolOf(text);
  const column = entryColumn(text, object.name.keyRange);
  const nested = ' '.repeat(column) + styleOf(text, object).indent;
  const at = lineAfter(text, object.name.range);
  const block = `${' '.repeat(column)}annotations:${eol}${nested}${IGNORE_ANNOTATION}: ${finding.code}`;
  return at === undefined
    ? edit({ start: text.length, end: text.length }, eol + block)
    : edit({ start: at, end: at }, block + eol);
}

function listsCode(list: string, code: string): boolean {
  return list
    .split(/[\s,]+/)
    .filter(Boolean)
    .some((item) => item === '*' || item === code);
}

function endOfLine(text: string, offset: number): number {
  const newline = text.indexOf('\n', offset);
  return newline < 0 ? text.length : newline;
}
