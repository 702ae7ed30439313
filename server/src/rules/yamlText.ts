import { parseAllDocuments, stringify } from 'yaml';
import { splitDocuments } from '../model/documents';
import type { Located, ObjectBase, Service, SourceRange } from '../model/types';

/**
 * Text surgery for fixes. Every helper returns a small edit at a precise span, so
 * the rest of the file (comments, order, other documents, line endings) is untouched.
 */

/** A YAML value to render: a scalar's source text, a sequence, or ordered entries. */
export type YamlValue = string | YamlValue[] | YamlEntries;
export type YamlEntries = { entries: [string, YamlValue][] };

/** How the surrounding file writes YAML, so new text looks like its neighbours. */
export type YamlStyle = {
  eol: string;
  /** One level of indentation. */
  indent: string;
  /** Whether sequence items are indented below their key (`ports:\n  - a`) or flush (`ports:\n- a`). */
  indentSequences: boolean;
};

export function entries(...pairs: ([string, YamlValue] | undefined | false)[]): YamlEntries {
  return { entries: pairs.filter((pair): pair is [string, YamlValue] => Array.isArray(pair)) };
}

/** Renders a mapping as block YAML, each line ending with the file's line ending. */
export function renderYaml(value: YamlEntries, style: YamlStyle): string {
  const lines: string[] = [];
  renderMap(value, 0, lines, style);
  return lines.map((line) => line + style.eol).join('');
}

/** Renders entries at `column`; the first line may start with `lead` (a sequence dash) instead of spaces. */
function renderMap(map: YamlEntries, column: number, lines: string[], style: YamlStyle, lead?: string): void {
  map.entries.forEach(([key, value], i) => {
    const start = (i === 0 && lead !== undefined ? lead : ' '.repeat(column)) + key + ':';
    if (typeof value === 'string') {
      lines.push(`${start} ${value}`);
      return;
    }
    lines.push(start);
    if (Array.isArray(value)) {
      const itemColumn = column + (style.indentSequences ? style.indent.length : 0);
      for (const item of value) renderItem(item, itemColumn, lines, style);
    } else {
      renderMap(value, column + style.indent.length, lines, style);
    }
  });
}

function renderItem(item: YamlValue, column: number, lines: string[], style: YamlStyle): void {
  const dash = ' '.repeat(column) + '- ';
  if (typeof item === 'string') lines.push(dash + item);
  else if (Array.isArray(item)) throw new Error('nested sequences are not rendered');
  else renderMap(item, column + 2, lines, style, dash);
}

/** The line ending the file uses (that of its first line). */
export function eolOf(text: string): string {
  const newline = text.indexOf('\n');
  return newline > 0 && text[newline - 1] === '\r' ? '\r\n' : '\n';
}

/** 0-based column of an offset. */
export function columnOf(text: string, offset: number): number {
  return offset - (text.lastIndexOf('\n', offset - 1) + 1);
}

/**
 * The style of the file around `object`: indentation from its metadata, sequences from
 * `sequenceItem`, the mapping of an item of a sequence `depth` levels below the object.
 */
export function styleOf(text: string, object: ObjectBase, sequenceItem?: SourceRange, depth = 2): YamlStyle {
  const objectColumn = columnOf(text, object.range.start);
  const metadataColumn = object.metadataRange ? columnOf(text, object.metadataRange.start) : objectColumn + 2;
  const width = metadataColumn - objectColumn;
  const indent = ' '.repeat(width >= 2 && width <= 8 ? width : 2);
  // An item's mapping starts at `depth` indents + "- " when indented, one indent less when flush.
  const indentSequences = sequenceItem
    ? columnOf(text, sequenceItem.start) - objectColumn >= depth * indent.length + 2
    : true;
  return { eol: eolOf(text), indent, indentSequences };
}

/** The style of the file around a Service: indentation from the Service, sequence style from its ports. */
export function styleOfService(text: string, service: Service): YamlStyle {
  return styleOf(text, service, service.ports[0]?.range);
}

/**
 * The source text of a scalar, quotes included, so a copy is written exactly as the
 * original; a scalar written over several lines is copied as a one-line quoted string.
 */
