/**
 * What a user does with the Hugging Face token, and what hostile input must not do, in a real VS Code
 * (code-server) driven by Chromium, against the local fixture server named as the user's endpoint.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { startFixtureServer, type FixtureServer } from '../fixtures/server';
import { useWorkbench } from '../harness/mocha';
import { waitFor } from '../harness/poll';
import { escapeRegExp } from '../harness/workbench';
import { externalWeightsMap } from '../fixtures/models/externalData';
import { DEF_ABSTRACT_LONG } from '../fixtures/hostileText';
import { recordFigure } from '../harness/figures';
import { arxivEntry, arxivFeed, hfPaper } from '../unit/papersFixtures';

const TOKEN = 'hf_uiTestToken_0123456789';

/** The same 14 sentences as DEF_ABSTRACT_LONG, each with an ordinary formula: the baseline an abstract costs. */
const PLAIN_ABSTRACT = Array.from(
  { length: 14 },
  (_, i) => `Part ${i + 1} of the reconstruction of the attractor: $\\dot{x} = \\sigma (y - x)$ converges.`,
).join(' ');

/** Papers the fixture server knows, by arXiv id. */
const ADDED: Record<string, { title: string; summary: string }> = {
  '2401.00041': { title: 'Warm-up: the first paper panel of the window', summary: PLAIN_ABSTRACT },
  '2401.00042': { title: 'Plain formulas, before', summary: PLAIN_ABSTRACT },
  '2401.00043': { title: 'Fourteen macro definitions', summary: DEF_ABSTRACT_LONG },
  '2401.00044': { title: 'Plain formulas, after', summary: PLAIN_ABSTRACT },
};

/** Every text file under `dir` that contains `needle` (the token must be in none of them). */
function filesContaining(dir: string, needle: string): string[] {
  const hits: string[] = [];
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    try {
      if (fs.statSync(file).size < 5_000_000 && fs.readFileSync(file).includes(needle)) hits.push(file);
    } catch {
      // a file removed while walking (logs rotate): nothing to read
    }
  }
  return hits;
}

