import type { KubeObject } from './types';
import { MODELLED_KINDS } from './types';

/**
 * Splitting a file into its YAML documents without parsing it, and the cheap
 * per-document decisions that let parse.ts skip or reuse most of them.
 */

/** One document of a file: from its `---` line (if any) to the next one. */
export type DocumentSpan = {
  /** Where the document starts: its `---` line, or 0. */
  start: number;
  /** Where its content starts, after the `---` line. */
  contentStart: number;
  /** Where the next document's `---` line starts, or the end of the text. */
  end: number;
};

/**
 * The documents `yaml`'s `parseAllDocuments` would find, in order, or `undefined` when
 * the file uses something that makes the split uncertain (directives, `...` markers,
 * content on a `---` line, a byte order mark), which the caller then parses whole.
 *
 * A `---` at the start of a line always starts a document, even inside a quoted scalar or
 * a flow collection (YAML forbids document markers inside content, and `yaml` ends the
 * document there). Leading comments and blank lines before the first `---` belong to the
 * document after it, so text before the first marker is a document only if it has content.
 */
export function splitDocuments(text: string): DocumentSpan[] | undefined {
  return split(text);
}

function split(text: string): DocumentSpan[] | undefined {
  if (text.charCodeAt(0) === 0xfeff) return undefined;
  // Directives and `...` markers are rare: their mere presence sends the file to the full parser.
  if (text.startsWith('%') || text.includes('\n%')) return undefined;
  for (let at = text.startsWith('...') ? 0 : text.indexOf('\n...'); at >= 0; at = text.indexOf('\n...', at + 1)) {
    const start = at === 0 && text.startsWith('...') ? 0 : at + 1;
    const newline = text.indexOf('\n', start);
    if (isMarkerLine(text, start, newline < 0 ? text.length : newline)) return undefined;
  }
  const markers: { start: number; contentStart: number }[] = [];
  // `indexOf` finds the candidate lines much faster than a walk over every line.
  for (let at = text.startsWith('---') ? 0 : lineStartOf(text, 0); at >= 0; at = lineStartOf(text, at + 1)) {
    const newline = text.indexOf('\n', at);
    const lineEnd = newline < 0 ? text.length : newline;
    if (!isMarkerLine(text, at, lineEnd)) continue;
    if (!onlyCommentAfter(text, at + 3, lineEnd)) return undefined;
    markers.push({ start: at, contentStart: Math.min(lineEnd + 1, text.length) });
  }
  const spans: DocumentSpan[] = [];
  const firstEnd = markers.length > 0 ? markers[0].start : text.length;
  if (hasContent(text, 0, firstEnd)) spans.push({ start: 0, contentStart: 0, end: firstEnd });
  for (let i = 0; i < markers.length; i++) {
    const end = i + 1 < markers.length ? markers[i + 1].start : text.length;
    spans.push({ start: markers[i].start, contentStart: markers[i].contentStart, end });
  }
  return spans;
}

/**
 * Whether a document may hold an object the model reads. False only when the document
 * is a block mapping with exactly one `kind:` key at column 0 whose plain value is a kind
 * that is not modelled (and not a `*List`), and no line at column 0 could be another key
 * spelled differently (quoted, complex, an alias) or make the document something else.
 * Kustomization files are read whatever their kind; the caller keeps that case.
 */
export function mayHoldModelledObject(text: string, span: DocumentSpan): boolean {
  let kind: string | undefined;
  for (let at = span.contentStart; at < span.end;) {
    const newline = text.indexOf('\n', at);
    const lineEnd = newline < 0 || newline > span.end ? span.end : newline;
    const c = text.charCodeAt(at);
    if (c === 107 /* k */ && text.startsWith('kind:', at)) {
      const value = kindValue(text, at + 5, lineEnd);
      if (value === undefined || kind !== undefined) return true;
      kind = value;
    } else if (UNCERTAIN_LINE_STARTS.has(c)) {
      return true;
    }
    at = lineEnd + 1;
  }
  return kind === undefined || MODELLED_KINDS.has(kind) || kind.endsWith('List');
}

/** First characters of a line at column 0 that could hide a `kind` key or change the document's shape. */
const UNCERTAIN_LINE_STARTS = new Set(
  ['"', "'", '?', '{', '[', '*', '&', '!', '%', '-', '<', '\t', ':', '|', '>', '@', '`'].map((c) => c.charCodeAt(0)),
);

