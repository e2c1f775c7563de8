/**
 * PDFs in the editor as a user reads them, in a real VS Code driven by Chromium: Open PDF on a paper of the
 * Papers view downloads the PDF from the local fixture server (the arXiv endpoint) into global storage and shows
 * it in the pdf.js editor; page navigation, zoom and find in its toolbar; a passage selected in pdf.js's text
 * layer annotated in the paper's note (page and quote), highlighted again when the PDF reopens; a cut and a
 * too-large download keep nothing and say why. The PDFs are made by the tests (pdf-lib, known text per page).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { FrameLocator } from 'playwright-core';
import { recordFigure } from '../harness/figures';
import { useWorkbench } from '../harness/mocha';
import { waitFor } from '../harness/poll';
import { escapeRegExp } from '../harness/workbench';
import { startFixtureServer, type FixtureServer } from '../fixtures/server';
import { makeLargePdf, makeLongPdf, makePdf } from '../fixtures/pdfs';
import { hfDailyEntry } from '../unit/papersFixtures';
import { noteFileName } from '../../src/notes/noteFileName';
import { pdfFileName } from '../../src/pdf/pdfFiles';

const PAPER = { id: '2510.31001', title: 'Delay Embeddings of Chaotic Attractors' };
const CUT = { id: '2510.31002', title: 'A Paper Whose PDF Download Is Cut' };
const LARGE = { id: '2510.31003', title: 'A Paper With an Oversized PDF' };
const LONG = { id: '2510.31004', title: 'Twenty Pages on Reconstructing Attractors' };

const PAGE_1 = [
  'Reconstructing chaotic attractors from data',
  'The Lorenz system has a strange attractor whose',
  'correlation dimension is close to two.',
];
const PAGE_2 = [
  'Delay coordinates and the Lorenz flow',
  'Takens showed that a generic delay embedding',
  'recovers the attractor up to a diffeomorphism.',
];
/** A PDF of the workspace, not a library paper's: its first page differs from the paper's. */
const WORKSPACE_PDF = 'lecture-notes.pdf';
const WORKSPACE_PAGE_1 = ['Lecture notes on strange attractors', 'Kaplan and Yorke conjectured a dimension formula.'];
/** Across two lines of page 2, so across text-layer spans. */
const PASSAGE = 'Takens showed that a generic delay embedding recovers the attractor';
const COMMENT = 'Needs a generic observation function too.';
/** attractor.pdf.maxDownloadMB for this host; the oversized PDF is half as large again. */
const MAX_MB = 1;

/**
 * The PDF editor's steps to its first page: `start` when VS Code's webview frame began to navigate, `page` when
 * the frame's page was fetched (after VS Code's webview service worker was ready), then the marks of the page
 * (webview/pdf/main.ts).
 */
const OPEN_STEPS = ['start', 'page', 'script', 'bytes', 'worker', 'document', 'first-page'] as const;
type OpenStep = (typeof OPEN_STEPS)[number];
/** The first `times.length` steps' times as "start 532, page 984, …". */
const stepsText = (times: number[]) => times.map((ms, k) => `${OPEN_STEPS[k]} ${ms}`).join(', ');

