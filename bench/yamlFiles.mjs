// The YAML files of a workspace as the server finds them, for the bench's scripts.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The files the server indexes: *.yaml and *.yml, without node_modules and .git, in a stable order. */
export function* yamlFiles(dir) {
  const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== '.git') yield* yamlFiles(full);
    } else if (/\.ya?ml$/i.test(entry.name)) {
      yield full;
    }
  }
}
