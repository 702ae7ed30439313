/**
 * What the server's bundle has in place of two Node modules that vscode-languageserver's Node
 * build loads and the server never uses (esbuild.mjs aliases both to this file): `child_process`,
 * for its `Files` helpers that run npm and yarn to find global modules, and `crypto`, to name the
 * pipes of a transport that a client creates. Not loading them takes 10 ms off every start, and
 * leaves the bundle unable to start a process at all (test/unit/security.test.ts holds both).
 */

function absent(name: string): never {
  throw new Error(`${name} is not part of the Kube Endpoints language server`);
}

/** child_process */
export function fork(): never {
  return absent('child_process.fork');
}

/** child_process */
export function spawnSync(): never {
  return absent('child_process.spawnSync');
}

/** crypto */
export function randomBytes(): never {
  return absent('crypto.randomBytes');
}
