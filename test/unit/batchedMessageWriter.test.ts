import * as assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import { describe, test } from 'node:test';
import { type Message, StreamMessageReader } from 'vscode-languageserver/node';
import { BatchedMessageWriter } from '../../server/src/node/batchedMessageWriter';

/** A stream that keeps each write, or fails every write with `failure`. */
class RecordingStream extends Writable {
  readonly writes: Buffer[] = [];

  constructor(private readonly failure?: Error) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.writes.push(chunk);
    setImmediate(() => done(this.failure));
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
    const sent = Array.from({ length: 50 }, (_, i) => notification(i, i === 7 ? 'x'.repeat(200_000) : undefined));
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
