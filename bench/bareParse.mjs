// The baseline every cold figure is compared with: read the same YAML files the server reads and run
// `yaml`'s parseAllDocuments + toJS on each, nothing else. Prints one JSON line.
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import { yamlFiles } from './yamlFiles.mjs';

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
