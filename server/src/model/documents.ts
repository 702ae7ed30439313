import { compact } from './compact';
import type { KubeObject, SourceRange } from './types';
import { Located, MODELLED_KINDS } from './types';

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
  return compact(spans);
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
 * An edited file, compared with its previous version: the documents that lie wholly in the
 * common prefix or suffix of the two texts are the same documents (moved, in the suffix), so
 * only the documents in between are split and parsed again, and the others keep their
 * previous objects, moved in place to their new offset and index. One keystroke costs one
 * document, wherever it is typed: the objects below it are not copied.
 */
export class DocumentReuse {
  /** The new text's documents; undefined when the caller must split the text (or parse it) whole. */
  readonly spans: DocumentSpan[] | undefined;
  private readonly previousSpans: DocumentSpan[] = [];
  private readonly previousObjects: readonly KubeObject[];
  /**
   * Where each previous document's objects start in `previousObjects`, which lists them in
   * document order, and one past the last: no array per document on every keystroke.
   */
  private readonly objectStarts: number[] = [];
  /** New documents are: `kept` previous ones, `parsed` read again, then previous ones from `firstMoved` on. */
  private readonly kept: number;
  private readonly parsed: number;
  private readonly firstMoved: number;
  private readonly delta: number;
  private readonly start: number;
  private readonly end: number;

  /** The new text of the documents parsed again (from `start` of either text to `end + delta` of the new one). */
  readonly region: { text: string; base: number };

  /**
   * `change`, when given, is how the new text was made from the previous one (the editor says so):
   * then the texts need not be compared, and the new text is read only where it changed. `slice`
   * reads the new text (it may be a rope, which `text.slice` would copy whole).
   */
  constructor(
    previousText: string,
    previousObjects: readonly KubeObject[],
    previousSpans: DocumentSpan[] | undefined,
    text: string,
    change?: TextChange,
    slice: TextSlice = (start, end) => text.slice(start, end),
  ) {
    const previous = previousSpans ?? splitDocuments(previousText);
    this.delta = text.length - previousText.length;
    const known = change && previousText.length + change.text.length - (change.end - change.start) === text.length;
    const prefix = known ? change.start : commonPrefix(previousText, text);
    const suffix = known ? previousText.length - change.end : commonSuffix(previousText, text, prefix);
    const count = previous?.length ?? 0;
    // Kept at the start: documents that end, with the four characters of the next `---`, in the prefix.
    let kept = 0;
    while (kept < count && previous![kept].end < previousText.length && previous![kept].end + 4 <= prefix) kept++;
    // Moved at the end: documents whose `---` line, and the line break before it, are in the suffix.
    let moved = count;
    while (
      moved > kept &&
      previous![moved - 1].start >= 1 &&
      previous![moved - 1].start - 1 >= previousText.length - suffix
    )
      moved--;
    this.firstMoved = moved;
    this.kept = kept;
    this.previousObjects = previousObjects;
    this.start = kept > 0 ? previous![kept - 1].end : 0;
    this.end = moved < count ? previous![moved].start : previousText.length;
    this.region = { base: this.start, text: slice(this.start, this.end + this.delta) };
    const middle = previous ? splitRegion(this.region.text, this.start) : undefined;
    this.parsed = middle?.length ?? 0;
    if (!previous || !middle) {
      this.spans = undefined;
      return;
    }
    const spans: DocumentSpan[] = previous.slice(0, kept);
    for (const span of middle) spans.push(span);
    for (let i = moved; i < count; i++) {
      const span = previous[i];
      spans.push({
        start: span.start + this.delta,
        contentStart: span.contentStart + this.delta,
        end: span.end + this.delta,
      });
    }
    this.spans = spans;
    this.previousSpans = previous;
    this.objectStarts = objectStartsByDocument(previousObjects, count);
  }

  /** What changed, in whole documents of the previous text (see `FileEdit`). */
  edit(): FileEdit {
    return { start: this.start, end: this.end, delta: this.delta };
  }

  /** The previous objects of the documents read again: the only ones the new version does not hold. */
  replaced(): KubeObject[] {
    return this.previousObjects.slice(this.objectStarts[this.kept], this.objectStarts[this.firstMoved]);
  }

  /** Where the content of document `docIndex` of the new text started in the previous text, when it is unchanged. */
  previousContentStart(docIndex: number): number | undefined {
    const previous = this.previousIndexOf(docIndex);
    return previous < 0 ? undefined : this.previousSpans[previous].contentStart;
  }

  /**
   * Adds to `objects` those of document `docIndex` of the new text when it is a previous
   * document unchanged (still at their previous offsets: see `moveObjects`); false when the
   * document must be read.
   */
  addObjects(docIndex: number, objects: KubeObject[]): boolean {
    const previous = this.previousIndexOf(docIndex);
    if (previous < 0) return false;
    for (let i = this.objectStarts[previous]; i < this.objectStarts[previous + 1]; i++) {
      objects.push(this.previousObjects[i]);
    }
    return true;
  }

  /**
   * Moves the objects of the documents after the edit to their new offsets and document indexes,
   * in place: once the new version is complete, so that the previous one stays whole until then.
   * They belong to the new version from here on; the previous one must not be used again.
   */
  moveObjects(): void {
    const documentsAdded = this.kept + this.parsed - this.firstMoved;
    if (this.delta === 0 && documentsAdded === 0) return;
    const end = this.objectStarts[this.previousSpans.length];
    for (let i = this.objectStarts[this.firstMoved]; i < end; i++) {
      const object = this.previousObjects[i];
      moveObject(object, this.delta);
      object.docIndex += documentsAdded;
    }
  }

