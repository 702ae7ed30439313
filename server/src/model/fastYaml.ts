import type { Node, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import { MAX_NESTING_DEPTH } from './nesting';

/**
 * A fast reader for the YAML most manifests are written in: block mappings and
 * sequences, single-line plain and quoted scalars, one-line flow collections and
 * comments. It builds nodes that `yaml`'s type guards (`isMap`, `isScalar`, ...)
 * recognise, with the values and ranges `yaml`'s composer gives, in a fraction of its time
 * (they are light objects, not `yaml`'s classes, read only by parse.ts); for anything else (anchors,
 * aliases, tags, block scalars, multi-line scalars, tabs, nesting deeper
 * than `MAX_NESTING_DEPTH`, ...) it returns `undefined` and the caller uses the full parser.
 * A document it accepts has no errors.
 *
 * `start` is where the document's content begins (after its `---` line), `end` where it ends.
 */
export function parseSimpleDocument(text: string, start: number, end: number): { contents: Node | null } | undefined {
  try {
    return new SimpleParser(text, start, end).document();
  } catch (error) {
    if (error === BAIL) return undefined;
    throw error;
  }
}

/*
 * Light nodes: what parse.ts reads of `yaml`'s nodes (type tag, value, items, key, range),
 * without the per-node property definitions of `yaml`'s constructors. The type tag is the
 * registered symbol `yaml`'s guards look for, set once on each prototype.
 */
class LightScalar {
  constructor(
    readonly value: unknown,
    public range: Range,
  ) {}
}
class LightMap {
  readonly items: LightPair[] = [];
  range: Range = [0, 0, 0];
}
class LightSeq {
  readonly items: Node[] = [];
  range: Range = [0, 0, 0];
}
class LightPair {
  constructor(
    readonly key: Node,
    readonly value: Node,
  ) {}
}
for (const [light, type] of [
  [LightScalar, 'yaml.scalar'],
  [LightMap, 'yaml.map'],
  [LightSeq, 'yaml.seq'],
  [LightPair, 'yaml.pair'],
] as const) {
  Object.defineProperty(light.prototype, Symbol.for('yaml.node.type'), { value: Symbol.for(type) });
}

function newMap(): YAMLMap {
  return new LightMap() as unknown as YAMLMap;
}

function newSeq(): YAMLSeq {
  return new LightSeq() as unknown as YAMLSeq;
}

function newPair(key: Node, value: Node): YAMLMap['items'][number] {
  return new LightPair(key, value) as unknown as YAMLMap['items'][number];
}

/** Thrown to give up on a document; caught above. */
const BAIL = { bail: true };

/** A line with content: neither blank nor a comment. */
type Line = {
  /** Offset of the line's first character. */
  start: number;
  /** Column of the first non-space character. */
  indent: number;
  /** Offset after the last character, before the line break. */
  end: number;
  /** Offset of the next line (after the line break), or the document's end. */
  next: number;
};

/** A line holding a comment alone: its column, and the offset of the line after it. */
type CommentLine = { indent: number; next: number };

/** `yaml`'s `range`: start, end of the value, end of the node (comments and line break included). */
type Range = [number, number, number];

class SimpleParser {
  private readonly lines: Line[] = [];
  /** The comment lines after each line of `lines` (by its index), for those followed by any. */
  private comments: Map<number, CommentLine[]> | undefined;
  private li = 0;
  /** Blocks open around the current one: the reader recurses, so deep nesting bails before the stack runs out. */
  private depth = 0;
  /**
   * The column of the most indented comment line that follows the last value read and is not
   * part of it, until the collection it falls to takes it (see `closingEnd`); -1 for none.
   */
  private trailingIndent = -1;

  constructor(
    private readonly text: string,
    start: number,
    private readonly end: number,
  ) {
    // A bounded scan: `indexOf` from here would search the rest of the file for every document.
    for (let i = start; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c === 9 || c === 13) throw BAIL;
    }
    for (let at = start; at < end;) {
      const newline = text.indexOf('\n', at);
      const lineEnd = newline < 0 || newline >= end ? end : newline;
      const next = Math.min(lineEnd + 1, end);
      let content = at;
      while (content < lineEnd && text.charCodeAt(content) === 32) content++;
      if (content < lineEnd) {
        if (text.charCodeAt(content) === 35 /* # */) {
          // Comment lines before the first line of content belong to no node.
          if (this.lines.length > 0) this.commentsAfter(this.lines.length - 1).push({ indent: content - at, next });
        } else {
          this.lines.push({ start: at, indent: content - at, end: lineEnd, next });
        }
      }
      at = lineEnd + 1;
    }
  }

  private commentsAfter(line: number): CommentLine[] {
    this.comments ??= new Map();
    let comments = this.comments.get(line);
    if (!comments) this.comments.set(line, (comments = []));
    return comments;
  }

  document(): { contents: Node | null } {
    if (this.lines.length === 0) return { contents: null };
    const first = this.lines[0];
    if (first.indent !== 0) throw BAIL;
    const contents = this.block(0, first.start);
    if (this.li !== this.lines.length) throw BAIL;
    return { contents };
  }

  /** A block mapping or sequence whose first entry starts at `at`, in column `indent`. */
  private block(indent: number, at: number): Node {
    if (++this.depth > MAX_NESTING_DEPTH) throw BAIL;
    let node: Node;
    if (this.isDash(at, this.lines[this.li].end)) node = this.sequence(indent, at);
    else if (this.keyEnd(at, this.lines[this.li].end) >= 0) node = this.mapping(indent, at);
    else throw BAIL;
    this.depth--;
    return node;
  }

  private mapping(indent: number, at: number): YAMLMap {
    const map = newMap();
    const start = at;
    let last: Node;
    for (;;) {
      const line = this.lines[this.li];
      const colon = this.keyEnd(at, line.end);
      if (colon < 0) throw BAIL;
      const key = this.key(at, colon);
      const value = this.valueAfter(colon + 1, indent, line, false);
      map.items.push(newPair(key, value));
      last = value;
      const next = this.lines[this.li];
      if (!next || next.indent < indent) break;
      if (next.indent > indent || this.isDash(next.start + next.indent, next.end)) throw BAIL;
      // The comment lines before an entry are its own.
      this.trailingIndent = -1;
      at = next.start + next.indent;
    }
    const end = (last.range as Range)[2];
    map.range = [start, end, this.closingEnd(indent, end)];
    return map;
  }

  private sequence(indent: number, at: number): YAMLSeq {
    const seq = newSeq();
    const start = at;
    let last: Node;
    for (;;) {
      const line = this.lines[this.li];
      if (!this.isDash(at, line.end)) throw BAIL;
      const value = this.valueAfter(at + 1, indent, line, true);
      seq.items.push(value);
      last = value;
      const next = this.lines[this.li];
      if (!next || next.indent < indent) break;
      if (next.indent > indent) throw BAIL;
      // A mapping entry in the same column ends a sequence that is the value of the key above.
      if (!this.isDash(next.start + next.indent, next.end)) break;
      this.trailingIndent = -1;
      at = next.start + next.indent;
    }
    const end = (last.range as Range)[2];
    seq.range = [start, end, this.closingEnd(indent, end)];
    return seq;
  }

  /**
   * The value after a `key:` or a sequence's `-` that ends at `from`: a block below it, a
   * compact mapping (`- name: x`, in sequences), or a single-line value.
   */
  private valueAfter(from: number, indent: number, line: Line, inSequence: boolean): Node {
    const after = this.skipSpaces(from, line.end);
    if (after >= line.end || this.text.charCodeAt(after) === 35 /* # */) {
      return this.valueBelow(indent, from, line, !inSequence);
    }
    if (inSequence && this.isDash(after, line.end)) throw BAIL;
    if (inSequence && this.keyEnd(after, line.end) >= 0) return this.mapping(after - line.start, after);
    const value = this.inlineValue(after, line);
    this.li++;
    this.noContinuation(indent);
    this.placeComments(value, indent);
    return value;
  }

  /**
   * Places the comment lines between a value that ends its line and the next line as `yaml`
   * does (its parser's `atIndentedComment`): those more indented than the value's collection,
   * straight after it, are the value's, whose node then ends after them; from the first other
   * one on, they fall to the collections that close before the next line (see `closingEnd`).
   */
  private placeComments(value: Node, indent: number): void {
    const comments = this.comments?.get(this.li - 1);
    if (!comments) return;
    let i = 0;
    for (; i < comments.length && comments[i].indent > indent; i++) (value.range as Range)[2] = comments[i].next;
    for (; i < comments.length; i++) this.trailingIndent = Math.max(this.trailingIndent, comments[i].indent);
  }

  /**
   * The end of a collection in column `indent` that closes here, its last value ending at
   * `valueEnd`: `yaml` keeps the comment lines after that value with the collection when one is
   * at least as indented as it (unless it is in column 0), and the collection then ends where
   * the next line's content starts; otherwise it hands them to the collection around it.
   */
  private closingEnd(indent: number, valueEnd: number): number {
    if (indent === 0 || this.trailingIndent < indent) return valueEnd;
    this.trailingIndent = -1;
    const next = this.lines[this.li];
    return next ? next.start + next.indent : this.end;
  }

  /**
   * The value of a key (or dash) with nothing after it on its line: a block below it, a
   * sequence in the key's own column, or null when the indicator ends the line.
   */
  private valueBelow(indent: number, afterIndicator: number, line: Line, sequenceAllowed: boolean): Node {
    const next = this.lines[this.li + 1];
    if (next && next.indent > indent) {
      this.li++;
      return this.block(next.indent, next.start + next.indent);
    }
    if (sequenceAllowed && next && next.indent === indent && this.isDash(next.start + next.indent, next.end)) {
      this.li++;
      return this.sequence(indent, next.start + next.indent);
    }
    // `key: # comment` or trailing spaces give null other ranges; leave them to the full parser.
    if (afterIndicator !== line.end) throw BAIL;
    // `yaml` gives an empty value the comment lines right after it, in any column (not after a
    // blank line): those are left to it.
    if (this.comments?.has(this.li)) throw BAIL;
    this.li++;
    return scalar(null, [afterIndicator, afterIndicator, afterIndicator]);
  }

  /** A line below a single-line value must not be more indented: that would continue it. */
  private noContinuation(indent: number): void {
    const next = this.lines[this.li];
    if (next && next.indent > indent) throw BAIL;
  }

  /** A scalar or flow collection that starts at `at` and ends its line (but for a comment). */
  private inlineValue(at: number, line: Line): Node {
    const text = this.text;
    const c = text.charCodeAt(at);
    let node: Node;
    let valueEnd: number;
    if (c === 34 /* " */ || c === 39 /* ' */) {
      valueEnd = this.quotedEnd(at, line.end);
      node = scalar(this.quotedValue(at, valueEnd), [at, valueEnd, line.next]);
    } else if (c === 91 /* [ */ || c === 123 /* { */) {
      const flow = new FlowParser(text, at, line.end);
      node = flow.collection();
      valueEnd = flow.at;
      (node.range as Range)[2] = line.next;
    } else {
      if (INDICATORS.has(text[at]) && !(text[at] === '-' && !isSpace(text.charCodeAt(at + 1)))) throw BAIL;
      valueEnd = this.plainEnd(at, line.end);
      const source = text.slice(at, valueEnd);
      if (source.includes(': ') || source.endsWith(':')) throw BAIL;
      return scalar(resolvePlain(source), [at, valueEnd, line.next]);
    }
    const rest = this.skipSpaces(valueEnd, line.end);
    if (rest < line.end && !(text.charCodeAt(rest) === 35 && rest > valueEnd)) throw BAIL;
    return node;
  }

  private key(at: number, colon: number): Scalar {
    const c = this.text.charCodeAt(at);
    if (colon - at > 1024) throw BAIL;
    if (c === 34 || c === 39) {
      const end = this.quotedEnd(at, colon + 1);
      if (end !== colon) throw BAIL;
      return scalar(this.quotedValue(at, end), [at, end, end]);
    }
    return scalar(resolvePlain(this.text.slice(at, colon)), [at, colon, colon]);
  }

  /**
   * Where the implicit key starting at `at` ends (its `:`), or -1 when the line holds no
   * key there. Keys with spaces before the colon or indicator characters are not taken.
   */
  private keyEnd(at: number, lineEnd: number): number {
    const text = this.text;
    const c = text.charCodeAt(at);
    if (c === 34 || c === 39) {
      const end = this.quotedEndOrMinus(at, lineEnd);
      if (end < 0 || text.charCodeAt(end) !== 58 /* : */) return -1;
      return end + 1 === lineEnd || text.charCodeAt(end + 1) === 32 ? end : -1;
    }
    if (INDICATORS.has(text[at])) return -1;
    for (let i = at; i < lineEnd; i++) {
      const ch = text.charCodeAt(i);
      if (ch === 58 /* : */ && (i + 1 === lineEnd || text.charCodeAt(i + 1) === 32)) {
        return text.charCodeAt(i - 1) === 32 ? -1 : i;
      }
      if (ch === 35 /* # */ && text.charCodeAt(i - 1) === 32) return -1;
    }
    return -1;
  }

  private isDash(at: number, lineEnd: number): boolean {
    return this.text.charCodeAt(at) === 45 /* - */ && (at + 1 === lineEnd || this.text.charCodeAt(at + 1) === 32);
  }

  /** The end of a plain scalar: before a ` #` comment or the line's end, without trailing spaces. */
  private plainEnd(at: number, lineEnd: number): number {
    let end = lineEnd;
    for (let i = at + 1; i < lineEnd; i++) {
      if (this.text.charCodeAt(i) === 35 /* # */ && this.text.charCodeAt(i - 1) === 32) {
        end = i - 1;
        break;
      }
    }
    while (end > at && this.text.charCodeAt(end - 1) === 32) end--;
    return end;
  }

  private quotedEnd(at: number, lineEnd: number): number {
    const end = this.quotedEndOrMinus(at, lineEnd);
    if (end < 0) throw BAIL;
    return end;
  }

  /** The offset after the closing quote on this line; -1 when the scalar goes on or has escapes. */
  private quotedEndOrMinus(at: number, lineEnd: number): number {
    return quotedEnd(this.text, at, lineEnd);
  }

  private quotedValue(at: number, end: number): string {
    const inner = this.text.slice(at + 1, end - 1);
    return this.text.charCodeAt(at) === 39 ? inner.replace(/''/g, "'") : inner;
  }

  private skipSpaces(at: number, limit: number): number {
    while (at < limit && this.text.charCodeAt(at) === 32) at++;
    return at;
  }
}

