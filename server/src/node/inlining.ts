import { setFlagsFromString } from 'node:v8';

/**
 * How much bytecode V8's optimizing compiler may inline into one function: 920 bytes by default
 * in Node 20's V8. A cold start optimizes the reader and the model's builders first, large
 * functions into which it inlined so much that their compilations, on background threads, added
 * up to 2.5 s during a 3 s start at 50k resources: on two cores, time taken from the main thread.
 * With 150: 1.2–1.3 s; the command line's cold start at 50k 2.95–3.02 → 2.80–2.84 s (medians of
 * alternating runs; 40, 75 and 300 did as well), the server's 3.94 → 3.70 s, 10k 1.20 → 1.05 s;
 * the rules, once optimized, no slower, and keystrokes unchanged. Set when the process starts,
 * before any of our code is hot, so that every compilation sees it; threads share it.
 */
const INLINED_BYTECODE_LIMIT = 150;

// The standard streams first: what kind they are (file, pipe, terminal) decides which of Node's modules
// they load, and those must come before the flag (see bin/server.ts).
void process.stdout;
void process.stderr;
setFlagsFromString(`--max-inlined-bytecode-size-cumulative=${INLINED_BYTECODE_LIMIT}`);
