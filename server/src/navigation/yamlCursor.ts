import { parse } from 'yaml';
import { nestsTooDeep } from '../model/nesting';
import { Located, type SourceRange } from '../model/types';

/**
 * Where the cursor is in a YAML document that may not parse: while a person types
 * `name: ` or `  - name: `, the document is often invalid and the parser yields
 * nothing. This reads block YAML line by line instead, the way a person does: the
 * indentation and the `- ` of each line give the path of keys from the document's
 * root (`spec.ports[].name`). Flow collections are read only where they are
 * complete, and never completed inside.
 */

/** A path segment: a mapping key, or `[]` for an item of a sequence. */
export const ITEM = '[]';

/** What the cursor is typing. */
export type CursorContext = {
  /** A mapping key, or the value of the key that ends `path`. */
  mode: 'key' | 'value';
  /** For a value: the path of its key. For a key: the path of the mapping it goes in. */
  path: string[];
  /** What is typed so far, quotes left out. */
  prefix: string;
  /** What a completion replaces: the partial key or value, quotes left out. */
  range: SourceRange;
  /** For a value typed right after the colon: the inserted text must start with a space. */
  needsSpace: boolean;
  /** For a key: whether a colon already follows it on the line. */
  hasColon: boolean;
  /** The column where the key on the cursor line starts. */
  column: number;
  /** For a value: whether it is written in quotes, which a completion then keeps. */
  quoted: boolean;
  /** Offsets of the `- ` of the sequence items the cursor is in, outermost first. */
  items: number[];
  /** The YAML document around the cursor. */
  document: DocumentScan;
};

/** An entry of the document: its path, its scalar if it has one, and the items it is in. */
export type ScannedEntry = { path: string[]; value?: Located<string>; keyRange?: SourceRange; items: number[] };

/** The block entries of the document around the cursor, complete or not. */
export class DocumentScan {
  constructor(
    /** The document's text span, between its `---` lines. */
    readonly range: SourceRange,
    readonly entries: readonly ScannedEntry[],
  ) {}

  /** The first scalar written at `path` (`['metadata', 'name']`). */
  value(path: readonly string[]): Located<string> | undefined {
    return this.entries.find((entry) => entry.value && samePath(entry.path, path))?.value;
  }

  /**
   * The scalar of `key` in the mapping the cursor is in (the same sequence items), when written;
   * `levelsUp` mappings above it for a key of an enclosing mapping (no sequence between them).
   */
  sibling(
    context: Pick<CursorContext, 'mode' | 'path' | 'items'>,
    key: string,
    levelsUp = 0,
  ): Located<string> | undefined {
    const mapping = context.path.slice(0, context.path.length - (context.mode === 'value' ? 1 : 0) - levelsUp);
    return this.entries.find(
      (entry) =>
        entry.value &&
        samePath(entry.path, [...mapping, key]) &&
        entry.items.length === context.items.length &&
        entry.items.every((item, i) => item === context.items[i]),
    )?.value;
  }

  /** The scalar entries of the mapping at `path`, by key. */
  children(path: readonly string[]): Map<string, Located<string>> {
    const children = new Map<string, Located<string>>();
    for (const entry of this.entries) {
      if (entry.value && entry.path.length === path.length + 1 && samePath(entry.path.slice(0, -1), path)) {
        children.set(entry.path[path.length], entry.value);
      }
    }
    return children;
  }
}

/** The cursor's context at `offset`, or undefined inside a comment, a flow collection or a block scalar. */
export function cursorContext(text: string, offset: number): CursorContext | undefined {
  const bounds = documentBounds(text, offset);
  const entries: ScannedEntry[] = [];
  const stack: Frame[] = [];
  let context: Omit<CursorContext, 'document'> | undefined;
  let blockScalarColumn: number | undefined;
  let lineStart = bounds.start;
  while (lineStart <= bounds.end) {
    const newline = text.indexOf('\n', lineStart);
    const lineEnd = newline < 0 || newline > bounds.end ? bounds.end : newline;
    const line = text.slice(lineStart, lineEnd).replace(/\r$/, '');
    const isCursorLine = offset >= lineStart && offset <= lineEnd;
    const indent = line.length - line.trimStart().length;
    const blank = line.trim() === '' || line.trimStart().startsWith('#');
    if (blockScalarColumn !== undefined && (blank || indent > blockScalarColumn)) {
      if (isCursorLine) return undefined;
    } else {
      blockScalarColumn = undefined;
      if (isCursorLine) context = contextOnLine(line, lineStart, offset - lineStart, stack);
      if (!blank) blockScalarColumn = scanLine(line, lineStart, stack, entries);
    }
    if (newline < 0 || newline >= bounds.end) break;
    lineStart = newline + 1;
  }
  return context && { ...context, document: new DocumentScan(bounds, entries) };
}

