import type { MessageWriter, NotificationMessage, PublishDiagnosticsParams } from 'vscode-languageserver/node';
import { AbstractMessageWriter, Message, PublishDiagnosticsNotification } from '../lsp';

type Waiting = { resolve: () => void; reject: (error: Error) => void };

type PublishDiagnosticsMessage = NotificationMessage & { params: PublishDiagnosticsParams };

/** The fields of a publication's parameters that `serialize` writes itself. */
const PUBLICATION_FIELDS = new Set(['uri', 'version', 'diagnostics']);

/** The smallest output buffer. */
const MIN_BUFFER_BYTES = 64 * 1024;

/** The largest output buffer kept for the next write: larger ones (the first check of a large workspace) are let go. */
const MAX_KEPT_BUFFER_BYTES = 1024 * 1024;

/**
 * Writes LSP messages to a stream (standard output, for `--stdio`), all those sent in one turn of
 * the event loop in one write. vscode-jsonrpc's stream writer writes each message in a turn of
 * its own and its header and body apart: after the first check of a large workspace, which
 * publishes thousands of files' diagnostics at once, those writes were most of the publication.
 * Each message's promise settles once the write that holds it has.
 *
 * A keystroke in a file with hundreds of findings sends all of them again (180 KB for the
 * benchmark's 2,000-document file), and writing that took about as long as checking the edit:
 * - Each diagnostic's JSON is made once. The publisher sends a finding that has not changed as
 *   the same diagnostic object, never modified (see features/diagnostics.ts).
 * - The JSON goes into the output piece by piece. V8 returns the JSON of a large value as a
 *   tree of pieces, which encoding it as UTF-8 first copies into one flat string.
 * - The output buffer is kept from one write to the next: this VM charges about 16 µs for the
 *   first touch of each 4 KB page of fresh memory, and a fresh 180 KB buffer has 45 of them.
 *   So the stream must be done with a chunk once it calls back, as sockets, pipes and files are.
 */
export class BatchedMessageWriter extends AbstractMessageWriter implements MessageWriter {
  /** The messages of this turn, each as pieces of JSON. */
  private pending: string[][] = [];
  private waiting: Waiting[] = [];
  private failedWrites = 0;
  /** The JSON of each diagnostic sent (see above). */
  private readonly diagnosticJson = new WeakMap<object, string>();
  /** The output buffer of an earlier write, once written. */
  private kept: Buffer | undefined;

  constructor(private readonly stream: NodeJS.WritableStream) {
    super();
    stream.on('error', (error: Error) => this.fireError(error));
    stream.on('close', () => this.fireClose());
  }

  write(message: Message): Promise<void> {
    // The first message of the turn schedules the write: the others of the turn join it.
    if (this.pending.length === 0) queueMicrotask(() => this.flush());
    this.pending.push(this.serialize(message));
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  end(): void {
    this.stream.end();
  }

  /** The JSON of a message in pieces: the same value as `JSON.stringify(message)`. */
  private serialize(message: Message): string[] {
    if (!isPublishDiagnostics(message)) return [JSON.stringify(message)];
    const { uri, version, diagnostics } = message.params;
    const pieces = [
      `{"jsonrpc":${JSON.stringify(message.jsonrpc)},"method":${JSON.stringify(message.method)},` +
        `"params":{"uri":${JSON.stringify(uri)},` +
        (version === undefined ? '' : `"version":${JSON.stringify(version)},`) +
        '"diagnostics":[',
    ];
    for (let i = 0; i < diagnostics.length; i++) {
      // A piece of its own: joined to the diagnostic's JSON, it would be copied with it.
      if (i > 0) pieces.push(',');
      let json = this.diagnosticJson.get(diagnostics[i]);
      if (json === undefined) this.diagnosticJson.set(diagnostics[i], (json = JSON.stringify(diagnostics[i])));
      pieces.push(json);
    }
    pieces.push(']}}');
    return pieces;
  }

  private flush(): void {
    const { pending, waiting } = this;
    this.pending = [];
    this.waiting = [];
    const lengths = pending.map(byteLengthOf);
    const headers = lengths.map((length) => `Content-Length: ${length}\r\n\r\n`);
    let size = 0;
    for (let i = 0; i < pending.length; i++) size += headers[i].length + lengths[i];
    const buffer = this.bufferOf(size);
    let used = 0;
    for (let i = 0; i < pending.length; i++) {
      used += buffer.write(headers[i], used, 'latin1');
      for (const piece of pending[i]) used += buffer.write(piece, used, 'utf8');
    }
    this.stream.write(buffer.subarray(0, used), (error) => {
      this.keep(buffer);
      if (!error) {
        this.failedWrites = 0;
        for (const message of waiting) message.resolve();
        return;
      }
      // As vscode-jsonrpc's writer reports them: the connection counts failures in a row.
      this.fireError(error, undefined, ++this.failedWrites);
      for (const message of waiting) message.reject(error);
    });
  }

  /**
   * A buffer of at least `size` bytes: the kept one if it is large enough, else a new one, of a
   * power of two, so that the next writes, a little larger or smaller, can use it again.
   */
  private bufferOf(size: number): Buffer {
    const kept = this.kept;
    if (kept && kept.length >= size) {
      this.kept = undefined;
      return kept;
    }
    if (size > MAX_KEPT_BUFFER_BYTES) return Buffer.allocUnsafeSlow(size);
    return Buffer.allocUnsafeSlow(2 ** Math.ceil(Math.log2(Math.max(size, MIN_BUFFER_BYTES))));
  }

  /** Keeps a written buffer for the next write, unless it is too large or smaller than the one kept. */
  private keep(buffer: Buffer): void {
    if (buffer.length <= MAX_KEPT_BUFFER_BYTES && buffer.length > (this.kept?.length ?? 0)) this.kept = buffer;
  }
}

/**
 * Whether `serialize` can write a message itself: a publication of diagnostic objects with no
 * fields but those it writes.
 */
function isPublishDiagnostics(message: Message): message is PublishDiagnosticsMessage {
  if (!Message.isNotification(message) || message.method !== PublishDiagnosticsNotification.method) return false;
  const params = message.params as Partial<PublishDiagnosticsParams> | undefined;
  return (
    Object.keys(message).length === 3 &&
    typeof params?.uri === 'string' &&
    Array.isArray(params.diagnostics) &&
    params.diagnostics.every((diagnostic) => typeof diagnostic === 'object' && diagnostic !== null) &&
    Object.keys(params).every((field) => PUBLICATION_FIELDS.has(field))
  );
}

function byteLengthOf(pieces: readonly string[]): number {
  let length = 0;
  for (const piece of pieces) length += Buffer.byteLength(piece, 'utf8');
  return length;
}
