/** A 0-based line and UTF-16 character, as LSP and editors count them. */
export type Position = { line: number; character: number };

/** Converts between offsets and line/character positions of one text. */
export class LineIndex {
  /** Offsets at which each line starts. */
  private readonly lineStarts: number[] = [0];

  constructor(private readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const char = text.charCodeAt(i);
      // "\r\n" and a lone "\r" end a line, as in LSP.
      if (char === 13 && text.charCodeAt(i + 1) === 10) continue;
      if (char === 10 || char === 13) this.lineStarts.push(i + 1);
    }
  }

  positionAt(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.lineStarts[middle] <= clamped) low = middle;
      else high = middle - 1;
    }
    return { line: low, character: clamped - this.lineStarts[low] };
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
