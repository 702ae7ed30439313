/**
 * What the extension changes in the environment the server inherits from the extension host (as
 * `vscode-languageclient` merges it: a variable set to `undefined` is left out of the child's).
 *
 * - `KUBE_ENDPOINTS_COMPILE_CACHE`: the folder for V8's code cache of the server's bundle, the
 *   extension's storage rather than the user's cache folder (server/src/node/compileCache.ts).
 * - `NODE_EXTRA_CA_CERTS` is dropped: Node reads and parses every certificate of that file before
 *   any code runs, whether TLS is used or not, and the server opens no connection. With Debian's
 *   bundle (which corporate set-ups often name there) that was 55 of the 90 ms of `node -e 0` on
 *   the 2-core machine; yaml-language-server, started with the variable, pays it.
 *
 * Shared with the benchmark (bench/run.mjs), which starts the server as the extension does.
 */
export function serverEnvironment(
  compileCacheFolder: string | undefined,
  inherited: NodeJS.ProcessEnv = process.env,
): Record<string, string | undefined> {
  const environment: Record<string, string | undefined> = { NODE_EXTRA_CA_CERTS: undefined };
  // Names are case-insensitive on Windows, where the inherited one may be spelled otherwise.
  for (const name of Object.keys(inherited)) {
    if (name.toUpperCase() === 'NODE_EXTRA_CA_CERTS') environment[name] = undefined;
  }
  if (compileCacheFolder !== undefined) environment.KUBE_ENDPOINTS_COMPILE_CACHE = compileCacheFolder;
  return environment;
}
