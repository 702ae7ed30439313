// Preloaded into the measured server (`node --require bench/probe.js`): on SIGUSR2 it writes the
// process's memory to $BENCH_PROBE_FILE, after a full GC when --expose-gc is on. It touches nothing else.
const fs = require('node:fs');
const v8 = require('node:v8');

const file = process.env.BENCH_PROBE_FILE;
if (file) {
  process.on('SIGUSR2', () => {
    const cpu = process.cpuUsage();
    const beforeGc = process.memoryUsage();
    if (typeof global.gc === 'function') global.gc();
    const after = process.memoryUsage();
    fs.writeFileSync(
      file,
      JSON.stringify({
        cpuMs: (cpu.user + cpu.system) / 1000,
        peakRssBytes: process.resourceUsage().maxRSS * 1024,
        rssBytes: after.rss,
        heapUsedBytes: after.heapUsed,
        heapUsedBeforeGcBytes: beforeGc.heapUsed,
        heapTotalBytes: after.heapTotal,
        externalBytes: after.external,
        peakHeapBytes: v8.getHeapSpaceStatistics().reduce((sum, space) => sum + space.space_size, 0),
      }),
    );
  });
}
