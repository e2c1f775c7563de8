/**
 * KaTeX macros from `attractor.math.macros` (and VS Code's `markdown.math.macros`) in a real VS Code: in the paper
 * panel (a paper from the fixture server whose abstract uses them), in the Markdown preview of a note and in a
 * model card's doc string; a bad macro warned about once while the math around it renders, and a change of the
 * setting rendering the open panel again.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { lorenzFlow } from '../fixtures/models/models';
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
/** VS Code's own setting, which its Markdown preview applies and Attractor's renderers honour too. */
const MARKDOWN_MACROS = { '\\Cset': '\\mathbb{C}' };
/** A note and a model card that use the macros of both settings, and the bad one. */
const NOTE = 'notes/macros.md';
const NOTE_TEXT =
  '# Macros\n\nState space $\\Rset^3$, spectrum in $\\Cset$, distance $\\norm{x - y}$, a bad $\\bad$ and $x^2$.\n';
const CARD = 'models/macro_card.onnx';
const CARD_DOC = 'Lorenz-63 on $\\Rset^3$: the field $f$ with $\\norm{f(x)}$ bounded on the attractor.';

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
      'markdown.math.macros': MARKDOWN_MACROS,
    });
  });
  after(() => server?.close());
  const ui = useWorkbench({
    host: { settings },
    prepare: (host) => {
      fs.mkdirSync(path.join(host.workspace, 'notes'), { recursive: true });
      fs.writeFileSync(path.join(host.workspace, NOTE), NOTE_TEXT);
      fs.mkdirSync(path.join(host.workspace, 'models'), { recursive: true });
      fs.writeFileSync(path.join(host.workspace, CARD), lorenzFlow({ docString: CARD_DOC }));
    },
  });

  /** What the panel's abstract shows: formulas, \mathbb and \mathcal parts, and KaTeX's red undefined commands. */
  async function abstractMath() {
    return mathIn(TITLE, '.markdown-body');
  }

  /** The same for the first `selector` of the webview titled `title`; `mathbb` lists the letters drawn so. */
  async function mathIn(title: string, selector: string) {
    const frame = await ui.wb.webview(title);
    return frame
      .locator(selector)
      .first()
      .evaluate((body) => ({
        formulas: body.querySelectorAll('.katex').length,
        mathbb: body.querySelectorAll('.katex-html .mathbb').length,
        doubleStruck: Array.from(body.querySelectorAll('.katex-mathml mi[mathvariant="double-struck"]')).map(
          (e) => e.textContent,
        ),
        fractions: body.querySelectorAll('.katex-mathml mfrac').length,
        /** Formulas KaTeX refused, shown as their source (VS Code's preview shows KaTeX's message). */
        errors: Array.from(body.querySelectorAll('.katex-error')).map((e) => e.textContent),
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

  it("applies both settings' macros in a note's Markdown preview; the bad one is left out there too, not warned about again", async () => {
    const { page } = ui.wb;
    await ui.wb.quickOpen(NOTE);
    // "Markdown: Open Preview" is listed while a Markdown editor has the focus.
    await page.locator('.part.editor .editor-group-container.active .monaco-editor .view-lines').first().click();
    await page.locator('.part.editor .editor-group-container.active .monaco-editor.focused').waitFor();
    await ui.wb.runCommand('Markdown: Open Preview');
    const math = await waitFor(
      async () => {
        const m = await mathIn('Preview macros.md', 'body').catch(() => undefined);
        return m && m.formulas === 4 && m.doubleStruck.length === 2 ? m : undefined;
      },
      { timeout: 30_000, message: 'the note with its four good formulas, \\Rset and \\Cset double-struck' },
    );
    // The bad macro is left out, so VS Code's KaTeX shows that one formula as its source; the rest renders.
    assert.equal(math.errors.length, 1, JSON.stringify(math));
    assert.match(math.errors[0] ?? '', /Undefined control sequence: \\bad/);
    assert.deepEqual([...math.doubleStruck].sort(), ['C', 'R'], JSON.stringify(math));
    assert.equal(math.norms, 2, '\\norm{…} became \\left\\lVert … \\right\\rVert');
    assert.equal(math.fractions, 0, 'the bad macro (an unclosed \\frac{) is not applied');
    assert.equal((await macroWarnings()).length, 1, 'the bad macro was reported once, by the paper panel');
    // The preview, then the note: the paper panel is the active editor again, for the last test.
    await ui.wb.runCommand('View: Close Editor');
    await ui.wb.runCommand('View: Close Editor');
  });

  it("renders a model card's doc string with the macros", async () => {
    await ui.wb.quickOpen(CARD);
    const math = await waitFor(
      async () => {
        const m = await mathIn('macro_card.onnx', '.doc').catch(() => undefined);
        return m && m.formulas === 3 ? m : undefined;
      },
      { timeout: 30_000, message: "the card's doc string with its three formulas" },
    );
    assert.deepEqual(math.doubleStruck, ['R'], JSON.stringify(math));
    assert.equal(math.norms, 2, '\\norm{…} became \\left\\lVert … \\right\\rVert');
    assert.deepEqual(math.undefinedCommands, []);
    await ui.wb.runCommand('View: Close Editor');
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
