import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Minimatch } from 'minimatch';

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
  const stat = await fs.stat(root).catch(() => undefined);
  if (!stat) return;
  if (stat.isFile()) {
    yield { uri: pathToFileURL(root).href, path: root };
    return;
  }
  const pending = [root];
  while (pending.length > 0) {
    const dir = pending.pop()!;
    const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
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

/** Reads a file as UTF-8 text; undefined when it cannot be read or is not text. */
export async function readText(filePath: string): Promise<string | undefined> {
  try {
    const bytes = await fs.readFile(filePath);
    // A NUL byte means binary content under a YAML name: nothing to analyse.
    if (bytes.includes(0)) return undefined;
    return bytes.toString('utf8');
  } catch {
    return undefined;
  }
}