function isoDate(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
const today = isoDate(new Date());
const collapse = (s: string) => s.replace(/\s+/g, ' ').trim();

describe('PDFs in the editor (UI)', function () {
  this.timeout(180_000);
  let server: FixtureServer;
  let paperPdf: Buffer;
  const settings: Record<string, unknown> = {};
  before(async () => {
    server = await startFixtureServer();
    server.route('/api/daily_papers', (req) => ({
      body: req.query.get('date') === today ? [PAPER, CUT, LARGE, LONG].map((p) => hfDailyEntry(p)) : [],
    }));
    const pdf = { 'content-type': 'application/pdf' };
    paperPdf = await makePdf([PAGE_1, PAGE_2]);
    server.route(`/pdf/${PAPER.id}`, { body: paperPdf, headers: pdf });
    server.route(`/pdf/${CUT.id}`, { body: await makeLongPdf(4), headers: pdf });
    // Every attempt is cut (the client retries a cut download), so the download fails.
    server.fault(`/pdf/${CUT.id}`, { kind: 'truncate' });
    server.route(`/pdf/${LARGE.id}`, { body: await makeLargePdf(1.5 * MAX_MB * 1024 * 1024), headers: pdf });
    server.route(`/pdf/${LONG.id}`, { body: await makeLongPdf(20), headers: pdf });
    Object.assign(settings, {
      'attractor.huggingface.endpoint': server.url,
      'attractor.arxiv.endpoint': server.url,
      'attractor.network.timeoutSeconds': 5,
      'attractor.papers.fetchOnOpen': true,
      // No feeds: their arXiv requests would queue in front of the PDF downloads (one request every 3 s).
      'attractor.feeds.categories': [],
      'attractor.pdf.maxDownloadMB': MAX_MB,
    });
  });
  after(() => server?.close());
  const ui = useWorkbench({
    host: { settings },
    prepare: async (host) => {
      fs.mkdirSync(path.join(host.workspace, 'reading'), { recursive: true });
      fs.writeFileSync(path.join(host.workspace, 'reading', WORKSPACE_PDF), await makePdf([WORKSPACE_PAGE_1, PAGE_2]));
    },
  });

  const pdfsDir = () => path.join(ui.host.userDataDir, 'User', 'globalStorage', 'attractor-dev.attractor', 'pdfs');
  const storedPdfs = () => (fs.existsSync(pdfsDir()) ? fs.readdirSync(pdfsDir()).sort() : []);
  const notePath = () => path.join(ui.host.workspace, 'papers', noteFileName(PAPER.id));
  const input = () => ui.wb.page.locator('.quick-input-widget .quick-input-box input');

  /**
   * Open PDF from the paper's context menu in the Papers view, as a user picks it; resolves with the time
   * (Date.now()) the entry was chosen.
   */
  async function openPdf(title: string): Promise<number> {
    const row = await ui.wb.revealTreeItem('Papers', title);
    await row.scrollIntoViewIfNeeded();
    await row.click({ button: 'right' });
    return ui.wb.chooseMenuEntry('Open PDF');
  }

  /** The PDF editor of a paper, once pdf.js has laid out its pages. */
  async function pdfEditor(paperId: string): Promise<FrameLocator> {
    const frame = await ui.wb.webview(pdfFileName(paperId), { timeout: 60_000 });
    await frame.locator('.page[data-page-number="1"]').waitFor({ timeout: 30_000 });
    return frame;
  }

  /**
   * When (epoch ms, the page's clock) the editor drew its first page, and the steps before it: the webview's
   * performance marks (`start` is when the editor's page began loading).
   */
  function firstPageDrawnAt(frame: FrameLocator): Promise<Record<OpenStep, number>> {
    return waitFor(
      () =>
        frame.locator('body').evaluate((_, steps) => {
          const navigation = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
          const at: Record<string, number> = {
            start: performance.timeOrigin,
            page: performance.timeOrigin + (navigation?.fetchStart ?? 0),
          };
          for (const step of steps.slice(2)) {
            const entry = performance.getEntriesByName(`attractor:pdf-${step}`)[0];
            if (!entry) return undefined;
            at[step] = performance.timeOrigin + entry.startTime;
          }
          return at as Record<OpenStep, number>;
        }, OPEN_STEPS),
      { timeout: 30_000, message: 'the first page drawn' },
    );
  }

  /** How many pixels of a page's canvas are dark: text drawn on it. */
  function inkOnPage(frame: FrameLocator, page: number): Promise<number> {
    return frame
      .locator(`.page[data-page-number="${page}"] canvas`)
      .first()
      .evaluate((canvas: HTMLCanvasElement) => {
        const ctx = canvas.getContext('2d');
        if (!ctx || canvas.width === 0) return 0;
        const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
        let dark = 0;
        for (let i = 0; i < data.length; i += 4)
          if (data[i + 3] > 0 && data[i] + data[i + 1] + data[i + 2] < 300) dark++;
        return dark;
      });
  }

  /** The text of a page's text layer, whitespace collapsed (pdf.js draws each run of text as its own span). */
  function pageText(frame: FrameLocator, page: number): Promise<string> {
    return frame
      .locator(`.page[data-page-number="${page}"] .textLayer`)
      .evaluate((layer) => (layer.textContent ?? '').replace(/\s+/g, ''));
  }

  /**
   * Selects `wanted` in a page's text layer with a DOM range over the text nodes that hold it: pdf.js draws each
   * line (and sometimes each word) as its own span, so a drag over one span would not select it.
   */
  function selectInTextLayer(frame: FrameLocator, page: number, wanted: string) {
    return frame.locator(`.page[data-page-number="${page}"] .textLayer`).evaluate((layer, passage) => {
      const bare = passage.replace(/\s+/g, '');
      const chars: { node: Text; offset: number }[] = [];
      const walker = document.createTreeWalker(layer, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode() as Text | null; n; n = walker.nextNode() as Text | null)
        for (let i = 0; i < n.data.length; i++) if (!/\s/.test(n.data[i])) chars.push({ node: n, offset: i });
      const at = chars
        .map((c) => c.node.data[c.offset])
        .join('')
        .indexOf(bare);
      if (at < 0) return undefined;
      const first = chars[at];
      const last = chars[at + bare.length - 1];
      const range = document.createRange();
      range.setStart(first.node, first.offset);
      range.setEnd(last.node, last.offset + 1);
      const selection = document.getSelection()!;
      selection.removeAllRanges();
      selection.addRange(range);
      return { text: selection.toString(), nodes: new Set(chars.slice(at, at + bare.length).map((c) => c.node)).size };
    }, wanted);
  }

  const pageNumberShown = (frame: FrameLocator) =>
    frame.locator('#page-number').evaluate((el) => (el as HTMLElement & { value: string }).value);

  async function clearNotifications(): Promise<void> {
    await ui.wb.runCommand('Notifications: Clear All Notifications');
    await waitFor(async () => (await ui.wb.notifications()).length === 0, { message: 'no notifications' });
  }

  it('Open PDF downloads the paper’s PDF into global storage and shows its first page in the pdf.js editor', async () => {
    await ui.wb.openViewContainer('Attractor');
    // The Models view is not needed: collapsed, it leaves the side bar's height to the papers.
    const models = ui.wb.view('Models').locator('.pane-header');
    await models.waitFor({ timeout: 30_000 });
    if ((await models.getAttribute('aria-expanded')) === 'true') await models.click();
    await waitFor(async () => (await ui.wb.treeItems('Papers')).some((i) => i.label === PAPER.title), {
      timeout: 60_000,
      message: "today's papers from the fixture server",
    });
    assert.deepStrictEqual(storedPdfs(), []);

    await openPdf(PAPER.title);
    const frame = await pdfEditor(PAPER.id);
    await firstPageDrawnAt(frame);
    assert.deepStrictEqual(
      server.requestsTo(`/pdf/${PAPER.id}`).map((r) => r.method),
      ['GET'],
    );
    assert.deepStrictEqual(storedPdfs(), [pdfFileName(PAPER.id)]);
    assert.ok(fs.readFileSync(path.join(pdfsDir(), pdfFileName(PAPER.id))).equals(paperPdf), 'the bytes served');
    assert.strictEqual(await frame.locator('#page-count').textContent(), 'of 2');
    assert.strictEqual(await pageNumberShown(frame), '1');
    assert.ok((await inkOnPage(frame, 1)) > 500, 'text drawn on the first page’s canvas');
    await frame.locator('.page[data-page-number="1"] .textLayer span').first().waitFor();
    assert.strictEqual(await pageText(frame, 1), PAGE_1.join('').replace(/\s+/g, ''));
  });

  it('goes to page 2 and zooms in and out', async () => {
    const frame = await ui.wb.webview(pdfFileName(PAPER.id));
    await frame.locator('#next-page').click();
    await waitFor(async () => (await pageNumberShown(frame)) === '2', { message: 'page 2 in the page field' });
    await frame.locator('.page[data-page-number="2"][data-loaded="true"]').waitFor();
    // Page 2 is at the top of the viewer.
    const offset = await frame.locator('#viewerContainer').evaluate((c) => {
      const p = c.querySelector('.page[data-page-number="2"]')!.getBoundingClientRect();
      return Math.abs(p.top - c.getBoundingClientRect().top);
    });
    assert.ok(offset < 400, `page 2 near the top of the viewer (off by ${offset} px)`);
    assert.ok((await inkOnPage(frame, 2)) > 500, 'text drawn on page 2');
    await frame.locator('.page[data-page-number="2"] .textLayer span').first().waitFor();
    assert.strictEqual(await pageText(frame, 2), PAGE_2.join('').replace(/\s+/g, ''));

    const zoom = async () => Number((await frame.locator('#zoom-level').textContent())?.replace('%', ''));
    const width = () => frame.locator('.page[data-page-number="2"]').evaluate((p) => p.getBoundingClientRect().width);
    const before = { zoom: await zoom(), width: await width() };
    assert.ok(before.zoom > 0, `a zoom level shown (${before.zoom})`);
    await frame.locator('#zoom-in').click();
    await waitFor(async () => (await zoom()) > before.zoom, { message: 'a larger zoom level' });
    await waitFor(async () => (await width()) > before.width * 1.05, { message: 'a wider page' });
    assert.strictEqual(await pageNumberShown(frame), '2', 'zooming keeps page 2');
    // pdf.js steps the scale by about 10% and rounds it, so one step out from a fitted width need not come back
    // to the same level: smaller than zoomed in is what a user sees.
    const zoomedIn = { zoom: await zoom(), width: await width() };
    await frame.locator('#zoom-out').click();
    await waitFor(async () => (await zoom()) < zoomedIn.zoom, { message: 'a smaller zoom level' });
    await waitFor(async () => (await width()) < zoomedIn.width / 1.05, { message: 'a narrower page' });
  });

  it('finds text with the editor’s find: the hit count and the highlighted match, then cleared', async () => {
    const frame = await ui.wb.webview(pdfFileName(PAPER.id));
    const field = frame.locator('#find-text input');
    const status = frame.locator('#find-status');
    await field.fill('lorenz');
    await waitFor(async () => /^[12] of 2$/.test((await status.textContent()) ?? ''), {
      message: '"lorenz" found twice',
    });
    const selected = frame.locator('.textLayer .highlight.selected');
    await selected.first().waitFor();
    assert.strictEqual((await selected.first().textContent())?.toLowerCase(), 'lorenz');
    const first = await status.textContent();
    await field.press('Enter');
    await waitFor(
      async () => /^[12] of 2/.test((await status.textContent()) ?? '') && (await status.textContent()) !== first,
      {
        message: 'the next match',
      },
    );

    await field.fill('diffeomorphism');
    await waitFor(async () => (await status.textContent()) === '1 of 1', { message: 'one match' });
    const hit = frame.locator('.page[data-page-number="2"] .textLayer .highlight.selected');
    await hit.waitFor();
    assert.strictEqual(await hit.textContent(), 'diffeomorphism');

    await field.fill('hyperbolicity');
    await waitFor(async () => (await status.textContent()) === 'No results', { message: 'no match' });

    await field.fill('');
    await waitFor(async () => (await status.textContent()) === '', { message: 'no find status' });
    await waitFor(async () => (await frame.locator('.textLayer .highlight').count()) === 0, {
      message: 'no find highlights once the field is cleared',
    });
  });

  it('Annotate Selection on a passage of the text layer adds it to the paper’s note with its page', async () => {
    const frame = await ui.wb.webview(pdfFileName(PAPER.id));
    await frame.locator('.page[data-page-number="2"] .textLayer span').first().waitFor();
    const selected = await selectInTextLayer(frame, 2, PASSAGE);
    assert.ok(selected, 'the passage is in page 2’s text layer');
    assert.strictEqual(collapse(selected.text), PASSAGE);
    assert.ok(selected.nodes > 1, `the selection spans several text-layer spans (${selected.nodes})`);

    await frame.locator('#annotate-selection').click();
    await ui.wb.page
      .locator('.quick-input-widget .quick-input-title', { hasText: 'Annotate Selection' })
      .waitFor({ timeout: 15_000 });
    await input().fill(COMMENT);
    await input().press('Enter');

    const note = notePath();
    const source = await waitFor(
      () =>
        fs.existsSync(note) && fs.readFileSync(note, 'utf8').includes('## From the PDF')
          ? fs.readFileSync(note, 'utf8')
          : undefined,
      { message: 'the note with the passage' },
    );
    assert.ok(source.includes(`\n> p. 2: ${PASSAGE}\n`), source);
    const sidecar = note.replace(/\.md$/, '.annotations.json');
    const stored = await waitFor(
      () => (fs.existsSync(sidecar) ? JSON.parse(fs.readFileSync(sidecar, 'utf8')) : undefined),
      { message: 'the annotation stored next to the note' },
    );
    assert.strictEqual(stored.annotations.length, 1);
    assert.deepStrictEqual(stored.annotations[0].pdf, { page: 2, quote: PASSAGE });
    assert.strictEqual(stored.annotations[0].quote, PASSAGE);
    assert.strictEqual(stored.annotations[0].comments[0].body, COMMENT);
    // The note is shown beside the PDF, with the comment on the quote.
    await waitFor(async () => (await ui.wb.editorTabs()).includes(path.basename(note)), {
      message: 'the note open beside the PDF',
    });
    await ui.wb.page.locator('.review-widget .review-comment .comment-body', { hasText: COMMENT }).waitFor();
    // And the PDF highlights the passage at once.
    const marked = frame.locator('.page[data-page-number="2"] .textLayer .attractor-highlight');
    await marked.first().waitFor();
    assert.ok(collapse((await marked.allTextContents()).join(' ')).includes(PASSAGE));
  });

  it('closed and opened again (offline, from storage), the PDF highlights the annotated passage', async () => {
    await ui.wb.runCommand('View: Close All Editors');
    await waitFor(async () => (await ui.wb.editorTabs()).length === 0, { message: 'no editors' });
    await openPdf(PAPER.title);
    const frame = await pdfEditor(PAPER.id);
    assert.strictEqual(server.requestsTo(`/pdf/${PAPER.id}`).length, 1, 'no second download');
    await frame.locator('#next-page').click();
    await waitFor(async () => (await pageNumberShown(frame)) === '2', { message: 'page 2' });
    const marked = frame.locator('.page[data-page-number="2"] .textLayer .attractor-highlight');
    await marked.first().waitFor({ timeout: 20_000 });
    assert.ok(collapse((await marked.allTextContents()).join(' ')).includes(PASSAGE));
    assert.deepStrictEqual(
      [...new Set(await marked.evaluateAll((els) => els.map((e) => e.getAttribute('title'))))],
      [COMMENT],
    );
    assert.strictEqual(await frame.locator('.page[data-page-number="1"] .textLayer .attractor-highlight').count(), 0);
  });

  it('a cut download and a PDF over attractor.pdf.maxDownloadMB keep nothing and say why', async () => {
    await ui.wb.runCommand('View: Close All Editors');
    await clearNotifications();
    const partials = () => storedPdfs().filter((f) => f !== pdfFileName(PAPER.id));

    await openPdf(CUT.title);
    const cut = await waitFor(async () => (await ui.wb.notifications()).find((n) => n.includes(CUT.title)), {
      timeout: 90_000,
      message: 'a notification about the cut download',
    });
    assert.match(
      cut,
      new RegExp(
        `could not download the PDF of "${escapeRegExp(CUT.title)}"\\. The download from 127\\.0\\.0\\.1:\\d+ was cut off\\. Nothing was kept`,
      ),
    );
    assert.ok(server.requestsTo(`/pdf/${CUT.id}`).length >= 1);
    assert.deepStrictEqual(partials(), [], 'nothing kept of the cut download');
    assert.ok(!(await ui.wb.editorTabs()).includes(pdfFileName(CUT.id)), 'no editor for the cut download');
    await clearNotifications();

    await openPdf(LARGE.title);
    const large = await waitFor(async () => (await ui.wb.notifications()).find((n) => n.includes(LARGE.title)), {
      timeout: 60_000,
      message: 'a notification about the oversized PDF',
    });
    assert.match(
      large,
      new RegExp(
        `could not download the PDF of "${escapeRegExp(LARGE.title)}"\\. ${escapeRegExp(pdfFileName(LARGE.id))} is [\\d.]+ MB, over the limit of ${MAX_MB}(\\.0)? MB \\(setting attractor\\.pdf\\.maxDownloadMB\\)\\. Nothing was downloaded\\.`,
      ),
    );
    assert.deepStrictEqual(partials(), [], 'nothing kept of the oversized PDF');
    assert.ok(!(await ui.wb.editorTabs()).includes(pdfFileName(LARGE.id)), 'no editor for the oversized PDF');
    await clearNotifications();
  });

  it('records the time from Open PDF on a 20-page PDF to its first page drawn', async () => {
    await ui.wb.runCommand('View: Close All Editors');
    // The download goes through the arXiv queue (one request every 3 s): let the earlier requests' spacing pass,
    // so the figure is the download and the drawing, not the queue's wait.
    const lastArxiv = Math.max(0, ...server.requests.filter((r) => r.path.startsWith('/pdf/')).map((r) => r.time));
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, lastArxiv + 3_500 - Date.now())));

    const chosen = await openPdf(LONG.title);
    let frame = await pdfEditor(LONG.id);
    const cold = Math.round((await firstPageDrawnAt(frame))['first-page'] - chosen);
    assert.strictEqual(await frame.locator('#page-count').textContent(), 'of 20');
    assert.ok((await inkOnPage(frame, 1)) > 500, 'text drawn on the first page');
    recordFigure({
      name: 'Open PDF of a 20-page PDF to its first page drawn, downloaded first (local server)',
      value: cold,
      unit: 'ms',
      beside: 'goal ≤ 1000 ms',
    });

    const warm: { total: number; own: number; times: number[] }[] = [];
    for (let i = 0; i < 3; i++) {
      await ui.wb.runCommand('View: Close All Editors');
      await waitFor(async () => (await ui.wb.editorTabs()).length === 0, { message: 'no editors' });
      const at = await openPdf(LONG.title);
      frame = await pdfEditor(LONG.id);
      const steps = await firstPageDrawnAt(frame);
      // How long each step took, from the click on Open PDF: where the time of an open goes.
      const times = OPEN_STEPS.map((step, k) => Math.round(steps[step] - (k === 0 ? at : steps[OPEN_STEPS[k - 1]])));
      warm.push({
        total: Math.round(steps['first-page'] - at),
        own: Math.round(steps['first-page'] - steps.page),
        times,
      });
    }
    assert.strictEqual(server.requestsTo(`/pdf/${LONG.id}`).length, 1, 'downloaded once');
    const median = [...warm].sort((a, b) => a.total - b.total)[1];
    // `start` and `page` are VS Code's (a webview frame, then its own service worker); the rest is the editor's
    recordFigure({
      name: `Open PDF from storage, the editor's part: from its page fetched to the first page drawn (median of ${warm.map((w) => w.own).join(', ')})`,
      value: [...warm.map((w) => w.own)].sort((a, b) => a - b)[1],
      unit: 'ms',
      beside: 'VS Code’s webview frame and service worker take the rest',
    });
    recordFigure({
      name: `Open PDF of a 20-page PDF to its first page drawn, from global storage (median of ${warm.map((w) => w.total).join(', ')}; its steps in ms: ${stepsText(median.times)})`,
      value: median.total,
      unit: 'ms',
      beside: 'goal ≤ 1000 ms',
    });

    // Baseline, same run: VS Code's same two steps for the lightest webview of the extension, the paper panel (no
    // pdf.js, no bytes). It pays them too, so they belong to starting any webview in this host, not to the PDF editor.
    await ui.wb.runCommand('View: Close All Editors');
    await waitFor(async () => (await ui.wb.editorTabs()).length === 0, { message: 'no editors' });
    const row = await ui.wb.revealTreeItem('Papers', LONG.title);
    const clicked = Date.now();
    await row.click();
    const panel = await ui.wb.webview(LONG.title, { timeout: 60_000 });
    const nav = await waitFor(
      () =>
        panel.locator('body').evaluate(() => {
          const entry = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
          return entry && { start: performance.timeOrigin, page: performance.timeOrigin + entry.fetchStart };
        }),
      { message: 'the paper panel’s page fetched' },
    );
    recordFigure({
      name: `Baseline, same run: VS Code's start of the paper panel's webview, from the click to its page fetched (start ${Math.round(nav.start - clicked)}, page ${Math.round(nav.page - nav.start)}; the PDF editor's: ${stepsText(median.times.slice(0, 2))})`,
      value: Math.round(nav.page - clicked),
      unit: 'ms',
      beside: 'any webview pays it before its page loads',
    });
  });

  it('a PDF of the workspace opens in the same editor when chosen with Reopen Editor With…: read and searched, not annotated', async () => {
    await ui.wb.runCommand('View: Close All Editors');
    await waitFor(async () => (await ui.wb.editorTabs()).length === 0, { message: 'no editors' });
    const file = path.join(ui.host.workspace, 'reading', WORKSPACE_PDF);
    const bytes = fs.readFileSync(file);
    // Not the default editor for .pdf: VS Code opens it as it would without Attractor, then the user chooses it.
    await ui.wb.quickOpen(`reading/${WORKSPACE_PDF}`);
    await ui.wb.runInputCommand('View: Reopen Editor With...', {
      placeholder: `Select editor for '${WORKSPACE_PDF}'`,
    });
    await ui.wb.pickQuickItem('PDF (Attractor)');
    const frame = await ui.wb.webview(WORKSPACE_PDF, { timeout: 60_000 });
    await frame.locator('.page[data-page-number="1"] .textLayer span').first().waitFor({ timeout: 30_000 });
    assert.strictEqual(await frame.locator('#page-count').textContent(), 'of 2');
    assert.ok((await inkOnPage(frame, 1)) > 500, 'text drawn on the first page');
    assert.strictEqual(await pageText(frame, 1), WORKSPACE_PAGE_1.join('').replace(/\s+/g, ''));

    const status = frame.locator('#find-status');
    await frame.locator('#find-text input').fill('kaplan');
    await waitFor(async () => (await status.textContent()) === '1 of 1', { message: '"kaplan" found once' });
    await frame.locator('#find-text input').fill('');

    // Its passages cannot be annotated: it belongs to no paper, so there is no note to write them to.
    assert.ok(await frame.locator('#annotate-selection').evaluate((b) => b.hasAttribute('disabled')), 'disabled');
    // A click on the page's margin puts the keyboard focus in the editor, as a reader's would.
    await frame.locator('.page[data-page-number="1"]').click({ position: { x: 8, y: 8 } });
    assert.ok(await selectInTextLayer(frame, 1, 'Kaplan and Yorke conjectured'), 'the passage selected');
    // Ctrl+Alt+A from inside the PDF editor reaches Annotate Selection, which says why it cannot.
    await ui.wb.page.keyboard.press('Control+Alt+A');
    await waitFor(async () => /not a paper of the library/.test((await frame.locator('#status').textContent()) ?? ''), {
      message: 'the status saying the PDF is no paper of the library',
    });
    assert.ok(!fs.existsSync(path.join(ui.host.workspace, 'papers', noteFileName(WORKSPACE_PDF))), 'no note');
    assert.ok(fs.readFileSync(file).equals(bytes), 'the workspace PDF unchanged');
    assert.ok(!storedPdfs().includes(WORKSPACE_PDF), 'not copied into global storage');
  });
  it('follows the color theme in its chrome and keeps the pages as the PDF draws them', async () => {
    await ui.wb.runCommand('View: Close All Editors');
    await openPdf(PAPER.title);
    const frame = await pdfEditor(PAPER.id);
    /** Relative luminance of a CSS rgb()/rgba() colour. */
    const luminance = (css: string) => {
      const [r, g, b] = (css.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
      return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
    };
    const chrome = () =>
      frame.locator('body').evaluate(() => ({
        body: getComputedStyle(document.body).backgroundColor,
        toolbar: getComputedStyle(document.querySelector('.pdf-toolbar')!).backgroundColor,
        text: getComputedStyle(document.querySelector('#page-count')!).color,
      }));
    const light = await chrome();
    assert.ok(luminance(light.body) > 0.8 && luminance(light.toolbar) > 0.8, `light chrome: ${JSON.stringify(light)}`);
    const inkBefore = await inkOnPage(frame, 1);
    assert.ok(inkBefore > 500, 'text drawn on the first page');

    // Picked from the palette with the PDF open, as a reader switches at night.
    const pick = async (theme: string) => {
      await ui.wb.runInputCommand('Preferences: Color Theme', {
        placeholder: 'Select Color Theme (detect system color mode disabled)',
      });
      await ui.wb.quickPickRow(theme);
      await input().press('Enter');
      await input().waitFor({ state: 'hidden' });
    };
    await pick('Dark Modern');
    try {
      const dark = await waitFor(
        async () => {
          const c = await chrome();
          return luminance(c.body) < 0.3 ? c : undefined;
        },
        { timeout: 30_000, message: 'the PDF editor in the dark theme' },
      );
      assert.ok(luminance(dark.toolbar) < 0.3, `the toolbar follows the theme: ${dark.toolbar}`);
      assert.ok(luminance(dark.text) > 0.6, `the toolbar's text is light on dark: ${dark.text}`);
      // The page is the PDF's own: dark text on white in either theme, not inverted or redrawn in the theme.
      const page = await frame
        .locator('.page[data-page-number="1"] canvas')
        .first()
        .evaluate((c: HTMLCanvasElement) => {
          const d = c.getContext('2d')!.getImageData(0, 0, 4, 4).data;
          return (0.2126 * d[0] + 0.7152 * d[1] + 0.0722 * d[2]) / 255;
        });
      assert.ok(page > 0.9, `the page's corner stays white (${page.toFixed(2)})`);
      assert.ok((await inkOnPage(frame, 1)) > 500, 'the text still drawn');
    } finally {
      await pick('Light Modern');
    }
  });
});