  /** The index of the previous document that document `docIndex` of the new text is, or -1 when it was read again. */
  private previousIndexOf(docIndex: number): number {
    if (docIndex < this.kept) return docIndex;
    if (docIndex < this.kept + this.parsed) return -1;
    const previous = this.firstMoved + docIndex - this.kept - this.parsed;
    return previous < this.previousSpans.length ? previous : -1;
  }
}

/** For documents `0..count-1`, where each one's objects start in `objects` (in document order), then the end. */
function objectStartsByDocument(objects: readonly KubeObject[], count: number): number[] {
  const starts = new Array<number>(count + 1);
  let next = 0;
  for (let docIndex = 0; docIndex <= count; docIndex++) {
    while (next < objects.length && objects[next].docIndex < docIndex) next++;
    starts[docIndex] = next;
  }
  return starts;
}

/**
 * The documents of `region`, the text of a file from `base` to a later document boundary (a
 * `---` line or the end of the file), in file offsets, as `splitDocuments` would find them;
 * undefined where it would give up.
 */
function splitRegion(region: string, base: number): DocumentSpan[] | undefined {
  const markers: { start: number; contentStart: number }[] = [];
  for (let at = 0; at < region.length;) {
    const newline = region.indexOf('\n', at);
    const lineEnd = newline < 0 ? region.length : newline;
    const c = region.charCodeAt(at);
    if (c === 37 /* % */ || (c === 0xfeff && base + at === 0)) return undefined;
    if ((c === 45 || c === 46) && isMarkerLine(region, at, lineEnd)) {
      if (c === 46 || !onlyCommentAfter(region, at + 3, lineEnd)) return undefined;
      markers.push({ start: base + at, contentStart: base + Math.min(lineEnd + 1, region.length) });
    }
    at = lineEnd + 1;
  }
  // A boundary inside the text must still be a `---` line: else the documents around it merged.
  if (base > 0 && markers[0]?.start !== base) return undefined;
  const end = base + region.length;
  const spans: DocumentSpan[] = [];
  const firstEnd = markers.length > 0 ? markers[0].start : end;
  if (base === 0 && hasContent(region, 0, firstEnd)) spans.push({ start: 0, contentStart: 0, end: firstEnd });
  for (let i = 0; i < markers.length; i++) {
    const { start, contentStart } = markers[i];
    spans.push({ start, contentStart, end: i + 1 < markers.length ? markers[i + 1].start : end });
  }
  return spans;
}

/** A change of a text: `[start, end)` of the text before it replaced by `text`. */
export type TextChange = { start: number; end: number; text: string };

/** Characters `start` to `end` of a text, read without making the text flat (see features/openDocument.ts). */
export type TextSlice = (start: number, end: number) => string;

/**
 * How an edit changed a file, in whole documents of the previous text: offsets before `start`
 * are unchanged, offsets from `end` on moved by `delta`, and what lay between was re-parsed.
 */
export type FileEdit = { start: number; end: number; delta: number };

/**
 * Moves every source range and located value of model data by `delta`, in place. The model is a
 * tree (parse.ts never lets two places share a range), so no range is moved twice; findings own
 * copies of the ranges they hold (rules/types.ts), which the re-check moves itself.
 */
export function moveRanges(value: unknown, delta: number): void {
  forEachRange(value, shift, delta);
}

/**
 * The ranges of each object an edit has moved, found once: every keystroke near the top of a
 * large file moves the objects of all the documents below it, and walking each object's fields
 * took 3.6 ms per keystroke in a 2,000-document file. An object's ranges are the same objects for
 * as long as it lives (they are moved, never replaced).
 */
const rangesOfMovedObject = new WeakMap<KubeObject, Offsets[]>();

/** `moveRanges` for an object that is likely to move again. */
function moveObject(object: KubeObject, delta: number): void {
  let ranges = rangesOfMovedObject.get(object);
  if (!ranges) {
    ranges = [];
    forEachRange(object, collect, ranges);
    rangesOfMovedObject.set(object, ranges);
  }
  for (const range of ranges) shift(range, delta);
}

/** What holds offsets in the model: its ranges, and its located values, which keep theirs as numbers. */
type Offsets = SourceRange | Located<unknown>;

function shift(offsets: Offsets, delta: number): void {
  if (offsets instanceof Located) return offsets.shift(delta);
  offsets.start += delta;
  offsets.end += delta;
}

function collect(offsets: Offsets, into: Offsets[]): void {
  into.push(offsets);
}

/**
 * Calls `visit(offsets, argument)` for every range and located value in `value` (no closure: the
 * scan moves every object it reads).
 */
function forEachRange<A>(value: unknown, visit: (offsets: Offsets, argument: A) => void, argument: A): void {
  if (typeof value !== 'object' || value === null) return;
  if (Array.isArray(value)) {
    for (const item of value) forEachRange(item, visit, argument);
    return;
  }
  const record = value as Record<string, unknown>;
  // Only these have a number under `start` (a label named `start` holds a located value).
  if (typeof record.start === 'number') return visit(record as Offsets, argument);
  for (const key in record) forEachRange(record[key], visit, argument);
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
