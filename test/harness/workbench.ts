/**
 * Drives the VS Code workbench of a test host in headless Chromium (playwright-core + Debian's chromium),
 * the way a user would. All waits are condition waits.
 */
import * as fs from 'fs';
import * as path from 'path';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type FrameLocator,
  type Locator,
  type Page,
} from 'playwright-core';
import type { Host } from './host';
import { waitFor } from './poll';
import { recordFigure } from './figures';

export const CHROMIUM_PATH = process.env.ATTRACTOR_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

export interface WorkbenchOptions {
  /** Default 1400x1800: tall, so that virtualized tree rows all render. */
  viewport?: { width: number; height: number };
  /** Ms to wait for `.monaco-workbench` (default 60 000). */
  timeout?: number;
  /**
   * The folder this window opens (default: the host's workspace). A second window of one host on another folder
   * has its own extension host, and shares the user's global storage with the first, as two desktop windows do.
   */
  folder?: string;
}

export interface TreeItem {
  label: string;
  description: string;
  /** aria-level: 1 for top-level rows. */
  level: number;
  /** true/false for collapsible rows, undefined for leaves. */
  expanded: boolean | undefined;
}

export interface Workbench {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  host: Host;
  /** Runs a command from the command palette by its full title, e.g. `Attractor: Show Log`. */
  runCommand(title: string): Promise<void>;
  /** Opens the command palette (F1) or Quick Open (Control+p) from the keyboard, the workbench focused first. */
  openQuickInput(key?: 'F1' | 'Control+p'): Promise<void>;
  /** Opens a workspace file by Quick Open (Control+p), its relative path typed, and waits for its tab. */
  quickOpen(relative: string): Promise<void>;
  /**
   * Runs a palette command that opens its own quick input, and waits for that input (by its title, or by its
   * placeholder); runCommand instead waits for the palette to close. `fill` is typed into that input, and the
   * command run again when the input closed under the typing (as `openAndFill` does for the palette).
   */
  runInputCommand(title: string, shows: { title?: string; placeholder?: string }, fill?: string): Promise<void>;
  /**
   * The open quick input's row with this label (exact; codicons around it ignored), after typing `filter` (the
   * label itself by default; `false`: type nothing).
   */
  quickPickRow(label: string, filter?: string | false): Promise<Locator>;
  /** Types a row's label into the open quick input and clicks the row, as a user picks it. */
  pickQuickItem(label: string): Promise<void>;
  /** Shows a view container from the activity bar (no-op when it is already showing). */
  openViewContainer(name: string): Promise<void>;
  /** Locator of a view's pane in the side bar (by its name, e.g. `Papers`), or of the whole side bar. */
  view(viewName?: string): Locator;
  /** Locator of the tree rows of a view (or of the side bar), without sticky-scroll copies. */
  treeRows(viewName?: string): Locator;
  /** Labels, descriptions and levels of the rendered tree rows of a view (or of the side bar), top to bottom. */
  treeItems(viewName?: string): Promise<TreeItem[]>;
  /**
   * All rows of a view's tree, top to bottom, also those the virtualized list has not rendered: scrolls the
   * tree from top to bottom with the mouse wheel, collecting rows (and leaves it scrolled to the bottom).
   */
  allTreeItems(viewName: string): Promise<TreeItem[]>;
  /** Scrolls a view's tree until a row with this label is rendered, and returns that row. */
  revealTreeItem(viewName: string, label: string | RegExp): Promise<Locator>;
  /** The rows under a top-level row of a view's tree (expanded first, as a user clicks it), with their nesting. */
  groupItems(viewName: string, group: string): Promise<TreeItem[]>;
  /**
   * Waits until the rows under a top-level row pass `test` (a tree follows a change a moment after it is made),
   * and returns them; the error names what the group showed last.
   */
  waitForGroup(
    viewName: string,
    group: string,
    test: (items: TreeItem[]) => boolean,
    message: string,
    timeout?: number,
  ): Promise<TreeItem[]>;
  /**
   * Right-clicks a row (or any element) and returns the labels of the context menu's entries, top to bottom;
   * the menu stays open (Escape closes it).
   */
  contextMenuEntries(target: Locator): Promise<string[]>;
  /** Right-clicks a row (or any element) and chooses the context menu's entry with this label, as a user does. */
  contextMenu(target: Locator, entry: string): Promise<void>;
  /**
   * Chooses the entry with this label in the context menu that is open (hovered, then Enter); resolves once the
   * menu has closed, with the time (Date.now()) just before the choice.
   */
  chooseMenuEntry(entry: string): Promise<number>;
  /**
   * Preferences: Color Theme, as a user picks it: the palette, then the theme's quick pick (e.g. `Light Modern`).
   * Closes all editors first: a webview taking the focus back would close the theme's quick pick.
   */
  pickColorTheme(theme: string): Promise<void>;
  /**
   * Frame of the active editor's webview (a webview panel or a custom editor), never a hidden one kept alive; with
   * `title`, first waits for the active editor tab to have that title (`timeout`, default 30 s).
   */
  webview(title?: string | RegExp, opts?: { timeout?: number }): Promise<FrameLocator>;
  /** Titles of the open editor tabs, in order. */
  editorTabs(): Promise<string[]>;
  /** Title of the active editor tab. */
  activeEditorTitle(): Promise<string | undefined>;
  /** The name of the channel shown in the Output view, and its visible text. */
  outputView(): Promise<{ channel: string; text: string }>;
  /** Text of notifications (toasts) currently visible. */
  notifications(): Promise<string[]>;
  screenshot(file: string): Promise<void>;
  close(): Promise<void>;
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function openWorkbench(host: Host, opts: WorkbenchOptions = {}): Promise<Workbench> {
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ viewport: opts.viewport ?? { width: 1400, height: 1800 } });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    await page.goto(`${host.url}/?folder=${encodeURIComponent(opts.folder ?? host.workspace)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: opts.timeout ?? 60_000 });
    return makeWorkbench(host, browser, context, page);
  } catch (err) {
    await browser.close().catch(() => undefined);
    throw err;
  }
}

function makeWorkbench(host: Host, browser: Browser, context: BrowserContext, page: Page): Workbench {
  const quickInput = page.locator('.quick-input-widget .quick-input-box input');

  /**
   * Gives the keyboard focus to the workbench when a webview has it. Not by blurring the webview's iframe: that
   * leaves the focus on <body>, and VS Code re-focuses a webview a moment after it is focused unless something
   * other than <body> has the focus by then (its workaround for microsoft/vscode#75209), which closed the palette
   * just opened. The active editor's tab takes the focus instead, as after a click on it; the palette, once
   * closed, gives the focus back to the tab, so no webview takes it from the quick input a command opens next.
   */
  async function focusWorkbench(): Promise<void> {
    await page.evaluate(() => {
      const active = document.activeElement as HTMLElement | null;
      if (!active || active.tagName !== 'IFRAME') return;
      document.querySelector<HTMLElement>('.part.editor .editor-group-container.active .tab.active')?.focus();
      if (document.activeElement === active) active.blur();
    });
  }

  async function openQuickInput(key: 'F1' | 'Control+p' = 'F1'): Promise<void> {
    await focusWorkbench();
    await page.keyboard.press(key);
    await quickInput.waitFor({ state: 'visible', timeout: 10_000 });
  }

  /**
   * A failure that `againWhenClosed` must not run again: the step's own defect, or an inner `againWhenClosed` that
   * has given up already (retrying it again would multiply the attempts).
   */
  class NotAFocusLoss extends Error {}

  /**
   * Runs `step`, again when the quick input closed under it. An editor that has just become active (a tab closed
   * in front of a webview, a panel whose content has just loaded) or a view revealed a moment ago takes the focus
   * a moment later, and the quick input closes when it loses the focus: a user sees it vanish and opens it again.
   * Three closes in a row mean something keeps taking the focus, which is a defect to report, not to wait out;
   * each reopening is a figure printed before the run's closing line, so a focus thief shows in every summary.
   */
  async function againWhenClosed(what: string, step: () => Promise<void>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await step();
        return;
      } catch (err) {
        if (err instanceof NotAFocusLoss || (await quickInput.isVisible())) throw err;
        if (attempt === 3)
          throw new NotAFocusLoss(`${what} three times: something keeps taking the focus`, { cause: err });
        recordFigure({
          name: `${what} (something took the focus), opened again`,
          value: attempt,
          unit: attempt === 1 ? 'time' : 'times',
        });
      }
    }
  }

  /** Opens the quick input and fills it, again when it closed under the typing. */
  async function openAndFill(key: 'F1' | 'Control+p', text: string, ready: Locator, timeout = 10_000): Promise<void> {
    await againWhenClosed(`the quick input closed under "${text}"`, async () => {
      await openQuickInput(key);
      await quickInput.fill(text, { timeout: 5_000 });
      await ready.waitFor({ timeout });
    });
  }

  /** The palette filtered to one command, and that command's row (useWorkbench waits until extension commands are listed). */
  async function commandRow(title: string): Promise<Locator> {
    const row = page
      .locator('.quick-input-list .monaco-list-row')
      .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(title)}$`) }) })
      .first();
    try {
      await openAndFill('F1', `>${title}`, row);
    } catch (err) {
      if (!(await quickInput.isVisible())) throw err;
      const shown = await page.locator('.quick-input-list .monaco-list-row .label-name').allTextContents();
      await page.keyboard.press('Escape');
      throw new NotAFocusLoss(
        `command "${title}" is not in the command palette (shown: ${JSON.stringify(shown.slice(0, 10))})`,
        { cause: err },
      );
    }
    return row;
  }

  async function runCommand(title: string): Promise<void> {
    const row = await commandRow(title);
    await row.click();
    await quickInput.waitFor({ state: 'hidden' });
  }

  /**
   * Waits until the command chosen from the palette shows its own input. The palette hands the focus to it, and a
   * webview active behind it (an abstract panel opened a moment ago) can take the focus back in between: the
   * command's input then closes as it opens, too briefly to be seen, and the quick input stays hidden. That is a
   * focus loss, thrown so that `againWhenClosed` chooses the command again; the quick input staying open without
   * the command's own input is the command's defect.
   */
  async function ownInputShown(title: string, own: Locator): Promise<void> {
    const hiddenFor = 3_000;
    let hiddenSince: number | undefined;
    const shown = await waitFor(
      async () => {
        if (await own.isVisible()) return 'own';
        if (await quickInput.isVisible()) hiddenSince = undefined;
        else if (hiddenSince === undefined) hiddenSince = Date.now();
        else if (Date.now() - hiddenSince >= hiddenFor) return 'closed';
        return false;
      },
      { timeout: 20_000, message: `the input of "${title}"` },
    ).catch((err: unknown) => {
      throw new NotAFocusLoss(`"${title}" showed no input of its own`, { cause: err });
    });
    if (shown === 'closed') throw new Error(`"${title}" was chosen and the quick input closed without its input`);
  }

  async function runInputCommand(
    title: string,
    shows: { title?: string; placeholder?: string },
    fill?: string,
  ): Promise<void> {
    const own = shows.placeholder
      ? page.locator(
          `.quick-input-widget .quick-input-box input[placeholder="${shows.placeholder.replace(/"/g, '\\"')}"]`,
        )
      : page.locator('.quick-input-widget .quick-input-title', { hasText: shows.title ?? title });
    // A webview the user clicked a moment ago can take the focus back as the palette hands it to the command's
    // own input, which closes.
    await againWhenClosed(`the input of "${title}" closed under "${fill ?? ''}"`, async () => {
      const row = await commandRow(title);
      await row.click();
      await ownInputShown(title, own);
      if (fill !== undefined) await quickInput.fill(fill, { timeout: 5_000 });
    });
  }

  async function quickOpen(relative: string): Promise<void> {
    const name = relative.split('/').pop() ?? relative;
    // A view revealed a moment ago (Add Paper shows the Papers view) can take the focus as the row is clicked,
    // and Quick Open closes without opening anything.
    await againWhenClosed(`Quick Open closed under "${relative}" without opening it`, async () => {
      await openAndFill('Control+p', relative, pickRow(name), 30_000);
      await (await quickPickRow(name, false)).click();
      await waitFor(async () => (await activeEditorTitle()) === name, {
        timeout: 10_000,
        message: `the "${name}" tab`,
      });
    });
  }

  function pickRow(label: string): Locator {
    return page
      .locator('.quick-input-list .monaco-list-row')
      .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) }) })
      .first();
  }

  async function quickPickRow(label: string, filter: string | false = label): Promise<Locator> {
    if (filter !== false) await quickInput.fill(filter);
    const row = pickRow(label);
    await row.waitFor({ timeout: 30_000 });
    return row;
  }

  async function pickQuickItem(label: string): Promise<void> {
    await (await quickPickRow(label)).click();
  }

  async function openViewContainer(name: string): Promise<void> {
    const item = page.locator('.part.activitybar .action-item[role="tab"]').filter({
      has: page.locator(`a.action-label[aria-label^="${name.replace(/"/g, '\\"')}"]`),
    });
    await item.first().waitFor({ timeout: 30_000 });
    const isShown = async () =>
      (await item.first().getAttribute('aria-selected')) === 'true' &&
      (await page.locator('.part.sidebar').isVisible());
    const title = page
      .locator('.part.sidebar .composite.title h2')
      .filter({ hasText: new RegExp(`^${escapeRegExp(name)}`, 'i') });
    // Looked at again until shown: right after a reload the side bar is still being restored, and a click that
    // lands as it opens closes it again (the activity bar toggles), so a closed one is clicked once more.
    await waitFor(
      async () => {
        if (await title.isVisible()) return true;
        if (!(await isShown())) await item.first().locator('a.action-label').click();
        return false;
      },
      { timeout: 30_000, interval: 1_000, message: `the ${name} view container shown in the side bar` },
    );
  }

  function view(viewName?: string): Locator {
    const sidebar = page.locator('.part.sidebar');
    if (!viewName) return sidebar;
    return sidebar.locator('.pane').filter({
      has: page.locator('.pane-header h3.title', { hasText: new RegExp(`^${escapeRegExp(viewName)}$`, 'i') }),
    });
  }

  function treeRows(viewName?: string): Locator {
    // Not the copies of ancestor rows that sticky scroll pins to the top of a scrolled tree.
    return view(viewName).locator('.monaco-list-row[role="treeitem"]:not(.monaco-tree-sticky-row)');
  }

  async function treeItems(viewName?: string): Promise<TreeItem[]> {
    return treeRows(viewName).evaluateAll((rows) =>
      rows
        .map((row) => {
          const expanded = row.getAttribute('aria-expanded');
          return {
            top: parseFloat((row as HTMLElement).style.top || '0'),
            label: (row.querySelector('.label-name')?.textContent ?? row.getAttribute('aria-label') ?? '').trim(),
            description: (row.querySelector('.label-description')?.textContent ?? '').trim(),
            level: Number(row.getAttribute('aria-level') ?? '1'),
            expanded: expanded === null ? undefined : expanded === 'true',
          };
        })
        .sort((a, b) => a.top - b.top)
        .map(({ top: _top, ...item }) => item),
    );
  }

  /** The scroll position of a view's list and its viewport/content heights. */
  async function listScroll(viewName: string): Promise<{ top: number; height: number; content: number }> {
    return view(viewName)
      .locator('.monaco-list')
      .first()
      .evaluate((list) => {
        const rows = list.querySelector('.monaco-list-rows') as HTMLElement | null;
        return {
          top: -parseFloat(rows?.style.top || '0'),
          height: (list as HTMLElement).getBoundingClientRect().height,
          content: parseFloat(rows?.style.height || '0'),
        };
      });
  }

  /** How far one wheel notch scrolls a list (measured on first use; Monaco lists move a fixed step per event). */
  let pxPerNotch: number | undefined;

  /** Wheels the list by about `dy` px; resolves false when it did not move (at the end). */
  async function wheelList(viewName: string, dy: number): Promise<boolean> {
    const list = view(viewName).locator('.monaco-list').first();
    const box = await list.boundingBox();
    if (!box) throw new Error(`the ${viewName} view's tree is not visible`);
    const before = (await listScroll(viewName)).top;
    await page.mouse.move(box.x + box.width / 2, box.y + Math.min(box.height / 2, 40));
    const notches = pxPerNotch ? Math.max(1, Math.floor(Math.abs(dy) / pxPerNotch)) : 1;
    for (let i = 0; i < notches; i++) await page.mouse.wheel(0, Math.sign(dy) * 100);
    try {
      const after = await waitFor(
        async () => {
          const top = (await listScroll(viewName)).top;
          return top !== before ? { top } : undefined;
        },
        { timeout: 1_500, interval: 50 },
      );
      if (!pxPerNotch && notches === 1) {
        const moved = Math.abs(after.top - before);
        const { top, height, content } = await listScroll(viewName);
        // Only a move that did not stop at either end measures the step.
        if (moved > 0 && top > 0 && top < content - height) pxPerNotch = moved;
      }
      return true;
    } catch {
      return false;
    }
  }

  async function scrollListToTop(viewName: string): Promise<void> {
    for (let i = 0; i < 200; i++) {
      const { top } = await listScroll(viewName);
      if (top <= 0 || !(await wheelList(viewName, -(top + 100)))) break;
    }
  }

  async function renderedRows(viewName: string): Promise<Array<TreeItem & { index: number }>> {
    return treeRows(viewName).evaluateAll((rows) =>
      rows.map((row) => {
        const expanded = row.getAttribute('aria-expanded');
        return {
          index: Number(row.getAttribute('data-index') ?? '-1'),
          label: (row.querySelector('.label-name')?.textContent ?? row.getAttribute('aria-label') ?? '').trim(),
          description: (row.querySelector('.label-description')?.textContent ?? '').trim(),
          level: Number(row.getAttribute('aria-level') ?? '1'),
          expanded: expanded === null ? undefined : expanded === 'true',
        };
      }),
    );
  }

  /** One pass over the whole tree, top to bottom. */
  async function collectTree(viewName: string): Promise<TreeItem[]> {
    await scrollListToTop(viewName);
    const seen = new Map<number, TreeItem>();
    for (let i = 0; i < 1000; i++) {
      for (const { index, ...item } of await renderedRows(viewName)) seen.set(index, item);
      const { top, height, content } = await listScroll(viewName);
      if (top + height >= content - 1) break; // at the bottom
      if (!(await wheelList(viewName, Math.max(height * 0.8, 22)))) break;
    }
    return [...seen.entries()].sort(([a], [b]) => a - b).map(([, item]) => item);
  }

  async function allTreeItems(viewName: string): Promise<TreeItem[]> {
    await treeRows(viewName).first().waitFor({ timeout: 30_000 });
    // Rows may come and go while we scroll (e.g. a refresh finishing): read until two passes agree.
    let previous = await collectTree(viewName);
    for (let pass = 0; pass < 5; pass++) {
      const items = await collectTree(viewName);
      if (JSON.stringify(items) === JSON.stringify(previous)) return items;
      previous = items;
    }
    throw new Error(`the ${viewName} tree kept changing while it was read`);
  }

  async function groupItems(viewName: string, group: string): Promise<TreeItem[]> {
    const header = await revealTreeItem(viewName, group);
    if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
    const all = await allTreeItems(viewName);
    const start = all.findIndex((i) => i.level === 1 && i.label === group);
    if (start < 0) throw new Error(`no "${group}" row in ${JSON.stringify(all.map((i) => i.label))}`);
    const end = all.findIndex((i, k) => k > start && i.level === 1);
    return all.slice(start + 1, end < 0 ? undefined : end);
  }

  async function waitForGroup(
    viewName: string,
    group: string,
    test: (items: TreeItem[]) => boolean,
    message: string,
    timeout = 20_000,
  ): Promise<TreeItem[]> {
    let last: TreeItem[] = [];
    return waitFor(
      async () => {
        last = await groupItems(viewName, group);
        return test(last) ? last : undefined;
      },
      { timeout, message },
    ).catch((err: Error) => {
      throw new Error(`${err.message}; "${group}" shows ${JSON.stringify(last.map((i) => i.label))}`);
    });
  }

  async function revealTreeItem(viewName: string, label: string | RegExp): Promise<Locator> {
    const re = typeof label === 'string' ? new RegExp(`^${escapeRegExp(label)}$`) : label;
    const row = treeRows(viewName)
      .filter({ has: page.locator('.label-name', { hasText: re }) })
      .first();
    await treeRows(viewName).first().waitFor({ timeout: 30_000 });
    if ((await row.count()) > 0) return row;
    await scrollListToTop(viewName);
    for (let i = 0; i < 1000; i++) {
      if ((await row.count()) > 0) return row;
      const { top, height, content } = await listScroll(viewName);
      if (top + height >= content - 1) break;
      if (!(await wheelList(viewName, Math.max(height * 0.8, 22)))) break;
    }
    if ((await row.count()) > 0) return row;
    throw new Error(`no row "${String(label)}" in the ${viewName} view`);
  }

  // The workbench renders context menus itself (in a shadow root, which playwright's CSS selectors pierce).
  const contextMenuEl = page.locator('.context-view .monaco-menu');

  async function openContextMenu(target: Locator): Promise<void> {
    await target.scrollIntoViewIfNeeded();
    await target.click({ button: 'right' });
    await contextMenuEl.first().waitFor({ state: 'visible', timeout: 10_000 });
  }

  async function contextMenuEntries(target: Locator): Promise<string[]> {
    await openContextMenu(target);
    const labels = await contextMenuEl
      .first()
      .locator('.action-item:not(.disabled) a.action-menu-item .action-label')
      .allTextContents();
    return labels.map((l) => l.trim()).filter(Boolean);
  }

  async function contextMenu(target: Locator, entry: string): Promise<void> {
    await openContextMenu(target);
    await chooseMenuEntry(entry);
  }

  async function chooseMenuEntry(entry: string): Promise<number> {
    const item = contextMenuEl
      .first()
      .locator('.action-item a.action-menu-item')
      .filter({ has: page.locator('.action-label', { hasText: new RegExp(`^${escapeRegExp(entry)}$`) }) })
      .first();
    try {
      await item.waitFor({ state: 'visible', timeout: 5_000 });
    } catch {
      const shown = await contextMenuEl.first().locator('.action-label').allTextContents();
      await page.keyboard.press('Escape');
      throw new Error(`no "${entry}" in the context menu (shown: ${JSON.stringify(shown.map((s) => s.trim()))})`);
    }
    // Chosen by keyboard, never clicked: a menu item listens for the mouse button's release only once a 100 ms
    // timer after it is drawn has run, so a click sent sooner is lost and the menu stays open. That happens on a
    // busy renderer (the input goes before the timer) and on a fast machine (the click comes within 100 ms): CI
    // lost the clicks of three tests that way on a fast machine. Hovering gives the item the focus at once;
    // Enter is handled from the moment the menu is drawn.
    await item.hover();
    const focused = (el: Element) => {
      const active = (el.getRootNode() as Document | ShadowRoot).activeElement;
      return !!active && !!el.closest('.action-item')?.contains(active);
    };
    await waitFor(() => item.evaluate(focused), {
      timeout: 10_000,
      message: `"${entry}" focused in the context menu`,
    });
    const chosen = Date.now();
    await page.keyboard.press('Enter');
    await contextMenuEl.first().waitFor({ state: 'hidden', timeout: 10_000 });
    return chosen;
  }

  async function pickColorTheme(theme: string): Promise<void> {
    await runCommand('View: Close All Editors');
    await (await commandRow('Preferences: Color Theme')).click();
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Modern' }).first().waitFor();
    await quickPickRow(theme);
    await quickInput.press('Enter');
    await quickInput.waitFor({ state: 'hidden' });
  }

  async function activeEditorTitle(): Promise<string | undefined> {
    const active = page.locator('.part.editor .tabs-container .tab.active .label-name').first();
    if ((await active.count()) === 0) return undefined;
    return (await active.textContent())?.trim();
  }

  async function webview(title?: string | RegExp, opts: { timeout?: number } = {}): Promise<FrameLocator> {
    if (title !== undefined) {
      await waitFor(
        async () => {
          const t = (await activeEditorTitle()) ?? '';
          return typeof title === 'string' ? t === title : title.test(t);
        },
        { timeout: opts.timeout ?? 30_000, message: `the "${String(title)}" tab to be active` },
      );
    }
    // A webview's iframe lives outside the editor, in a container laid over its editor's placeholder element (the
    // container names it in data-parent-flow-to-element-id). One webview pane, and so one placeholder, serves every
    // webview of its kind in a group: webviews kept alive while hidden still point at it, their containers made
    // `visibility: hidden`. Panes of other kinds (a custom editor beside webview panels) stay in the DOM with
    // `display: none`. So: the placeholder in the visible pane of the active group, then the visible iframe over it.
    const pane = page
      .locator('.part.editor .editor-group-container.active .editor-instance')
      .filter({ visible: true, has: page.locator('[id^="webview-editor-element-"]') })
      .first();
    await pane.waitFor({ timeout: 30_000 });
    const id = await pane.locator('[id^="webview-editor-element-"]').first().getAttribute('id');
    const outerSelector = `[data-parent-flow-to-element-id="${id}"] > iframe.webview.ready >> visible=true`;
    await page.locator(outerSelector).first().waitFor({ timeout: 30_000 });
    const frame = page.frameLocator(outerSelector).first().frameLocator('iframe#active-frame');
    await frame.locator('body').waitFor({ timeout: 30_000 });
    return frame;
  }

  async function editorTabs(): Promise<string[]> {
    const labels = await page.locator('.part.editor .tabs-container .tab .label-name').allTextContents();
    return labels.map((l) => l.trim());
  }

  async function outputView(): Promise<{ channel: string; text: string }> {
    const panel = page.locator('.part.panel');
    const select = panel.locator('.title-actions select.monaco-select-box');
    const channel = (await select.count()) ? await select.first().inputValue() : '';
    const lines = panel.locator('.monaco-editor .view-lines');
    const text = (await lines.count()) ? await lines.first().innerText() : '';
    // Monaco renders spaces as no-break spaces.
    return { channel, text: text.replace(/\u00a0/g, ' ') };
  }

  async function notifications(): Promise<string[]> {
    const texts = await page.locator('.notifications-toasts .notification-list-item-message').allTextContents();
    return texts.map((t) => t.trim());
  }

  async function screenshot(file: string): Promise<void> {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    await page.screenshot({ path: file });
  }

  let closed = false;
  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    await Promise.race([browser.close(), delay(10_000)]).catch(() => undefined);
  }

  return {
    browser,
    context,
    page,
    host,
    runCommand,
    openQuickInput,
    quickOpen,
    runInputCommand,
    quickPickRow,
    pickQuickItem,
    openViewContainer,
    view,
    treeRows,
    treeItems,
    allTreeItems,
    revealTreeItem,
    groupItems,
    waitForGroup,
    contextMenuEntries,
    contextMenu,
    chooseMenuEntry,
    pickColorTheme,
    webview,
    editorTabs,
    activeEditorTitle,
    outputView,
    notifications,
    screenshot,
    close,
  };
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The model picker of Attractor: Preview Model and Attractor: Open Model Card, from the palette, a file picked. */
export async function pickModel(wb: Workbench, command: 'Preview Model' | 'Open Model Card', file: string) {
  await wb.runInputCommand(`Attractor: ${command}`, { placeholder: 'An ONNX model to run' });
  await wb.pickQuickItem(file);
}

/** Attractor: Preview Model of a file, from the palette; returns the preview's webview. */
export async function previewModel(wb: Workbench, file: string): Promise<FrameLocator> {
  await pickModel(wb, 'Preview Model', file);
  return wb.webview(`Preview: ${file}`);
}

/** Attractor: Open Model Card of a file, from the palette; returns the card's webview. */
export async function openModelCard(wb: Workbench, file: string): Promise<FrameLocator> {
  await pickModel(wb, 'Open Model Card', file);
  return wb.webview(file);
}
