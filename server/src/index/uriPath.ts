/**
 * Path arithmetic on document URIs, without the file system: the index needs
 * folders to pair objects by proximity and to resolve kustomization resources.
 */
const SLASH = 47;

/** The most URIs whose folder `UriPath.folderOf` keeps: past it, it starts again. */
const MAX_KEPT_FOLDERS = 200_000;

/** The folder of each URI asked for (see `UriPath.folderOf`). */
const folderOfUri = new Map<string, string>();

export namespace UriPath {
  /** The decoded path of a URI (`file:///a%20b/c.yaml` → `/a b/c.yaml`); other strings pass through. */
  export function of(uri: string): string {
    const match = /^[a-z][\w+.-]*:\/\/[^/]*/i.exec(uri);
    const path = match ? uri.slice(match[0].length) : uri;
    try {
      return decodeURIComponent(path);
    } catch {
      return path;
    }
  }

  /**
   * The folder of a URI's path (`file:///a/b.yaml` → `/a`), worked out once per URI: pairing by
   * proximity asks it of every candidate of a name, and traefik's fixtures reuse a few names across
   * hundreds of files (decoding was the first line of the profile of a check of that corpus).
   */
  export function folderOf(uri: string): string {
    let folder = folderOfUri.get(uri);
    if (folder === undefined) {
      if (folderOfUri.size >= MAX_KEPT_FOLDERS) folderOfUri.clear();
      folder = dirname(of(uri));
      folderOfUri.set(uri, folder);
    }
    return folder;
  }

  /** The folder of a path, without a trailing slash (`/a/b.yaml` → `/a`). */
  export function dirname(path: string): string {
    const slash = path.lastIndexOf('/');
    return slash <= 0 ? '' : path.slice(0, slash);
  }

  /** The last segment of a path. */
  export function basename(path: string): string {
    return path.slice(path.lastIndexOf('/') + 1);
  }

  /** Resolves `relative` against the folder `dir`, folding `.` and `..`. */
  export function resolve(dir: string, relative: string): string {
    const segments = relative.startsWith('/') ? [] : dir.split('/').filter(Boolean);
    for (const segment of relative.split('/')) {
      if (segment === '' || segment === '.') continue;
      if (segment === '..') segments.pop();
      else segments.push(segment);
    }
    return '/' + segments.join('/');
  }

  /** Whether `path` is `folder` itself or lies below it. */
  export function isWithin(path: string, folder: string): boolean {
    return path === folder || path.startsWith(folder.endsWith('/') ? folder : folder + '/');
  }

  /** How many folder segments two folders share from the root. */
  export function sharedDepth(a: string, b: string): number {
    // Character by character, not by splitting: filing asks this for every file a kustomization lists.
    let depth = 0;
    let i = 0;
    let j = 0;
    for (;;) {
      while (a.charCodeAt(i) === SLASH) i++;
      while (b.charCodeAt(j) === SLASH) j++;
      if (i >= a.length || j >= b.length) return depth;
      while (i < a.length && a.charCodeAt(i) !== SLASH && a.charCodeAt(i) === b.charCodeAt(j)) {
        i++;
        j++;
      }
      const segmentEndsInA = i === a.length || a.charCodeAt(i) === SLASH;
      const segmentEndsInB = j === b.length || b.charCodeAt(j) === SLASH;
      if (!segmentEndsInA || !segmentEndsInB) return depth;
      depth++;
    }
  }

  /** The URI of a sibling file: same folder as `uri`, another base name (encoded). */
  export function sibling(uri: string, baseName: string): string {
    return uri.slice(0, uri.lastIndexOf('/') + 1) + encodeURIComponent(baseName);
  }

  /** A path relative to `from` (a folder), for messages: `../db/endpoints.yaml`. */
  export function relative(from: string, to: string): string {
    const fromSegments = from.split('/').filter(Boolean);
    const toSegments = to.split('/').filter(Boolean);
    let shared = 0;
    while (
      shared < fromSegments.length &&
      shared < toSegments.length - 1 &&
      fromSegments[shared] === toSegments[shared]
    ) {
      shared++;
    }
    const ups = fromSegments.slice(shared).map(() => '..');
    return [...ups, ...toSegments.slice(shared)].join('/');
  }
}
