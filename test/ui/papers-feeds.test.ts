/**
 * The Feeds group of the Papers view as a user drives it, against the local fixture server standing for the
 * arXiv API: category feeds fetched when the view opens, the count of papers new since the last visit,
 * "Load more", a query feed added from the palette (its query checked as it is typed) and paged, a 503 and
 * arXiv's error page that keep the saved papers under an error row with Retry; and, offline, the calm info row at
 * the top of Daily.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Locator } from 'playwright-core';
import { feedPapers, routeArxivFeeds, type FeedFixture } from '../fixtures/arxivFeedPages';
import { startFixtureServer, type FixtureServer } from '../fixtures/server';
import { useWorkbench } from '../harness/mocha';
import { waitFor } from '../harness/poll';
import type { TreeItem } from '../harness/workbench';
import { categoryQuery, DEFAULT_KEYWORDS } from '../../src/papers/arxivFeeds/feedDefinitions';
import { DAILY } from '../unit/papersFixtures';

const KOOPMAN_QUERY = 'cat:nlin.CD AND abs:koopman';

/** Rows under a collapsible row, up to the next row at its level or above. */
function under(items: TreeItem[], label: string): TreeItem[] {
  const start = items.findIndex((i) => i.label === label);
  if (start < 0) return [];
  const end = items.findIndex((i, k) => k > start && i.level <= items[start].level);
  return items.slice(start + 1, end < 0 ? undefined : end);
}