/** A mapping or sequence item the lines below may be inside; `start` is the offset of an item's `- `. */
type Frame = { column: number; segment: string; start?: number };

/**
 * Reads one line into the stack and the entries. Returns the column of a key whose
 * value is a block scalar (`|`, `>`), whose more indented lines are text.
 */
function scanLine(line: string, lineStart: number, stack: Frame[], entries: ScannedEntry[]): number | undefined {
  const tokens = tokenize(line);
  for (const dash of tokens.dashes) enter(stack, dash, lineStart + dash);
  const key = tokens.key;
  if (!key) return undefined;
  enter(stack, key.column);
  const path = [...stack.map((frame) => frame.segment), key.name];
  const items = itemsOf(stack);
  const keyRange = { start: lineStart + key.column, end: lineStart + key.end };
  const value = tokens.value;
  if (value === undefined || /^[&!][^\s]*$/.test(value.text)) {
    entries.push({ path, keyRange, items });
    stack.push({ column: key.column, segment: key.name });
    return undefined;
  }
  if (/^[|>][-+0-9]*$/.test(value.text)) {
    entries.push({ path, keyRange, items });
    return key.column;
  }
  if (value.text.startsWith('{')) {
    entries.push({ path, keyRange, items });
    for (const [childPath, child] of flowEntries(value.text)) {
      entries.push({
        path: [...path, ...childPath],
        value: Located.at(child, shift(value.range, lineStart)),
        items,
      });
    }
    return undefined;
  }
  entries.push({ path, keyRange, value: Located.at(value.text, shift(value.range, lineStart), keyRange), items });
  return undefined;
}

