/**
 * vscode-jsonrpc takes a turn of the event loop (a `setImmediate`) to decode a message it has
 * read, another to handle it and a third to write the answer, each queued behind the turns queued
 * before it; the message itself is read between turns. Work that lets messages through between
 * its slices waits this many turns, so that a request that came in during a slice is read,
 * answered and its answer written before the next slice, not one slice later.
 */
const TURNS_FOR_A_REQUEST = 4;

/** A slice of work scheduled by `afterWaitingMessages`, which can be called off. */
export type ScheduledSlice = { cancel(): void };

/** Runs `next` once the messages waiting now have been handled and answered. */
export function afterWaitingMessages(next: () => void): ScheduledSlice {
  let handle: NodeJS.Immediate;
  const hop = (turnsLeft: number) => {
    handle = setImmediate(turnsLeft === 1 ? next : () => hop(turnsLeft - 1));
  };
  hop(TURNS_FOR_A_REQUEST);
  return { cancel: () => clearImmediate(handle) };
}

/** `afterWaitingMessages`, for work written with `await`. */
export function waitingMessagesHandled(): Promise<void> {
  return new Promise((resolve) => afterWaitingMessages(resolve));
}
