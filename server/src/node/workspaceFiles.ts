import {
  closeSync,
  constants as fsConstants,
  type Dirent,
  fstatSync,
  openSync,
  readdirSync,
  readSync,
  realpathSync,
  statSync,
} from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Minimatch } from 'minimatch';
import type { WorkspaceIndex } from '../index/workspaceIndex';

/** Folders never worth indexing: dependencies and version control. */
const ALWAYS_SKIPPED = new Set(['node_modules', '.git']);

/** Whether a file name is one the index reads. */
export function isYamlFileName(name: string): boolean {
  return /\.ya?ml$/i.test(name);
}

/** Globs and the folder they are relative to. */
export type ExcludeGlobs = { root: string; globs: readonly string[] };

/**
 * Decides which paths to leave out: `kubeEndpoints.exclude` and `--exclude` globs are
 * relative to the workspace folder or checked path, those of `.kube-endpoints.yaml`
 * to the folder that holds it.
 */
export class ExcludeFilter {
  private readonly patterns: { root: string; matcher: Minimatch }[];
  /** What the filter was made of: another thread makes the same filter from them. */
  readonly sources: readonly ExcludeGlobs[];

  constructor(...sources: ExcludeGlobs[]) {
    this.sources = sources;
    this.patterns = sources.flatMap(({ root, globs }) =>
      globs.map((glob) => ({ root, matcher: new Minimatch(glob, { dot: true, matchBase: !glob.includes('/') }) })),
    );
  }

  excludes(absolutePath: string): boolean {
    return this.patterns.some(({ root, matcher }) => {
      const relative = path.relative(root, absolutePath).split(path.sep).join('/');
      return !relative.startsWith('../') && (matcher.match(relative) || matcher.match(relative + '/'));
    });
  }
}

/** One YAML file found on disk. */
export type FoundFile = { uri: string; path: string };

/**
 * Lists the YAML files below `root` (or `root` itself when it is a file), as `FolderWalk` does.
 */
export async function* findYamlFiles(root: string, exclude: ExcludeFilter): AsyncGenerator<FoundFile> {
  yield* FolderWalk.from(root, exclude).files();
}

/**
 * What reading a YAML file gave: its text, its size when that is over the limit (the file is
 * then not read), or why it could not be read (gone, a folder or a pipe named `.yaml`, ...).
 */
export type FileContent = { text: string } | UnreadFile;

/** Why a file was not read: its size over the limit, or the error (not a regular file, gone, ...). */
export type UnreadFile = { tooLarge: number } | { unreadable: string };

/**
 * Puts a file's content into the index (a file over the limit as such, see `file-not-checked`);
 * an unreadable file is removed from it. Returns a line for the log when the file was unreadable.
 */
export function indexFile(index: WorkspaceIndex, file: FoundFile, content: FileContent): string | undefined {
  if ('text' in content) index.update(file.uri, content.text);
  else if ('tooLarge' in content) index.updateTooLarge(file.uri, content.tooLarge);
  else {
    index.remove(file.uri);
    return `skipped ${file.path}: ${content.unreadable}`;
  }
  return undefined;
}

/**
 * A walk over the YAML files below a folder, one folder at a time: depth first, the entries of a
 * folder in name order, so the files come in the same order on every run. It skips node_modules,
 * .git and excluded paths, does not follow links to folders (link loops cannot trap it) and skips
 * unreadable folders. Folders are read synchronously: for many small files that is several times
 * faster than promises (no thread-pool round trip per call). The folders still to visit are plain
 * paths (`pending`), so another thread can take over the rest of a walk.
 */
export class FolderWalk {
  /**
   * `pending`: the folders still to visit (the last first). `rootFile`: a file given as the
   * root, which the walk yields alone.
   */
  constructor(
    private readonly exclude: ExcludeFilter,
    readonly pending: string[],
    private rootFile?: FoundFile,
  ) {}

  /** The walk below `root`, or over `root` alone when it is a file (none when it does not exist). */
  static from(root: string, exclude: ExcludeFilter): FolderWalk {
    let isFile: boolean;
    try {
      isFile = statSync(root).isFile();
    } catch {
      return new FolderWalk(exclude, []);
    }
    return isFile
      ? new FolderWalk(exclude, [], { uri: pathToFileURL(root).href, path: root })
      : new FolderWalk(exclude, [root]);
  }

