import * as path from 'node:path';
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { setV8Flags } from './v8Flags';
import {
  type ExcludeGlobs,
  ExcludeFilter,
  type FileContent,
  FolderWalk,
  type FoundFile,
  readContentSync,
  readFileBytes,
  type UnreadFile,
} from './workspaceFiles';

/**
 * Files the scan reads itself before it starts a reader thread. A thread takes about 50 ms to
 * start here, in which the scan reads and parses some hundreds of files: a small workspace is
 * done before a thread would be of use.
 */
const FILES_BEFORE_THREAD = 200;

/** A file of the scan, with what reading it gave. */
export type ReadFile = FoundFile & { content: FileContent };

/**
 * The YAML files below `root` with their content, in `FolderWalk` order, for a whole-workspace
 * scan. Listing folders and reading files are system calls, about a quarter of a cold start on
 * their own: once the workspace proves larger than a few hundred files, a reader thread takes over
 * the rest of the walk, so they run on another core while this thread parses what it has read.
 * Files `held` says the caller already has (open in an editor) are left out. Returns how many
 * files the reader thread read (none when this thread read them all).
 */
export function* readYamlFiles(
  root: string,
  exclude: ExcludeFilter,
  maxFileSize: number,
  held: (uri: string) => boolean = () => false,
): Generator<ReadFile, number> {
  const walk = FolderWalk.from(root, exclude);
  let thread: ReaderThread | undefined;
  let readHere = 0;
  try {
    // The walk changes hands between folders, once the thread runs.
    while (!thread?.started()) {
      const files = walk.nextFiles();
      if (!files) return 0;
      for (const file of files) {
        if (!held(file.uri)) yield { content: readContentSync(file.path, maxFileSize), ...file };
      }
      readHere += files.length;
      if (!thread && readHere >= FILES_BEFORE_THREAD) thread = ReaderThread.start();
    }
    let readByThread = 0;
    for (const file of thread.readRest(walk.pending, exclude.sources, maxFileSize)) {
      readByThread++;
      if (!held(file.uri)) yield file;
    }
    return readByThread;
  } finally {
    thread?.stop();
  }
}

/** Slots of the memory the scan and its reader thread share (32-bit integers). */
const STARTED = 0;
const BATCHES_SENT = 1;
const BATCHES_TAKEN = 2;

/** The reader thread sends files in batches of about this many bytes, their bytes moved, not copied. */
const BATCH_BYTES = 64 * 1024;

/** Batches the reader thread may send ahead of the scan: it waits rather than fill the memory. */
const BATCHES_AHEAD = 32;

/** What the scan asks of its reader thread: the rest of a walk. */
type ReadRequest = { pending: string[]; excludes: readonly ExcludeGlobs[]; maxFileSize: number };

/** A file in a batch: where its bytes are in the batch's buffer, or why they are not. */
type BatchEntry = FoundFile & ({ start: number; end: number } | UnreadFile);

type Batch = { files: BatchEntry[]; buffer: ArrayBuffer; last: boolean } | { error: string };

/** The data a reader thread starts with (see `scanWorker.ts`). */
export type ReaderThreadData = { port: MessagePort; shared: Int32Array };

/**
 * A thread that lists and reads files for the scan. The scan takes its batches synchronously
 * (`receiveMessageOnPort`), waiting on the shared memory when none is there yet, so it can go on
 * yielding files one at a time as before, and it runs only our own `scanWorker.js`.
 */
class ReaderThread {
  /** Why the thread ended, if it failed (it may fail to start: the scan then reads on by itself). */
  private failure: Error | undefined;

  private constructor(
    private readonly worker: Worker,
    private readonly port: MessagePort,
    private readonly shared: Int32Array,
  ) {
    worker.on('error', (error) => (this.failure = error));
  }