describe('papers feeds (UI)', function () {
  let server: FixtureServer;
  const settings: Record<string, unknown> = {};
  const fixture: FeedFixture = new Map();
  before(async () => {
    server = await startFixtureServer();
    server.route('/api/daily_papers', { body: DAILY });
    fixture.set('cat:nlin.CD', feedPapers('Chaos paper', 5, 100));
    fixture.set('cat:math.DS', feedPapers('Flow paper', 2, 200, 'math.DS'));
    const lg = feedPapers('Learning paper', 2, 400, 'cs.LG');
    lg[0] = { ...lg[0], title: 'Reservoir computing of attractors' };
    lg[1] = { ...lg[1], summary: 'We scale transformers to longer contexts.' }; // no keyword: left out
    fixture.set(categoryQuery('cs.LG', DEFAULT_KEYWORDS['cs.LG']), lg);
    fixture.set(KOOPMAN_QUERY, feedPapers('Koopman paper', 4, 500));
    routeArxivFeeds(server, fixture, 3);
    Object.assign(settings, {
      'attractor.huggingface.endpoint': server.url,
      'attractor.arxiv.endpoint': server.url,
      'attractor.network.timeoutSeconds': 3,
      'attractor.papers.fetchOnOpen': true,
    });
  });
  after(() => server?.close());
  const ui = useWorkbench({ host: { settings } });

  const row = (label: string): Promise<Locator> => ui.wb.revealTreeItem('Papers', label);
  const item = async (label: string): Promise<TreeItem | undefined> =>
    (await ui.wb.treeItems('Papers')).find((i) => i.label === label);

  /** Waits until the rendered rows pass `test`; the failure names what was shown. */
  async function waitForRows(test: (items: TreeItem[]) => boolean, message: string): Promise<TreeItem[]> {
    let last: TreeItem[] = [];
    return waitFor(
      async () => {
        last = await ui.wb.treeItems('Papers');
        return test(last) ? last : undefined;
      },
      { timeout: 45_000, message },
    ).catch((err: Error) => {
      throw new Error(`${err.message}; rows: ${JSON.stringify(last.map((i) => [i.label, i.description]))}`);
    });
  }

  async function setExpanded(label: string, expanded: boolean): Promise<void> {
    const r = await row(label);
    if ((await r.getAttribute('aria-expanded')) !== String(expanded)) await r.click();
    await waitFor(async () => (await r.getAttribute('aria-expanded')) === String(expanded), {
      message: `"${label}" ${expanded ? 'expanded' : 'collapsed'}`,
    });
  }

  it('fetches the category feeds on open and counts the papers new since the last visit, until the user looks', async () => {
    await ui.wb.openViewContainer('Attractor');
    const models = ui.wb.view('Models').locator('.pane-header');
    if ((await models.getAttribute('aria-expanded')) === 'true') await models.click();
    // Daily is not what this suite is about: folded, it leaves the Feeds rows at the top of the view.
    await waitForRows((items) => items.some((i) => i.label === 'Daily'), 'the Daily group');
    await setExpanded('Daily', false);
    // nlin.CD's first page (3 of 5), math.DS (2), cs.LG narrowed by its keywords (1 of 2).
    await waitForRows((items) => items.find((i) => i.label === 'Feeds')?.description === '6 new', 'Feeds: 6 new');
    await setExpanded('Feeds', true);
    const feeds = await waitForRows(
      (items) => under(items, 'Feeds').filter((i) => i.level === 2).length === 3,
      'three feed rows',
    );
    assert.deepEqual(
      under(feeds, 'Feeds').map((i) => [i.label, i.description]),
      [
        ['nlin.CD', '3 new · 3 papers'],
        ['math.DS', '2 new · 2 papers'],
        ['cs.LG', '1 new · 1 paper'],
      ],
    );

    await setExpanded('nlin.CD', true);
    const looked = await waitForRows(
      (items) => items.find((i) => i.label === 'nlin.CD')?.description === '3 papers',
      'nlin.CD seen: no longer new',
    );
    assert.deepEqual(
      under(looked, 'nlin.CD').map((i) => i.label),
      ['Chaos paper 1', 'Chaos paper 2', 'Chaos paper 3', 'Load more'],
    );
    assert.equal(looked.find((i) => i.label === 'Feeds')?.description, '3 new', 'the group counts the others');

    // Two new submissions; the feed is folded, so they are new when it is refreshed.
    await setExpanded('nlin.CD', false);
    fixture.set('cat:nlin.CD', [...feedPapers('Fresh paper', 2, 300), ...fixture.get('cat:nlin.CD')!]);
    await ui.wb.contextMenu(await row('nlin.CD'), 'Refresh Feeds');
    await waitForRows(
      (items) => items.find((i) => i.label === 'nlin.CD')?.description === '2 new · 3 papers',
      'nlin.CD: 2 new after the refresh',
    );
    assert.equal((await item('Feeds'))?.description, '5 new');
  });

  it('pages a category feed with "Load more", newest submissions first', async () => {
    await setExpanded('nlin.CD', true);
    // Opening the feed marks its new papers seen, which redraws its rows: click "Load more" once that is done.
    await waitForRows(
      (all) =>
        all.find((i) => i.label === 'nlin.CD')?.description === '3 papers' && all.some((i) => i.label === 'Load more'),
      'nlin.CD seen, with "Load more"',
    );
    await (await row('Load more')).click();
    const items = await waitForRows(
      (all) => under(all, 'nlin.CD').some((i) => i.label === 'Chaos paper 4'),
      'the second page of nlin.CD',
    );
    assert.deepEqual(
      under(items, 'nlin.CD').map((i) => i.label),
      [
        'Fresh paper 1',
        'Fresh paper 2',
        'Chaos paper 1',
        'Chaos paper 2',
        'Chaos paper 3',
        'Chaos paper 4',
        'Load more',
      ],
    );
    assert.equal(items.find((i) => i.label === 'Load more')?.description, '6 of 7 fetched');
    const asked = server.requestsTo('/api/query').filter((r) => r.query.get('search_query') === 'cat:nlin.CD');
    assert.deepEqual(asked.map((r) => [r.query.get('start'), r.query.get('sortBy'), r.query.get('sortOrder')]).at(-1), [
      '3',
      'submittedDate',
      'descending',
    ]);
    // One request at a time, at least 3 s apart: every arXiv request of the run, in order.
    const times = server.requestsTo('/api/query').map((r) => r.time);
    for (let i = 1; i < times.length; i++)
      assert.ok(times[i] - times[i - 1] >= 2_900, `requests ${i - 1} and ${i} ${times[i] - times[i - 1]} ms apart`);
    await setExpanded('nlin.CD', false);
  });

  it('adds a query feed from the palette, checking the query as it is typed, and pages its papers', async () => {
    const { page } = ui.wb;
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await ui.wb.runInputCommand('Attractor: Add arXiv Query Feed…', { title: 'Add arXiv Query Feed' });
    await input.fill('koopman');
    await page.locator('.quick-input-message', { hasText: 'has no field' }).waitFor({ timeout: 10_000 });
    await input.fill('cat:nlin.CD and abs:koopman');
    await page.locator('.quick-input-message', { hasText: 'in capitals' }).waitFor({ timeout: 10_000 });
    await input.fill(KOOPMAN_QUERY);
    await input.press('Enter');
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Name of the Feed' }).waitFor();
    await input.fill('Koopman in chaos');
    await input.press('Enter');
    const items = await waitForRows(
      // Shown, its papers are seen (no longer new), which redraws its rows: click "Load more" once that is done.
      (all) =>
        all.find((i) => i.label === 'Koopman in chaos')?.description === '3 papers' &&
        under(all, 'Koopman in chaos').some((i) => i.label === 'Load more'),
      'the query feed with its first page, seen',
    );
    assert.deepEqual(
      under(items, 'Koopman in chaos').map((i) => i.label),
      ['Koopman paper 1', 'Koopman paper 2', 'Koopman paper 3', 'Load more'],
    );
    await (await row('Load more')).click();
    const paged = await waitForRows(
      (all) => under(all, 'Koopman in chaos').some((i) => i.label === 'Koopman paper 4'),
      'the second page of the query feed',
    );
    assert.deepEqual(
      under(paged, 'Koopman in chaos').map((i) => i.label),
      ['Koopman paper 1', 'Koopman paper 2', 'Koopman paper 3', 'Koopman paper 4'],
      'all four, and no "Load more" once arXiv has no more',
    );
    const asked = server.requestsTo('/api/query').filter((r) => r.query.get('search_query') === KOOPMAN_QUERY);
    assert.deepEqual(
      asked.map((r) => [r.query.get('start'), r.query.get('sortBy'), r.query.get('sortOrder')]),
      [
        ['0', 'submittedDate', 'descending'],
        ['3', 'submittedDate', 'descending'],
      ],
    );
    const user = JSON.parse(fs.readFileSync(path.join(ui.host.userDataDir, 'User', 'settings.json'), 'utf8')) as {
      'attractor.feeds.queries'?: unknown;
    };
    assert.deepEqual(user['attractor.feeds.queries'], [{ name: 'Koopman in chaos', query: KOOPMAN_QUERY }]);
    await setExpanded('Koopman in chaos', false);
  });

  it('keeps the saved papers when arXiv answers 503, with an error row and Retry', async () => {
    await setExpanded('math.DS', true);
    await waitForRows((all) => under(all, 'math.DS').some((i) => i.label === 'Flow paper 2'), 'math.DS papers');
    server.fault('/api/query', { kind: 'unavailable' });
    await ui.wb.contextMenu(await row('math.DS'), 'Refresh Feeds');
    const failed = await waitForRows(
      (all) => under(all, 'math.DS').some((i) => /having trouble \(HTTP 503\)/.test(i.label)),
      'an error row under math.DS',
    );
    const rows = under(failed, 'math.DS');
    assert.equal(rows[0].description, 'Retry', 'the error row comes first, with Retry');
    assert.deepEqual(
      rows.slice(1).map((i) => i.label),
      ['Flow paper 1', 'Flow paper 2'],
      'the last good papers stay',
    );
    const error = ui.wb.treeRows('Papers').filter({ hasText: 'having trouble' }).first();
    assert.equal(await error.locator('.codicon-error').count(), 1, 'shown as an error');

    server.clearFaults();
    fixture.set('cat:math.DS', [...feedPapers('New flow paper', 1, 600, 'math.DS'), ...fixture.get('cat:math.DS')!]);
    await error.click();
    const retried = await waitForRows(
      (all) =>
        !all.some((i) => /having trouble/.test(i.label)) &&
        under(all, 'math.DS').some((i) => i.label === 'New flow paper 1'),
      'math.DS after Retry',
    );
    assert.deepEqual(
      under(retried, 'math.DS').map((i) => i.label),
      ['New flow paper 1', 'Flow paper 1', 'Flow paper 2'],
    );
  });

  it('keeps the saved papers when arXiv answers with its error page, with the error it gives and Retry', async () => {
    // arXiv reports a query it cannot run as an Atom feed of one entry titled "Error" (the fixture's answer to a
    // query it does not know).
    const saved = fixture.get('cat:math.DS')!;
    fixture.delete('cat:math.DS');
    await ui.wb.contextMenu(await row('math.DS'), 'Refresh Feeds');
    const failed = await waitForRows(
      (all) => under(all, 'math.DS').some((i) => /reported an error: incorrect id format/.test(i.label)),
      'the error of the error page under math.DS',
    );
    const rows = under(failed, 'math.DS');
    assert.equal(rows[0].description, 'Retry');
    assert.deepEqual(
      rows.slice(1).map((i) => i.label),
      ['New flow paper 1', 'Flow paper 1', 'Flow paper 2'],
      'the last good papers stay',
    );
    const error = ui.wb.treeRows('Papers').filter({ hasText: 'reported an error' }).first();
    assert.equal(await error.locator('.codicon-error').count(), 1, 'shown as an error');
    assert.ok(!failed.some((i) => i.label === 'Error'), 'the error entry is not listed as a paper');

    fixture.set('cat:math.DS', saved);
    const asked = server.requestsTo('/api/query').length;
    await error.click();
    // The same papers come back, so the rows are the saved ones again once arXiv was asked and the rows settled.
    await waitForRows(
      (all) =>
        server.requestsTo('/api/query').length > asked &&
        JSON.stringify(under(all, 'math.DS').map((i) => i.label)) ===
          JSON.stringify(['New flow paper 1', 'Flow paper 1', 'Flow paper 2']),
      'math.DS after Retry: its papers, no error or loading row',
    );
  });

  it('removes a query feed from its context menu', async () => {
    await ui.wb.contextMenu(await row('Koopman in chaos'), 'Remove Feed…');
    await waitForRows(
      (all) => !all.some((i) => i.label === 'Koopman in chaos') && all.some((i) => i.label === 'math.DS'),
      'the query feed gone, the others kept',
    );
    const user = JSON.parse(fs.readFileSync(path.join(ui.host.userDataDir, 'User', 'settings.json'), 'utf8')) as {
      'attractor.feeds.queries'?: unknown;
    };
    assert.deepEqual(user['attractor.feeds.queries'], []);
  });
});