export function sourceOf(text: string, located: Pick<Located<unknown>, 'range'> & { value?: unknown }): string {
  const source = text.slice(located.range.start, located.range.end);
  return source.includes('\n') && located.value !== undefined ? JSON.stringify(String(located.value)) : source;
}

/**
 * A string as a one-line YAML scalar: plain when that reads back as the same string, quoted
 * otherwise; never a block scalar, whose lines would need the indentation of where it goes.
 */
export function scalarText(value: string): string {
  // Only the line break stringify ends with goes: trimEnd() would also drop spaces such as U+2028 from the value.
  const text = stringify(value, { lineWidth: 0 }).replace(/\n$/, '');
  // Where yaml writes several lines (a block scalar, a folded quoted string), JSON's string, which YAML reads too.
  return text.includes('\n') ? JSON.stringify(value) : text;
}

/** Line breaks, control characters, surrogates and BOMs: what a scalar can only hold escaped. */
const NEEDS_ESCAPE = /[\0-\x08\n-\x1f\x7f-\x9f\ud800-\udfff\ufeff]/;

/**
 * Replaces a scalar's value, keeping its quoting style when it was quoted. A block scalar
 * (`|`, `>`) becomes a one-line scalar; the line break that ends it stays.
 */
export function replaceScalar(
  text: string,
  located: Pick<Located<unknown>, 'range'>,
  value: string,
): { range: SourceRange; newText: string } {
  const quote = text[located.range.start];
  // Single quotes hold no escapes: a line break or a character YAML does not print raw needs double quotes.
  if (quote === '"' || (quote === "'" && NEEDS_ESCAPE.test(value))) {
    return { range: located.range, newText: JSON.stringify(value) };
  }
  if (quote === "'") return { range: located.range, newText: `'${value.replace(/'/g, "''")}'` };
  return replacePlain(text, located, scalarText(value));
}

/** Replaces a scalar, quoted or not, with a number (a plain scalar): `"http"` becomes `80`. */
export function replaceWithNumber(
  text: string,
  located: Pick<Located<unknown>, 'range'>,
  value: number,
): { range: SourceRange; newText: string } {
  return replacePlain(text, located, String(value));
}

/** Replaces a scalar with plain text, keeping the line break that ends a block scalar. */
function replacePlain(text: string, located: Pick<Located<unknown>, 'range'>, plain: string) {
  const lineBreak = text[located.range.end - 1] === '\n' ? eolOf(text) : '';
  return { range: located.range, newText: plain + lineBreak };
}

/**
 * Inserts `key: value` as the first entry of a mapping: on its own line at the
 * mapping's column for block style, right after `{` for flow style. Undefined when a tag
 * or anchor stands before an explicit first key (`! ? k`): yaml gives it to the mapping,
 * and no new first line keeps it there.
 */
export function insertFirstEntry(
  text: string,
  mapping: SourceRange,
  key: string,
  value: string,
): { range: SourceRange; newText: string } | undefined {
  if (text[mapping.start] === '{') {
    const empty = /^\{\s*\}/.test(text.slice(mapping.start, mapping.end));
    return {
      range: { start: mapping.start + 1, end: mapping.start + 1 },
      newText: `${key}: ${value}${empty ? '' : ', '}`,
    };
  }
  if (isExplicitKey(text, mapping.start) && propertiesBefore(text, mapping.start) > 0) return undefined;
  const start = entryStart(text, mapping.start);
  return {
    range: { start, end: start },
    newText: `${key}: ${value}${eolOf(text)}${' '.repeat(columnOf(text, start))}`,
  };
}

/**
 * Inserts `key: value` on the line after `sibling` (a scalar value of the same block
 * mapping), at the sibling key's column. Falls back to the mapping's first entry for flow style.
 */
export function insertEntryAfter(
  text: string,
  mapping: SourceRange,
  sibling: Located<unknown>,
  key: string,
  value: string,
): { range: SourceRange; newText: string } | undefined {
  if (text[mapping.start] === '{' || !sibling.keyRange) return insertFirstEntry(text, mapping, key, value);
  const at = lineAfter(text, sibling.range);
  const column = entryColumn(text, sibling.keyRange);
  const eol = eolOf(text);
  if (at === undefined) {
    return { range: { start: text.length, end: text.length }, newText: `${eol}${' '.repeat(column)}${key}: ${value}` };
  }
  return { range: { start: at, end: at }, newText: `${' '.repeat(column)}${key}: ${value}${eol}` };
}

