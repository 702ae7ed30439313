// The baseline every cold figure is compared with: read the same YAML files the server reads and run
// `yaml`'s parseAllDocuments + toJS on each, nothing else. Prints one JSON line.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { parseAllDocuments } = require('yaml');

const root = process.argv[2];
const started = performance.now();
let files = 0;
let bytes = 0;
let documents = 0;
let resources = 0;
for (const file of yamlFiles(root)) {
  const text = fs.readFileSync(file, 'utf8');
  files++;
  bytes += Buffer.byteLength(text);
  const parsed = parseAllDocuments(text);
  for (const document of Array.isArray(parsed) ? parsed : []) {
    documents++;
    const value = document.toJS();
    if (typeof value?.kind === 'string') resources++;
  }
}
const ms = performance.now() - started;
process.stdout.write(JSON.stringify({ ms, files, bytes, documents, resources }) + '\n');

/** The files the server indexes: *.yaml and *.yml, without node_modules and .git. */
function* yamlFiles(dir) {
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
