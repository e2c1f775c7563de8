/**
 * The Papers capability inside the real extension host: the tree's groups over the library, refresh and its
 * faults against the local fixture server, Add Paper, search, stars, collections and BibTeX export.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { AttractorApi } from '../../src/extension';
import { REDRAW_SETTLE_MS, type PapersNode } from '../../src/papers/papersTree';
import { feedPapers, routeArxivFeeds } from '../fixtures/arxivFeedPages';
import { startFixtureServer, type FixtureServer } from '../fixtures/server';
import { ARXIV_ERROR, arxivEntry, arxivFeed, DAILY, hfPaper, SEED_TITLE } from '../unit/papersFixtures';

const EXTENSION_ID = 'attractor-dev.attractor';

function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

describe('papers (in host)', function () {
  this.timeout(60_000);
  let server: FixtureServer;
  let api: AttractorApi;
  const config = () => vscode.workspace.getConfiguration('attractor');

  const children = async (node?: PapersNode) => (await api.papersTree.getChildren(node)) ?? [];
  const group = async (kind: string) => (await children()).find((n) => n.id === `group:${kind}`)!;
  /**
   * The Papers view hidden (VS Code asks for no rows) and no rows asked for in the last REDRAW_SETTLE_MS: a
   * change then redraws its group alone (while rows are on their way, the tree redraws from the root).
   */
  const settled = async () => {
    await vscode.commands.executeCommand('workbench.view.explorer');
    await new Promise((r) => setTimeout(r, REDRAW_SETTLE_MS + 100));
  };
  const labels = (nodes: readonly vscode.TreeItem[]) =>
    nodes.map((n) => String(typeof n.label === 'string' ? n.label : n.label?.label));

  before(async () => {
    server = await startFixtureServer();
    await config().update('huggingface.endpoint', server.url, vscode.ConfigurationTarget.Global);
    await config().update('arxiv.endpoint', server.url, vscode.ConfigurationTarget.Global);
    await config().update('papers.fetchOnOpen', false, vscode.ConfigurationTarget.Global);
    await config().update('network.timeoutSeconds', 2, vscode.ConfigurationTarget.Global);
    const ext = vscode.extensions.getExtension<AttractorApi>(EXTENSION_ID)!;
    api = await ext.activate();
  });

  after(async () => {
    for (const key of ['huggingface.endpoint', 'arxiv.endpoint', 'papers.fetchOnOpen', 'network.timeoutSeconds']) {
      await config().update(key, undefined, vscode.ConfigurationTarget.Global);
    }
    await server.close();
  });

  beforeEach(() => server.reset());

  it('shows Daily, Feeds, Search results, Starred, Collections and Recent; Daily holds the 38 default papers by day', async () => {
    assert.deepEqual(labels(await children()), [
      'Daily',
      'Feeds',
      'Search results',
      'Starred',
      'Collections',
      'Recent',
    ]);
    const daily = await group('daily');
    assert.equal(daily.collapsibleState, vscode.TreeItemCollapsibleState.Expanded);
    const days = await children(daily);
    assert.ok(days.length > 5);
    assert.equal(days[0].collapsibleState, vscode.TreeItemCollapsibleState.Expanded);
    let papers = 0;
    for (const day of days) papers += (await children(day)).filter((n) => n.kind === 'paper').length;
    assert.equal(papers, 38);
    const item = (await children(days[0]))[0] as vscode.TreeItem;
    assert.match(String(item.description), /^\d+ authors?$/);
    assert.ok(item.tooltip instanceof vscode.MarkdownString);
    assert.equal(item.resourceUri?.scheme, 'attractor-paper', 'a seam for decorations');
  });

  it('refresh fetches today into Daily, redrawing Daily alone; two refreshes at once make one request', async () => {
    server.route('/api/daily_papers', { body: DAILY, delayMs: 200 });
    await settled();
    const fired: string[] = [];
    const sub = api.papersTree.onDidChangeTreeData((n) => fired.push(n?.id ?? 'root'));
    try {
      await Promise.all([
        vscode.commands.executeCommand('attractor.refreshPapers'),
        vscode.commands.executeCommand('attractor.refreshPapers'),
      ]);
    } finally {
      sub.dispose();
    }
    assert.deepEqual([...new Set(fired)], ['group:daily'], `redrawn: ${JSON.stringify(fired)}`);
    // Synchronous once the library is open: VS Code registers the rows in the task that asked for them, so a
    // redraw of Daily cannot overlap a fetch of its children (which would register the same row ids twice).
    assert.ok(Array.isArray(api.papersTree.getChildren(await group('daily'))), 'children without a promise');
    assert.equal(server.requestsTo('/api/daily_papers').length, 1);
    assert.equal(server.requestsTo('/api/daily_papers')[0].query.get('date'), today());
    const days = await children(await group('daily'));
    const todayNode = days.find((d) => d.id === `day:${today()}`);
    assert.ok(todayNode, 'a day group for today');
    const rows = await children(todayNode);
    assert.deepEqual(labels(rows), ['Koopman Operators for Chaotic Flows', 'Neural ODEs Meet Lorenz-63']);
    assert.match(String(rows[0].description), /▲ 42/);
  });

  for (const [fault, expected] of [
    [{ kind: 'unavailable' }, /having trouble \(HTTP 503\)/],
    [{ kind: 'serverError' }, /having trouble \(HTTP 500\)/],
    [{ kind: 'truncate' }, /cut off/],
    [{ kind: 'malformed' }, /could not be read/],
    [{ kind: 'rateLimit', retryAfter: 600 }, /Try again in 600 s/],
    [{ kind: 'hang' }, /did not answer in time/],
  ] as const) {
    it(`a ${fault.kind} answer shows an error row with Retry and keeps the last good listing`, async function () {
      this.timeout(30_000);
      server.route('/api/daily_papers', { body: DAILY });
      server.fault('/api/daily_papers', fault);
      await vscode.commands.executeCommand('attractor.refreshPapers');
      const rows = await children(await group('daily'));
      const error = rows.find((n) => n.kind === 'status');
      assert.ok(error, `an error row in: ${labels(rows).join(' | ')}`);
      assert.match(String(error.label), expected);
      assert.equal(error.command?.command, 'attractor.papers.retry');
      const todayNode = rows.find((d) => d.id === `day:${today()}`);
      assert.equal((await children(todayNode)).length, 2, 'the listing fetched before is still there');
      server.clearFaults();
      await vscode.commands.executeCommand(error.command!.command, ...(error.command!.arguments ?? []));
      assert.ok(!(await children(await group('daily'))).some((n) => n.kind === 'status'), 'Retry clears the error');
    });
  }

  it('offline: an unreachable endpoint shows a calm offline row over the saved papers, with Retry', async () => {
    await config().update('huggingface.endpoint', 'http://127.0.0.1:9', vscode.ConfigurationTarget.Global);
    try {
      await vscode.commands.executeCommand('attractor.refreshPapers');
      const error = (await children(await group('daily'))).find((n) => n.kind === 'status');
      assert.equal(error?.label, 'Offline — showing the saved papers');
      assert.equal(error?.contextValue, 'offline');
      assert.equal(error?.description, 'Retry');
      assert.match(String(error?.tooltip), /you may be offline/);
    } finally {
      await config().update('huggingface.endpoint', server.url, vscode.ConfigurationTarget.Global);
    }
    await vscode.commands.executeCommand('attractor.papers.retry', `day:${today()}`);
  });

  it("a feed's fetch redraws that feed's row, not the whole tree, for its status", async () => {
    routeArxivFeeds(server, new Map([['cat:nlin.CD', feedPapers('Chaos paper', 2, 100)]]), 3);
    const nlin = (await children(await group('feeds'))).find((n) => n.id === 'feed:cat:nlin.CD');
    assert.ok(nlin, 'the nlin.CD feed row');
    await settled();
    const fired: string[] = [];
    const sub = api.papersTree.onDidChangeTreeData((n) => fired.push(n === nlin ? 'nlin.CD' : (n?.id ?? 'root')));
    try {
      await vscode.commands.executeCommand('attractor.feeds.refresh', 'cat:nlin.CD');
    } finally {
      sub.dispose();
    }
    // "Loading" when it starts, cleared when it ends; between them the library's change redraws the Feeds group
    // (its counts). Never the whole tree: a redraw drops the click commands of the rows it replaces, so a row
    // the user is clicking in Daily or Recent would do nothing.
    assert.equal(fired[0], 'nlin.CD', `the loading row: ${JSON.stringify(fired)}`);
    assert.equal(fired.at(-1), 'nlin.CD', `the loading row gone: ${JSON.stringify(fired)}`);
    assert.deepEqual([...new Set(fired)].sort(), ['group:feeds', 'nlin.CD'], JSON.stringify(fired));
    assert.equal(
      api.papersTree.getTreeItem(nlin).description,
      '2 new · 2 papers',
      'the same row object, redrawn, shows the new counts',
    );
    assert.deepEqual(labels(await children(nlin)), ['Chaos paper 1', 'Chaos paper 2']);
  });

  it('an empty listing shows "No papers listed"', async () => {
    server.route('/api/daily_papers', { body: [] });
    await vscode.commands.executeCommand('attractor.papers.pickDay', '2025-11-01');
    const day = (await children(await group('daily'))).find((d) => d.id === 'day:2025-11-01');
    assert.deepEqual(labels(await children(day)), ['No papers listed for Nov 1, 2025.']);
  });

  it('Add Paper matches a default paper to its arXiv id without duplicating it, and opens it', async () => {
    server.route('/api/query', {
      body: arxivFeed([
        arxivEntry({ id: '2305.06446v2', title: SEED_TITLE, authors: ['Matthew J. Colbrook', 'Igor Mezić'] }),
      ]),
    });
    server.route('/api/papers/2305.06446', { body: hfPaper({ id: '2305.06446', title: SEED_TITLE, upvotes: 11 }) });
    const before = (await api.listPapers()).length;
    const id = await vscode.commands.executeCommand<string>('attractor.addPaper', 'https://arxiv.org/abs/2305.06446v2');
    assert.ok(id?.startsWith('local:'), `kept the local id: ${id}`);
    const papers = await api.listPapers();
    assert.equal(papers.length, before, 'no duplicate');
    const paper = papers.find((p) => p.id === id)!;
    assert.equal(paper.arxivId, '2305.06446');
    assert.equal(paper.upvotes, 11);
    assert.equal(server.requestsTo('/api/query')[0].query.get('id_list'), '2305.06446v2');
    assert.deepEqual(labels(await children(await group('recent')))[0], SEED_TITLE);
  });

  it('Add Paper rejects other input and reports an arXiv error entry without changing the library', async () => {
    const before = JSON.stringify(await api.listPapers());
    assert.equal(await vscode.commands.executeCommand('attractor.addPaper', 'not an id'), undefined);
    server.route('/api/query', { status: 400, body: ARXIV_ERROR });
    assert.equal(await vscode.commands.executeCommand('attractor.addPaper', '2401.00001'), undefined);
    assert.equal(JSON.stringify(await api.listPapers()), before);
  });

  it('searches the library (typo-tolerant, prefixes) and online into "Search results"', async () => {
    const index = await api.papers.search.index();
    assert.ok(index.search('koopmn').some((h) => h.paper.title === SEED_TITLE));
    assert.ok(index.search('westerl').some((h) => /Westerlund/.test(h.paper.title)));
    server.route('/api/papers/search', { body: DAILY });
    server.route('/api/query', { body: arxivFeed([arxivEntry({ id: '2402.00003v1', title: 'Koopman from arXiv' })]) });
    await vscode.commands.executeCommand('attractor.searchOnline', 'koopman');
    const search = await group('search');
    assert.deepEqual(
      labels(await children(search)).sort(),
      ['Koopman Operators for Chaotic Flows', 'Koopman from arXiv', 'Neural ODEs Meet Lorenz-63'].sort(),
    );
    assert.match(String((api.papersTree.getTreeItem(search) as vscode.TreeItem).description), /"koopman" · 3/);
    const fresh = await api.papers.search.index();
    const hit = (await api.listPapers()).find((p) => p.title === 'Koopman Operators for Chaotic Flows')!;
    assert.ok(fresh.similar(hit, 5).length > 0, 'similar papers from the rebuilt index');
  });

  it('stars, collections, BibTeX copy and export', async () => {
    const papers = await api.listPapers();
    const koopman = papers.find((p) => p.title === SEED_TITLE)!;
    await vscode.commands.executeCommand('attractor.papers.star', koopman.id);
    assert.deepEqual(labels(await children(await group('starred'))), [SEED_TITLE]);
    const collectionId = await vscode.commands.executeCommand<string>(
      'attractor.papers.newCollection',
      'Koopman & friends',
    );
    await vscode.commands.executeCommand('attractor.papers.addToCollection', koopman.id, collectionId);
    await vscode.commands.executeCommand('attractor.papers.addToCollection', '2510.11111', collectionId);
    const collections = await children(await group('collections'));
    assert.deepEqual(labels(collections), ['Koopman & friends']);
    assert.equal(collections[0].description, '2 papers');
    const bib = await vscode.commands.executeCommand<string>('attractor.papers.copyBibtex', koopman.id);
    assert.match(bib, /eprint\s+= \{2305\.06446\}/);
    assert.equal(await vscode.env.clipboard.readText(), bib);
    const target = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'attractor-bib-')), 'koopman.bib');
    await vscode.commands.executeCommand('attractor.papers.exportCollection', collectionId, target);
    const text = fs.readFileSync(target, 'utf8');
    assert.equal((text.match(/^@misc\{/gm) ?? []).length, 2);
    assert.match(text, /colbrook2023limits/);
  });
});