describe('security (UI)', function () {
  let server: FixtureServer;
  const settings: Record<string, unknown> = {};
  before(async () => {
    server = await startFixtureServer();
    server.route('/api/daily_papers', { body: [] });
    // Add Paper asks arXiv for one id (`id_list`) and Hugging Face for the same paper: both answer from ADDED.
    server.route('/api/query', (req) => {
      const id = req.query.get('id_list')?.replace(/v\d+$/, '') ?? '';
      const p = ADDED[id];
      return { body: arxivFeed(p ? [arxivEntry({ id: `${id}v1`, title: p.title, summary: p.summary })] : []) };
    });
    server.route(/^\/api\/papers\/[\d.]+$/, (req) => {
      const id = req.path.split('/').pop() ?? '';
      const p = ADDED[id];
      return p ? { body: hfPaper({ id, ...p }) } : { status: 404, body: { error: 'not found' } };
    });
    Object.assign(settings, {
      'attractor.huggingface.endpoint': server.url,
      'attractor.arxiv.endpoint': server.url,
      'attractor.papers.fetchOnOpen': false,
      'attractor.network.timeoutSeconds': 5,
    });
  });
  after(() => server?.close());
  const ui = useWorkbench({ host: { settings } });

  /** Runs a palette command that opens an input box (so the palette does not simply close). */
  async function startCommand(title: string): Promise<void> {
    const { page } = ui.wb;
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${title}`);
    await page
      .locator('.quick-input-list .monaco-list-row')
      .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(title)}$`) }) })
      .first()
      .click();
  }

  async function refreshAndReadAuthorization(): Promise<string | undefined> {
    const before = server.requestsTo('/api/daily_papers').length;
    await ui.wb.runCommand('Attractor: Refresh Papers');
    const requests = await waitFor(
      () => {
        const all = server.requestsTo('/api/daily_papers');
        return all.length > before ? all : undefined;
      },
      { timeout: 30_000, message: 'a Daily Papers request after Refresh Papers' },
    );
    return requests.at(-1)!.headers.authorization;
  }

  it('Set and Clear Hugging Face Token: kept in secret storage, sent as a header to the user’s endpoint only', async () => {
    const { page } = ui.wb;
    await ui.wb.openViewContainer('Attractor');
    assert.equal(await refreshAndReadAuthorization(), undefined, 'no token before one is set');

    await startCommand('Attractor: Set Hugging Face Token…');
    const box = page.locator('.quick-input-widget .quick-input-box input[type="password"]');
    await box.waitFor({ state: 'visible' });
    await box.fill(TOKEN);
    await box.press('Enter');
    await waitFor(async () => (await ui.wb.notifications()).some((n) => /token saved in secret storage/.test(n)), {
      message: 'the "token saved" notification',
    });
    assert.equal(await refreshAndReadAuthorization(), `Bearer ${TOKEN}`);
    assert.ok(!server.requests.some((r) => r.url.includes(TOKEN)), 'the token is never part of a URL');
    assert.deepEqual(filesContaining(ui.host.userDataDir, TOKEN), [], 'not in settings or any file of the profile');
    assert.deepEqual(filesContaining(ui.host.workspace, TOKEN), [], 'not in the workspace');

    await ui.wb.runCommand('Attractor: Clear Hugging Face Token');
    await waitFor(async () => (await ui.wb.notifications()).some((n) => /token removed/.test(n)), {
      message: 'the "token removed" notification',
    });
    assert.equal(await refreshAndReadAuthorization(), undefined, 'no token after Clear');
  });

  it('Add Paper of an abstract of \\def formulas: shown with each refused, as soon as a plain abstract', async () => {
    const { page } = ui.wb;
    /**
     * Add Paper as a user runs it. Timed from its tab shown (the paper fetched and stored: arXiv's API asks for 3 s
     * between requests, which Attractor keeps) to its formulas drawn in the panel.
     */
    const addAndShow = async (id: string) => {
      await ui.wb.runInputCommand('Attractor: Add Paper by arXiv ID or URL', { title: 'Add Paper by arXiv ID or URL' });
      await page.locator('.quick-input-widget .quick-input-box input').fill(id);
      await page.keyboard.press('Enter');
      const title = ADDED[id]!.title;
      await waitFor(async () => (await ui.wb.activeEditorTitle()) === title, {
        timeout: 60_000,
        interval: 20,
        message: `the "${title}" tab`,
      });
      const shown = Date.now();
      const frame = await ui.wb.webview(title, { timeout: 60_000 });
      await frame.locator('.markdown-body .katex, .markdown-body .tex-refused').first().waitFor({ timeout: 60_000 });
      const ms = Date.now() - shown;
      // In a browser VS Code registers its webview service worker again for each new webview (the worker's URL
      // names the webview), and the panel's document waits for that worker to start: its navigation's workerStart.
      const worker = await frame.locator('body').evaluate(() => {
        const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
        return performance.timeOrigin + (nav?.workerStart ?? 0);
      });
      return {
        ms,
        workerMs: Math.round(worker - shown),
        rendered: await frame.locator('.markdown-body .katex').count(),
        refused: await frame.locator('.markdown-body .tex-refused').count(),
        text: await frame.locator('.markdown-body').innerText(),
      };
    };
    // VS Code makes the first webview of a window faster than later ones: the first panel is a warm-up, and the
    // \def paper is timed between two plain ones, so that all three are later panels.
    await addAndShow('2401.00041');
    const before = await addAndShow('2401.00042');
    const def = await addAndShow('2401.00043');
    const after = await addAndShow('2401.00044');
    for (const plain of [before, after])
      assert.deepEqual([plain.rendered, plain.refused], [14, 0], 'plain: 14 formulas');
    assert.deepEqual([def.rendered, def.refused], [0, 14], '\\def: each of the 14 formulas refused, none rendered');
    assert.match(def.text, /Part 14 of the reconstruction/, 'the whole abstract is shown');
    recordFigure({
      name: 'paper panel of the \\def abstract (11.5k characters), its tab shown to its refused formulas drawn, in the real host',
      value: def.ms,
      unit: 'ms',
      beside: `baseline, the same abstract with plain formulas, before and after: ${before.ms} and ${after.ms} ms; of these, VS Code's webview service worker had started after ${def.workerMs}, ${before.workerMs} and ${after.workerMs} ms`,
    });
  });

  it('a workspace .onnx whose Constant reads "etc/passwd" as external data: the card says why and offers no Preview', async () => {
    const name = 'external_passwd.onnx';
    fs.writeFileSync(path.join(ui.host.workspace, name), externalWeightsMap('etc/passwd', 'constant'));
    await ui.wb.quickOpen(name);
    const card = await ui.wb.webview(name);
    await card.locator('text=Attractor cannot preview this model').waitFor({ timeout: 30_000 });
    const reason = (await card.locator('.recognition .reason').textContent()) ?? '';
    assert.match(reason, /Tensor "W" \(Constant node "weights" attribute value\) keeps its data in another file/);
    assert.match(reason, /"etc\/passwd" does not exist beside the model/);
    assert.match(reason, /only from files beside the model/);
    assert.equal(await card.locator('vscode-button#preview').count(), 0, 'no Preview button');
  });
});
