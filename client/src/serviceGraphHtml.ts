/** What the Service graph page needs from its host: the webview's source and the assets' URIs. */
export type ServiceGraphPage = {
  /** `webview.cspSource`: the origin the webview serves local resources from. */
  cspSource: string;
  /** A fresh random value per page; only scripts carrying it run. */
  nonce: string;
  scriptUri: string;
  styleUri: string;
};

/**
 * The HTML of the Service graph webview. Nothing but our bundled script and style
 * loads: `default-src 'none'`, scripts by nonce, and `'wasm-unsafe-eval'` so the
 * bundled Graphviz WebAssembly can compile (it does not allow `eval`). Also used
 * as is by the headless browser test.
 */
export function serviceGraphHtml({ cspSource, nonce, scriptUri, styleUri }: ServiceGraphPage): string {
  const csp = [
    "default-src 'none'",
    `style-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}' 'wasm-unsafe-eval'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${csp}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" href="${styleUri}">
  <title>Service Graph</title>
</head>
<body data-state="loading">
  <header>
    <h1>Service Graph</h1>
    <span id="summary">Loading…</span>
    <select id="namespace" aria-label="Namespace"><option value="">All namespaces</option></select>
    <input id="query" type="search" placeholder="Find a name" aria-label="Find a name">
    <button id="zoom-out" title="Zoom out" aria-label="Zoom out">−</button>
    <button id="zoom-reset" title="Actual size">100%</button>
    <button id="zoom-in" title="Zoom in" aria-label="Zoom in">+</button>
    <button id="refresh" title="Read the workspace again">Refresh</button>
  </header>
  <main id="graph"><p class="message">Loading…</p></main>
  <script type="module" nonce="${nonce}" src="${scriptUri}"></script>
</body>
</html>
`;
}