/**
 * The column where a block mapping entry starts: its key's, or that of a tag or anchor written
 * before the key (`! name: x`, `&a name: x`), which belong to the entry too.
 */
export function entryColumn(text: string, keyRange: SourceRange): number {
  return columnOf(text, entryStart(text, keyRange.start));
}

/** Where the entry whose key starts at `keyStart` starts: before the tags and anchors of its line in front of the key. */
function entryStart(text: string, keyStart: number): number {
  // An explicit key (`? k`) starts its entry; yaml lets a tag stand before the `?`, but it stays there.
  return isExplicitKey(text, keyStart) ? keyStart : keyStart - propertiesBefore(text, keyStart);
}

/** Whether a key is explicit: `?` then a space or line end (`?:` is the plain key "?"). */
function isExplicitKey(text: string, keyStart: number): boolean {
  return /^\?(\s|$)/.test(text.slice(keyStart, keyStart + 2));
}

/** The length of the tags and anchors (`! `, `&a `) written on the key's line right before it. */
function propertiesBefore(text: string, keyStart: number): number {
  const lineStart = text.lastIndexOf('\n', keyStart - 1) + 1;
  return /(?:[!&]\S*[ \t]+)+$/.exec(text.slice(lineStart, keyStart))?.[0].length ?? 0;
}

/**
 * The start of the line after the one where a value ends (its trailing comment included), or
 * undefined on the last line. A block scalar's range ends after its last line break, so that
 * break is its own.
 */
export function lineAfter(text: string, value: SourceRange): number | undefined {
  const lineEnd = text.indexOf('\n', text[value.end - 1] === '\n' ? value.end - 1 : value.end);
  return lineEnd < 0 ? undefined : lineEnd + 1;
}

/**
 * Where a new YAML document goes after the one holding `object`: the start of the next
 * `---` line (so comments that trail the object stay with it), else the end of the file;
 * `lead` is what must come first so that `---` starts a line.
 */
export function afterDocument(text: string, object: ObjectBase): { offset: number; lead: string } {
  let lineStart = text.indexOf('\n', Math.max(object.documentRange.end - 1, 0)) + 1;
  while (lineStart > 0 && lineStart < text.length) {
    const lineEnd = text.indexOf('\n', lineStart);
    const line = text.slice(lineStart, lineEnd < 0 ? text.length : lineEnd);
    if (/^(---|\.\.\.)(\s|$)/.test(line)) return { offset: lineStart, lead: '' };
    if (lineEnd < 0) break;
    lineStart = lineEnd + 1;
  }
  const endsWithNewline = text.length === 0 || text.endsWith('\n');
  return { offset: text.length, lead: endsWithNewline ? '' : eolOf(text) };
}

/** A whole YAML document ready to insert: its text, and the same as an LSP snippet with tab stops. */
export type RenderedDocument = { text: string; snippet: string };

/**
 * Inserts documents after the one holding `object` (see `afterDocument`), each
 * introduced by a `---` line, as one edit; the rest of the file is untouched. Undefined
 * when they would go at the end of a file that parses but would not with them: yaml reads
 * a quoted scalar left open at the end of a file (`"\"`, `'` after `? :`) without an
 * error, and the new `---` would be read inside it.
 */
export function insertDocumentsAfter(
  text: string,
  object: ObjectBase,
  documents: readonly RenderedDocument[],
): { range: SourceRange; newText: string; snippet: string } | undefined {
  const { offset, lead } = afterDocument(text, object);
  const separator = `---${eolOf(text)}`;
  const newText = lead + documents.map((document) => separator + document.text).join('');
  if (offset === text.length) {
    // Only the last document can take in what is appended: parsing the whole file could take
    // a second, and editors ask for this on every move of the cursor.
    const last = lastDocument(text);
    if (parsesCleanly(last) && !parsesCleanly(last + newText)) return undefined;
  }
  return {
    range: { start: offset, end: offset },
    newText,
    snippet: escapeSnippet(lead) + documents.map((document) => escapeSnippet(separator) + document.snippet).join(''),
  };
}

