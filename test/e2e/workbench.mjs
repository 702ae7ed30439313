// DOM helpers for the VS Code workbench (code-server 4.100.3 = VS Code 1.100.3) in a
// playwright-core page. Every helper waits on a DOM condition with a timeout, never on a
// fixed sleep, so tests are as fast as the editor and fail with a message saying what
// did not appear.
//
// Input goes through the keyboard on purpose: VS Code binds its keys on the window, and
// some widgets (the quick-fix action widget) sit under an overlay that swallows mouse
// clicks in headless Chromium.
//
// Selectors used, all checked against 1.100.3:
//   .monaco-workbench, .part.statusbar       workbench shell
//   .quick-input-widget                      Quick Open / Go to Line / Command Palette
//   .tab.active[data-resource-name]          the active editor tab
//   .markers-panel .monaco-list-row          Problems rows (aria-level 1 = file, 2 = marker)
//   .action-widget .monaco-list-row          quick-fix menu rows (class "focused" = selected)
//   .view-lines > .view-line                 editor lines (absolutely positioned, U+00A0 spaces)

const DEFAULT_TIMEOUT = 30_000;

/** Workbench selector for the editor of the active group. */
const ACTIVE_EDITOR = '.part.editor .editor-group-container.active .monaco-editor';

function escapeAttr(value) {
  return String(value).replace(/["\\]/g, '\\$&');
}

/**
 * Waits until the workbench shell is rendered and its editor and panel parts exist. The
 * extension host starts after this; tests wait for their extension's own effects.
 */
export async function waitForWorkbench(page, { timeoutMs = 60_000 } = {}) {
  await page.locator('.monaco-workbench').waitFor({ timeout: timeoutMs });
  await page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: timeoutMs });
  await page.locator('.monaco-workbench .part.editor').waitFor({ timeout: timeoutMs });
  // The explorer lists the folder once the remote file system answered: a sign the
  // server connection is up and Quick Open's file search will find files.
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: timeoutMs });
}

/** Presses Escape until no quick input or action widget is open (bounded). */
export async function dismissWidgets(page) {
  for (let i = 0; i < 5; i++) {
    const open = await page.locator('.quick-input-widget:visible, .action-widget:visible').count();
    if (!open) return;
    await page.keyboard.press('Escape');
  }
}

/**
 * Opens a file with Quick Open (Ctrl+P). `file` is a workspace-relative path or a file
 * name; the row whose label starts with its base name is chosen with the keyboard. Waits
 * until that file's tab is active and its text is rendered.
 */
export async function openFile(page, file, { timeoutMs = DEFAULT_TIMEOUT } = {}) {
  const baseName = file.split('/').pop();
  const dir = file.split('/').slice(0, -1).join('/');
  // Rows read "<name> <folder>, file results": with several files of one name (every
  // kustomize overlay has a kustomization.yaml), the folder picks the right one.
  const wanted = (label) => label.startsWith(`${baseName} `) && (!dir || label.includes(` ${dir}`));
  await dismissWidgets(page);
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: timeoutMs });
  await input.fill(file);
  // The file search runs on the server: wait until the wanted row is listed before
  // choosing it.
  const rowSelector = '.quick-input-widget .quick-input-list .monaco-list-row';
  await page.waitForFunction(
    ([sel, name, folder]) =>
      [...document.querySelectorAll(sel)].some((el) => {
        const label = el.getAttribute('aria-label') || '';
        return label.startsWith(`${name} `) && (!folder || label.includes(` ${folder}`));
      }),
    [rowSelector, baseName, dir],
    { timeout: timeoutMs },
  );
  await selectFocusedRow(page, rowSelector, wanted, { timeoutMs });
  await page.locator(`.tab.active[data-resource-name="${escapeAttr(baseName)}"]`).waitFor({ timeout: timeoutMs });
  await page.locator(`${ACTIVE_EDITOR} .view-lines .view-line`).first().waitFor({ timeout: timeoutMs });
}