  static start(): ReaderThread {
    const { port1, port2 } = new MessageChannel();
    const shared = new Int32Array(new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT));
    const workerData: ReaderThreadData = { port: port2, shared };
    const worker = new Worker(path.join(__dirname, 'scanWorker.js'), { workerData, transferList: [port2] });
    // The thread never keeps the process alive, nor do its messages.
    worker.unref();
    port1.unref();
    return new ReaderThread(worker, port1, shared);
  }

  /** Whether the thread is running (until then the scan reads on by itself). */
  started(): boolean {
    return Atomics.load(this.shared, STARTED) === 1;
  }

  /** Hands the walk over to the thread, then yields what it reads, in the walk's order. */
  *readRest(pending: string[], excludes: readonly ExcludeGlobs[], maxFileSize: number): Generator<ReadFile> {
    this.port.postMessage({ pending, excludes, maxFileSize } satisfies ReadRequest);
    for (;;) {
      const batch = this.nextBatch();
      if ('error' in batch) throw new Error(`the file reader thread failed: ${batch.error}`);
      Atomics.add(this.shared, BATCHES_TAKEN, 1);
      Atomics.notify(this.shared, BATCHES_TAKEN);
      const bytes = Buffer.from(batch.buffer);
      for (const { uri, path: filePath, ...read } of batch.files) {
        const content: FileContent = 'start' in read ? { text: bytes.toString('utf8', read.start, read.end) } : read;
        yield { uri, path: filePath, content };
      }
      if (batch.last) return;
    }
  }

  private nextBatch(): Batch {
    for (;;) {
      // Read before looking, so that a batch sent in between ends the wait at once.
      const sent = Atomics.load(this.shared, BATCHES_SENT);
      const received = receiveMessageOnPort(this.port);
      if (received) return received.message as Batch;
      if (this.worker.threadId === -1) throw new Error(`the file reader thread stopped: ${this.failure}`);
      Atomics.wait(this.shared, BATCHES_SENT, sent, 100);
    }
  }

  stop(): void {
    void this.worker.terminate();
  }
}

/**
 * The reader thread's side (run by `scanWorker.ts`): says it has started, takes one request,
 * walks and reads, and sends the files in batches, their bytes in one buffer per batch.
 */
export function serveReads({ port, shared }: ReaderThreadData): void {
  port.once('message', ({ pending, excludes, maxFileSize }: ReadRequest) => {
    try {
      const walk = new FolderWalk(new ExcludeFilter(...excludes), pending);
      const batch = new BatchBuilder(port, shared);
      for (const file of walk.files()) {
        // Nothing when the batch took the bytes; else why the file was not read.
        const unread = readFileBytes(file.path, maxFileSize, (bytes) => batch.add(file, bytes));
        if (unread) batch.addUnread(file, unread);
      }
      batch.send(true);
    } catch (error) {
      port.postMessage({ error: String(error) } satisfies Batch);
    }
    port.close();
  });
  // Before the scan goes on: its heap, configured as the thread started, has set the young generation's growth back.
  setV8Flags();
  Atomics.store(shared, STARTED, 1);
}

/** Fills a batch buffer with files' bytes and sends it when full, waiting when too far ahead. */
class BatchBuilder {
  private files: BatchEntry[] = [];
  private buffer = new Uint8Array(BATCH_BYTES);
  private used = 0;
  private sent = 0;

  constructor(
    private readonly port: MessagePort,
    private readonly shared: Int32Array,
  ) {}

  /** Copies a file's bytes into the batch (a new batch when they do not fit). */
  add(file: FoundFile, bytes: Buffer): void {
    if (this.used + bytes.length > this.buffer.length) {
      if (this.files.length > 0) this.send(false);
      if (bytes.length > this.buffer.length) this.buffer = new Uint8Array(bytes.length);
    }
    this.buffer.set(bytes, this.used);
    this.files.push(Object.assign({}, file, { start: this.used, end: this.used + bytes.length }));
    this.used += bytes.length;
  }

  /** A file that was not read: too large, or unreadable. */
  addUnread(file: FoundFile, why: UnreadFile): void {
    this.files.push(Object.assign({}, file, why));
  }

  send(last: boolean): void {
    const { buffer } = this.buffer;
    this.port.postMessage({ files: this.files, buffer, last } satisfies Batch, [buffer]);
    Atomics.store(this.shared, BATCHES_SENT, ++this.sent);
    Atomics.notify(this.shared, BATCHES_SENT);
    if (last) return;
    this.files = [];
    this.buffer = new Uint8Array(BATCH_BYTES);
    this.used = 0;
    // With a time-out, so that a thread told to stop meanwhile is never stuck here.
    for (let taken; this.sent - (taken = Atomics.load(this.shared, BATCHES_TAKEN)) >= BATCHES_AHEAD;) {
      Atomics.wait(this.shared, BATCHES_TAKEN, taken, 100);
    }
  }
}
