/**
 * KaTeX macros from `attractor.math.macros` in the paper panel of a real VS Code: a paper from the fixture server
 * whose abstract uses them, a bad macro warned about once while the rest of the abstract's math renders, and a
 * change of the setting rendering the open panel again.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { startFixtureServer, type FixtureServer } from '../fixtures/server';
import { useWorkbench } from '../harness/mocha';
import { waitFor } from '../harness/poll';
import { arxivEntry, arxivFeed, hfPaper } from '../unit/papersFixtures';

const PAPER_ID = '2402.00002';
const TITLE = 'Macros on the Lorenz attractor';
const ABSTRACT =
  'We embed the attractor in $\\Rset^3$, measure $\\norm{x - y}$ between trajectories, ' +
  'bound $\\bad$ and fit $x^2 + y^2$.';
const MACROS = { '\\Rset': '\\mathbb{R}', '\\norm': '\\left\\lVert #1 \\right\\rVert', '\\bad': '\\frac{' };

describe('math macros (UI)', function () {
  let server: FixtureServer;
  const settings: Record<string, unknown> = {};
  before(async () => {
    server = await startFixtureServer();
    server.route('/api/query', {
      body: arxivFeed([arxivEntry({ id: `${PAPER_ID}v1`, title: TITLE, summary: ABSTRACT })]),
    });
    server.route(`/api/papers/${PAPER_ID}`, { body: hfPaper({ id: PAPER_ID, title: TITLE, summary: ABSTRACT }) });
    server.route('/api/daily_papers', { body: [] });
    Object.assign(settings, {
      'attractor.huggingface.endpoint': server.url,
      'attractor.arxiv.endpoint': server.url,
      'attractor.network.timeoutSeconds': 5,
      'attractor.math.macros': MACROS,
    });
  });
  after(() => server?.close());
  const ui = useWorkbench({ host: { settings } });

  /** What the panel's abstract shows: formulas, \mathbb and \mathcal parts, and KaTeX's red undefined commands. */
  async function abstractMath() {
    const frame = await ui.wb.webview(TITLE);
    return frame.locator('.markdown-body').evaluate((body) => ({
      formulas: body.querySelectorAll('.katex').length,
      mathbb: body.querySelectorAll('.katex-html .mathbb').length,
      mathcal: body.querySelectorAll('.katex-html .mathcal').length,
      norms: body.querySelectorAll('.katex-mathml mo[fence="true"]').length,
      undefinedCommands: Array.from(body.querySelectorAll('.katex-mathml mstyle[mathcolor="#cc0000"]')).map(
        (e) => e.textContent,
      ),
    }));
  }

  async function macroWarnings(): Promise<string[]> {
    await ui.wb.runCommand('Notifications: Show Notifications');
    const center = ui.wb.page.locator('.notifications-center .notification-list-item-message');
    const texts = (await center.allTextContents()).map((t) => t.trim()).filter((t) => t.includes('math macro'));
    await ui.wb.runCommand('Notifications: Hide Notifications');
    return texts;
  }

  it('renders the macros of attractor.math.macros in an abstract; a bad one is warned about and left out', async () => {
    const { page } = ui.wb;
    await ui.wb.runInputCommand('Attractor: Add Paper by arXiv ID or URL', { title: 'Add Paper by arXiv ID or URL' });
    await page.locator('.quick-input-widget .quick-input-box input').fill(PAPER_ID);
    await page.keyboard.press('Enter');
    await waitFor(async () => (await ui.wb.activeEditorTitle()) === TITLE || undefined, {
      timeout: 60_000,
      message: 'the paper to open',
    });
    const math = await waitFor(
      async () => {
        const m = await abstractMath().catch(() => undefined);
        return m && m.formulas === 4 ? m : undefined;
      },
      { timeout: 30_000, message: 'the abstract with its four formulas' },
    );
    assert.ok(math.mathbb >= 1, `\\Rset became \\mathbb{R}: ${JSON.stringify(math)}`);
    assert.equal(math.norms, 2, '\\norm{…} became \\left\\lVert … \\right\\rVert');
    assert.deepEqual(math.undefinedCommands, ['\\bad'], 'only the bad macro is left undefined');
    const warnings = await waitFor(
      async () => {
        const w = await macroWarnings();
        return w.length ? w : undefined;
      },
      { message: 'the warning about \\bad' },
    );
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0], /\\bad in attractor\.math\.macros does not render/);
  });

  it('re-renders the open panel when the setting changes, without warning again', async () => {
    // As a user edits an object setting: in settings.json, saved, the editor closed again.
    const { page } = ui.wb;
    const file = path.join(ui.host.userDataDir, 'User', 'settings.json');
    const user = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    user['attractor.math.macros'] = { ...MACROS, '\\Rset': '\\mathcal{R}' };
    await ui.wb.runCommand('Preferences: Open User Settings (JSON)');
    await waitFor(async () => (await ui.wb.activeEditorTitle()) === 'settings.json', { message: 'settings.json' });
    await page.locator('.part.editor .monaco-editor textarea').first().focus();
    await page.keyboard.press('Control+a');
    await page.keyboard.insertText(JSON.stringify(user, null, 2));
    await page.keyboard.press('Control+s');
    await waitFor(() => fs.readFileSync(file, 'utf8').includes('mathcal'), { message: 'settings.json saved' });
    await ui.wb.runCommand('View: Close Editor');
    await waitFor(async () => (await ui.wb.activeEditorTitle()) === TITLE, { message: 'the paper panel active again' });
    const math = await waitFor(
      async () => {
        const m = await abstractMath().catch(() => undefined);
        return m && m.mathcal >= 1 ? m : undefined;
      },
      { timeout: 30_000, message: 'the panel rendered with \\Rset as \\mathcal{R}' },
    );
    assert.equal(math.mathbb, 0);
    assert.deepEqual(math.undefinedCommands, ['\\bad']);
    assert.equal((await macroWarnings()).length, 1, 'the bad macro is reported once');
  });
});
