import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { OpenDocument } from '../../server/src/features/openDocument';
import { seeded } from '../support/edits';

/** Short texts dense in line ends of every kind, so that edits split and join `\r\n` often. */
const ALPHABET = ['a', 'b', ' ', '-', '\n', '\n', '\r', '\r\n'];

function randomText(random: () => number, length: number): string {
  return Array.from({ length }, () => ALPHABET[Math.floor(random() * ALPHABET.length)]).join('');
}

/** One to three changes of the reference document, as an editor sends them in one `didChange`. */
function randomChanges(reference: TextDocument, random: () => number): TextDocumentContentChangeEvent[] {
  if (random() < 0.05) return [{ text: randomText(random, Math.floor(random() * 40)) }];
  const changes: TextDocumentContentChangeEvent[] = [];
  let document = reference;
  for (let count = 1 + Math.floor(random() * 3 * random()); count > 0; count--) {
    const length = document.getText().length;
    const a = Math.floor(random() * (length + 1));
    const b = Math.min(length, a + Math.floor(random() * 4));
    // Ranges given backwards happen too; both implementations turn them around.
    const [start, end] = random() < 0.1 ? [b, a] : [a, b];
    const change = {
      range: { start: document.positionAt(start), end: document.positionAt(end) },
      text: randomText(random, Math.floor(random() * 4)),
    };
    changes.push(change);
    document = TextDocument.update(TextDocument.create('', '', 0, document.getText()), [change], 0);
  }
  return changes;
}

describe('OpenDocument', () => {
  test('gives the text, positions and offsets of vscode-languageserver-textdocument after any edits', () => {
    const random = seeded(20261203);
    for (let run = 0; run < 200; run++) {
      const initial = randomText(random, Math.floor(random() * 30));
      let reference = TextDocument.create('file:///a.yaml', 'yaml', 1, initial);
      const document = OpenDocument.configuration.create('file:///a.yaml', 'yaml', 1, initial);
      // Some documents are asked for positions before they are edited, some only after.
      if (random() < 0.5) document.positionAt(0);
      for (let edit = 0; edit < 30; edit++) {
        const changes = randomChanges(reference, random);
        reference = TextDocument.update(reference, changes, reference.version + 1);
        OpenDocument.configuration.update(document, changes, reference.version);
        if (random() < 0.3) document.flatten();
        const text = reference.getText();
        const where = `run ${run}, edit ${edit}: ${JSON.stringify(text)}`;
        assert.equal(document.getText(), text, where);
        assert.equal(document.version, reference.version);
        for (let start = 0; start <= text.length; start++) {
          for (const end of [start, start + 1, start + 5, text.length, text.length + 3]) {
            assert.equal(document.slice(start, end), text.slice(start, end), `${where}: slice(${start}, ${end})`);
          }
        }
        for (let offset = -1; offset <= text.length + 1; offset++) {
          assert.deepEqual(document.positionAt(offset), reference.positionAt(offset), `${where} at ${offset}`);
        }
        for (let line = -1; line <= reference.lineCount + 1; line++) {
          for (let character = -1; character < 8; character++) {
            const position = { line, character };
            assert.equal(document.offsetAt(position), reference.offsetAt(position), `${where} at ${line}:${character}`);
          }
        }
      }
    }
  });

  test('tells the one change since the index last read the text, and only then', () => {
    const random = seeded(7);
    for (let run = 0; run < 300; run++) {
      let reference = TextDocument.create('file:///a.yaml', 'yaml', 1, randomText(random, 20));
      const document = OpenDocument.configuration.create('file:///a.yaml', 'yaml', 1, reference.getText());
      assert.equal(document.takeChange(), undefined, 'a new document: unknown');
      const taken = reference.getText();
      let events = 0;
      let oneChange = true;
      for (let edit = 0; edit < 1 + Math.floor(random() * 3); edit++) {
        const changes = randomChanges(reference, random);
        reference = TextDocument.update(reference, changes, reference.version + 1);
        OpenDocument.configuration.update(document, changes, reference.version);
        events++;
        oneChange &&= changes.length === 1 && 'range' in changes[0];
      }
      const change = document.takeChange();
      if (events === 1 && oneChange) {
        assert.ok(change, `run ${run}`);
        assert.equal(taken.slice(0, change.start) + change.text + taken.slice(change.end), reference.getText());
      } else {
        assert.equal(change, undefined, `run ${run}: ${events} events`);
      }
      assert.equal(document.takeChange(), undefined, 'nothing since');
    }
  });
});
