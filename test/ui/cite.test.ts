/**
 * Citations where a researcher writes, in the real host: hovers on paper references in Python and Julia comments
 * (the seeded paper's title, a link that opens its panel, an arXiv id not yet in the library added through the
 * arXiv source and opened), `\cite{` completion in a .tex file, and the workspace .bib written on save with a
 * hand-written entry kept byte for byte.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { citeKey } from '../../src/papers/bibtex';
import { parseSeedListing } from '../../src/papers/seedListing';
import { CROSSREF_WORKS, routeCrossref, startFixtureServer, type FixtureServer } from '../fixtures/server';
import { useWorkbench } from '../harness/mocha';
import { repoRoot } from '../harness/paths';
import { waitFor } from '../harness/poll';
import { arxivEntry, arxivFeed, crossrefWork, hfPaper } from '../unit/papersFixtures';

const ALMOST_LINEAR =
  'Almost-Linear RNNs Yield Highly Interpretable Symbolic Codes in Dynamical Systems Reconstruction';
const NEW_ID = '2401.00002';
const NEW_TITLE = 'Koopman Operators for Chaotic Flows';
/** A journal paper outside arXiv, known to Crossref alone. */
const DOI = '10.1103/PhysRevE.101.012345';
const DOI_TITLE = 'Attractor Reconstruction by Machine Learning';
const DOI_ABSTRACT = 'A reservoir computer learns the climate of the Lorenz attractor.';
/** Crossref answers 404 for this one, and 503 every time for the other. */
const UNKNOWN_DOI = '10.9999/nowhere.1';
const DOWN_DOI = '10.9999/down.2';
const HAND_WRITTEN = [
  '% Written by hand: must survive every save byte for byte.',
  '@Book{strogatz2015,',
  '  author    = {Strogatz, Steven H.},',
  '  title     = {Nonlinear Dynamics and Chaos},',
  '  publisher = {Westview Press}, year = {2015}',
  '}',
  '',
].join('\n');

function seededKey(): string {
  const listing = JSON.parse(
    fs.readFileSync(path.join(repoRoot, 'media', 'library', 'default-listing.json'), 'utf8'),
  ) as unknown;
  const paper = parseSeedListing(listing, new Date().getFullYear()).find((p) => p.title === ALMOST_LINEAR);
  assert.ok(paper, 'the seeded paper');
  return citeKey(paper);
}

