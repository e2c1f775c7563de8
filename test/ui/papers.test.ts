/**
 * The papers sidebar and paper panel as a user sees them, in a real VS Code (code-server) driven by Chromium.
 * ATTRACTOR_UPDATE_SCREENSHOT=1 also refreshes media/screenshot.png (used by the README).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { FrameLocator } from 'playwright-core';
import { useWorkbench } from '../harness/mocha';
import { repoRoot } from '../harness/paths';
import { waitFor } from '../harness/poll';

const listing: Array<{ title: string }> = JSON.parse(
  fs.readFileSync(path.join(repoRoot, 'media', 'library', 'default-listing.json'), 'utf8'),
);
/** A paper whose abstract renders math with KaTeX (`10^{-6} yr^{-1}`). */
const MATH_PAPER =
  'The S2 orbit and tidally disrupted binaries: indications for collisional depletion in the Galactic center';
const OTHER_PAPER = 'Limits and Powers of Koopman Learning';

describe('papers (UI)', function () {
  const ui = useWorkbench();

  async function openPaper(title: string) {
    const row = await ui.wb.revealTreeItem('Papers', title);
    await row.click();
    await waitFor(async () => (await ui.wb.activeEditorTitle()) === title, {
      message: `the "${title}" tab to be active`,
    });
  }

  it(`lists the ${listing.length} bundled papers under expanded date groups`, async () => {
    assert.strictEqual(listing.length, 38);
    const titles = new Set(listing.map((p) => p.title));
    await ui.wb.openViewContainer('Attractor');
    // Wait until a paper row is rendered, then read the whole (virtualized) tree.
    await waitFor(async () => (await ui.wb.treeItems('Papers')).some((i) => titles.has(i.label)), {
      timeout: 30_000,
      message: 'a paper row in the Papers view',
    });
    const items = await waitFor(
      async () => {
        const all = await ui.wb.allTreeItems('Papers');
        return all.filter((i) => titles.has(i.label)).length >= listing.length ? all : undefined;
      },
      { timeout: 30_000, message: `${listing.length} paper rows` },
    );
    const paperRows = items.map((item, index) => ({ item, index })).filter(({ item }) => titles.has(item.label));
    assert.deepStrictEqual(paperRows.map(({ item }) => item.label).sort(), [...titles].sort(), 'each paper once');
    for (const { item, index } of paperRows) {
      // The parent: the nearest row above with one level less.
      const parent = items
        .slice(0, index)
        .reverse()
        .find((p) => p.level === item.level - 1);
      assert.ok(parent, `"${item.label}" has a parent row`);
      assert.match(
        parent.label,
        /^[A-Z][a-z]{2} \d{1,2}, \d{4}$/,
        `"${item.label}" is under a date group, not "${parent.label}"`,
      );
      assert.strictEqual(parent.expanded, true, `date group "${parent.label}" is expanded`);
    }
  });

  it('opens a paper on click in a panel titled with the paper, its math rendered by KaTeX', async () => {
    await openPaper(MATH_PAPER);
    const frame = await ui.wb.webview(MATH_PAPER);
    await frame.locator('.katex').first().waitFor({ timeout: 30_000 });
    assert.ok((await frame.locator('.katex').count()) > 0);
    assert.strictEqual(await ui.wb.activeEditorTitle(), MATH_PAPER);
  });

  it('has a strict Content-Security-Policy: nonce scripts only, injected inline scripts do not run', async () => {
    const frame = await ui.wb.webview(MATH_PAPER);
    const csp = await frame.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    assert.ok(csp, 'the page has a CSP meta tag');
    const directives = new Map(
      csp
        .split(';')
        .map((d) => d.trim())
        .filter(Boolean)
        .map((d) => {
          const [name, ...values] = d.split(/\s+/);
          return [name.toLowerCase(), values] as const;
        }),
    );
    assert.deepStrictEqual(directives.get('default-src'), ["'none'"], `default-src in ${csp}`);
    const scriptSrc = directives.get('script-src');
    assert.ok(scriptSrc, `script-src in ${csp}`);
    assert.ok(
      scriptSrc.some((v) => /^'nonce-[A-Za-z0-9+/_=-]{16,}'$/.test(v)),
      `a nonce in script-src: ${scriptSrc.join(' ')}`,
    );
    assert.ok(!scriptSrc.includes("'unsafe-inline'"), `no 'unsafe-inline' in script-src: ${scriptSrc.join(' ')}`);
    assert.ok(!scriptSrc.includes("'unsafe-eval'"), `no 'unsafe-eval' in script-src: ${scriptSrc.join(' ')}`);

    const result = await frame.locator('body').evaluate(async (body) => {
      const w = window as unknown as { __attractorInjected?: boolean };
      const violation = new Promise<string>((resolve) => {
        document.addEventListener('securitypolicyviolation', (e) => resolve(e.effectiveDirective), { once: true });
        setTimeout(() => resolve('none'), 5000);
      });
      const script = document.createElement('script');
      script.textContent = 'window.__attractorInjected = true;';
      body.appendChild(script); // an allowed inline script would run synchronously here
      return { ran: w.__attractorInjected === true, violation: await violation };
    });
    assert.strictEqual(result.ran, false, 'the injected inline script ran');
    assert.match(result.violation, /^script-src/, 'the browser reports a script-src violation');
  });

  it('keeps one panel per paper when the same paper is opened again', async () => {
    await openPaper(OTHER_PAPER);
    await openPaper(MATH_PAPER);
    const tabs = await ui.wb.editorTabs();
    assert.strictEqual(tabs.filter((t) => t === MATH_PAPER).length, 1, `tabs: ${JSON.stringify(tabs)}`);
    assert.strictEqual(tabs.filter((t) => t === OTHER_PAPER).length, 1, `tabs: ${JSON.stringify(tabs)}`);
    assert.strictEqual(tabs.length, 2, `tabs: ${JSON.stringify(tabs)}`);
    const frame = await ui.wb.webview(MATH_PAPER);
    await frame.locator('.katex').first().waitFor({ timeout: 30_000 });
  });

  it('"Attractor: Show Log" shows the Attractor output channel with the activation time', async () => {
    await ui.wb.runCommand('Attractor: Show Log');
    const out = await waitFor(
      async () => {
        const o = await ui.wb.outputView();
        return o.channel === 'Attractor' && /Attractor activated in [\d.]+ ms/.test(o.text) ? o : undefined;
      },
      { timeout: 20_000, message: 'the Attractor output channel with "activated in"' },
    );
    console.log(`      in the real host: ${/Attractor activated in [\d.]+ ms/.exec(out.text)?.[0]}`);
  });

  it('updates media/screenshot.png (ATTRACTOR_UPDATE_SCREENSHOT=1)', async function () {
    if (process.env.ATTRACTOR_UPDATE_SCREENSHOT !== '1') this.skip();
    const { page } = ui.wb;
    // A README-sized window: the tree and the math paper side by side, no bottom panel.
    await page.setViewportSize({ width: 1400, height: 900 });
    await waitFor(async () => ((await page.locator('.part.sidebar').boundingBox())?.height ?? 9999) < 900, {
      message: 'the workbench to lay out at 900 px',
    });
    if (await page.locator('.part.panel').isVisible()) await ui.wb.runCommand('View: Hide Panel');
    await openPaper(MATH_PAPER);
    const frame = await ui.wb.webview(MATH_PAPER);
    await frame.locator('.katex').first().waitFor({ timeout: 30_000 });
    await (await ui.wb.revealTreeItem('Papers', MATH_PAPER)).scrollIntoViewIfNeeded();
    await page.mouse.move(700, 880); // no hover tooltips in the picture
    await page
      .locator('.monaco-hover, .workbench-hover')
      .first()
      .waitFor({ state: 'hidden' })
      .catch(() => undefined);
    await ui.wb.screenshot(path.join(repoRoot, 'media', 'screenshot.png'));
  });

  it('follows the colour theme, readable in dark, light and high-contrast themes', async () => {
    await ui.wb.openViewContainer('Attractor');
    /** WCAG contrast ratio of the text against the page, as the panel paints them. */
    const look = (frame: FrameLocator) =>
      frame.locator('body').evaluate((body) => {
        const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
        const lum = (c: string) => {
          const [r, g, b] = rgb(c).map((v) =>
            v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4,
          );
          return 0.2126 * r + 0.7152 * g + 0.0722 * b;
        };
        const text = getComputedStyle(body.querySelector('.markdown-body') ?? body).color;
        const page = getComputedStyle(body).backgroundColor;
        const [a, b] = [lum(text), lum(page)].sort((x, y) => y - x);
        return { theme: body.className, text, page, contrast: (a + 0.05) / (b + 0.05) };
      });
    const seen: string[] = [];
    for (const [theme, kind] of [
      ['Dark Modern', 'vscode-dark'],
      ['Light Modern', 'vscode-light'],
      ['Dark High Contrast', 'vscode-high-contrast'],
    ]) {
      await ui.wb.pickColorTheme(theme);
      await openPaper(MATH_PAPER);
      const frame = await ui.wb.webview(MATH_PAPER);
      let last = '';
      const l = await waitFor(
        async () => {
          const v = await look(frame);
          last = JSON.stringify(v);
          return v.theme.split(/\s+/).includes(kind) ? v : undefined;
        },
        { timeout: 30_000, message: `the panel in ${theme}` },
      ).catch((err: Error) => {
        throw new Error(`${err.message}; last seen ${last}`);
      });
      assert.ok(l.contrast >= 4.5, `${theme}: text ${l.text} on ${l.page}, contrast ${l.contrast.toFixed(1)}`);
      seen.push(`${l.text} on ${l.page}`);
    }
    assert.strictEqual(new Set(seen).size, 3, `colours change with the theme: ${seen.join(' | ')}`);
    await ui.wb.pickColorTheme('Light Modern');
    await openPaper(MATH_PAPER);
  });

  it('brings paper panels back after a window reload (WebviewPanelSerializer)', async () => {
    const { page } = ui.wb;
    assert.ok((await ui.wb.editorTabs()).includes(MATH_PAPER), 'the paper is open before the reload');
    // As a user reloads: the workbench saves its editors on the way out (a bare page reload may not).
    await ui.wb.runCommand('Developer: Reload Window');
    await page.waitForLoadState('domcontentloaded');
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await waitFor(async () => (await ui.wb.editorTabs()).includes(MATH_PAPER), {
      timeout: 60_000,
      message: 'the paper tab after the reload',
    });
    await page.locator('.part.editor .tabs-container .tab', { hasText: MATH_PAPER }).first().click();
    const frame = await ui.wb.webview(MATH_PAPER);
    await frame.locator('.katex').first().waitFor({ timeout: 30_000 });
    assert.strictEqual((await ui.wb.editorTabs()).filter((t) => t === MATH_PAPER).length, 1);
  });
});