/** The kind written after `kind:`, when it is a plain (or simply quoted) name; undefined otherwise. */
function kindValue(text: string, at: number, lineEnd: number): string | undefined {
  const line = text.slice(at, lineEnd).replace(/\r$/, '');
  const match =
    /^[ \t]+(?:([A-Za-z][A-Za-z0-9]*)|"([A-Za-z][A-Za-z0-9]*)"|'([A-Za-z][A-Za-z0-9]*)')[ \t]*(?:#.*)?$/.exec(line);
  if (!match || (match[0].includes('#') && !/[ \t]#/.test(match[0]))) return undefined;
  return match[1] ?? match[2] ?? match[3];
}

function isMarkerLine(text: string, at: number, lineEnd: number): boolean {
  const c = text.charCodeAt(at);
  if (text.charCodeAt(at + 1) !== c || text.charCodeAt(at + 2) !== c) return false;
  const after = text.charCodeAt(at + 3);
  return at + 3 >= lineEnd || after === 32 || after === 9 || after === 13 || after === 10;
}

function onlyCommentAfter(text: string, at: number, lineEnd: number): boolean {
  const rest = text.slice(at, lineEnd).replace(/\r$/, '');
  return /^(?:[ \t]*|[ \t]+#.*)$/.test(rest);
}

/** The start of the next line at or after `from` (but not at 0) that begins with `---`; -1 when none. */
function lineStartOf(text: string, from: number): number {
  const at = text.indexOf('\n---', Math.max(0, from - 1));
  return at < 0 ? -1 : at + 1;
}

/** Whether a range has a line that is neither blank nor a comment. */
function hasContent(text: string, start: number, end: number): boolean {
  for (let at = start; at < end;) {
    const newline = text.indexOf('\n', at);
    const lineEnd = newline < 0 || newline > end ? end : newline;
    let i = at;
    while (i < lineEnd && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9 || text.charCodeAt(i) === 13)) i++;
    if (i < lineEnd && text.charCodeAt(i) !== 35) return true;
    at = lineEnd + 1;
  }
  return false;
}

/**
 * The objects of an earlier version of a file, offered document by document to the next
 * parse: a document whose text did not change (found through the common prefix and
 * suffix of the two texts, so one edit costs one document) gives the same objects, moved
 * to its new offset and index (none for a document that gave none, broken or not).
 */
export class DocumentReuse {
  private readonly byStart = new Map<number, { end: number; docIndex: number; objects: KubeObject[] }>();
  private readonly previousSpans: DocumentSpan[];
  private readonly previousLength: number;
  private readonly prefix: number;
  private readonly suffix: number;
  private readonly delta: number;

  constructor(
    previousText: string,
    previousObjects: readonly KubeObject[],
    private readonly text: string,
  ) {
    const spans = spansOf.get(previousObjects) ?? splitDocuments(previousText) ?? [];
    this.previousSpans = spans;
    this.previousLength = previousText.length;
    const objectsByDoc = new Map<number, KubeObject[]>();
    for (const object of previousObjects) {
      const list = objectsByDoc.get(object.docIndex);
      if (list) list.push(object);
      else objectsByDoc.set(object.docIndex, [object]);
    }
    spans.forEach((span, docIndex) => {
      this.byStart.set(span.start, { end: span.end, docIndex, objects: objectsByDoc.get(docIndex) ?? [] });
    });
    this.prefix = commonPrefix(previousText, text);
    this.suffix = commonSuffix(previousText, text, this.prefix);
    this.delta = text.length - previousText.length;
  }

  /**
   * Which part of the previous text changed, in whole documents, given the new text's documents:
   * before `start` nothing changed, from `end` on everything moved by `delta`.
   */
  edit(spans: readonly DocumentSpan[]): FileEdit {
    const newStarts = new Map(spans.map((span) => [span.start, span.end]));
    let start = 0;
    let end = this.previousLength;
    for (const span of this.previousSpans) {
      if (span.end <= this.prefix && newStarts.get(span.start) === span.end) start = Math.max(start, span.end);
      if (
        span.start + this.delta >= this.text.length - this.suffix &&
        newStarts.get(span.start + this.delta) === span.end + this.delta
      ) {
        end = Math.min(end, span.start);
      }
    }
    return { start, end: Math.max(start, end), delta: this.delta };
  }

  /** The objects of `span` (document `docIndex` of the new text), when the old text had the same document. */
  objects(span: DocumentSpan, docIndex: number): KubeObject[] | undefined {
    if (span.end <= this.prefix) {
      const old = this.byStart.get(span.start);
      if (old && old.end === span.end && old.docIndex === docIndex) return old.objects;
      return undefined;
    }
    if (span.start >= this.text.length - this.suffix) {
      const old = this.byStart.get(span.start - this.delta);
      if (!old || old.end !== span.end - this.delta) return undefined;
      if (this.delta === 0 && old.docIndex === docIndex) return old.objects;
      return old.objects.map((object) => ({ ...shifted(object, this.delta), docIndex }));
    }
    return undefined;
  }
}

/**
 * How an edit changed a file, in whole documents of the previous text: offsets before `start`
 * are unchanged, offsets from `end` on moved by `delta`, and what lay between was re-parsed.
 */
export type FileEdit = { start: number; end: number; delta: number };

/** The documents of the text a list of objects was read from, so the next edit need not split it again. */
export const spansOf = new WeakMap<readonly KubeObject[], DocumentSpan[]>();

/** A deep copy of model data with every source range moved by `delta`. */
export function shifted<T>(value: T, delta: number): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((item: unknown) => shifted(item, delta)) as T;
  const record = value as Record<string, unknown>;
  if (typeof record.start === 'number' && typeof record.end === 'number' && Object.keys(record).length === 2) {
    return { start: record.start + delta, end: record.end + delta } as T;
  }
  const copy: Record<string, unknown> = {};
  for (const key in record) copy[key] = shifted(record[key], delta);
  return copy as T;
}

function commonPrefix(a: string, b: string): number {
  const limit = Math.min(a.length, b.length);
  // Compare in blocks first: string equality of slices is much faster than a loop over characters.
  let at = 0;
  for (let block = 4096; block >= 1; block >>= 2) {
    while (at + block <= limit && a.slice(at, at + block) === b.slice(at, at + block)) at += block;
  }
  return at;
}

function commonSuffix(a: string, b: string, prefix: number): number {
  const limit = Math.min(a.length, b.length) - prefix;
  let length = 0;
  for (let block = 4096; block >= 1; block >>= 2) {
    while (
      length + block <= limit &&
      a.slice(a.length - length - block, a.length - length) === b.slice(b.length - length - block, b.length - length)
    ) {
      length += block;
    }
  }
  return length;
}