describe('citations (UI)', function () {
  const key = seededKey();
  let server: FixtureServer;
  const settings: Record<string, unknown> = {};
  before(async () => {
    server = await startFixtureServer();
    server.route('/api/query', { body: arxivFeed([arxivEntry({ id: `${NEW_ID}v1`, title: NEW_TITLE })]) });
    server.route(`/api/papers/${NEW_ID}`, { body: hfPaper({ id: NEW_ID, title: NEW_TITLE }) });
    server.route('/api/daily_papers', { body: [] });
    routeCrossref(server, {
      [DOI]: crossrefWork({
        doi: DOI,
        // Crossref titles and abstracts carry markup: it must reach the hover as text.
        title: 'Attractor Reconstruction by <i>Machine</i> Learning',
        authors: [
          ['Zhixin', 'Lu'],
          ['Brian R.', 'Hunt'],
          ['Edward', 'Ott'],
          ['Jaideep', 'Pathak'],
        ],
        published: [2020, 1, 5],
        journal: 'Physical Review E',
        abstract: `<jats:title>Abstract</jats:title><jats:p>A <jats:bold>reservoir computer</jats:bold> learns the climate of the Lorenz attractor.</jats:p>`,
      }),
    });
    // The first request for the known DOI fails (the client retries it); the down DOI fails every time.
    server.fault(CROSSREF_WORKS, { kind: 'unavailable' }, { times: 1 });
    server.route(`/works/${encodeURIComponent(DOWN_DOI)}`, { status: 503, body: 'Service Unavailable' });
    Object.assign(settings, {
      'attractor.crossref.endpoint': server.url,
      'attractor.huggingface.endpoint': server.url,
      'attractor.arxiv.endpoint': server.url,
      'attractor.network.timeoutSeconds': 5,
    });
  });
  after(() => server?.close());
  const ui = useWorkbench({
    host: { settings },
    prepare: (host) => {
      const w = (name: string, text: string) => fs.writeFileSync(path.join(host.workspace, name), text);
      w(
        'analysis.py',
        [
          'import numpy as np',
          `label = "[[${key}]] in a string is code"`,
          `# The AL-RNN of [[${key}]], trained as in the paper.`,
          `# Koopman baseline: arXiv:${NEW_ID}`,
          `# Reservoir climate: doi:${DOI}`,
          `# Unknown to Crossref: https://doi.org/${UNKNOWN_DOI}`,
          `# Crossref down: ${DOWN_DOI}`,
          `# The preprint: doi:10.48550/arXiv.${NEW_ID}`,
          '',
        ].join('\n'),
      );
      w('model.jl', ['using LinearAlgebra', `#= The model of [[${key}]] =#`, "x = A' * b", ''].join('\n'));
      w(
        'paper.tex',
        ['\\documentclass{article}', '\\begin{document}', 'Symbolic codes ', '\\end{document}', ''].join('\n'),
      );
      w('references.bib', HAND_WRITTEN);
      w('draft.md', ['# Draft', 'Symbolic codes ', ''].join('\n'));
    },
  });

  /** Puts the cursor at a line and column (1-based) of the active editor, through Quick Open's `:line:col`. */
  async function goTo(line: number, column: number): Promise<void> {
    const { page } = ui.wb;
    await page.keyboard.press('Control+p');
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`:${line}:${column}`);
    await page.keyboard.press('Enter');
    await input.waitFor({ state: 'hidden' });
  }

  /** The hover shown at the cursor (VS Code's Show or Focus Hover). */
  async function hoverAt(line: number, column: number, hasText: string | RegExp) {
    await goTo(line, column);
    await ui.wb.runCommand('Show or Focus Hover');
    const hover = ui.wb.page.locator('.monaco-hover', { hasText });
    await hover.first().waitFor({ state: 'visible', timeout: 20_000 });
    return hover.first();
  }

  it('hovers a paper link in a Python comment with the paper, and opens it', async () => {
    // The hover provider is registered by activate(), which can finish seconds after the palette lists the
    // commands on a busy machine: wait for its last line, "activated in", before the first hover.
    await ui.wb.runCommand('Attractor: Show Log');
    await waitFor(
      async () => {
        const o = await ui.wb.outputView();
        return o.channel === 'Attractor' && /Attractor activated in [\d.]+ ms/.test(o.text);
      },
      { timeout: 30_000, message: 'the Attractor output channel with "activated in"' },
    );
    await ui.wb.quickOpen('analysis.py');
    const hover = await hoverAt(3, 22, ALMOST_LINEAR);
    const text = await hover.innerText();
    assert.match(text, /Open Paper/);
    assert.ok(text.includes(`@${key}`), text);
    await hover.getByText('Open Paper').click();
    const frame = await ui.wb.webview(ALMOST_LINEAR);
    await frame.locator('.markdown-body').first().waitFor({ timeout: 30_000 });
  });

  it('adds an arXiv id from a comment to the library through arXiv and opens it', async () => {
    await ui.wb.quickOpen('analysis.py');
    const hover = await hoverAt(4, 30, 'is not in the library yet');
    await hover.getByText('Add to Library and Open').click();
    const frame = await ui.wb.webview(NEW_TITLE);
    await frame.locator('.markdown-body').first().waitFor({ timeout: 30_000 });
    assert.ok(
      server.requests.some((r) => r.url.startsWith('/api/query') && r.url.includes(NEW_ID)),
      'arXiv was asked for the paper',
    );
    // Add Paper ends by showing where the paper landed: Recent, in the Papers view. Waiting for it also keeps that
    // reveal (which moves the focus) from closing the Quick Open below on a slow machine.
    await waitFor(() => ui.wb.revealTreeItem('Papers', NEW_TITLE), {
      timeout: 30_000,
      message: `"${NEW_TITLE}" in the Papers view`,
    });
    await ui.wb.quickOpen('analysis.py');
    await hoverAt(4, 30, NEW_TITLE);
  });

  it('reads an arXiv DOI as its arXiv id: the paper added above', async () => {
    await ui.wb.quickOpen('analysis.py');
    const hover = await hoverAt(8, 30, NEW_TITLE);
    assert.match(await hover.innerText(), /Open Paper/);
  });

  it('hovers a DOI outside the library with Crossref’s title, authors, date and abstract as text, and adds it', async () => {
    await ui.wb.quickOpen('analysis.py');
    const hover = await hoverAt(5, 30, DOI_TITLE);
    const text = await hover.innerText();
    assert.ok(text.includes('Zhixin Lu, Brian R. Hunt, Edward Ott et al. · Jan 5, 2020'), text);
    assert.ok(text.includes('Physical Review E'), text);
    assert.ok(text.includes(DOI_ABSTRACT), text);
    assert.doesNotMatch(text, /<|jats|Abstract A/);
    // The markup arrived as text: no element of it in the hover.
    assert.equal(await hover.locator('i, b, jats\\:bold').count(), 0);
    assert.match(text, /not in the library yet \(from Crossref\)/);
    // One 503, then the answer: the client retried, and the hover asked nothing more.
    const works = () => server.requestsTo(`/works/${encodeURIComponent(DOI.toLowerCase())}`);
    assert.deepEqual(
      works().map((r) => r.method),
      ['GET', 'GET'],
    );
    await ui.wb.page.keyboard.press('Escape');
    await hoverAt(5, 30, DOI_TITLE);
    assert.equal(works().length, 2, 'a second hover is answered from the lookup already made');

    await ui.wb.page.locator('.monaco-hover').getByText('Add to Library and Open').click();
    const frame = await ui.wb.webview(DOI_TITLE);
    await frame.locator('.markdown-body').first().waitFor({ timeout: 30_000 });
    assert.equal(works().length, 2, 'adding it used the same answer');
    await waitFor(() => ui.wb.revealTreeItem('Papers', DOI_TITLE), {
      timeout: 30_000,
      message: `"${DOI_TITLE}" in the Papers view`,
    });
    // Now in the library: the hover opens it.
    await ui.wb.quickOpen('analysis.py');
    const again = await hoverAt(5, 30, DOI_TITLE);
    assert.match(await again.innerText(), /Open Paper/);
  });

  it('says when Crossref does not know a DOI, or cannot be asked', async () => {
    await ui.wb.quickOpen('analysis.py');
    const unknown = await hoverAt(6, 45, 'Crossref does not know it');
    assert.match(await unknown.innerText(), /doi:10\.9999\/nowhere\.1 is not in the library/);
    await ui.wb.page.keyboard.press('Escape');
    const down = await hoverAt(7, 22, 'Crossref could not be asked');
    assert.match(await down.innerText(), /503/);
  });

  it('completes [@ in Markdown from the library', async () => {
    const { page } = ui.wb;
    await ui.wb.quickOpen('draft.md');
    await goTo(2, 16);
    await page.keyboard.type('[@');
    await page.keyboard.type(key.slice(0, -3));
    await page.keyboard.press('Control+Space');
    const suggestion = page.locator('.editor-widget.suggest-widget .monaco-list-row', { hasText: key }).first();
    await suggestion.waitFor({ timeout: 30_000 });
    await suggestion.click();
    await page.keyboard.press('Control+s');
    const draft = path.join(ui.host.workspace, 'draft.md');
    await waitFor(() => fs.readFileSync(draft, 'utf8').includes(`[@${key}`), {
      timeout: 30_000,
      message: `draft.md to cite [@${key}`,
    });
  });

  it('hovers a paper link in a Julia block comment', async () => {
    await ui.wb.quickOpen('model.jl');
    const hover = await hoverAt(2, 22, ALMOST_LINEAR);
    assert.match(await hover.innerText(), /Open Paper/);
  });

  it('completes \\cite{ in LaTeX from the library and writes the .bib on save, keeping the hand-written entry', async () => {
    const { page } = ui.wb;
    await ui.wb.quickOpen('paper.tex');
    await goTo(3, 16);
    // `}` first: with auto-closed braces it types over the closing one, so the cursor ends inside `{}` either way.
    await page.keyboard.type('\\cite{}');
    await page.keyboard.press('ArrowLeft');
    // Most keys of the seeded library start alike (`anon2024…`: the seed lists no authors): type most of it.
    await page.keyboard.type(key.slice(0, -3));
    await page.keyboard.press('Control+Space');
    const suggestion = page.locator('.editor-widget.suggest-widget .monaco-list-row', { hasText: key }).first();
    await suggestion.waitFor({ timeout: 30_000 });
    await suggestion.click();
    await page.keyboard.press('Control+s');
    const bib = path.join(ui.host.workspace, 'references.bib');
    // The Markdown draft above already cited the key (its save wrote it to the .bib): wait for the .tex save too.
    const tex = path.join(ui.host.workspace, 'paper.tex');
    await waitFor(
      () =>
        fs.readFileSync(bib, 'utf8').includes(`{${key},`) && fs.readFileSync(tex, 'utf8').includes(`\\cite{${key}}`),
      {
        timeout: 30_000,
        message: `references.bib to gain ${key}`,
      },
    );
    const text = fs.readFileSync(bib, 'utf8');
    assert.ok(text.startsWith(HAND_WRITTEN), `the hand-written entry is kept byte for byte:\n${text}`);
    assert.match(text, new RegExp(`% attractor: paper=\\S+ sha=[0-9a-f]{12}\\n@misc\\{${key},`));
    assert.match(text, /title {9}= \{\{Almost-Linear RNNs/);
    assert.ok(fs.readFileSync(path.join(ui.host.workspace, 'paper.tex'), 'utf8').includes(`\\cite{${key}}`));
  });
});