/**
 * In a keyboard-driven list (Quick Open, action widget, suggest widget), moves the focus
 * with the arrow keys until the focused row's label satisfies `matches`, then presses
 * Enter. It goes on round the list until `timeoutMs` has passed rather than stopping
 * after one lap: a list can be refilled while it is walked (the suggest widget re-filters
 * and re-sorts as its providers answer, and puts the focus back on its first row).
 */
async function selectFocusedRow(page, rowSelector, matches, { timeoutMs }) {
  const focused = page.locator(`${rowSelector}.focused`).first();
  await focused.waitFor({ timeout: timeoutMs });
  const read = () =>
    focused.evaluate((el) => ({
      index: el.getAttribute('data-index'),
      label: (el.getAttribute('aria-label') || el.textContent || '').trim(),
    }));
  const deadline = Date.now() + timeoutMs;
  const seen = new Set();
  for (;;) {
    const row = await read();
    seen.add(row.label);
    if (matches(row.label)) {
      await page.keyboard.press('Enter');
      return row.label;
    }
    if (Date.now() > deadline) break;
    await page.keyboard.press('ArrowDown');
    // Wait for the focus to move to another row (or to stay put at the end of a list
    // that does not wrap, which the timeout covers) instead of sleeping.
    await page
      .waitForFunction(
        ([sel, before]) => document.querySelector(`${sel}.focused`)?.getAttribute('data-index') !== before,
        [rowSelector, row.index],
        { timeout: 2000 },
      )
      .catch(() => {});
  }
  throw new Error(`no row matched within ${timeoutMs} ms; rows seen: ${JSON.stringify([...seen])}`);
}

/** Focuses the editor of the first group (Ctrl+1), e.g. after the Problems panel took focus. */
export async function focusEditor(page, { timeoutMs = DEFAULT_TIMEOUT } = {}) {
  await dismissWidgets(page);
  await page.keyboard.press('Control+1');
  await page.locator(`${ACTIVE_EDITOR}.focused`).waitFor({ timeout: timeoutMs });
}

/**
 * Moves the cursor to a 1-based line and column with Go to Line (Ctrl+G, "line:col"),
 * and waits for the status bar to show the new position.
 */
export async function goToPosition(page, line, column = 1, { timeoutMs = DEFAULT_TIMEOUT } = {}) {
  await focusEditor(page, { timeoutMs });
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: timeoutMs });
  await input.fill(`:${line}:${column}`);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: timeoutMs });
  await page.waitForFunction(
    (text) => document.querySelector('#status\\.editor\\.selection')?.textContent?.includes(text),
    `Ln ${line}, Col ${column}`,
    { timeout: timeoutMs },
  );
}

/** Shows the Problems panel (Ctrl+Shift+M toggles, so only when it is not visible). */
export async function openProblems(page, { timeoutMs = DEFAULT_TIMEOUT } = {}) {
  if (!(await page.locator('.markers-panel').isVisible())) {
    await dismissWidgets(page);
    await page.keyboard.press('Control+Shift+M');
  }
  await page.locator('.markers-panel').waitFor({ state: 'visible', timeout: timeoutMs });
}

/** Rendered Problems rows, by list index (the list only renders what is in view). */
async function renderedProblemRows(page) {
  // [aria-level]: the list also renders unlabelled copies of rows to measure the height
  // of multi-line messages; those are not rows of the tree.
  return page.locator('.markers-panel .monaco-list-row[aria-level]').evaluateAll((els) =>
    els.map((el) => ({
      index: Number(el.getAttribute('data-index')),
      level: Number(el.getAttribute('aria-level') || 0),
      label: el.getAttribute('aria-label') || '',
      code: el.querySelector('.marker-code')?.textContent?.trim() || undefined,
    })),
  );
}

/** Current scroll offset of the Problems list (its rows container is shifted up by it). */
function problemsScrollTop(page) {
  return page.evaluate(() => -parseFloat(document.querySelector('.markers-panel .monaco-list-rows')?.style.top || '0'));
}

