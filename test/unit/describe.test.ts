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

/** Random words of `alphabet` drawn with `random`, and random edits of them. */
function wordMaker(random: () => number, alphabet: string) {
  const pick = (n: number) => Math.floor(random() * n);
  const letter = () => alphabet[pick(alphabet.length)];
  return {
    pick,
    word: (length: number) => Array.from({ length }, letter).join(''),
    /** `word` after fewer than `maxEdits` random insertions, deletions and replacements. */
    edited(word: string, maxEdits: number): string {
      for (let edits = pick(maxEdits); edits > 0; edits--) {
        const at = pick(word.length + 1);
        const kind = pick(3);
        word = word.slice(0, at) + (kind === 1 ? '' : letter()) + word.slice(kind === 0 ? at : at + 1);
      }
      return word;
    },
  };
}

test('editDistance is the Levenshtein distance, capped at limit + 1, on names a few edits apart', () => {
  const random = seeded(11);
  const { pick, word, edited } = wordMaker(random, 'ab-1');
  const within = new Map<number, number>();
  for (let i = 0; i < 20_000; i++) {
    // Mostly names of one machine word, some longer or beyond ASCII (the table's band measures those).
    const length = random() < 0.1 ? 28 + pick(10) : pick(14);
    const a = random() < 0.05 ? `${word(length)}é` : word(length);
    // Another word, or `a` with a few random edits: both near and far pairs are common.
    const b = edited(random() < 0.3 ? word(pick(14)) : a, 5);
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
  // Every class of characters (code modulo 8), and runs of one class longer than a count holds.
  const { pick, word: randomWord, edited } = wordMaker(random, 'abcdefghijklmnopqrstuvwxyz0123456789-.');
  const word = (length: number) => (random() < 0.1 ? 'a'.repeat(length + 14) : randomWord(length));
  let far = 0;
  let ruledOut = 0;
  for (let i = 0; i < 20_000; i++) {
    const a = word(pick(20));
    const b = edited(random() < 0.5 ? word(pick(20)) : a, 4);
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