/** One-line flow collections: `[a, "b"]`, `{app: web}`, `{}`; nothing fancier. */
class FlowParser {
  /** Collections open around the current one, bounded as in `SimpleParser`. */
  private depth = 0;

  constructor(
    private readonly text: string,
    public at: number,
    private readonly lineEnd: number,
  ) {}

  collection(): YAMLMap | YAMLSeq {
    if (++this.depth > MAX_NESTING_DEPTH) throw BAIL;
    const open = this.text.charCodeAt(this.at);
    const start = this.at;
    this.at++;
    const isMap = open === 123;
    const close = isMap ? 125 : 93;
    const node = isMap ? newMap() : newSeq();
    this.spaces();
    while (this.text.charCodeAt(this.at) !== close) {
      if (isMap) {
        const key = this.item(true);
        if (this.text.charCodeAt(this.at) !== 58) throw BAIL;
        this.at++;
        if (this.text.charCodeAt(this.at) !== 32) throw BAIL;
        this.spaces();
        (node as YAMLMap).items.push(newPair(key, this.item(false)));
      } else {
        (node as YAMLSeq).items.push(this.item(false));
      }
      const c = this.text.charCodeAt(this.at);
      if (c === 44 /* , */) {
        this.at++;
        this.spaces();
        if (this.text.charCodeAt(this.at) === close || this.text.charCodeAt(this.at) === 44) throw BAIL;
      } else if (c !== close) {
        throw BAIL;
      }
    }
    this.at++;
    node.range = [start, this.at, this.at];
    this.depth--;
    return node;
  }