/**
 * Turns the mouse wheel one notch over the Problems list (down for +1, up for -1) and
 * waits until the list has moved, or returns at once when it is already at that end.
 * Monaco scrolls a fixed 50 px per wheel event, whatever the event's delta, so scrolling
 * further means more events. Returns whether the list moved.
 */
async function wheelProblems(page, direction) {
  const before = await problemsScrollTop(page);
  const atEnd = await page.evaluate((dir) => {
    const list = document.querySelector('.markers-panel .monaco-list');
    const rows = list?.querySelector('.monaco-list-rows');
    if (!rows) return true;
    const top = -parseFloat(rows.style.top || '0');
    return dir < 0 ? top <= 0 : top >= parseFloat(rows.style.height || '0') - list.clientHeight - 1;
  }, direction);
  if (atEnd) return false;
  await page.mouse.wheel(0, direction * 100);
  await page
    .waitForFunction(
      (prev) => -parseFloat(document.querySelector('.markers-panel .monaco-list-rows')?.style.top || '0') !== prev,
      before,
      { timeout: 2000 },
    )
    .catch(() => {});
  return (await problemsScrollTop(page)) !== before;
}

/**
 * Reads every Problems row. The list is virtualised (only rows in view exist in the DOM),
 * so when its content is taller than the panel this scrolls it with the mouse wheel from
 * top to bottom, collecting rows by index, and then back to the top.
 *
 * Files are level 1 ("1 problems in file service.yaml of folder k8s"); markers are level 2
 * and come parsed: { severity, message, line, character, source, code, relatedCount,
 * fileName, folder } (fileName/folder from the file row above them).
 *
 * @returns {Promise<{level:number, label:string, severity?:string, message?:string,
 *   line?:number, character?:number, source?:string, code?:string, relatedCount?:number,
 *   fileName?:string, folder?:string}[]>}
 */
export async function readProblems(page, { timeoutMs = DEFAULT_TIMEOUT } = {}) {
  await openProblems(page, { timeoutMs });
  const byIndex = new Map();
  const collect = async () => {
    for (const row of await renderedProblemRows(page)) byIndex.set(row.index, row);
  };
  const list = page.locator('.markers-panel .monaco-list').first();
  const sizes = await list
    .evaluate((el) => ({
      content: parseFloat(el.querySelector('.monaco-list-rows')?.style.height || '0'),
      view: el.clientHeight,
    }))
    .catch(() => ({ content: 0, view: 0 }));
  await collect();
  if (sizes.content > sizes.view) {
    const box = await list.boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    // Bounded by the notches needed to cross the whole content, both ways.
    const notches = Math.ceil(sizes.content / 50) + 2;
    for (let i = 0; i < notches && (await wheelProblems(page, -1)); i++) await collect();
    for (let i = 0; i < notches && (await wheelProblems(page, +1)); i++) await collect();
    for (let i = 0; i < notches && (await wheelProblems(page, -1)); i++);
  }
  let file = {};
  return [...byIndex.values()]
    .sort((a, b) => a.index - b.index)
    .map(({ level, label, code }) => {
      if (level === 1) {
        const m = /^\d+ problems? in file (.*) of folder (.*)$/.exec(label);
        file = m ? { fileName: m[1], folder: m[2] } : {};
        return { level, label, ...file };
      }
      return { level, label, ...parseMarkerLabel(label), code, ...file };
    });
}

/**
 * Splits a marker row's aria-label into its parts; file rows give {}. VS Code builds it as
 * "<Severity>: <message> at line <l> and character <c>.[ This problem has references to
 * <n> locations.][ generated by <source>]" (the middle part when the diagnostic has
 * relatedInformation).
 */
export function parseMarkerLabel(label) {
  const m =
    /^(Error|Warning|Info|Hint): ([\s\S]*) at line (\d+) and character (\d+)\.(?: This problem has references to (\d+) locations\.)?(?: generated by (.*))?$/.exec(
      label,
    );
  if (!m) return {};
  return {
    severity: m[1].toLowerCase(),
    message: m[2],
    line: Number(m[3]),
    character: Number(m[4]),
    relatedCount: m[5] ? Number(m[5]) : 0,
    source: m[6]?.trim(),
  };
}