/** The context of the cursor on its line, given the frames of the lines above. */
function contextOnLine(
  line: string,
  lineStart: number,
  cursor: number,
  above: readonly Frame[],
): Omit<CursorContext, 'document'> | undefined {
  const before = line.slice(0, cursor);
  if (/(^|\s)#/.test(before.replace(/"[^"]*"|'[^']*'/g, ''))) return undefined;
  const stack = [...above];
  const tokens = tokenize(before);
  for (const dash of tokens.dashes) enter(stack, dash, lineStart + dash);
  const at = (column: number) => lineStart + column;
  if (tokens.key && /^[[{]/.test(tokens.value?.text ?? '')) return undefined;
  if (tokens.key) {
    enter(stack, tokens.key.column);
    const afterColon = tokens.key.colon + 1;
    const valueStart = afterColon + (line.length - afterColon - line.slice(afterColon).trimStart().length);
    // In the spaces after the colon, a completion goes at the cursor; on the value, over it, quotes left out.
    const quoted = cursor > valueStart && /["']/.test(line[valueStart]);
    const start = Math.min(valueStart, cursor) + (quoted ? 1 : 0);
    const written = tokenize(line).value;
    return {
      mode: 'value',
      path: [...stack.map((frame) => frame.segment), tokens.key.name],
      prefix: line.slice(start, cursor),
      range: { start: at(start), end: at(Math.max(written?.range.end ?? cursor, cursor)) },
      needsSpace: cursor === afterColon,
      hasColon: true,
      column: tokens.key.column,
      quoted,
      items: itemsOf(stack),
    };
  }
  const column = tokens.rest;
  const partial = before.slice(column);
  if (/^[\[{"']/.test(partial) || /\s/.test(partial.trim())) return undefined;
  enter(stack, column);
  const after = /^[^\s:#]*/.exec(line.slice(cursor))![0];
  return {
    mode: 'key',
    path: stack.map((frame) => frame.segment),
    prefix: partial,
    range: { start: at(column), end: at(cursor + after.length) },
    needsSpace: false,
    hasColon: /^\s*:/.test(line.slice(cursor + after.length)),
    column,
    quoted: false,
    items: itemsOf(stack),
  };
}

/**
 * Leaves the frames a node at `column` cannot be inside. A sequence item (`itemStart`
 * is the offset of its `- `) is then entered; an item at the column of a key belongs
 * to that key (`ports:\n- name: a`).
 */
function enter(stack: Frame[], column: number, itemStart?: number): void {
  const isOutside = (frame: Frame) =>
    itemStart === undefined
      ? frame.column >= column
      : frame.column > column || (frame.column === column && frame.segment === ITEM);
  while (stack.length > 0 && isOutside(stack.at(-1)!)) stack.pop();
  if (itemStart !== undefined) stack.push({ column, segment: ITEM, start: itemStart });
}

function itemsOf(stack: readonly Frame[]): number[] {
  return stack.flatMap((frame) => (frame.start === undefined ? [] : [frame.start]));
}

type LineTokens = {
  /** Columns of the `- ` that open sequence items. */
  dashes: number[];
  /** The column after the indentation and dashes. */
  rest: number;
  key?: { name: string; column: number; end: number; colon: number };
  /** The scalar after the key's colon, without quotes or comment; undefined when there is none. */
  value?: { text: string; range: SourceRange };
};

const KEY = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"{}[\],&*!|>%@`][^#]*?)[ \t]*:(?=\s|$)/;

function tokenize(line: string): LineTokens {
  const dashes: number[] = [];
  let column = line.length - line.trimStart().length;
  while (line[column] === '-' && (column + 1 === line.length || /\s/.test(line[column + 1]))) {
    dashes.push(column);
    column++;
    while (column < line.length && /\s/.test(line[column])) column++;
  }
  const match = KEY.exec(line.slice(column));
  if (!match) return { dashes, rest: column };
  const raw = match[1];
  const name = raw.startsWith('"')
    ? unquoteDouble(raw)
    : raw.startsWith("'")
      ? raw.slice(1, -1).replace(/''/g, "'")
      : raw.trimEnd();
  const colon = column + match[0].length - 1;
  return {
    dashes,
    rest: column,
    key: { name, column, end: column + raw.length, colon },
    value: scalarAfter(line, colon + 1),
  };
}

function scalarAfter(line: string, from: number): LineTokens['value'] {
  let start = from;
  while (start < line.length && /\s/.test(line[start])) start++;
  if (start >= line.length || line[start] === '#') return undefined;
  const quote = line[start];
  if (quote === '"' || quote === "'") {
    const pattern = quote === '"' ? /^"((?:[^"\\]|\\.)*)"?/ : /^'((?:[^']|'')*)'?/;
    const inner = pattern.exec(line.slice(start))![1];
    const text = quote === '"' ? unquoteDouble(`"${inner}"`) : inner.replace(/''/g, "'");
    return { text, range: { start: start + 1, end: start + 1 + inner.length } };
  }
  const comment = line.slice(start).search(/\s#/);
  const raw = (comment < 0 ? line.slice(start) : line.slice(start, start + comment)).trimEnd();
  return { text: raw, range: { start, end: start + raw.length } };
}

/**
 * The longest flow mapping read for its entries. The scan runs on every completion request, and
 * `yaml` takes seconds over a generated mapping of megabytes; labels and selectors are far shorter.
 */
const MAX_FLOW_MAPPING_LENGTH = 10_000;

/** The scalar leaves of a complete flow mapping (`{app: web, tier: {a: b}}`), by path. */
function flowEntries(text: string): [string[], string][] {
  if (text.length > MAX_FLOW_MAPPING_LENGTH || nestsTooDeep(text)) return [];
  let value: unknown;
  try {
    // Duplicate keys are not this scan's business, and checking for them costs quadratic time.
    value = parse(text, { uniqueKeys: false });
  } catch {
    return [];
  }
  const leaves: [string[], string][] = [];
  const walk = (node: unknown, path: string[]) => {
    if (typeof node === 'string') leaves.push([path, node]);
    else if (node && typeof node === 'object' && !Array.isArray(node)) {
      for (const [key, child] of Object.entries(node)) walk(child, [...path, key]);
    }
  };
  walk(value, []);
  return leaves;
}

/** The span of the document around `offset`: from after the `---` line before it to the start of the next one. */
function documentBounds(text: string, offset: number): SourceRange {
  const separator = /^(?:---|\.\.\.)(?:[ \t].*)?$/gm;
  let start = 0;
  for (let match = separator.exec(text); match; match = separator.exec(text)) {
    const lineEnd = match.index + match[0].length;
    if (match.index > offset) return { start, end: match.index };
    if (lineEnd < offset) start = Math.min(lineEnd + 1, text.length);
  }
  return { start, end: text.length };
}

function unquoteDouble(raw: string): string {
  try {
    return JSON.parse(raw) as string;
  } catch {
    return raw.slice(1, -1);
  }
}

function shift(range: SourceRange, by: number): SourceRange {
  return { start: range.start + by, end: range.end + by };
}

function samePath(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((segment, i) => segment === b[i]);
}
