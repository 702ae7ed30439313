import type { Position, TextDocumentContentChangeEvent, TextDocumentsConfiguration } from 'vscode-languageserver';
import type { TextChange } from '../model/documents';
import { CR, LF, lineAt, lineStartsIn, lineStartsOf } from '../model/lineIndex';

/**
 * An open document, as vscode-languageserver-textdocument keeps it (same positions, same line
 * ends: `\n`, `\r\n` and a lone `\r`), except that an edit never reads the whole new text.
 *
 * Why: the new text is a concatenation, which V8 keeps as a rope until something reads a
 * character of it or slices it; the first read copies it into one flat string, and for a file of
 * a megabyte that copy costs 4–6 ms here, more than re-checking after a keystroke: a string that
 * large is allocated on fresh pages of memory, each first touched at a cost (about 16 µs a page on
 * these machines), and it counts towards the young generation, so each copy also brings the next
 * scavenge closer. So an edit reads characters through `charCodeAt` below and builds the new text
 * from slices of flat strings (`pieces`), never of the rope, the index reads only the changed
 * documents (`takeChange`), through `slice`, and the text is made flat again only once edits have
 * cut it into many pieces, after diagnostics are out (`flattenIfFragmented`), while the editor
 * waits for nothing. Something else that reads the whole text (a request) makes it flat in place.
 */
export class OpenDocument {
  /** Where each line starts; undefined until asked for after a change that moved line ends oddly. */
  private lineStarts: number[] | undefined;
  /** The text as last made flat, and the changes made to it since, in order. */
  private flat: string;
  private changesSinceFlat: TextChange[] = [];
  /** The text as flat strings and slices of them, never ropes: slicing a rope would flatten it. */
  private pieces: string[];
  /** What changed since the index last read the text: nothing, one change, or more or unknown. */
  private sinceTaken: TextChange | 'nothing' | 'unknown' = 'unknown';

  private constructor(
    readonly uri: string,
    readonly languageId: string,
    public version: number,
    private text: string,
  ) {
    this.flat = text;
    this.pieces = [text];
  }

  /** How `TextDocuments` creates and updates these documents. */
  static readonly configuration: TextDocumentsConfiguration<OpenDocument> = {
    create: (uri, languageId, version, content) => new OpenDocument(uri, languageId, version, content),
    update: (document, changes, version) => {
      document.apply(changes);
      document.version = version;
      return document;
    },
  };

  getText(): string {
    return this.text;
  }

  /**
   * The change since the last call, when there was exactly one (a keystroke); undefined after
   * several, or a whole new text: then only comparing the texts tells what changed.
   */
  takeChange(): TextChange | undefined {
    const change = this.sinceTaken;
    this.sinceTaken = 'nothing';
    return typeof change === 'object' ? change : undefined;
  }

  /**
   * Characters `start` to `end` of the text, sliced from its pieces: slicing the text itself
   * would copy all of it, if it is a rope.
   */
  slice(start: number, end: number): string {
    let result = '';
    let offset = 0;
    for (const piece of this.pieces) {
      const next = offset + piece.length;
      if (next > start && offset < end) result += piece.slice(Math.max(0, start - offset), end - offset);
      if (next >= end) break;
      offset = next;
    }
    return result;
  }

  /** Makes the text flat once edits have cut it into many pieces, so that the next edit does not pay for it. */
  flattenIfFragmented(): void {
    if (this.changesSinceFlat.length >= FLATTEN_AFTER_CHANGES) this.flatten();
  }

  /** Makes the text one flat string now. */
  flatten(): void {
    // Reading one character flattens the whole rope (and every holder of the same string).
    this.text.charCodeAt(0);
    this.flat = this.text;
    this.changesSinceFlat = [];
    this.pieces = [this.text];
  }

  positionAt(offset: number): Position {
    const clamped = Math.max(Math.min(offset, this.text.length), 0);
    const lineStarts = this.getLineStarts();
    const line = lineAt(lineStarts, clamped);
    return { line, character: this.beforeLineEnd(clamped, lineStarts[line]) - lineStarts[line] };
  }

  offsetAt(position: Position): number {
    const lineStarts = this.getLineStarts();
    if (position.line >= lineStarts.length) return this.text.length;
    if (position.line < 0) return 0;
    const lineStart = lineStarts[position.line];
    if (position.character <= 0) return lineStart;
    const nextLineStart = position.line + 1 < lineStarts.length ? lineStarts[position.line + 1] : this.text.length;
    return this.beforeLineEnd(Math.min(lineStart + position.character, nextLineStart), lineStart);
  }