  /** A scalar or nested collection; `at` ends after the spaces that follow it. */
  private item(isKey: boolean): Node {
    const text = this.text;
    const start = this.at;
    const c = text.charCodeAt(start);
    if (this.at >= this.lineEnd) throw BAIL;
    if (c === 91 || c === 123) {
      if (isKey) throw BAIL;
      const node = this.collection();
      this.spaces();
      return node;
    }
    let node: Scalar;
    if (c === 34 || c === 39) {
      const end = quotedEnd(text, start, this.lineEnd);
      if (end < 0) throw BAIL;
      const inner = text.slice(start + 1, end - 1);
      this.at = end;
      this.spaces();
      node = scalar(c === 39 ? inner.replace(/''/g, "'") : inner, [start, end, isKey ? end : this.at]);
    } else {
      if (INDICATORS.has(text[start]) && !(text[start] === '-' && !isSpace(text.charCodeAt(start + 1)))) throw BAIL;
      let end = start;
      for (; end < this.lineEnd; end++) {
        const ch = text.charCodeAt(end);
        if (ch === 44 || ch === 91 || ch === 93 || ch === 123 || ch === 125) break;
        if (ch === 58 /* : */) break;
        if (ch === 35 /* # */ && text.charCodeAt(end - 1) === 32) throw BAIL;
      }
      let valueEnd = end;
      while (valueEnd > start && text.charCodeAt(valueEnd - 1) === 32) valueEnd--;
      if (valueEnd === start) throw BAIL;
      // A colon inside a flow scalar, or a key spaced from its colon, is left to the full parser.
      if (text.charCodeAt(end) === 58 && (!isKey || valueEnd !== end)) throw BAIL;
      this.at = end;
      node = scalar(resolvePlain(text.slice(start, valueEnd)), [start, valueEnd, isKey ? valueEnd : end]);
    }
    return node;
  }

