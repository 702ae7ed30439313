// Bundles the client and the server (with the CLI) into single files, as the .vsix and the bins ship them,
// and the Service graph webview (script with Graphviz as WebAssembly, and style) for the browser.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const common = {
  bundle: true,
  minify: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
};

// yaml's ES module build (the one its package gives browsers; the same code, with warnings on
// console.warn instead of process.emitWarning). Its Node build is CommonJS, which esbuild wraps so
// that every call of an imported function (isMap, isScalar… once per YAML node) goes through a
// getter: cold 50k 6.2 -> 5.8 s, first diagnostics of a 2,000-document file 5% sooner.
const esmYaml = { yaml: './node_modules/yaml/browser/index.js' };
// Two Node modules that vscode-languageserver loads and the server never uses (see the file).
const absentModules = {
  child_process: './server/src/node/absentModules.ts',
  crypto: './server/src/node/absentModules.ts',
};

await Promise.all([
  build({
    ...common,
    entryPoints: ['client/src/extension.ts'],
    outfile: 'client/out/extension.js',
    external: ['vscode'],
  }),
  build({
    ...common,
    alias: { ...esmYaml, ...absentModules },
    entryPoints: ['server/src/server.ts'],
    outfile: 'server/out/serverMain.js',
  }),
  // The executables (package.json's bins, the extension's server module): each runs its program's
  // bundle through V8's code cache (server/src/node/compileCache.ts).
  build({ ...common, entryPoints: ['server/src/bin/server.ts'], outfile: 'server/out/server.js' }),
  build({ ...common, entryPoints: ['server/src/bin/cli.ts'], outfile: 'server/out/cli.js' }),
  // The scan's reader thread, beside the server and the CLI, which start it from their folder.
  build({ ...common, entryPoints: ['server/src/node/scanWorker.ts'], outfile: 'server/out/scanWorker.js' }),
  build({
    ...common,
    alias: esmYaml,
    entryPoints: ['server/src/cli/main.ts'],
    outfile: 'server/out/cliMain.js',
    define: { VERSION: JSON.stringify(version) },
  }),
  build({
    ...common,
    platform: 'browser',
    target: ['chrome114'],
    format: 'esm',
    // Graphviz's WebAssembly is embedded as a string: escaping its bytes as \uXXXX would add a third.
    charset: 'utf8',
    entryPoints: ['client/webview/serviceGraph.ts', 'client/webview/serviceGraph.css'],
    outdir: 'client/out/webview',
  }),
]);
