import type { WorkspaceIndex } from '../index/workspaceIndex';
import { UriPath } from '../index/uriPath';
import type { KubeObject, ServicePort, EndpointPort, Located, TraefikRouter } from '../model/types';

/** `Service "prod/db"`: how messages name an object, with its effective namespace. */
export function describe(index: WorkspaceIndex, object: KubeObject): string {
  return `${object.kind} "${index.namespaceOf(object)}/${object.name?.value ?? '(unnamed)'}"`;
}

/**
 * What Traefik leaves out of its configuration when one of the object's services names no Service
 * or port it finds: that service, or a Middleware as a whole (its error pages' service).
 */
export function leftOutByTraefik(object: TraefikRouter): string {
  return object.kind === 'Middleware' ? 'the middleware' : 'this service';
}

/** Where `object` is, seen from the file `fromUri`: "this file" or a relative path. */
export function whereIs(object: { uri: string }, fromUri: string): string {
  if (object.uri === fromUri) return 'this file';
  return UriPath.relative(UriPath.folderOf(fromUri), UriPath.of(object.uri));
}

/** `Service "prod/db" (db.yaml)`: an object and its file, seen from `fromUri`. */
export function describeAt(index: WorkspaceIndex, object: KubeObject, fromUri: string): string {
  return `${describe(index, object)} (${whereIs(object, fromUri)})`;
}

/** `"http"` for a named port, `8080` for an unnamed one, `(unnamed)` when neither is written. */
export function describePort(port: ServicePort | EndpointPort): string {
  if (port.name) return `"${port.name.value}"`;
  return port.port ? String(port.port.value) : '(unnamed)';
}

/** The scalar a port finding is anchored on: its name, else its number, else the whole item. */
export function anchorOfPort(port: ServicePort | EndpointPort): Located<unknown> | { range: ServicePort['range'] } {
  return port.name ?? port.port ?? { range: port.range };
}

/**
 * Levenshtein distance, bounded: anything above `limit` returns `limit + 1`. It runs for every
 * near-miss candidate: in the 50k benchmark workspace in one namespace, 2,800 times an edit and
 * 210,000 times in a full check, where its banded table took 2.5 ms of an edit's 20. Names of up
 * to 32 ASCII characters (nearly all) go through the bit-parallel algorithm, a column of the
 * table in one 32-bit word; others through the band of the table within `limit` of the diagonal.
 */
export function editDistance(a: string, b: string, limit: number): number {
  const over = limit + 1;
  if (Math.abs(a.length - b.length) > limit) return over;
  if (a.length === 0) return b.length;
  return a.length <= 32 && maskPattern(a) ? bitParallelDistance(a.length, b, limit) : bandedDistance(a, b, limit);
}

/**
 * Myers' bit-vector algorithm (J. ACM 46(3), 1999) in Hyyrö's form for the Levenshtein distance:
 * bit i of `plus`/`minus` says the column's value rises/falls from row i to row i + 1, and the
 * last row, the distance so far, is tracked in `distance`. `patternMasks` hold the pattern.
 */
function bitParallelDistance(patternLength: number, text: string, limit: number): number {
  const last = 1 << (patternLength - 1);
  let plus = -1;
  let minus = 0;
  let distance = patternLength;
  for (let j = 0; j < text.length; j++) {
    const code = text.charCodeAt(j);
    const equal = code < 128 ? patternMasks[code] : 0;
    const vertical = equal | minus;
    const horizontal = (((equal & plus) + plus) ^ plus) | equal;
    let horizontalPlus = minus | ~(horizontal | plus);
    let horizontalMinus = plus & horizontal;
    if (horizontalPlus & last) distance++;
    else if (horizontalMinus & last) distance--;
    // Each character left can lower the distance by one at most.
    if (distance - (text.length - j - 1) > limit) return limit + 1;
    horizontalPlus = (horizontalPlus << 1) | 1;
    horizontalMinus <<= 1;
    plus = horizontalMinus | ~(vertical | horizontalPlus);
    minus = horizontalPlus & vertical;
  }
  return Math.min(distance, limit + 1);
}

/** For each ASCII code, the positions of the pattern that hold it (bit i: character i). */
const patternMasks = new Int32Array(128);
/** The pattern `patternMasks` hold: near-miss searches compare one name with many. */
let maskedPattern = '';

/** Sets `patternMasks` for `pattern`; false, and none set, if it holds a character beyond ASCII. */
function maskPattern(pattern: string): boolean {
  if (pattern === maskedPattern) return true;
  for (let i = 0; i < maskedPattern.length; i++) patternMasks[maskedPattern.charCodeAt(i)] = 0;
  maskedPattern = '';
  for (let i = 0; i < pattern.length; i++) if (pattern.charCodeAt(i) >= 128) return false;
  for (let i = 0; i < pattern.length; i++) patternMasks[pattern.charCodeAt(i)] |= 1 << i;
  maskedPattern = pattern;
  return true;
}

/** Only the cells within `limit` of the diagonal can stay within it, so only those are computed (Ukkonen). */
function bandedDistance(a: string, b: string, limit: number): number {
  const over = limit + 1;
  // Two rows of scratch space, reused.
  if (rows.length < 2 * (b.length + 2)) rows = new Uint32Array(4 * (b.length + 2));
  let previous = 0;
  let current = b.length + 2;
  for (let j = 0; j <= b.length + 1; j++) rows[previous + j] = Math.min(j, over);
  for (let i = 1; i <= a.length; i++) {
    const from = Math.max(1, i - limit);
    const to = Math.min(b.length, i + limit);
    // The cells either side of the band, which the next row reads: column 0 holds i, others are out of reach
    // (left of the band, i > limit + 1 already).
    rows[current + from - 1] = Math.min(i, over);
    rows[current + to + 1] = over;
    let rowMin = rows[current + from - 1];
    for (let j = from; j <= to; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      const value = Math.min(rows[previous + j] + 1, rows[current + j - 1] + 1, rows[previous + j - 1] + cost);
      rows[current + j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > limit) return over;
    const swap = previous;
    previous = current;
    current = swap;
  }
  return Math.min(rows[previous + b.length], over);
}

let rows = new Uint32Array(128);

/**
 * A name's characters counted in eight classes (their code modulo 8), four bits a class, each
 * count stopping at 15: with `editDistanceAtLeast`, what rules most pairs of names out before
 * `editDistance` runs, when every unpaired object of a large namespace looks through the others.
 */
export function characterClassCounts(name: string): number {
  let counts = 0;
  for (let i = 0; i < name.length; i++) {
    const shift = (name.charCodeAt(i) & 7) << 2;
    // In 32-bit integer arithmetic throughout (`2 ** shift` made it twenty times slower).
    if (((counts >>> shift) & 15) !== 15) counts = (counts + (1 << shift)) >>> 0;
  }
  return counts;
}

/**
 * A lower bound of the edit distance of two names, from their `characterClassCounts`: an edit
 * adds, removes or replaces one character, so it takes at most one from one class and adds at most
 * one to another; a count that stopped at 15 only hides a difference.
 */
export function editDistanceAtLeast(countsA: number, countsB: number): number {
  let more = 0;
  let fewer = 0;
  for (let shift = 0; shift < 32; shift += 4) {
    const difference = ((countsA >>> shift) & 15) - ((countsB >>> shift) & 15);
    if (difference > 0) more += difference;
    else fewer -= difference;
  }
  return Math.max(more, fewer);
}

/** `1 pod`, `3 pods`. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
