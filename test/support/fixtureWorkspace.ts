import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { WorkspaceIndex } from '../../server/src/index/workspaceIndex';
import { KubernetesVersion } from '../../server/src/model/kubernetesVersion';
import { LineIndex } from '../../server/src/model/lineIndex';
import { rules, type SeverityOverrides } from '../../server/src/rules';
import { applyFileChanges } from '../../server/src/rules/applyFixes';
import { FixContext, type FileChange, type Finding } from '../../server/src/rules/types';

/**
 * Annotated fixtures: one YAML text holding several files, each introduced by a
 * `# --- file: <path>` line, and findings written as comments under the line they
 * point at (`#   ^^^ warning some-code: message`). Lines before the first file
 * marker are the header (a fix title, for instance). Everything stays valid YAML.
 */

export const FIXTURES = path.resolve(__dirname, '../../../test/fixtures');
export const WORKSPACE_ROOT = 'file:///workspace/';

const FILE_MARKER = /^# --- file: (.+)$/;
const ANNOTATION = /^\s*#\s*\^+ (error|warning|information|hint) [a-z0-9-]+: /;

export type FixtureWorkspace = {
  header: string[];
  /** Files by path relative to the workspace, annotations removed. */
  files: Map<string, string>;
};

export function readFixture(file: string): FixtureWorkspace {
  const header: string[] = [];
  const parts: { path: string; lines: string[] }[] = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const marker = FILE_MARKER.exec(line);
    if (marker) parts.push({ path: marker[1].trim(), lines: [] });
    else if (parts.length === 0) header.push(line);
    else if (!ANNOTATION.test(line)) parts[parts.length - 1].lines.push(line);
  }
  // Every file ends with a newline, but the last one when the fixture itself does not.
  const files = new Map<string, string>();
  parts.forEach(({ path: relativePath, lines }, i) => {
    const last = i === parts.length - 1;
    files.set(relativePath, last ? lines.join('\n') : lines.join('\n') + '\n');
  });
  return { header, files };
}

/**
 * The settings a fixture asks for in its header, as `# kubernetes-version: 1.32`,
 * `# prefer-endpoint-slice: false` or `# endpoint-slice-managed-by: team-a` lines;
 * the defaults otherwise. Fixes may create files.
 */
export function contextOf(header: readonly string[]): FixContext {
  const setting = (name: string) =>
    header.map((line) => new RegExp(`^# ${name}: (.*)$`).exec(line)?.[1].trim()).find((value) => value !== undefined);
  const version = setting('kubernetes-version');
  const prefer = setting('prefer-endpoint-slice');
  return FixContext.of({
    canCreateFiles: true,
    kubernetesVersion: version === undefined ? undefined : KubernetesVersion.parse(version),
    preferEndpointSlice: prefer === undefined ? undefined : prefer === 'true',
    endpointSliceManagedBy: setting('endpoint-slice-managed-by'),
  });
}

export function uriOf(relativePath: string): string {
  return WORKSPACE_ROOT + relativePath.split('/').map(encodeURIComponent).join('/');
}

export function relativePathOf(uri: string): string {
  return decodeURIComponent(uri.slice(WORKSPACE_ROOT.length));
}

export function indexOf(files: Map<string, string>): WorkspaceIndex {
  const index = new WorkspaceIndex();
  for (const [relativePath, text] of files) index.update(uriOf(relativePath), text);
  return index;
}

/** The fixture text again, with `findings` written as caret annotations. */
export function renderFixture(workspace: FixtureWorkspace, findings: readonly Finding[]): string {
  const out = [...workspace.header];
  for (const [relativePath, text] of workspace.files) {
    out.push(`# --- file: ${relativePath}`);
    const uri = uriOf(relativePath);
    const lines = new LineIndex(text);
    const textLines = text.split('\n');
    // The newline that ends a file is the separator before the next marker, not a line of its own.
    if (textLines.length > 1 && textLines[textLines.length - 1] === '') textLines.pop();
    const byLine = new Map<number, string[]>();
    const own = findings
      .filter((finding) => finding.uri === uri)
      .sort((a, b) => a.range.start - b.range.start || a.code.localeCompare(b.code));
    for (const finding of own) {
      const { line, character } = lines.positionAt(finding.range.start);
      if (character === 0) throw new Error(`${relativePath}:${line + 1}: a finding at column 0 cannot be annotated`);
      const lineEnd = textLines[line].replace(/\r$/, '').length;
      const width = Math.max(
        1,
        Math.min(finding.range.end, lines.offsetAt({ line, character: lineEnd })) - finding.range.start,
      );
      const annotation = `#${' '.repeat(character - 1)}${'^'.repeat(width)} ${finding.severity} ${finding.code}: ${finding.message}`;
      byLine.set(line, [...(byLine.get(line) ?? []), annotation]);
    }
    textLines.forEach((line, i) => out.push(line, ...(byLine.get(i) ?? [])));
  }
  const lastText = [...workspace.files.values()].at(-1) ?? '';
  return out.join('\n') + (lastText.endsWith('\n') ? '\n' : '');
}

/** Applies changes to the files of a workspace (keyed by relative path), as the core does. */
export function applyChanges(files: Map<string, string>, changes: readonly FileChange[]): Map<string, string> {
  const result = new Map(files);
  for (const [uri, text] of applyFileChanges((uri) => files.get(relativePathOf(uri)), changes)) {
    result.set(relativePathOf(uri), text);
  }
  return result;
}

/**
 * Asserts that `file` holds the workspace annotated with `findings` (expect-test
 * style), or rewrites it when UPDATE_EXPECT=1.
 */
export function assertFixture(file: string, workspace: FixtureWorkspace, findings: readonly Finding[]): void {
  const actual = renderFixture(workspace, findings);
  const { ok, expected } = expectFile(file, actual);
  if (!ok) assert.equal(actual, expected, 'run with UPDATE_EXPECT=1 to accept');
}

/** Compares `actual` with a file's content, or rewrites the file when UPDATE_EXPECT=1. */
export function expectFile(file: string, actual: string): { ok: boolean; expected: string } {
  if (process.env.UPDATE_EXPECT === '1') {
    fs.writeFileSync(file, actual);
    return { ok: true, expected: actual };
  }
  const expected = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  return { ok: expected === actual, expected };
}

/** Severities under which every rule runs: those off by default at `information`. */
export const EVERY_RULE_ON: SeverityOverrides = Object.fromEntries(
  rules.filter((rule) => rule.defaultSeverity === 'off').map((rule) => [rule.code, 'information' as const]),
);

/** An index of every `*.yaml` below a folder, each file under its own `file:` URI. */
export function indexOfFolder(dir: string): WorkspaceIndex {
  const index = new WorkspaceIndex();
  for (const file of yamlFilesUnder(dir)) index.update(pathToFileURL(file).href, fs.readFileSync(file, 'utf8'));
  return index;
}

/** Findings as sorted JSON, to compare lists whose order does not matter. */
export function sortedJson(findings: readonly Finding[]): string[] {
  return findings.map((finding) => JSON.stringify(finding)).sort();
}

/** Every `*.yaml` below a folder, recursively, sorted. */
export function yamlFilesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.yaml'))
    .map((name) => path.join(dir, name))
    .sort();
}