describe('papers offline (UI)', function () {
  // The harness's endpoints are a closed local port: every fetch fails as it does without a network.
  const ui = useWorkbench({ host: { settings: { 'attractor.papers.fetchOnOpen': true } } });

  it('says calmly that it is offline, at the top of Daily, with Retry, over the saved papers', async () => {
    await ui.wb.openViewContainer('Attractor');
    const items = await waitFor(
      async () => {
        const all = await ui.wb.treeItems('Papers');
        return all.some((i) => /^Offline/.test(i.label)) && all.some((i) => i.level === 3) ? all : undefined;
      },
      { timeout: 60_000, message: 'the offline row and the saved papers' },
    );
    const daily = under(items, 'Daily');
    assert.equal(daily[0].label, 'Offline — showing the saved papers');
    assert.equal(daily[0].description, 'Retry');
    assert.ok(
      daily.some((i) => i.level === 3),
      'the saved papers below it',
    );
    const offline = ui.wb.treeRows('Papers').filter({ hasText: 'Offline — showing the saved papers' }).first();
    assert.equal(await offline.locator('.codicon-info').count(), 1, 'an info icon');
    assert.equal(await offline.locator('.codicon-error').count(), 0, 'not the error style');
    assert.ok(!items.some((i) => /Could not connect|Could not find/.test(i.label)), 'no error row in its place');
  });
});
