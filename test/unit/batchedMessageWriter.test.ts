import * as assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import { describe, test } from 'node:test';
import { type Message, StreamMessageReader } from 'vscode-languageserver/node';
import { BatchedMessageWriter } from '../../server/src/node/batchedMessageWriter';

/**
 * A stream that keeps a copy of each write (the writer may fill a chunk again once the stream has
 * called back), or fails every write with `failure`. `chunks` are the chunks themselves.
 */
class RecordingStream extends Writable {
  readonly writes: Buffer[] = [];
  readonly chunks: Buffer[] = [];
  /** While set, writes call back only when `release` is called. */
  held: (() => void)[] | undefined;

  constructor(private readonly failure?: Error) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.writes.push(Buffer.from(chunk));
    this.chunks.push(chunk);
    if (this.held) this.held.push(() => done(this.failure));
    else setImmediate(() => done(this.failure));
  }
}

const notification = (i: number, text = `é ${i}`): Message =>
  ({ jsonrpc: '2.0', method: 'test/n', params: { i, text } }) as Message;

/** The messages in `bytes`, as vscode-jsonrpc's own reader reads them. */
async function readBack(bytes: Buffer, count: number): Promise<unknown[]> {
  const input = new PassThrough();
  const reader = new StreamMessageReader(input);
  const messages: unknown[] = [];
  const all = new Promise<void>((resolve) =>
    reader.listen((message) => {
      messages.push(message);
      if (messages.length === count) resolve();
    }),
  );
  input.end(bytes);
  await all;
  reader.dispose();
  return messages;
}

describe('BatchedMessageWriter', () => {
  test('writes the messages of one turn in one write, in order, framed as vscode-jsonrpc reads them', async () => {
    const stream = new RecordingStream();
    const writer = new BatchedMessageWriter(stream);
    const sent = Array.from({ length: 50 }, (_, i) => notification(i, i === 7 ? 'x'.repeat(1_200_000) : undefined));
    const written = sent.map((message) => writer.write(message));
    assert.equal(stream.writes.length, 0, 'nothing is written before the turn ends');
    await Promise.all(written);
    assert.equal(stream.writes.length, 1);
    assert.deepEqual(await readBack(stream.writes[0], sent.length), sent);
  });

  test('a message sent after a turn goes out in a write of its own, after the earlier ones', async () => {
    const stream = new RecordingStream();
    const writer = new BatchedMessageWriter(stream);
    const first = [writer.write(notification(1)), writer.write(notification(2))];
    await new Promise((resolve) => setImmediate(resolve));
    const second = writer.write(notification(3));
    await Promise.all([...first, second]);
    assert.equal(stream.writes.length, 2);
    assert.deepEqual(
      await readBack(Buffer.concat(stream.writes), 3),
      [1, 2, 3].map((i) => notification(i)),
    );
  });

  test('diagnostics are published as the same JSON, each serialized once while it is sent again', async () => {
    const stream = new RecordingStream();
    const writer = new BatchedMessageWriter(stream);
    let serialized = 0;
    const diagnostic = (line: number, message: string) => {
      const fields = {
        range: { start: { line, character: 2 }, end: { line, character: 9 } },
        severity: 2,
        source: 'kube-endpoints',
        code: 'port-mismatch',
        message,
        relatedInformation: [
          {
            location: {
              uri: 'file:///b.yaml',
              range: { start: { line: 1, character: 0 }, end: { line: 1, character: 3 } },
            },
            message: 'Service "default/web"',
          },
        ],
        data: { otherNamespace: null },
      };
      return { ...fields, toJSON: () => (serialized++, fields) };
    };
    const kept = diagnostic(3, 'port "http" — «é» \u{1F600} "quoted"\n');
    const publish = (params: object) =>
      ({ jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params }) as Message;
    const sent = [
      publish({ uri: 'file:///a.yaml', diagnostics: [kept, diagnostic(5, 'x')] }),
      publish({ uri: 'file:///a.yaml', version: 4, diagnostics: [diagnostic(1, 'y'), kept] }),
      publish({ uri: 'file:///c.yaml', diagnostics: [] }),
      // Fields the writer does not know: serialized as a whole.
      publish({ uri: 'file:///a.yaml', diagnostics: [kept], extra: true }),
    ];
    await Promise.all(sent.map((message) => writer.write(message)));
    assert.equal(serialized, 3 + 1, 'each diagnostic once, and the kept one again in the message serialized whole');
    assert.deepEqual(
      await readBack(Buffer.concat(stream.writes), sent.length),
      sent.map((message) => JSON.parse(JSON.stringify(message))),
    );
  });

  test('the output buffer is filled again once the stream has called back, never before', async () => {
    const stream = new RecordingStream();
    const writer = new BatchedMessageWriter(stream);
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    const release = () => stream.held!.splice(0).forEach((done) => done());
    stream.held = [];
    const first = writer.write(notification(1));
    await turn();
    const second = writer.write(notification(2));
    await turn();
    // The stream takes the second chunk once it has called back for the first.
    release();
    await turn();
    assert.equal(stream.chunks.length, 2);
    assert.notEqual(stream.chunks[1].buffer, stream.chunks[0].buffer, 'a buffer still being written is left alone');
    release();
    stream.held = undefined;
    await Promise.all([first, second]);
    await writer.write(notification(3));
    assert.equal(stream.chunks[2].buffer, stream.chunks[0].buffer, 'a written buffer is used again');
    assert.deepEqual(
      await readBack(Buffer.concat(stream.writes), 3),
      [1, 2, 3].map((i) => notification(i)),
    );
  });

  test('a failed write rejects its messages and is reported with the count of failures in a row', async () => {
    const failure = new Error('EPIPE');
    const writer = new BatchedMessageWriter(new RecordingStream(failure));
    const reported: [Error, Message | undefined, number | undefined][] = [];
    writer.onError((error) => reported.push(error));
    for (let round = 0; round < 2; round++) {
      const results = await Promise.allSettled([writer.write(notification(1)), writer.write(notification(2))]);
      assert.deepEqual(
        results.map((result) => result.status),
        ['rejected', 'rejected'],
      );
    }
    // The stream's own 'error' event is reported too, without a count.
    const counts = reported.map(([, , count]) => count).filter((count) => count !== undefined);
    assert.deepEqual(counts, [1, 2]);
  });
});