/**
 * The last document of a stream, from its `---` line; the whole text when `splitDocuments`
 * does not split it (directives, `...` lines), as directives carry over to later documents.
 */
function lastDocument(text: string): string {
  const spans = splitDocuments(text);
  return spans && spans.length > 0 ? text.slice(spans[spans.length - 1].start) : text;
}

function parsesCleanly(text: string): boolean {
  return parseAllDocuments(text).every((document) => document.errors.length === 0);
}

/** Escapes text for an LSP snippet, where `$`, `}` and `\` are special. */
export function escapeSnippet(text: string): string {
  return text.replace(/[$}\\]/g, (char) => '\\' + char);
}

/** A replacement of `range` by `newText` in one file. */
export type TextEdit = { range: SourceRange; newText: string };

/**
 * Removes a block mapping entry: its whole line or lines, from the key to the end of
 * the line where its value ends (a trailing comment included). Undefined when the key
 * does not start its line (flow style, or the first entry of a sequence item).
 */
export function deleteEntry(text: string, keyRange: SourceRange, valueRange: SourceRange): TextEdit | undefined {
  const lineStart = text.lastIndexOf('\n', keyRange.start - 1) + 1;
  if (text.slice(lineStart, keyRange.start).trim() !== '') return undefined;
  const lineEnd = text.indexOf('\n', Math.max(valueRange.end - 1, keyRange.end));
  return { range: { start: lineStart, end: lineEnd < 0 ? text.length : lineEnd + 1 }, newText: '' };
}

/**
 * Removes the YAML document holding `object` together with one `---` separator, so the
 * other documents keep every byte: from its own `---` line to the next one, or, for a
 * first document, up to and including the `---` line that follows it. Undefined for
 * the only document of a file and for items of a List.
 */
export function deleteDocument(text: string, object: ObjectBase): TextEdit | undefined {
  if (object.itemIndex !== undefined) return undefined;
  const separators: number[] = [];
  for (let lineStart = 0; lineStart < text.length;) {
    const lineEnd = text.indexOf('\n', lineStart);
    const line = text.slice(lineStart, lineEnd < 0 ? text.length : lineEnd);
    if (/^---(\s|$)/.test(line)) separators.push(lineStart);
    if (lineEnd < 0) break;
    lineStart = lineEnd + 1;
  }
  const before = separators.filter((offset) => offset < object.documentRange.start).at(-1);
  const after = separators.find((offset) => offset >= object.documentRange.end);
  if (before !== undefined) return { range: { start: before, end: after ?? text.length }, newText: '' };
  if (after === undefined) return undefined;
  const afterLineEnd = text.indexOf('\n', after);
  const start = text.lastIndexOf('\n', object.documentRange.start - 1) + 1;
  return { range: { start, end: afterLineEnd < 0 ? text.length : afterLineEnd + 1 }, newText: '' };
}

/**
 * Merges edits of one file that touch or overlap into single edits, keeping the text
 * between them, so a client applies them in any order with the same result. Insertions
 * at the same offset keep their order.
 */
export function mergeEdits(text: string, edits: readonly TextEdit[]): TextEdit[] {
  const sorted = edits
    .map((edit, order) => ({ edit, order }))
    .sort((a, b) => a.edit.range.start - b.edit.range.start || a.order - b.order)
    .map(({ edit }) => edit);
  const merged: TextEdit[] = [];
  for (const edit of sorted) {
    const last = merged.at(-1);
    if (last && edit.range.start <= last.range.end) {
      const end = Math.max(last.range.end, edit.range.end);
      const between = text.slice(last.range.end, Math.max(edit.range.start, last.range.end));
      merged[merged.length - 1] = {
        range: { start: last.range.start, end },
        newText: last.newText + between + edit.newText + text.slice(Math.max(edit.range.end, last.range.end), end),
      };
    } else {
      merged.push(edit);
    }
  }
  return merged;
}
