// Draws bench/results.svg from the results: plain SVG written here, no library and no network.

const WIDTH = 760;
const BAR = 14;
const LABEL = 190;
const COLORS = {
  bare: '#9aa5b1',
  lsp: '#2f6fde',
  cli: '#43a047',
  p50: '#2f6fde',
  p95: '#f0a202',
  p99: '#d9480f',
  peer: '#9aa5b1',
};

export function renderChart(results) {
  const parts = [];
  let y = 30;
  parts.push(text(12, 20, 'Kube Endpoints benchmark' + (results.quick ? ' (quick)' : ''), 16, 'bold'));

  // Cold start per workspace: bare parse vs server vs command line.
  y += 10;
  parts.push(text(12, y, 'Cold: start → every diagnostic (seconds)', 13, 'bold'));
  y += 10;
  const coldMax = Math.max(...results.workspaces.flatMap((w) => [w.bareParseMs, w.lsp.ms, w.cli.ms]));
  for (const w of results.workspaces) {
    const rows = [
      ['bare parse', w.bareParseMs, COLORS.bare],
      ['server (LSP)', w.lsp.ms, COLORS.lsp],
      ['command line', w.cli.ms, COLORS.cli],
    ];
    parts.push(text(12, y + 12, `${w.name} (${w.resources} resources)`, 12, 'bold'));
    y += 18;
    for (const [label, value, color] of rows) {
      parts.push(bar(y, label, value, coldMax, color, `${(value / 1000).toFixed(2)} s`));
      y += BAR + 4;
    }
    y += 8;
  }

  // Keystroke percentiles against the target.
  const k = results.keystroke;
  y += 10;
  parts.push(
    text(
      12,
      y,
      `Keystroke in a 2,000-document file (${k.workspace}, over ${k.transport}, ${k.edits} edits): ms to fresh diagnostics`,
      13,
      'bold',
    ),
  );
  y += 10;
  const keyMax = Math.max(k.p99Ms, 15) * 1.1;
  for (const [label, value, color] of [
    ['p50', k.p50Ms, COLORS.p50],
    ['p95', k.p95Ms, COLORS.p95],
    ['p99', k.p99Ms, COLORS.p99],
  ]) {
    parts.push(bar(y, label, value, keyMax, color, `${value.toFixed(1)} ms`));
    y += BAR + 4;
  }
  const targetX = LABEL + ((WIDTH - LABEL - 90) * 15) / keyMax;
  parts.push(
    `<line x1="${targetX}" y1="${y - 3 * (BAR + 4)}" x2="${targetX}" y2="${y}" stroke="#000" stroke-dasharray="4 3"/>`,
  );
  parts.push(text(targetX + 3, y + 10, 'target 15 ms', 10));
  y += 18;

  // Time to first diagnostics on the same file.
  const runs = results.peer.runs.filter((run) => run.spawnToFirstDiagnosticsMs !== undefined);
  if (runs.length > 0) {
    y += 10;
    parts.push(text(12, y, 'Same file, server start → first diagnostics (ms)', 13, 'bold'));
    y += 10;
    const peerMax = Math.max(...runs.map((run) => run.spawnToFirstDiagnosticsMs));
    for (const run of runs) {
      const color = run.name.startsWith('kube-endpoints') ? COLORS.lsp : COLORS.peer;
      parts.push(
        bar(
          y,
          run.name.replace('yaml-language-server', 'yaml-ls'),
          run.spawnToFirstDiagnosticsMs,
          peerMax,
          color,
          `${Math.round(run.spawnToFirstDiagnosticsMs)} ms`,
        ),
      );
      y += BAR + 4;
    }
  }
  y += 16;
  parts.push(text(12, y, `${results.machine.cpus} cores, ${results.machine.node}, ${results.date.slice(0, 10)}`, 10));
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${y + 10}" viewBox="0 0 ${WIDTH} ${y + 10}" font-family="sans-serif">\n` +
    `<rect width="100%" height="100%" fill="#fff"/>\n${parts.join('\n')}\n</svg>\n`
  );
}

function bar(y, label, value, max, color, caption) {
  const width = Math.max(1, ((WIDTH - LABEL - 90) * value) / max);
  return (
    text(LABEL - 8, y + BAR - 3, label, 11, 'normal', 'end') +
    `<rect x="${LABEL}" y="${y}" width="${width.toFixed(1)}" height="${BAR}" fill="${color}"/>` +
    text(LABEL + width + 5, y + BAR - 3, caption, 11)
  );
}

function text(x, y, content, size, weight = 'normal', anchor = 'start') {
  const escaped = String(content).replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return `<text x="${x.toFixed ? x.toFixed(1) : x}" y="${y}" font-size="${size}" font-weight="${weight}" text-anchor="${anchor}">${escaped}</text>`;
}
