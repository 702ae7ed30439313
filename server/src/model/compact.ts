/**
 * `array` in storage of its own length, for arrays the model keeps. V8 gives an array grown by
 * `push`, `flatMap`, `filter` or a spread room for at least 16 elements: about 100 bytes more
 * for the one or two keys, ports or addresses most objects hold. At 50k resources that was 20 MB
 * of a 186 MB heap, which every scavenge during the scan copied before promoting it.
 */
export function compact<T>(array: readonly T[]): T[] {
  return array.slice();
}

/**
 * A file-level list (a file's objects, its broken documents) at its own length, or, when it is
 * empty, one shared frozen empty array: most files have no broken document, and half the files of
 * a repository no modelled object (their ConfigMaps and Secrets), so this spares an array for each.
 * Not for the model's own lists, which form a tree (see `moveRanges`).
 */
export function compactList<T>(array: readonly T[]): readonly T[] {
  return array.length === 0 ? NO_ITEMS : compact(array);
}

/** The one empty list that lists with nothing in them share (frozen: no one can add to it). */
export const NO_ITEMS: readonly never[] = Object.freeze([]);