  private spaces(): void {
    while (this.at < this.lineEnd && this.text.charCodeAt(this.at) === 32) this.at++;
  }
}

/** Characters that cannot start a plain scalar (or start something else) in block context. */
const INDICATORS = new Set([
  '-',
  '?',
  ':',
  ',',
  '[',
  ']',
  '{',
  '}',
  '#',
  '&',
  '*',
  '!',
  '|',
  '>',
  "'",
  '"',
  '%',
  '@',
  '`',
]);

function isSpace(c: number): boolean {
  return c === 32 || Number.isNaN(c) || c === 10;
}

/** The offset after the closing quote on this line; -1 when there is none or the scalar has escapes. */
function quotedEnd(text: string, at: number, lineEnd: number): number {
  const quote = text.charCodeAt(at);
  for (let i = at + 1; i < lineEnd; i++) {
    const c = text.charCodeAt(i);
    if (quote === 34 && c === 92 /* \ */) return -1;
    if (c === quote) {
      if (quote === 39 && text.charCodeAt(i + 1) === 39) {
        i++;
        continue;
      }
      return i + 1;
    }
  }
  return -1;
}

function scalar(value: unknown, range: Range): Scalar {
  return new LightScalar(value, range) as unknown as Scalar;
}

/** The value `yaml`'s core schema gives a plain scalar; strings that look like other types bail. */
function resolvePlain(source: string): unknown {
  switch (source) {
    case '~':
    case 'null':
    case 'Null':
    case 'NULL':
      return null;
    case 'true':
    case 'True':
    case 'TRUE':
      return true;
    case 'false':
    case 'False':
    case 'FALSE':
      return false;
  }
  const c = source.charCodeAt(0);
  // Only strings that start like a number need the numeric tests.
  if ((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46) {
    if (/^[-+]?[0-9]+$/.test(source)) return parseInt(source, 10);
    if (/^0o[0-7]+$/.test(source)) return parseInt(source.slice(2), 8);
    if (/^0x[0-9a-fA-F]+$/.test(source)) return parseInt(source.slice(2), 16);
    if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(source)) return parseFloat(source);
    if (/^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(source)) return parseFloat(source);
    if (/^[-+]?\./.test(source)) throw BAIL;
  }
  return source;
}
