import * as path from 'node:path';
import { describe, test } from 'node:test';
import { LineIndex } from '../../server/src/model/lineIndex';
import { serviceLenses } from '../../server/src/navigation/codeLens';
import { hoverAt } from '../../server/src/navigation/hover';
import { definitionsAt, referencesAt } from '../../server/src/navigation/links';
import { checkAll } from '../../server/src/rules';
import { type CursorCase, checkCursorFixture, describeSpan } from '../support/cursorFixture';
import { FIXTURES, relativePathOf, yamlFilesUnder } from '../support/fixtureWorkspace';

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
};

for (const [feature, answer] of Object.entries(features)) {
  describe(feature, () => {
    for (const file of yamlFilesUnder(path.join(NAVIGATION, feature))) {
      test(path.basename(file, '.yaml'), () => checkCursorFixture(file, answer));
    }
  });
}
