import { setFlagsFromString } from 'node:v8';
import { isMainThread } from 'node:worker_threads';

/**
 * The V8 flags the server and the command line set as they start, at run time rather than on
 * Node's command line, so that every editor's way of starting them gets them. Set before any of
 * our code is hot, so that every compilation and collection sees them; threads share them.
 */

/**
 * How much bytecode V8's optimizing compiler may inline into one function: 920 bytes by default
 * in Node 20's V8. A cold start optimizes the reader and the model's builders first, large
 * functions into which it inlined so much that their compilations, on background threads, added
 * up to 2.5 s during a 3 s start at 50k resources: on two cores, time taken from the main thread.
 * With 150: 1.2–1.3 s; the command line's cold start at 50k 2.95–3.02 → 2.80–2.84 s (medians of
 * alternating runs; 40, 75 and 300 did as well), the server's 3.94 → 3.70 s, 10k 1.20 → 1.05 s;
 * the rules, once optimized, no slower, and keystrokes unchanged.
 */
const INLINED_BYTECODE_LIMIT = 150;

/**
 * How much V8 grows its young generation when most of what it holds survives a collection, as
 * while a start parses: 2 by default, doubling it from 2 MB up to 32 MB. With 1 it keeps its
 * first size, so that collections reuse the same memory rather than touch fresh pages, which
 * costs more than the extra collections on the machines measured: the 2,000-document file's
 * first diagnostics 41–52 ms sooner of about 390 ms (median differences of 21 paired starts,
 * two runs), its parse alone 12 ms of 115; the command line's cold start at 50k unchanged
 * (3.27 s against 3.28 s, medians of 7 alternating runs), as its peak memory.
 */
const YOUNG_GENERATION_GROWTH = 1;

/**
 * Sets the flags; again once a thread has started, and before the code cache is written: V8
 * configures the heap of every new thread (Heap::ConfigureHeap), which puts a growth factor under 2
 * back to 2 for the whole process. Left so, the young generation grew to 32 MB once the scan's
 * reader thread ran, and the code cache written after the first check was made under other flags
 * than those of the next start, which refused it: every start of a workspace large enough for the
 * thread compiled the bundle anew.
 */
export function setV8Flags(): void {
  setFlagsFromString(`--max-inlined-bytecode-size-cumulative=${INLINED_BYTECODE_LIMIT}`);
  setFlagsFromString(`--semi-space-growth-factor=${YOUNG_GENERATION_GROWTH}`);
}

// The reader thread's bundle holds this module too, and sets the flags itself once it runs (see scan.ts).
if (isMainThread) {
  // The standard streams first: what kind they are (file, pipe, terminal) decides which of Node's modules
  // they load, and those must come before the flags (see bin/server.ts).
  void process.stdout;
  void process.stderr;
  setV8Flags();
}
