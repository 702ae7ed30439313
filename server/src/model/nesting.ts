/**
 * The deepest nesting handed to `yaml`. Manifests nest a few dozen levels (CRD schemas the
 * most). `yaml` composes recursively: tens of thousands of levels exhaust the stack, and near
 * the limit V8 may abort the whole process (a regular expression compiled there fails with
 * "out of memory") instead of throwing a RangeError that a `catch` could handle.
 */
export const MAX_NESTING_DEPTH = 1000;

/**
 * Whether the YAML between `start` and `end` may nest deeper than `MAX_NESTING_DEPTH`:
 * indentation levels, `- ` items at the start of a line and open `[`/`{` added up. An
 * over-estimate (brackets inside quoted scalars count too), in one pass without allocation.
 */
export function nestsTooDeep(text: string, start = 0, end = text.length): boolean {
  const indents: number[] = [];
  let flowDepth = 0;
  for (let at = start; at < end;) {
    let column = 0;
    while (at < end && text.charCodeAt(at) === 32) {
      at++;
      column++;
    }
    let lineEnd = text.indexOf('\n', at);
    if (lineEnd < 0 || lineEnd > end) lineEnd = end;
    if (at < lineEnd && text.charCodeAt(at) !== 35 /* # */) {
      while (indents.length > 0 && indents[indents.length - 1] >= column) indents.pop();
      indents.push(column);
      // Compact items (`- - x`) each open a level on the same line.
      let blockDepth = indents.length;
      let i = at;
      while (text.charCodeAt(i) === 45 /* - */ && i + 1 < lineEnd && text.charCodeAt(i + 1) === 32) {
        blockDepth++;
        i += 2;
        while (i < lineEnd && text.charCodeAt(i) === 32) i++;
      }
      for (; i < lineEnd; i++) {
        const c = text.charCodeAt(i);
        if (c === 91 /* [ */ || c === 123 /* { */) flowDepth++;
        // `]` or `}`; a stray one closes nothing.
        else if ((c === 93 || c === 125) && flowDepth > 0) flowDepth--;
        else if (c === 35 /* # */ && text.charCodeAt(i - 1) === 32) break;
        if (blockDepth + flowDepth > MAX_NESTING_DEPTH) return true;
      }
      if (blockDepth > MAX_NESTING_DEPTH) return true;
    }
    at = lineEnd + 1;
  }
  return false;
}