/**
 * Waits until the Problems panel shows markers for which `predicate(markers)` is true
 * (markers = level-2 rows, parsed), and returns them. The panel updates as the language
 * server publishes, so this is the way to wait for diagnostics.
 * Example: await waitForProblems(page, (ms) => ms.some((m) => m.source === 'kube-endpoints'))
 */
export async function waitForProblems(page, predicate, { timeoutMs = DEFAULT_TIMEOUT } = {}) {
  await openProblems(page, { timeoutMs });
  const deadline = Date.now() + timeoutMs;
  let markers = [];
  const read = async () => (await readProblems(page, { timeoutMs })).filter((r) => r.level === 2);
  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
  for (;;) {
    markers = await read();
    // A read scrolls the list, so rows that change meanwhile (the server publishes file by
    // file) can mix two states, index by index. Only a result that a second read repeats
    // counts.
    if (predicate(markers) && same(markers, await read())) return markers;
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      throw new Error(`Problems panel never matched; last rows: ${JSON.stringify(markers.map((m) => m.label))}`);
    }
    // Block until the rows change (or a short poll interval passes) rather than sleeping.
    const before = JSON.stringify(markers.map((m) => m.label));
    await page
      .waitForFunction(
        (prev) =>
          JSON.stringify(
            [...document.querySelectorAll('.markers-panel .monaco-list-row[aria-level="2"]')]
              .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
              .map((el) => el.getAttribute('aria-label')),
          ) !== prev,
        before,
        { timeout: Math.min(remaining, 1000) },
      )
      .catch(() => {});
  }
}

/**
 * Opens the quick-fix menu (Ctrl+.) at the cursor and applies the action whose label
 * matches `label` (a string: exact or prefix; or a RegExp), choosing it with the arrow
 * keys and Enter. Returns the labels that were offered.
 */
export async function applyQuickFix(page, label, { timeoutMs = DEFAULT_TIMEOUT } = {}) {
  const offered = await openQuickFixes(page, { timeoutMs });
  await chooseQuickFix(page, label, { timeoutMs });
  return offered;
}

const QUICK_FIX_ROWS = '.action-widget .monaco-list-row.action';

/**
 * Opens the quick-fix menu (Ctrl+.) at the cursor, waits for its rows and returns their
 * labels. The menu stays open (for a screenshot, say): `chooseQuickFix` picks a row.
 */
export async function openQuickFixes(page, { timeoutMs = DEFAULT_TIMEOUT } = {}) {
  await dismissWidgets(page);
  await page.keyboard.press('Control+.');
  await page.locator(QUICK_FIX_ROWS).first().waitFor({ timeout: timeoutMs });
  return listQuickFixes(page);
}

/** In the open quick-fix menu, applies the row matching `label` (see applyQuickFix). */
export async function chooseQuickFix(page, label, { timeoutMs = DEFAULT_TIMEOUT } = {}) {
  const matches = typeof label === 'string' ? (l) => l === label || l.startsWith(label) : (l) => label.test(l);
  const offered = await listQuickFixes(page);
  if (!offered.some(matches)) {
    await page.keyboard.press('Escape');
    throw new Error(`quick fix ${label} not offered; offered: ${JSON.stringify(offered)}`);
  }
  await selectFocusedRow(page, QUICK_FIX_ROWS, matches, { timeoutMs });
  await page.locator('.action-widget').waitFor({ state: 'hidden', timeout: timeoutMs });
}

/** Labels of the rows in the open quick-fix menu (group headers excluded). */
export async function listQuickFixes(page) {
  return page
    .locator(QUICK_FIX_ROWS)
    .evaluateAll((els) => els.map((el) => (el.getAttribute('aria-label') || el.textContent || '').trim()));
}