  /** The rest of the walk's files, one at a time. */
  *files(): Generator<FoundFile> {
    for (let files = this.nextFiles(); files; files = this.nextFiles()) yield* files;
  }

  /** The YAML files of the next folder that has any, its subfolders queued; undefined at the end. */
  nextFiles(): FoundFile[] | undefined {
    if (this.rootFile) {
      const files = [this.rootFile];
      this.rootFile = undefined;
      return files;
    }
    while (this.pending.length > 0) {
      const files = this.visit(this.pending.pop()!);
      if (files.length > 0) return files;
    }
    return undefined;
  }

  private visit(dir: string): FoundFile[] {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return [];
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    const files: FoundFile[] = [];
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (this.exclude.excludes(full)) continue;
      if (entry.isDirectory()) {
        if (!ALWAYS_SKIPPED.has(entry.name)) this.pending.push(full);
      } else if ((entry.isFile() || entry.isSymbolicLink()) && isYamlFileName(entry.name)) {
        files.push({ uri: pathToFileURL(full).href, path: full });
      }
    }
    return files;
  }
}

/** Opening never waits for a writer: a named pipe called `x.yaml` gives nothing, and `fstat` refuses it. */
const OPEN_FLAGS = fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0);

/** Reads a file as UTF-8 text (invalid bytes become U+FFFD); see `readFileBytes`. */
export function readContentSync(filePath: string, maxFileSize: number): FileContent {
  return readFileBytes(filePath, maxFileSize, (bytes) => ({ text: bytes.toString('utf8') }));
}

/** A file is read into this first (one buffer per thread, reused): one read takes in a smaller file whole. */
const FIRST_READ_BYTES = 64 * 1024;
const firstRead = Buffer.allocUnsafeSlow(FIRST_READ_BYTES);

/**
 * Reads a file unless it is over `maxFileSize` bytes or no regular file, and gives its bytes to
 * `take`, which must copy what it keeps (the next read may overwrite them). System calls are most
 * of the cost of reading thousands of small files (about 10 µs each on the benchmark's VM), so
 * there is no `stat` before the open, and a file smaller than the first read is one open, read
 * and close: a read of a regular file returns less than asked only at its end, which gives its
 * size. A file that fills the first read or gives nothing (an empty file, a pipe nothing is written
 * to, a device) is checked with `fstat`; a pipe being written to gives what was written, as `cat`
 * would. What the file held when it was read: if it grows meanwhile, the rest is read next time.
 */
export function readFileBytes<T>(filePath: string, maxFileSize: number, take: (bytes: Buffer) => T): T | UnreadFile {
  let fd: number | undefined;
  try {
    fd = openSync(filePath, OPEN_FLAGS);
    const first = readSync(fd, firstRead, 0, FIRST_READ_BYTES, null);
    if (first > 0 && first < FIRST_READ_BYTES) {
      return first > maxFileSize ? { tooLarge: first } : take(firstRead.subarray(0, first));
    }
    const stats = fstatSync(fd);
    if (!stats.isFile()) return { unreadable: 'not a regular file' };
    if (stats.size > maxFileSize) return { tooLarge: stats.size };
    const bytes = Buffer.allocUnsafe(Math.max(stats.size, first));
    firstRead.copy(bytes, 0, 0, first);
    let length = first;
    while (length < bytes.length) {
      const read = readSync(fd, bytes, length, bytes.length - length, null);
      if (read === 0) break;
      length += read;
    }
    return take(bytes.subarray(0, length));
  } catch (error) {
    return { unreadable: (error as NodeJS.ErrnoException).code ?? String(error) };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** A folder's path with every link on the way resolved; the path itself when it cannot be resolved. */
export function realPathOf(folder: string): string {
  try {
    return realpathSync(folder);
  } catch {
    return folder;
  }
}

/** A workspace folder on the local disk. */
export type LocalFolder = { uri: string; path: string };

/** The local folders among `folderUris`, with their paths. */
export function localFolders(folderUris: readonly string[]): LocalFolder[] {
  return folderUris.flatMap((uri) => {
    const folderPath = localPathOf(uri);
    return folderPath === undefined ? [] : [{ uri, path: folderPath }];
  });
}

/**
 * The path of a `file:` URI on this machine. None for other schemes, nor for a file of another
 * host (`file://server/share/...`, a Windows share), which no path here reaches: the URI is then
 * taken as a virtual one (`fileURLToPath` throws on it, which ended the server on a file event).
 */
export function localPathOf(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}
