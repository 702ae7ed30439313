// The scenarios of test/e2e/vscode.test.mjs in desktop VS Code, through the extension API
// instead of the DOM: `npm run test:vscode` (@vscode/test-cli, config in .vscode-test.mjs)
// downloads VS Code, opens a copy of examples/ with this extension under development, and
// runs this file under mocha in the extension host. It needs a machine that can download
// VS Code; CI, which cannot, runs the same scenarios in code-server (npm run test:e2e).

import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as vscode from 'vscode';
import type * as ScenariosModule from '../e2e/scenarios.mjs' with { 'resolution-mode': 'import' };

type Scenarios = typeof ScenariosModule;
type Finding = Scenarios['EXAMPLE_FINDINGS'][number];

const REPO_ROOT = path.resolve(__dirname, '../..');
const SEVERITIES: Finding['severity'][] = ['error', 'warning', 'information', 'hint'];

let s: Scenarios;
let root: vscode.Uri;

const fileUri = (file: string): vscode.Uri => vscode.Uri.joinPath(root, ...file.split('/'));
const readDisk = async (file: string): Promise<string> =>
  new TextDecoder().decode(await vscode.workspace.fs.readFile(fileUri(file)));

/** Our diagnostics of the whole workspace as scenario findings, hints left out as the Problems panel does. */
function findings(): Finding[] {
  return vscode.languages.getDiagnostics().flatMap(([uri, diagnostics]) =>
    diagnostics
      .filter((d) => d.source === 'kube-endpoints' && d.severity !== vscode.DiagnosticSeverity.Hint)
      .map((d) => ({
        file: path.relative(root.fsPath, uri.fsPath).split(path.sep).join('/'),
        line: d.range.start.line + 1,
        column: d.range.start.character + 1,
        severity: SEVERITIES[d.severity],
        code: String(typeof d.code === 'object' ? d.code.value : d.code),
      })),
  );
}

const ofFiles = (files: string[]): Finding[] => findings().filter((f) => files.includes(f.file));

/** Waits until `check()` holds, waking on every diagnostics or document change. */
async function until(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw new Error(`timed out waiting for ${what}; findings: ${s.findingKeys(findings())}`);
    await new Promise<void>((resolve) => {
      const subscriptions = [
        vscode.languages.onDidChangeDiagnostics(done),
        vscode.workspace.onDidChangeTextDocument(done),
      ];
      const timer = setTimeout(done, Math.min(remaining, 500));
      function done(): void {
        clearTimeout(timer);
        subscriptions.forEach((subscription) => subscription.dispose());
        resolve();
      }
    });
  }
}

const sameKeys = (actual: Finding[], expected: Finding[]): boolean =>
  JSON.stringify(s.findingKeys(actual)) === JSON.stringify(s.findingKeys(expected));

/** The quick fixes VS Code offers at a 1-based position, from every provider. */
async function quickFixesAt(file: string, line: number, column: number): Promise<vscode.CodeAction[]> {
  const uri = fileUri(file);
  await vscode.window.showTextDocument(uri);
  const position = new vscode.Position(line - 1, column - 1);
  return vscode.commands.executeCommand<vscode.CodeAction[]>(
    'vscode.executeCodeActionProvider',
    uri,
    new vscode.Range(position, position),
    vscode.CodeActionKind.QuickFix.value,
  );
}

