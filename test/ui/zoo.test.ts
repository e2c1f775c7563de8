/**
 * The model zoo with papers, as a user sees it in a real VS Code (code-server + Chromium), one host for the file:
 * a zoo model's preview with its ground-truth metrics table and the truth drawn over its plots; papers with a
 * model marked and offering Launch Model Preview (and only those); a model card's link to its paper; and Find
 * Models for This Paper against the local fixture server: a download that lands and previews, and a cut, a
 * failing and a too large download that leave nothing, and a paper no model cites.
 */
import * as assert from 'assert';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { FrameLocator, Locator } from 'playwright-core';
import { useWorkbench } from '../harness/mocha';
import { repoRoot, resultsDir } from '../harness/paths';
import { waitFor } from '../harness/poll';
import { escapeRegExp } from '../harness/workbench';
import { startFixtureServer, type FixtureServer } from '../fixtures/server';
import { arxivFeed, hfPaper } from '../unit/papersFixtures';

const GTF = 'Generalized Teacher Forcing for Learning Chaotic Dynamics';
const NO_MODEL = 'Structure and Dynamics of the Young Massive Star Cluster Westerlund 1';
const CITED = { id: '2402.10001', title: 'Reconstructing Lorenz Attractors with Tiny Networks' };
const UNCITED = { id: '2402.10002', title: 'A Paper Nobody Has Modelled Yet' };
const MODEL_BYTES = fs.readFileSync(path.join(repoRoot, 'media', 'models', 'lorenz63-rk4.onnx'));
const MODEL_SHA = createHash('sha256').update(MODEL_BYTES).digest('hex');
const DOWNLOADED = 'lab--tiny-lorenz--model.onnx';

