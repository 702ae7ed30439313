import * as assert from 'node:assert/strict';
import type { WorkspaceIndex } from '../../server/src/index/workspaceIndex';
import { LineIndex } from '../../server/src/model/lineIndex';
import type { SourceRange } from '../../server/src/model/types';
import { expectFile, indexOf, readFixture, relativePathOf, renderFixture, uriOf } from './fixtureWorkspace';

/**
 * Cursor fixtures for navigation features: an annotated workspace (see
 * fixtureWorkspace.ts) in which one file holds the cursor `$0`. The feature's answer
 * is written into the header as `#> ` lines, below the free comment lines that say
 * what the case is about; `UPDATE_EXPECT=1` rewrites them.
 */

const CURSOR = '$0';
const RESULT = '#> ';

export type CursorCase = {
  index: WorkspaceIndex;
  /** Files without the cursor. */
  files: Map<string, string>;
  uri: string;
  offset: number;
  /** Header lines that are not results (`# query: web`, descriptions). */
  header: string[];
};

/** Runs `answer` on a cursor fixture and compares its lines with the `#> ` lines of the header. */
export function checkCursorFixture(file: string, answer: (fixture: CursorCase) => string[]): void {
  const workspace = readFixture(file);
  const withCursor = [...workspace.files].filter(([, text]) => text.includes(CURSOR));
  assert.equal(withCursor.length, 1, `${file}: exactly one file must hold ${CURSOR}`);
  const [cursorPath, cursorText] = withCursor[0];
  const files = new Map(workspace.files);
  files.set(cursorPath, cursorText.replace(CURSOR, ''));
  const header = workspace.header.filter((line) => !line.startsWith(RESULT) && line !== RESULT.trim());
  const lines = answer({
    index: indexOf(files),
    files,
    uri: uriOf(cursorPath),
    offset: cursorText.indexOf(CURSOR),
    header,
  });
  const rendered = renderFixture(
    {
      header: [...header, ...lines.map((line) => (line === '' ? RESULT.trim() : RESULT + line))],
      files: workspace.files,
    },
    [],
  );
  const { ok, expected } = expectFile(file, rendered);
  if (!ok) assert.equal(rendered, expected, 'run with UPDATE_EXPECT=1 to accept');
}

/** `web.yaml:4:9 web`: a span as a result line, with the text it covers (its first line). */
export function describeSpan(files: Map<string, string>, uri: string, range: SourceRange): string {
  const path = relativePathOf(uri);
  const text = files.get(path) ?? '';
  const { line, character } = new LineIndex(text).positionAt(range.start);
  const covered = text.slice(range.start, range.end).split('\n');
  return `${path}:${line + 1}:${character + 1} ${covered[0]}${covered.length > 1 ? ' …' : ''}`;
}

/** The value of a `# name: value` header line. */
export function headerValue(header: readonly string[], name: string): string | undefined {
  const prefix = `# ${name}: `;
  return header.find((line) => line.startsWith(prefix))?.slice(prefix.length);
}