suite('examples/ in desktop VS Code', () => {
  suiteSetup(async () => {
    s = (await import(pathToFileURL(path.join(REPO_ROOT, 'test', 'e2e', 'scenarios.mjs')).href)) as Scenarios;
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'open a copy of examples/ (.vscode-test.mjs does)');
    root = folder.uri;
    const extension = vscode.extensions.getExtension('kube-endpoints.kube-endpoints');
    assert.ok(extension, 'the extension under development is loaded');
    await extension.activate();
  });

  test('lists every finding of examples/, including files never opened', async () => {
    await until('the findings of examples/', () => sameKeys(findings(), s.EXAMPLE_FINDINGS), 60_000);
    assert.deepEqual(s.findingKeys(findings()), s.findingKeys(s.EXAMPLE_FINDINGS));
  });

  test('the preferred quick fix creates the EndpointSlice, and the placeholder address is flagged until replaced', async () => {
    const fix = s.CREATE_ENDPOINTS;
    const original = await readDisk(fix.file);
    const actions = await quickFixesAt(fix.file, fix.line, fix.column);
    assert.deepEqual(
      actions.map((action) => action.title),
      fix.titles,
    );
    const preferred = actions.find((action) => action.isPreferred);
    assert.equal(preferred?.title, fix.preferred);
    assert.ok(preferred.edit && (await vscode.workspace.applyEdit(preferred.edit)), 'the edit applies');
    await until('the warning to give way to the placeholder finding', () =>
      sameKeys(ofFiles([fix.file]), [fix.placeholderFinding]),
    );
    const editor = await vscode.window.showTextDocument(fileUri(fix.file));
    assert.equal(editor.document.getText(), original + fix.appended);

    const start = editor.document.positionAt(editor.document.getText().indexOf(fix.placeholder));
    const placeholder = new vscode.Range(start, start.translate(0, fix.placeholder.length));
    assert.ok(await editor.edit((edit) => edit.replace(placeholder, fix.address)));
    await until('the file to be clean', () => ofFiles([fix.file]).length === 0);
    assert.ok(await editor.document.save());
    assert.equal(await readDisk(fix.file), original + fix.appended.replace(fix.placeholder, fix.address));
  });

  test('a fix in one file clears the findings of its partner in another file', async () => {
    for (const fix of s.CROSS_FILE_FIXES) {
      const action = (await quickFixesAt(fix.file, fix.line, fix.column)).find((a) => a.title === fix.title);
      assert.ok(action?.edit, `${fix.name}: "${fix.title}" offered`);
      assert.ok(await vscode.workspace.applyEdit(action.edit));
      await until(`${fix.name}: ${fix.clears.join(' and ')} to be clean`, () => ofFiles(fix.clears).length === 0);
      assert.ok(await vscode.workspace.saveAll(false));
      assert.match(await readDisk(fix.edits), fix.expectText);
    }
  });

  test('the snippet writes both objects with the name typed once, and nothing is flagged', async () => {
    const { SNIPPET } = s;
    const snippet = await s.contributedSnippet(SNIPPET.prefix);
    const uri = fileUri(SNIPPET.file);
    await vscode.workspace.fs.writeFile(uri, new Uint8Array());
    const editor = await vscode.window.showTextDocument(uri);
    await vscode.commands.executeCommand('editor.action.insertSnippet', { langId: 'yaml', name: snippet.name });
    await vscode.commands.executeCommand('type', { text: SNIPPET.name });
    await vscode.commands.executeCommand('leaveSnippet');
    const pair = await s.servicePair(editor.document.getText());
    assert.equal(pair.service?.name, SNIPPET.name);
    assert.deepEqual(pair.endpoints, pair.service);
    assert.ok(await editor.document.save());

    // Break the pair by hand (both objects get flagged), then undo: the silence before and
    // after comes from a file the server checks.
    const lines = editor.document.getText().split('\n');
    const line = lines.findIndex(
      (text, i) => i > lines.indexOf('kind: Endpoints') && text.trim() === `name: ${SNIPPET.name}`,
    );
    await editor.edit((edit) => edit.insert(new vscode.Position(line, lines[line].length), SNIPPET.breakEndpointsName));
    await until('the broken pair to be flagged', () => ofFiles([SNIPPET.file]).length === SNIPPET.brokenCodes.length);
    assert.deepEqual(
      ofFiles([SNIPPET.file])
        .map((f) => f.code)
        .sort(),
      [...SNIPPET.brokenCodes].sort(),
    );
    await vscode.commands.executeCommand('undo');
    await until(`${SNIPPET.file} to be clean again`, () => ofFiles([SNIPPET.file]).length === 0);
  });

  test('hover on a Service name shows its Endpoints from the other file', async () => {
    const { HOVER } = s;
    const uri = fileUri(HOVER.file);
    await vscode.window.showTextDocument(uri);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      uri,
      new vscode.Position(HOVER.line - 1, HOVER.column - 1),
    );
    // The Markdown source, with code spans: compare against the rendered text's words.
    const text = hovers
      .flatMap((hover) => hover.contents)
      .map((content) => (typeof content === 'string' ? content : content.value))
      .join('\n')
      .replace(/`|\*\*/g, '');
    for (const expected of HOVER.shows) assert.ok(text.includes(expected), `hover lacks "${expected}": ${text}`);
  });

  test('renaming a Service renames its Endpoints in the other file', async () => {
    const { RENAME } = s;
    const uri = fileUri(RENAME.file);
    await vscode.window.showTextDocument(uri);
    const edit = await vscode.commands.executeCommand<vscode.WorkspaceEdit>(
      'vscode.executeDocumentRenameProvider',
      uri,
      new vscode.Position(RENAME.line - 1, RENAME.column - 1),
      RENAME.newName,
    );
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.ok(await vscode.workspace.saveAll(false));
    for (const file of [RENAME.file, RENAME.partner]) assert.match(await readDisk(file), RENAME.expectText);
  });
});
