import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const created: string[] = [];

/**
 * A fresh folder in the temporary directory, removed when the test process exits (each test file
 * runs in a process of its own), so that runs leave nothing behind.
 */
export function tempFolder(prefix = 'kube-endpoints-'): string {
  if (created.length === 0) {
    process.once('exit', () => {
      for (const folder of created) fs.rmSync(folder, { recursive: true, force: true });
    });
  }
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  created.push(folder);
  return folder;
}
