import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { LineIndex } from '../../server/src/model/lineIndex';
import { serviceLenses } from '../../server/src/navigation/codeLens';
import { completionsAt } from '../../server/src/navigation/completion';
import { hoverAt } from '../../server/src/navigation/hover';
import { definitionsAt, referencesAt } from '../../server/src/navigation/links';
import { prepareRename, renameAt } from '../../server/src/navigation/rename';
import { documentSymbols, type OutlineSymbol, workspaceSymbols } from '../../server/src/navigation/symbols';
import { checkAll } from '../../server/src/rules';
import { type CursorCase, checkCursorFixture, describeSpan, headerValue } from '../support/cursorFixture';
import { applyChanges, FIXTURES, relativePathOf, yamlFilesUnder } from '../support/fixtureWorkspace';

/**
 * Navigation features over cursor fixtures: test/fixtures/navigation/<feature>/*.yaml,
 * each a workspace with one `$0`, the answer written in its header.
 */
const NAVIGATION = path.join(FIXTURES, 'navigation');

const features: Record<string, (fixture: CursorCase) => string[]> = {
  hover({ index, files, uri, offset }) {
    const card = hoverAt(
      index,
      uri,
      offset,
      checkAll(index).findings,
      (other) => new LineIndex(files.get(relativePathOf(other)) ?? ''),
    );
    if (!card) return ['(no hover)'];
    return [`on ${describeSpan(files, uri, card.range)}`, ...card.markdown.split('\n')];
  },
  definition({ index, files, uri, offset }) {
    const locations = definitionsAt(index, uri, offset);
    return locations.length > 0
      ? locations.map((location) => describeSpan(files, location.uri, location.range))
      : ['(none)'];
  },
  references({ index, files, uri, offset }) {
    const locations = referencesAt(index, uri, offset, true);
    return locations.length > 0
      ? locations.map((location) => describeSpan(files, location.uri, location.range))
      : ['(none)'];
  },
  codeLens({ index, files, uri }) {
    return serviceLenses(index, uri)
      .map(
        (lens) =>
          `${describeSpan(files, uri, lens.range)}: ${lens.title}` +
          lens.locations.map((location) => `\n  → ${describeSpan(files, location.uri, location.range)}`).join(''),
      )
      .flatMap((text) => text.split('\n'));
  },
  rename({ index, files, uri, offset, header }) {
    const prepared = prepareRename(index, uri, offset);
    if ('error' in prepared) return [`prepare: ${prepared.error}`];
    const result = renameAt(index, uri, offset, headerValue(header, 'rename') ?? '');
    const lines = [`prepare: ${describeSpan(files, uri, prepared.range)} (placeholder ${prepared.placeholder})`];
    if ('error' in result) return [...lines, `error: ${result.error}`];
    const after = applyChanges(files, result.changes);
    return [
      ...lines,
      ...result.changes.map((change) => {
        assert.ok(change.kind === 'edit');
        const path = relativePathOf(change.uri);
        const { line } = new LineIndex(files.get(path)!).positionAt(change.range.start);
        return `${describeSpan(files, change.uri, change.range)} → ${change.newText} | ${after.get(path)!.split('\n')[line]}`;
      }),
    ];
  },
  documentSymbols({ index, files, uri }) {
    const render = (symbol: OutlineSymbol, depth: number): string[] => [
      `${'  '.repeat(depth)}${symbol.type} ${symbol.name}${symbol.detail ? ` (${symbol.detail})` : ''} at ${describeSpan(files, uri, symbol.selectionRange)}`,
      ...symbol.children.flatMap((child) => render(child, depth + 1)),
    ];
    return documentSymbols(index, uri).flatMap((symbol) => render(symbol, 0));
  },
  workspaceSymbols({ index, files, header }) {
    return workspaceSymbols(index, headerValue(header, 'query') ?? '').map(
      (symbol) => `${symbol.type} ${symbol.name} at ${describeSpan(files, symbol.location.uri, symbol.location.range)}`,
    );
  },
  completion({ index, files, uri, offset }) {
    const text = files.get(relativePathOf(uri))!;
    const items = completionsAt(index, uri, text, offset);
    if (items.length === 0) return ['(none)'];
    return items.flatMap((item) => [
      `${item.label} (${item.kind}${item.detail ? `: ${item.detail}` : ''})${item.retrigger ? ' ↻' : ''} ${JSON.stringify(item.insertText)} over ${describeSpan(files, uri, item.range)}`,
      ...(item.additionalEdits ?? []).map(
        (edit) => `  + ${JSON.stringify(edit.newText)} at ${describeSpan(files, uri, edit.range)}`,
      ),
    ]);
  },
};

for (const [feature, answer] of Object.entries(features)) {
  describe(feature, () => {
    for (const file of yamlFilesUnder(path.join(NAVIGATION, feature))) {
      test(path.basename(file, '.yaml'), () => checkCursorFixture(file, answer));
    }
  });
}
