import { AbstractMessageWriter, type Message, type MessageWriter } from 'vscode-languageserver/node';

type Waiting = { resolve: () => void; reject: (error: Error) => void };

/**
 * Writes LSP messages to a stream (standard output, for `--stdio`), all those sent in one turn of
 * the event loop in one write. vscode-jsonrpc's stream writer writes each message in a turn of
 * its own and its header and body apart: after the first check of a large workspace, which
 * publishes thousands of files' diagnostics at once, those writes were most of the publication.
 * Each message's promise settles once the write that holds it has.
 */
export class BatchedMessageWriter extends AbstractMessageWriter implements MessageWriter {
  private chunks: Buffer[] = [];
  private waiting: Waiting[] = [];
  private failedWrites = 0;

  constructor(private readonly stream: NodeJS.WritableStream) {
    super();
    stream.on('error', (error: Error) => this.fireError(error));
    stream.on('close', () => this.fireClose());
  }

  write(message: Message): Promise<void> {
    const body = Buffer.from(JSON.stringify(message), 'utf8');
    // The first message of the turn schedules the write: the others of the turn join it.
    if (this.chunks.length === 0) queueMicrotask(() => this.flush());
    this.chunks.push(Buffer.from(`Content-Length: ${body.byteLength}\r\n\r\n`, 'ascii'), body);
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  end(): void {
    this.stream.end();
  }

  private flush(): void {
    const { chunks, waiting } = this;
    this.chunks = [];
    this.waiting = [];
    this.stream.write(Buffer.concat(chunks), (error) => {
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
}