/**
 * Text of the active editor, lines in visual order, with the U+00A0 that the renderer
 * uses for spaces turned back into spaces. Only rendered lines are included (the editor
 * virtualises long files), which is all of a small fixture.
 */
export async function readEditorText(page) {
  return page
    .locator(`${ACTIVE_EDITOR} .view-lines`)
    .first()
    .evaluate((root) =>
      [...root.querySelectorAll('.view-line')]
        .map((el) => ({ top: parseFloat(el.style.top || '0'), text: el.textContent || '' }))
        .sort((a, b) => a.top - b.top)
        .map((l) => l.text.replace(/\u00a0/g, ' '))
        .join('\n'),
    );
}

/** Waits until the active editor's text satisfies `predicate(text)` and returns the text. */
export async function waitForEditorText(page, predicate, { timeoutMs = DEFAULT_TIMEOUT } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await readEditorText(page);
    if (predicate(text)) return text;
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw new Error(`editor text never matched; last text:\n${text}`);
    await page
      .waitForFunction(
        ([sel, prev]) => (document.querySelector(sel)?.textContent ?? '') !== prev,
        [`${ACTIVE_EDITOR} .view-lines`, await page.locator(`${ACTIVE_EDITOR} .view-lines`).first().textContent()],
        { timeout: Math.min(remaining, 1000) },
      )
      .catch(() => {});
  }
}

/** Saves the active editor (Ctrl+S) and waits until its tab is no longer dirty. */
export async function saveActiveEditor(page, { timeoutMs = DEFAULT_TIMEOUT } = {}) {
  await focusEditor(page, { timeoutMs });
  await page.keyboard.press('Control+S');
  await page.locator('.tab.active.dirty').waitFor({ state: 'detached', timeout: timeoutMs });
}

/**
 * Runs a command by its palette label (F1, type, Enter on the matching row), e.g.
 * 'Developer: Reload Window' or 'Kube Endpoints: Restart Server'.
 */
export async function runCommand(page, label, { timeoutMs = DEFAULT_TIMEOUT } = {}) {
  await dismissWidgets(page);
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: timeoutMs });
  await input.fill(`>${label}`);
  const rowSelector = '.quick-input-widget .quick-input-list .monaco-list-row';
  await page.locator(rowSelector).filter({ hasText: label }).first().waitFor({ timeout: timeoutMs });
  await selectFocusedRow(page, rowSelector, (l) => l.startsWith(label), { timeoutMs });
}

/** Waits until the tab of `file` (a base name) shows unsaved changes, open in the background or not. */
export async function waitForDirtyTab(page, file, { timeoutMs = DEFAULT_TIMEOUT } = {}) {
  const baseName = file.split('/').pop();
  await page.locator(`.tab.dirty[data-resource-name="${escapeAttr(baseName)}"]`).waitFor({ timeout: timeoutMs });
}

/** Counts rendered squiggles of a severity ('error' | 'warning' | 'info' | 'hint') in the active editor. */
export async function countSquiggles(page, severity = 'warning') {
  return page.locator(`${ACTIVE_EDITOR} .squiggly-${severity}`).count();
}

/**
 * Waits until the status bar's text of the cursor ("Ln 19, Col 25 (12 selected)", "2 selections (22
 * characters selected)") matches `pattern`, and returns it: the item is updated a frame or more after the
 * editor's text, so a text just inserted may still show the cursor of before.
 */
export async function waitForEditorSelection(page, pattern, { timeoutMs = DEFAULT_TIMEOUT } = {}) {
  const item = page.locator('#status\\.editor\\.selection');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = ((await item.textContent()) ?? '').trim();
    if (pattern.test(text)) return text;
    if (Date.now() > deadline) throw new Error(`the selection never matched ${pattern}; last: ${text}`);
    await page.waitForTimeout(50);
  }
}

