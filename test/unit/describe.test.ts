import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { characterClassCounts, editDistance, editDistanceAtLeast } from '../../server/src/rules/describe';
import { seeded } from '../support/edits';

/** The textbook Levenshtein distance, over the whole table. */
function levenshtein(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next.push(Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)));
    }
    row = next;
  }
  return row[b.length];
}

test('editDistance is the Levenshtein distance, capped at limit + 1, on names a few edits apart', () => {
  const random = seeded(11);
  const pick = (n: number) => Math.floor(random() * n);
  const alphabet = 'ab-1';
  const word = (length: number) => Array.from({ length }, () => alphabet[pick(alphabet.length)]).join('');
  const within = new Map<number, number>();
  for (let i = 0; i < 20_000; i++) {
    const a = word(pick(14));
    // Another word, or `a` with a few random edits: both near and far pairs are common.
    let b = random() < 0.3 ? word(pick(14)) : a;
    for (let edits = pick(5); edits > 0; edits--) {
      const at = pick(b.length + 1);
      const kind = pick(3);
      b = b.slice(0, at) + (kind === 1 ? '' : alphabet[pick(alphabet.length)]) + b.slice(kind === 0 ? at : at + 1);
    }
    const limit = pick(4);
    const expected = Math.min(levenshtein(a, b), limit + 1);
    assert.equal(editDistance(a, b, limit), expected, `${JSON.stringify(a)} ${JSON.stringify(b)} limit ${limit}`);
    within.set(expected, (within.get(expected) ?? 0) + 1);
  }
  // Every distance from 0 to the largest limit + 1 came up often.
  for (let distance = 0; distance <= 4; distance++)
    assert.ok((within.get(distance) ?? 0) > 500, `distance ${distance}`);
});

test('editDistanceAtLeast never exceeds the edit distance, and rules out most names far apart', () => {
  const random = seeded(12);
  const pick = (n: number) => Math.floor(random() * n);
  // Every class of characters (code modulo 8), and runs of one class longer than a count holds.
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789-.';
  const word = (length: number) =>
    random() < 0.1 ? 'a'.repeat(length + 14) : Array.from({ length }, () => alphabet[pick(alphabet.length)]).join('');
  let far = 0;
  let ruledOut = 0;
  for (let i = 0; i < 20_000; i++) {
    const a = word(pick(20));
    let b = random() < 0.5 ? word(pick(20)) : a;
    for (let edits = pick(4); edits > 0; edits--) {
      const at = pick(b.length + 1);
      const kind = pick(3);
      b = b.slice(0, at) + (kind === 1 ? '' : alphabet[pick(alphabet.length)]) + b.slice(kind === 0 ? at : at + 1);
    }
    const distance = levenshtein(a, b);
    const bound = editDistanceAtLeast(characterClassCounts(a), characterClassCounts(b));
    assert.ok(bound <= distance, `${JSON.stringify(a)} ${JSON.stringify(b)}: ${bound} > ${distance}`);
    if (distance > 2) {
      far++;
      if (bound > 2) ruledOut++;
    }
  }
  assert.ok(ruledOut > far / 2, `${ruledOut} of ${far} pairs more than 2 edits apart ruled out`);
});
