/**
 * The keyboard focus around a paper panel, in a real VS Code driven by Chromium, with the raw keyboard (no helper
 * that opens the palette again when it closed): a paper opened from Add Paper leaves the focus where the user was,
 * so its content arriving later (rendered off the extension host's thread) hands nothing to the webview, and a
 * palette opened before the content is shown stays open and focused.
 */
import * as assert from 'assert';
import type { Page } from 'playwright-core';
import { useWorkbench } from '../harness/mocha';
import { waitFor } from '../harness/poll';
import { startFixtureServer, type FixtureServer } from '../fixtures/server';
import { arxivEntry, arxivFeed } from '../unit/papersFixtures';

const TITLE = 'Slow Abstracts of Strange Attractors';

/** Where the keyboard focus is: `webview` when it is inside a webview's iframe, else the focused element. */
function focusOwner(page: Page): Promise<string> {
  return page.evaluate(() => {
    const active = document.activeElement;
    if (!active) return 'none';
    if (active.tagName === 'IFRAME') return 'webview';
    if (active.closest('.quick-input-widget')) return 'quick input';
    return `${active.tagName.toLowerCase()}.${String((active as HTMLElement).className)}`;
  });
}

describe('webview focus (UI)', function () {
  this.timeout(180_000);
  let server: FixtureServer;
  const settings: Record<string, unknown> = {};
  before(async () => {
    server = await startFixtureServer();
    server.route('/api/daily_papers', { body: [] });
    // A long abstract full of math: its render takes a while, so the content arrives well after the tab.
    const summary = Array.from({ length: 600 }, (_, i) => `$\\sum_{k=1}^{${i}} \\frac{x_k^2}{\\sqrt{k+${i}}}$`).join(
      ' ',
    );
    server.route('/api/query', { body: arxivFeed([arxivEntry({ id: '2311.00007v1', title: TITLE, summary })]) });
    Object.assign(settings, {
      'attractor.huggingface.endpoint': server.url,
      'attractor.arxiv.endpoint': server.url,
      'attractor.network.timeoutSeconds': 3,
    });
  });
  after(() => server?.close());
  const ui = useWorkbench({ host: { settings } });

  it('a paper panel whose content arrives late never takes the focus from the palette opened meanwhile', async () => {
    const { page } = ui.wb;
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await ui.wb.openViewContainer('Attractor');
    await ui.wb.runInputCommand('Attractor: Add Paper by arXiv ID or URL', { title: 'Add Paper by arXiv ID or URL' });
    await input.fill('2311.00007');
    await input.press('Enter');
    await waitFor(async () => (await ui.wb.activeEditorTitle()) === TITLE, {
      timeout: 30_000,
      message: 'the paper open in a panel',
    });
    // As a user who opens the palette at once: the raw keyboard, nothing focused first, no second try.
    await page.keyboard.press('Control+Shift+P');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    const frame = await ui.wb.webview(TITLE);
    await frame.locator('h1', { hasText: TITLE }).waitFor({ timeout: 30_000 });
    await frame.locator('main#paper[aria-busy="false"]').waitFor();
    assert.ok(await input.isVisible(), 'the palette is still open after the content was shown');
    assert.strictEqual(await focusOwner(page), 'quick input');
    await page.keyboard.type('>View: Close All Editors');
    await page.keyboard.press('Enter');
    await input.waitFor({ state: 'hidden' });
  });

  it('opening a paper leaves the keyboard focus outside its webview', async () => {
    const { page } = ui.wb;
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await ui.wb.runInputCommand('Attractor: Add Paper by arXiv ID or URL', { title: 'Add Paper by arXiv ID or URL' });
    await input.fill('2311.00007');
    await input.press('Enter');
    const frame = await ui.wb.webview(TITLE);
    await frame.locator('main#paper[aria-busy="false"]').waitFor({ timeout: 30_000 });
    assert.notStrictEqual(await focusOwner(page), 'webview');
  });
});