/** Saves every dirty editor (File: Save All Files, Ctrl+K S) and waits until no tab is dirty. */
export async function saveAll(page, { timeoutMs = DEFAULT_TIMEOUT } = {}) {
  await runCommand(page, 'File: Save All Files', { timeoutMs });
  await page.locator('.tab.dirty').first().waitFor({ state: 'detached', timeout: timeoutMs });
}

/**
 * Creates a file as a user does with the Explorer's New File (command "File: New File...",
 * an input box in the Explorer tree): in the folder of the active editor's file, or the
 * workspace root when none is open. Waits until the new, empty file is the active editor.
 */
export async function createFileInExplorer(page, name, { timeoutMs = DEFAULT_TIMEOUT } = {}) {
  await runCommand(page, 'File: New File...', { timeoutMs });
  const input = page.locator('.explorer-folders-view .monaco-inputbox input');
  await input.waitFor({ state: 'visible', timeout: timeoutMs });
  await input.fill(name);
  await page.keyboard.press('Enter');
  const baseName = name.split('/').pop();
  await page.locator(`.tab.active[data-resource-name="${escapeAttr(baseName)}"]`).waitFor({ timeout: timeoutMs });
  await page.locator(`${ACTIVE_EDITOR}.focused`).waitFor({ timeout: timeoutMs });
}

/**
 * Accepts a completion at the cursor: shows the suggest widget (Ctrl+Space, unless typing
 * already opened it), waits for a row whose label matches `label` (a string: the row's
 * first part, e.g. a snippet prefix; or a RegExp on the whole aria-label, which reads
 * "<label>, <detail>, <kind>"), and chooses it with the arrow keys and Enter.
 */
export async function acceptSuggestion(page, label, { timeoutMs = DEFAULT_TIMEOUT } = {}) {
  const rowSelector = '.editor-widget.suggest-widget .monaco-list-row';
  const matches = typeof label === 'string' ? (l) => l === label || l.startsWith(`${label},`) : (l) => label.test(l);
  if (!(await page.locator('.editor-widget.suggest-widget.visible').count())) {
    await page.keyboard.press('Control+Space');
  }
  await page.waitForFunction(
    ([sel, source, flags, plain]) =>
      [...document.querySelectorAll(sel)].some((el) => {
        const l = el.getAttribute('aria-label') || '';
        return plain !== null ? l === plain || l.startsWith(`${plain},`) : new RegExp(source, flags).test(l);
      }),
    [rowSelector, label.source ?? '', label.flags ?? '', typeof label === 'string' ? label : null],
    { timeout: timeoutMs },
  );
  const chosen = await selectFocusedRow(page, rowSelector, matches, { timeoutMs });
  await page.locator('.editor-widget.suggest-widget.visible').waitFor({ state: 'detached', timeout: timeoutMs });
  return chosen;
}

/**
 * Shows the hover at the cursor (Show or Focus Hover, Ctrl+K Ctrl+I) and returns its text
 * once it contains `expected` (the hover first shows "Loading..." while the server answers).
 */
export async function showHover(page, expected, { timeoutMs = DEFAULT_TIMEOUT } = {}) {
  await focusEditor(page, { timeoutMs });
  await page.keyboard.press('Control+K');
  await page.keyboard.press('Control+I');
  const hover = page.locator('.monaco-hover:not(.hidden) .hover-contents', { hasText: expected });
  await hover.first().waitFor({ state: 'visible', timeout: timeoutMs });
  return (await page.locator('.monaco-hover:not(.hidden)').first().textContent()) ?? '';
}

/**
 * Renames the symbol at the cursor as a user does: F2, the new name typed into the rename
 * box, Enter. Waits until the rename box has closed (the edit is then applied).
 */
export async function renameSymbol(page, newName, { timeoutMs = DEFAULT_TIMEOUT } = {}) {
  await focusEditor(page, { timeoutMs });
  await page.keyboard.press('F2');
  const input = page.locator('.rename-box .rename-input');
  await input.waitFor({ state: 'visible', timeout: timeoutMs });
  await input.fill(newName);
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden', timeout: timeoutMs });
}
