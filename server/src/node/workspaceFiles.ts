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
import { pathToFileURL } from 'node:url';
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

  constructor(...sources: ExcludeGlobs[]) {
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
 * Lists the YAML files below `root` (or `root` itself when it is a file), skipping
 * node_modules, .git and excluded paths. Symbolic links to folders are not followed,
 * so link loops cannot trap the walk; unreadable folders are skipped.
 */
export async function* findYamlFiles(root: string, exclude: ExcludeFilter): AsyncGenerator<FoundFile> {
  yield* findYamlFilesSync(root, exclude);
}

/**
 * What reading a YAML file gave: its text, its size when that is over the limit (the file is
 * then not read), or why it could not be read (gone, a folder or a pipe named `.yaml`, ...).
 */
export type FileContent = { text: string } | { tooLarge: number } | { unreadable: string };

/**
 * The YAML files below `root` with their content, in `findYamlFiles` order, for a
 * whole-workspace scan. Folders and files are read synchronously, one at a time: for many
 * small files that is several times faster than promises (no thread-pool round trip per
 * open, stat, read and close), and each step is short, so the caller can still yield often.
 * Files `held` says the caller has already (open in an editor) are left out unread.
 */
export async function* readYamlFiles(
  root: string,
  exclude: ExcludeFilter,
  maxFileSize: number,
  held: (uri: string) => boolean = () => false,
): AsyncGenerator<FoundFile & { content: FileContent }> {
  for (const file of findYamlFilesSync(root, exclude)) {
    if (!held(file.uri)) yield { content: readContentSync(file.path, maxFileSize), ...file };
  }
}

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

/** `findYamlFiles`, synchronously (folders are read one at a time; see `readYamlFiles`). */
function* findYamlFilesSync(root: string, exclude: ExcludeFilter): Generator<FoundFile> {
  let isFile: boolean;
  try {
    isFile = statSync(root).isFile();
  } catch {
    return;
  }
  if (isFile) {
    yield { uri: pathToFileURL(root).href, path: root };
    return;
  }
  const pending = [root];
  while (pending.length > 0) {
    const dir = pending.pop()!;
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (exclude.excludes(full)) continue;
      if (entry.isDirectory()) {
        if (!ALWAYS_SKIPPED.has(entry.name)) pending.push(full);
      } else if ((entry.isFile() || entry.isSymbolicLink()) && isYamlFileName(entry.name)) {
        yield { uri: pathToFileURL(full).href, path: full };
      }
    }
  }
}

/** Opening never waits for a writer: a named pipe called `x.yaml` is refused by `fstat` instead. */
const OPEN_FLAGS = fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0);

/**
 * Reads a file as UTF-8 text (invalid bytes become U+FFFD) unless it is over `maxFileSize`
 * bytes or no regular file. One open, fstat, read and close: system calls are most of the cost
 * of reading thousands of small files, so there is no `stat` before the open.
 */
export function readContentSync(filePath: string, maxFileSize: number): FileContent {
  let fd: number | undefined;
  try {
    fd = openSync(filePath, OPEN_FLAGS);
    const stats = fstatSync(fd);
    if (!stats.isFile()) return { unreadable: 'not a regular file' };
    if (stats.size > maxFileSize) return { tooLarge: stats.size };
    // What the file held when it was opened: if it grows meanwhile, the rest is read next time.
    const bytes = Buffer.allocUnsafe(stats.size);
    let length = 0;
    while (length < bytes.length) {
      const read = readSync(fd, bytes, length, bytes.length - length, null);
      if (read === 0) break;
      length += read;
    }
    return { text: bytes.toString('utf8', 0, length) };
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