describe('zoo and papers (UI)', function () {
  this.timeout(240_000);
  let server: FixtureServer;
  const settings: Record<string, unknown> = {};
  before(async () => {
    server = await startFixtureServer();
    for (const p of [CITED, UNCITED]) server.route(`/api/papers/${p.id}`, { body: hfPaper(p) });
    server.route('/api/query', { body: arxivFeed([]) });
    server.route('/api/models', (req) => {
      const filter = req.query.get('filter');
      if (filter !== `arxiv:${CITED.id}` || req.query.get('full') !== 'true') return { body: [] };
      return {
        body: [
          {
            id: 'someone/pytorch-only',
            tags: [`arxiv:${CITED.id}`],
            siblings: [{ rfilename: 'pytorch_model.bin' }],
            downloads: 3,
          },
          {
            id: 'lab/tiny-lorenz',
            tags: [`arxiv:${CITED.id}`, 'onnx'],
            siblings: [{ rfilename: 'README.md' }, { rfilename: 'model.onnx' }],
            downloads: 42,
            likes: 2,
          },
          { id: 'lab/broken', siblings: [{ rfilename: 'cut.onnx' }] },
          { id: 'lab/down', siblings: [{ rfilename: 'down.onnx' }] },
          { id: 'lab/huge', siblings: [{ rfilename: 'huge.onnx' }] },
        ],
      };
    });
    // The Hub redirects file downloads to a CDN, naming the sha256 and size on the redirect.
    server.route('/lab/tiny-lorenz/resolve/main/model.onnx', {
      status: 302,
      headers: {
        location: '/cdn/tiny',
        'x-linked-etag': `"${MODEL_SHA}"`,
        'x-linked-size': String(MODEL_BYTES.length),
      },
    });
    server.route('/cdn/tiny', { body: MODEL_BYTES, headers: { 'content-type': 'application/octet-stream' } });
    server.route('/lab/broken/resolve/main/cut.onnx', { body: MODEL_BYTES });
    server.fault('/lab/broken/resolve/main/cut.onnx', { kind: 'truncate' });
    server.route('/lab/down/resolve/main/down.onnx', { body: MODEL_BYTES });
    server.fault('/lab/down/resolve/main/down.onnx', { kind: 'serverError' });
    server.route('/lab/huge/resolve/main/huge.onnx', {
      status: 302,
      headers: { location: '/cdn/huge', 'x-linked-size': String(500 * 1024 * 1024) },
    });
    Object.assign(settings, {
      'attractor.huggingface.endpoint': server.url,
      'attractor.arxiv.endpoint': server.url,
      'attractor.network.timeoutSeconds': 3,
    });
  });
  after(() => server?.close());
  const ui = useWorkbench({ host: { settings } });

  const input = () => ui.wb.page.locator('.quick-input-widget .quick-input-box input');
  const MODEL_PICKER = { placeholder: 'An ONNX model to run' };
  const webview = (title: string) => ui.wb.webview(title, { timeout: 60_000 });

  /** A notification's text, from its toast or, when no toast shows it, from the notification center. */
  async function notification(re: RegExp): Promise<string> {
    const shown = async () =>
      (await ui.wb.page.locator('.notification-list-item-message').allTextContents())
        .map((t) => t.trim())
        .find((n) => re.test(n));
    const toast = await waitFor(shown, { timeout: 15_000, message: `a notification matching ${re}` }).catch(
      () => undefined,
    );
    if (toast) return toast;
    // VS Code's toast spam protection sends a notification straight to the center when more than three arrive
    // within 800 ms, as happens when a test clicks through a failure at machine speed.
    await ui.wb.runCommand('Notifications: Show Notifications');
    const text = await waitFor(shown, {
      timeout: 15_000,
      message: `a notification matching ${re} in the notification center`,
    });
    await ui.wb.page.keyboard.press('Escape');
    return text;
  }

  async function clearNotifications(): Promise<void> {
    await ui.wb.runCommand('Notifications: Clear All Notifications');
    await waitFor(async () => (await ui.wb.notifications()).length === 0 || undefined, {
      message: 'no notifications left',
    });
  }

  /** Pixels of a canvas that differ from its top-left (background) pixel. */
  async function painted(frame: FrameLocator, id: string): Promise<number> {
    // The plot's canvases (the 3D view's text layer and, when WebGL draws it, its WebGL canvas `#<id>-gl`; one per
    // uPlot lane), copied into a 2D canvas to read their pixels.
    return frame.locator(`#${id}`).evaluate((root: HTMLElement) => {
      const gl = document.getElementById(`${root.id}-gl`);
      const canvases =
        root instanceof HTMLCanvasElement
          ? [root, ...(gl instanceof HTMLCanvasElement ? [gl] : [])]
          : Array.from(root.querySelectorAll('canvas'));
      let n = 0;
      for (const c of canvases) {
        const copy = document.createElement('canvas');
        copy.width = c.width;
        copy.height = c.height;
        const ctx = copy.getContext('2d')!;
        ctx.drawImage(c, 0, 0);
        const d = ctx.getImageData(0, 0, c.width, c.height).data;
        for (let i = 0; i < d.length; i += 4)
          if (Math.abs(d[i] - d[0]) + Math.abs(d[i + 1] - d[1]) + Math.abs(d[i + 2] - d[2]) > 60) n++;
      }
      return n;
    });
  }

  async function contextMenu(row: Locator): Promise<string[]> {
    const items = ui.wb.page.locator('.monaco-menu .action-label');
    await waitFor(
      async () => {
        await row.click({ button: 'right', timeout: 5_000 });
        await items.first().waitFor({ timeout: 3_000 });
        return true;
      },
      { message: 'a context menu' },
    );
    return (await items.allTextContents()).map((t) => t.trim()).filter(Boolean);
  }

  /** The extension's downloaded-models folder (in its global storage), found by the first download. */
  let downloads: string | undefined;
  function downloadsDir(): string {
    if (downloads) return downloads;
    const found = fs
      .readdirSync(ui.host.dir, { recursive: true, withFileTypes: true })
      .find((e) => e.isFile() && e.name === DOWNLOADED && path.basename(e.parentPath) === 'models');
    assert.ok(found, `${DOWNLOADED} written under the host's global storage`);
    downloads = found.parentPath;
    return downloads;
  }

  it('previews lorenz63-esn with the metrics table (VPT, D_stsp, D_H, λmax) and the truth drawn over the plots', async () => {
    await ui.wb.runInputCommand('Attractor: Preview Model', MODEL_PICKER);
    await ui.wb.pickQuickItem('lorenz63-esn.onnx');
    const frame = await webview('Preview: lorenz63-esn.onnx');
    await frame.locator('vscode-button#run:not([disabled])').waitFor({ timeout: 30_000 });
    await frame.locator('vscode-button#run').click();
    const metrics = frame.locator('#metrics:not([hidden])');
    await metrics.waitFor({ timeout: 60_000 });
    const names = (await metrics.locator('tr td:first-child').allTextContents()).map((t) => t.trim());
    assert.deepStrictEqual(names, ['Valid prediction time', 'D_stsp', 'D_H', 'PE', 'λmax']);
    const rows = await metrics.locator('tr').allInnerTexts();
    console.log(
      `      lorenz63-esn metrics in the real host:\n${rows.map((r) => `        ${r.replace(/\s+/g, ' ')}`).join('\n')}`,
    );
    assert.match((await metrics.locator('h2').textContent()) ?? '', /Against Lorenz-63/);
    assert.match(rows[1], /Lyapunov times/);
    // scored in the worker thread of the bundle (dist/jobWorker.js): numbers, not "—"
    assert.match(rows[2], /^D_stsp\s+\d+\.\d+/);
    assert.match(rows[3], /^D_H\s+\d+\.\d+/);
    // the model's λmax (from the zoo's build-time estimate) beside the system's, and the system's QR spectrum
    assert.match(rows[5], /^λmax\s+0\.9\d+\s+0\.906/);
    assert.match(rows[5], /system spectrum \(QR\) .*Kaplan–Yorke dimension 2\.06/);
    // the overlay: legend with its toggle, truth points in both plots
    await frame.locator('#legend:not([hidden]) #reference-label', { hasText: 'truth: Lorenz-63' }).waitFor();
    const refPoints = async (id: string) => Number(await frame.locator(`#${id}`).getAttribute('data-reference-points'));
    await waitFor(async () => (await refPoints('phase')) > 1000 && (await refPoints('series')) > 1000, {
      message: 'the truth drawn in the 3D projection and the time series',
    });
    const withTruth = { phase: await painted(frame, 'phase'), series: await painted(frame, 'series') };
    await ui.wb.screenshot(path.join(resultsDir, 'zoo-preview-truth-overlay.png'));
    await frame.locator('vscode-checkbox#show-reference').click();
    await waitFor(async () => (await refPoints('phase')) === 0 && (await refPoints('series')) === 0, {
      message: 'the truth hidden by the toggle',
    });
    const without = { phase: await painted(frame, 'phase'), series: await painted(frame, 'series') };
    assert.ok(
      withTruth.series > without.series + 200,
      `series pixels with/without truth: ${withTruth.series}/${without.series}`,
    );
    assert.notStrictEqual(withTruth.phase, without.phase, 'the 3D projection changes with the overlay');
    await frame.locator('vscode-checkbox#show-reference').click();
    await waitFor(async () => (await refPoints('phase')) > 0 || undefined, { message: 'the truth shown again' });
  });

  it('marks papers that have a model and offers Launch Model Preview only on them', async () => {
    await ui.wb.page.keyboard.press('Escape');
    await ui.wb.openViewContainer('Attractor');
    const gtf = await ui.wb.revealTreeItem('Papers', GTF);
    assert.strictEqual(await gtf.locator('.codicon-pulse').count(), 1, 'the model icon on the paper row');
    const plain = await ui.wb.revealTreeItem('Papers', NO_MODEL);
    const plainMenu = await contextMenu(plain);
    assert.ok(plainMenu.includes('Copy BibTeX'), plainMenu.join(' | '));
    assert.ok(
      !plainMenu.includes('Launch Model Preview'),
      `no Launch Model Preview on a paper without a model: ${plainMenu.join(' | ')}`,
    );
    await ui.wb.page.keyboard.press('Escape');
    assert.strictEqual(await plain.locator('.codicon-pulse').count(), 0);
    const row = await ui.wb.revealTreeItem('Papers', GTF);
    const menu = await contextMenu(row);
    assert.ok(menu.includes('Launch Model Preview'), menu.join(' | '));
    assert.ok(
      !menu.includes('Find Models for This Paper'),
      'a paper without an arXiv id cannot be looked up on the Hub',
    );
    await ui.wb.chooseMenuEntry('Launch Model Preview');
    await webview('Preview: lorenz63-plrnn.onnx');
  });

  it("opens a model's paper from the link on its model card", async () => {
    await ui.wb.runInputCommand('Attractor: Open Model Card', MODEL_PICKER);
    await ui.wb.pickQuickItem('lorenz63-plrnn.onnx');
    const card = await webview('lorenz63-plrnn.onnx');
    const link = card.locator('a#open-paper');
    await link.waitFor({ timeout: 30_000 });
    assert.strictEqual((await link.innerText()).trim(), GTF);
    await link.click();
    const paper = await webview(GTF);
    await paper.locator('body', { hasText: 'teacher forcing' }).first().waitFor({ timeout: 30_000 });
  });

  it('Find Models for This Paper lists the Hub models citing it, downloads the chosen .onnx with its checks and previews it', async () => {
    for (const p of [UNCITED, CITED]) {
      await ui.wb.runInputCommand('Attractor: Add Paper by arXiv ID or URL', { title: 'Add Paper by arXiv ID or URL' });
      await input().fill(p.id);
      await input().press('Enter');
      await webview(p.title);
    }
    // No webview editor open: one that takes the focus back would close the quick pick under the test's hands.
    await ui.wb.runCommand('View: Close All Editors');
    const row = await ui.wb.revealTreeItem('Papers', CITED.title);
    const menu = await contextMenu(row);
    assert.ok(menu.includes('Find Models for This Paper'), menu.join(' | '));
    // As a user does it: the entry of the paper's context menu (the paper comes from the row, no paper picker).
    await ui.wb.chooseMenuEntry('Find Models for This Paper');
    const tiny = await ui.wb.quickPickRow('lab/tiny-lorenz', false);
    assert.match(await tiny.innerText(), /ONNX: 1 file/);
    assert.match(await (await ui.wb.quickPickRow('someone/pytorch-only', false)).innerText(), /no \.onnx file/);
    assert.match(
      await ui.wb.page.locator('.quick-input-widget .quick-input-title').innerText(),
      /4 of 5 with \.onnx files/,
    );
    await tiny.click();
    const frame = await webview(`Preview: ${DOWNLOADED}`);
    await frame.locator('vscode-button#run:not([disabled])').waitFor({ timeout: 30_000 });
    assert.deepStrictEqual(fs.readdirSync(downloadsDir()), [DOWNLOADED]);
    assert.ok(fs.readFileSync(path.join(downloadsDir(), DOWNLOADED)).equals(MODEL_BYTES));
    const models = await waitFor(
      async () => {
        const items = await ui.wb.treeItems('Models');
        return items.some((i) => i.label === DOWNLOADED) ? items : undefined;
      },
      { message: 'the download in the Models view' },
    );
    assert.ok(
      models.some((i) => i.label === 'Downloaded'),
      models.map((i) => i.label).join(' | '),
    );
  });

  it('keeps nothing of a cut, a failing or a too large download, and says so; says when no model cites a paper', async () => {
    // No webview editor open: one that takes the focus back would close the quick picks under the test's hands.
    await ui.wb.runCommand('View: Close All Editors');
    const attempt = async (paperTitle: string, model?: string) => {
      await clearNotifications();
      await ui.wb.runInputCommand('Attractor: Find Models for This Paper', { title: 'Find Models for This Paper' });
      await ui.wb.pickQuickItem(paperTitle);
      if (model) await ui.wb.pickQuickItem(model);
    };
    await attempt(CITED.title, 'lab/broken');
    assert.match(await notification(/could not get the model/), /cut off.*Nothing was kept/);
    await attempt(CITED.title, 'lab/down');
    assert.match(await notification(/could not get the model/), /HTTP 500.*Nothing was kept/);
    await attempt(CITED.title, 'lab/huge');
    assert.match(
      await notification(/could not get the model/),
      /huge\.onnx is 500 MB, over the limit of 200 MB \(setting attractor\.models\.maxDownloadMB\)\. Nothing was downloaded\./,
    );
    assert.strictEqual(server.requestsTo('/cdn/huge').length, 0, 'the too large file was never fetched');
    assert.ok(server.requestsTo('/lab/broken/resolve/main/cut.onnx').length >= 1);
    assert.deepStrictEqual(
      fs.readdirSync(downloadsDir()),
      [DOWNLOADED],
      'nothing half-written next to the good download',
    );
    await attempt(UNCITED.title);
    await notification(new RegExp(`no model on the Hugging Face Hub cites arXiv:${escapeRegExp(UNCITED.id)}`));
  });

  it('previews every zoo model in the real host, each with its metrics table', async function () {
    this.timeout(600_000);
    const zoo = fs
      .readdirSync(path.join(repoRoot, 'media', 'models'))
      .filter((f) => f.endsWith('.onnx'))
      .sort();
    assert.ok(zoo.length >= 20, `${zoo.length} zoo models`);
    const lines: string[] = [];
    for (const name of zoo) {
      await ui.wb.runCommand('View: Close All Editors');
      await ui.wb.runInputCommand('Attractor: Preview Model', MODEL_PICKER);
      await ui.wb.pickQuickItem(name);
      const frame = await webview(`Preview: ${name}`);
      await frame.locator('vscode-button#run:not([disabled])').waitFor({ timeout: 30_000 });
      await frame.locator('vscode-button#run').click();
      const metrics = frame.locator('#metrics:not([hidden])');
      await metrics.waitFor({ timeout: 90_000 });
      const names = (await metrics.locator('tr td:first-child').allTextContents()).map((t) => t.trim());
      assert.deepStrictEqual(names, ['Valid prediction time', 'D_stsp', 'D_H', 'PE', 'λmax'], name);
      const cells = await metrics.locator('tr').allInnerTexts();
      lines.push(
        `        ${name}: ${cells.map((r) => r.replace(/\s+/g, ' ').trim().split(' ').slice(0, 6).join(' ')).join(' | ')}`,
      );
    }
    console.log(`      every zoo model, default run, in the real host:\n${lines.join('\n')}`);
  });
});