  private apply(changes: readonly TextDocumentContentChangeEvent[]): void {
    for (const change of changes) {
      if (!('range' in change)) {
        this.text = this.flat = change.text;
        this.changesSinceFlat = [];
        this.pieces = [change.text];
        this.sinceTaken = 'unknown';
        this.lineStarts = undefined;
        continue;
      }
      let start = this.offsetAt(change.range.start);
      let end = this.offsetAt(change.range.end);
      if (start > end) [start, end] = [end, start];
      const startLine = this.positionAt(start).line;
      const endLine = this.positionAt(end).line;
      const edit = { start, end, text: change.text };
      this.pieces = replacePieces(this.pieces, start, end, change.text);
      this.text = this.pieces.reduce((text, piece) => text + piece, '');
      this.changesSinceFlat.push(edit);
      this.sinceTaken = this.sinceTaken === 'nothing' ? edit : 'unknown';
      this.moveLineStarts(edit, startLine, endLine);
      // Reading a character looks through every change since the text was flat: keep them few.
      if (this.changesSinceFlat.length >= MAX_CHANGES_SINCE_FLAT) this.flatten();
    }
  }

  /** Keeps the line starts up to date after `edit`, as the reference implementation does. */
  private moveLineStarts(edit: TextChange, startLine: number, endLine: number): void {
    if (!this.lineStarts) return;
    // A `\r\n` split or joined by the edit: counting again is simpler than patching.
    if (this.isCrlfAt(edit.start) || this.isCrlfAt(edit.start + edit.text.length)) {
      this.lineStarts = undefined;
      return;
    }
    const added = lineStartsIn(edit.text, edit.start);
    const before = this.lineStarts;
    // Spreading a pasted file's line starts as arguments could overflow the stack.
    if (added.length < 10_000) before.splice(startLine + 1, endLine - startLine, ...added);
    else this.lineStarts = [...before.slice(0, startLine + 1), ...added, ...before.slice(endLine + 1)];
    const lineStarts = this.lineStarts;
    const delta = edit.text.length - (edit.end - edit.start);
    if (delta !== 0) for (let i = startLine + 1 + added.length; i < lineStarts.length; i++) lineStarts[i] += delta;
  }

  private isCrlfAt(offset: number): boolean {
    return this.charCodeAt(offset - 1) === CR && this.charCodeAt(offset) === LF;
  }

  /** Moves an offset that points between the characters of a line end back to the line end. */
  private beforeLineEnd(offset: number, lineStart: number): number {
    while (offset > lineStart && isLineEnd(this.charCodeAt(offset - 1))) offset--;
    return offset;
  }

  /** A character of the current text, found through the changes since the text was flat. */
  private charCodeAt(offset: number): number {
    for (let i = this.changesSinceFlat.length - 1; i >= 0; i--) {
      const { start, end, text } = this.changesSinceFlat[i];
      if (offset < start) continue;
      if (offset < start + text.length) return text.charCodeAt(offset - start);
      offset += end - start - text.length;
    }
    return this.flat.charCodeAt(offset);
  }

  private getLineStarts(): number[] {
    this.lineStarts ??= lineStartsOf(this.text);
    return this.lineStarts;
  }
}

/**
 * Changes after which the text is made flat once diagnostics are out: each costs a copy of the
 * whole text, and the changes since are looked through to read a character.
 */
const FLATTEN_AFTER_CHANGES = 16;

/** Changes after which an edit flattens the text itself (a flood of edits between two checks). */
const MAX_CHANGES_SINCE_FLAT = 32;

function isLineEnd(char: number): boolean {
  return char === CR || char === LF;
}

/**
 * `pieces` with the characters from `start` to `end` of their concatenation replaced by `text`:
 * the pieces around are sliced, which for a flat string or a slice of one copies nothing.
 */
function replacePieces(pieces: readonly string[], start: number, end: number, text: string): string[] {
  const before: string[] = [];
  const after: string[] = [];
  let offset = 0;
  for (const piece of pieces) {
    if (offset < start) before.push(piece.slice(0, start - offset));
    if (offset + piece.length > end) after.push(piece.slice(Math.max(0, end - offset)));
    offset += piece.length;
  }
  return [...before, text, ...after].filter((piece) => piece.length > 0);
}
