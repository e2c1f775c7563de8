import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { routeArxivFeeds, feedPapers, type FeedFixture } from '../fixtures/arxivFeedPages';
import { startFixtureServer, type FixtureServer } from '../fixtures/server';
import { arxivQueryProblem } from '../../src/papers/arxivFeeds/arxivQuery';
import {
  categoryQuery,
  DEFAULT_KEYWORDS,
  matchesKeywords,
  readFeedSettings,
  type FeedDefinition,
} from '../../src/papers/arxivFeeds/feedDefinitions';
import { fetchFeedPage, hasMorePages } from '../../src/papers/arxivFeeds/feedFetch';
import { PaperFeeds, type FeedLog } from '../../src/papers/feeds';
import { seedLibrary, type Library } from '../../src/papers/library/library';
import { openLibraryDb, type LibraryDb } from '../../src/papers/library/libraryDb';
import { PaperStore } from '../../src/papers/paperStore';
import { ArxivSource, parseArxivAtom } from '../../src/papers/sources/arxiv';
import { HttpClient } from '../../src/core/http';
import { HuggingFaceSource } from '../../src/papers/sources/huggingface';
import { arxivEntry, arxivFeed, ARXIV_ERROR, DAILY } from './papersFixtures';

const quietLog: FeedLog = { info: () => undefined, warn: () => undefined, error: () => undefined };
const NLIN: FeedDefinition = { id: 'cat:nlin.CD', kind: 'category', label: 'nlin.CD', keywords: [] };

describe('feeds: arXiv query syntax', () => {
  it('accepts the API manual’s queries', () => {
    for (const q of [
      'cat:nlin.CD',
      'cat:nlin.CD AND abs:koopman',
      'au:durstewitz ANDNOT ti:review',
      'cat:math.DS AND (abs:"reservoir computing" OR abs:koopman)',
      '((ti:chaos))',
    ])
      assert.equal(arxivQueryProblem(q), undefined, q);
  });

  it('says what is wrong with a bad query', () => {
    const cases: [string, RegExp][] = [
      ['', /Enter an arXiv query/],
      ['koopman', /has no field: write it as abs:koopman/],
      ['xx:koopman', /Unknown field "xx:"/],
      ['cat:nlin.CD and abs:koopman', /operator "and" in capitals/],
      ['cat:nlin.CD AND', /needs a term after it/],
      ['AND cat:nlin.CD', /needs a term before it/],
      ['cat:nlin.CD abs:koopman', /Join "cat:nlin.CD" and "abs:koopman" with AND, OR or ANDNOT/],
      ['(cat:nlin.CD OR abs:koopman', /"\(" is not closed/],
      ['cat:nlin.CD)', /"\)" has no matching "\("/],
      ['abs:"reservoir computing', /no closing quote/],
      ['abs:', /needs a value/],
      ['()', /"\)" comes where a term is expected/],
    ];
    for (const [q, re] of cases) assert.match(arxivQueryProblem(q) ?? 'valid', re, q);
  });
});

describe('feeds: definitions and the keyword filter', () => {
  it('builds the default feeds: nlin.CD, math.DS, and cs.LG narrowed by keywords', () => {
    const { feeds, problems } = readFeedSettings({
      categories: ['nlin.CD', 'math.DS', 'cs.LG'],
      keywords: DEFAULT_KEYWORDS,
      queries: [],
    });
    assert.deepEqual(problems, []);
    assert.deepEqual(
      feeds.map((f) => [f.label, f.id]),
      [
        ['nlin.CD', 'cat:nlin.CD'],
        ['math.DS', 'cat:math.DS'],
        [
          'cs.LG',
          'cat:cs.LG AND (ti:reservoir OR abs:reservoir OR ti:Koopman OR abs:Koopman OR ti:PLRNN OR abs:PLRNN OR ' +
            'ti:attractor OR abs:attractor OR ti:chaotic OR abs:chaotic OR ti:SINDy OR abs:SINDy OR ' +
            'ti:"neural ODE" OR abs:"neural ODE")',
        ],
      ],
    );
    assert.equal(arxivQueryProblem(feeds[2].id), undefined, 'the keyword query is itself valid');
  });

  it('reads query feeds, leaves out bad entries with the reason, and lists a query once', () => {
    const { feeds, problems } = readFeedSettings({
      categories: ['nlin.CD', 'not a category', 42],
      keywords: { 'nlin.CD': ['ok', 'bad "quote"'] },
      queries: [
        { name: 'Koopman in chaos', query: 'cat:nlin.CD AND abs:koopman' },
        { query: 'cat:nlin.CD AND abs:koopman' },
        { name: 'broken', query: 'abs:(' },
        'not an object',
      ],
    });
    assert.deepEqual(
      feeds.map((f) => [f.kind, f.label, f.id]),
      [
        ['category', 'nlin.CD', 'cat:nlin.CD AND (ti:ok OR abs:ok)'],
        ['query', 'Koopman in chaos', 'cat:nlin.CD AND abs:koopman'],
      ],
    );
    assert.equal(problems.length, 5, problems.join('\n'));
    assert.ok(problems.some((p) => /"not a category" is not an arXiv category/.test(p)));
    assert.ok(problems.some((p) => /bad \\"quote\\"/.test(p)));
  });

  it('matches keywords as words or word starts, case and hyphens aside', () => {
    const paper = (title: string, abstract = '') => ({ title, abstract });
    const kw = DEFAULT_KEYWORDS['cs.LG'];
    assert.ok(matchesKeywords(paper('Training Neural-ODEs on Lorenz-63'), kw));
    assert.ok(matchesKeywords(paper('A survey', 'Strange attractors of recurrent networks'), kw));
    assert.ok(matchesKeywords(paper('SINDy-PI for rigid bodies'), kw));
    assert.ok(matchesKeywords(paper('Échos of KOOPMAN operators'), kw));
    assert.ok(!matchesKeywords(paper('Large language models', 'We scale transformers.'), kw));
    assert.ok(!matchesKeywords(paper('Chaos in markets'), ['chaotic']), 'what the user wrote, not a stem');
    assert.ok(!matchesKeywords(paper('Unattractive losses'), ['attractor']), 'word starts only');
    assert.ok(matchesKeywords(paper('Anything'), []), 'no keywords: every paper');
  });

  it('builds a category query without keywords as the bare category', () => {
    assert.equal(categoryQuery('math.DS', []), 'cat:math.DS');
  });
});

describe('feeds: Atom pages and paging', function () {
  this.timeout(20_000);
  let server: FixtureServer;
  let fixture: FeedFixture;
  let arxiv: ArxivSource;

  beforeEach(async () => {
    server = await startFixtureServer();
    fixture = new Map([['cat:nlin.CD', feedPapers('Chaos paper', 5, 100)]]);
    routeArxivFeeds(server, fixture, 3);
    arxiv = new ArxivSource({ endpoint: server.url, http: new HttpClient({ timeoutMs: 2000, baseDelayMs: 10 }) });
  });
  afterEach(() => server.close());

  it('reads a page: its entries, the total, and asks by submission date, newest first', async () => {
    const page = await arxiv.page('cat:nlin.CD', 0, 50);
    assert.equal(page.entries, 3);
    assert.equal(page.totalResults, 5);
    assert.deepEqual(
      page.papers.map((p) => [p.arxivId, p.published]),
      [
        ['2511.00105', '2025-11-20'],
        ['2511.00104', '2025-11-19'],
        ['2511.00103', '2025-11-18'],
      ],
    );
    const q = server.requestsTo('/api/query')[0].query;
    assert.deepEqual(
      ['search_query', 'start', 'max_results', 'sortBy', 'sortOrder'].map((k) => q.get(k)),
      ['cat:nlin.CD', '0', '50', 'submittedDate', 'descending'],
    );
  });

  it('counts skipped entries for the next page', async () => {
    const xml = arxivFeed(
      [arxivEntry({ id: '2511.00001v1', title: 'Kept' }), arxivEntry({ id: 'junk', title: 'x' })],
      9,
    );
    const page = await parseArxivAtom(xml, 'h');
    assert.equal(page.papers.length, 1);
    assert.equal(page.entries, 2);
    assert.equal(page.totalResults, 9);
  });

  it('pages a feed: the first page, then "more" from where it ended, until the total', async () => {
    const lib = seedLibrary([]);
    await fetchFeedPage(lib, arxiv, NLIN, { more: false });
    let s = lib.feedSummary(NLIN.id)!;
    assert.deepEqual([s.count, s.nextStart, s.total, hasMorePages(s)], [3, 3, 5, true]);
    await fetchFeedPage(lib, arxiv, NLIN, { more: true });
    s = lib.feedSummary(NLIN.id)!;
    assert.deepEqual([s.count, s.nextStart, hasMorePages(s)], [5, 5, false]);
    assert.deepEqual(
      lib.papersOf(lib.feedPaperIds(NLIN.id)).map((p) => p.title),
      ['Chaos paper 1', 'Chaos paper 2', 'Chaos paper 3', 'Chaos paper 4', 'Chaos paper 5'],
    );
    assert.deepEqual(
      server.requestsTo('/api/query').map((r) => r.query.get('start')),
      ['0', '3'],
    );
  });

  it('keeps only papers with a keyword, and pages by the entries received', async () => {
    const lib = seedLibrary([]);
    const papers = feedPapers('Transformers', 3, 200, 'cs.LG');
    papers[1] = { ...papers[1], title: 'Reservoir computing for weather', summary: 'Echo state networks.' };
    const feed: FeedDefinition = {
      id: categoryQuery('cs.LG', ['reservoir']),
      kind: 'category',
      label: 'cs.LG',
      keywords: ['reservoir'],
    };
    fixture.set(feed.id, papers);
    await fetchFeedPage(lib, arxiv, feed, { more: false });
    assert.deepEqual(
      lib.papersOf(lib.feedPaperIds(feed.id)).map((p) => p.title),
      ['Reservoir computing for weather'],
    );
    assert.equal(lib.feedSummary(feed.id)!.nextStart, 3);
  });

  it('refuses an empty page inside the results (keeping the listing)', async () => {
    const lib = seedLibrary([]);
    await fetchFeedPage(lib, arxiv, NLIN, { more: false });
    server.route('/api/query', { body: arxivFeed([], 5) });
    await assert.rejects(fetchFeedPage(lib, arxiv, NLIN, { more: true }), /empty page/);
    assert.equal(lib.feedSummary(NLIN.id)!.count, 3);
  });
});

/** The library's feed listings, in memory and in SQLite. */
const LIBRARIES: { name: string; open(): Promise<Library>; close(): void }[] = [
  { name: 'memory', open: async () => seedLibrary([]), close: () => undefined },
  (() => {
    let dir: string | undefined;
    let db: LibraryDb | undefined;
    return {
      name: 'SQLite',
      async open() {
        dir = mkdtempSync(join(tmpdir(), 'attractor-feeds-'));
        ({ library: db } = await openLibraryDb(join(dir, 'library.db'), {
          seed: async () => seedLibrary([]).toData(),
          readJson: async () => undefined,
        }));
        return db;
      },
      close() {
        db?.close();
        if (dir) rmSync(dir, { recursive: true, force: true });
        db = dir = undefined;
      },
    };
  })(),
];

for (const impl of LIBRARIES)
  describe(`feeds: new since the last visit, deduplication (${impl.name})`, function () {
    this.timeout(20_000);
    let server: FixtureServer;
    let fixture: FeedFixture;
    let arxiv: ArxivSource;
    let lib: Library;

    beforeEach(async () => {
      server = await startFixtureServer();
      fixture = new Map([['cat:nlin.CD', feedPapers('Chaos paper', 3, 100)]]);
      routeArxivFeeds(server, fixture, 3);
      arxiv = new ArxivSource({ endpoint: server.url, http: new HttpClient({ timeoutMs: 2000, baseDelayMs: 10 }) });
      lib = await impl.open();
    });
    afterEach(async () => {
      impl.close();
      await server.close();
    });

    it('counts papers a refresh brings until the user looks; later pages are never new', async () => {
      const changes: string[] = [];
      lib.onChange((c) => changes.push(c));
      await fetchFeedPage(lib, arxiv, NLIN, { more: false });
      assert.equal(lib.feedSummary(NLIN.id)!.newCount, 3, 'a first fetch: all new');
      lib.markFeedSeen(NLIN.id);
      assert.equal(lib.feedSummary(NLIN.id)!.newCount, 0);
      lib.markFeedSeen(NLIN.id);
      assert.deepEqual(changes, ['feeds', 'feeds'], 'looking again at a seen feed changes nothing');

      // Two new submissions on top; the oldest paper moves to the second page.
      fixture.set('cat:nlin.CD', [...feedPapers('Fresh paper', 2, 300), ...fixture.get('cat:nlin.CD')!]);
      await fetchFeedPage(lib, arxiv, NLIN, { more: false });
      let s = lib.feedSummary(NLIN.id)!;
      assert.deepEqual([s.count, s.newCount, s.total], [3, 2, 5]);
      await fetchFeedPage(lib, arxiv, NLIN, { more: false });
      assert.equal(lib.feedSummary(NLIN.id)!.newCount, 2, 'still new until looked at');
      await fetchFeedPage(lib, arxiv, NLIN, { more: true });
      s = lib.feedSummary(NLIN.id)!;
      assert.deepEqual([s.count, s.newCount], [5, 2], 'the second page adds nothing new');
      lib.markFeedSeen(NLIN.id);
      assert.equal(lib.feedSummary(NLIN.id)!.newCount, 0);
    });

    it('is the same paper as one seen elsewhere (same arXiv id), never a copy', async () => {
      const [daily] = lib.merge([
        {
          id: '2511.00103',
          arxivId: '2511.00103',
          title: 'Chaos paper 1 (as Hugging Face titles it)',
          abstract: 'HF abstract',
          authors: [],
          authorCount: 2,
          published: '2025-11-18',
          upvotes: 9,
          sources: ['huggingface'],
        },
      ]);
      lib.setStarred(daily.id, true);
      const size = lib.size;
      await fetchFeedPage(lib, arxiv, NLIN, { more: false });
      assert.equal(lib.size, size + 2, 'two papers added, the known one merged');
      const merged = lib.get('2511.00103')!;
      assert.equal(merged.id, daily.id);
      assert.equal(merged.upvotes, 9);
      assert.deepEqual([...merged.sources!].sort(), ['arxiv', 'huggingface']);
      assert.ok(lib.isStarred(daily.id));
      assert.ok(lib.feedPaperIds(NLIN.id).includes(daily.id));
    });

    it('forgets a removed feed’s listing but keeps its papers', async () => {
      await fetchFeedPage(lib, arxiv, NLIN, { more: false });
      const size = lib.size;
      lib.removeFeed(NLIN.id);
      assert.equal(lib.feedSummary(NLIN.id), undefined);
      assert.deepEqual(lib.feedPaperIds(NLIN.id), []);
      assert.equal(lib.size, size);
    });
  });

describe('feeds: faults, as for Daily', function () {
  this.timeout(20_000);
  let server: FixtureServer;
  let store: PaperStore;
  let feeds: PaperFeeds;

  beforeEach(async () => {
    server = await startFixtureServer();
    routeArxivFeeds(server, new Map([['cat:nlin.CD', feedPapers('Chaos paper', 3, 100)]]));
    server.route('/api/daily_papers', { body: DAILY });
    store = new PaperStore({ seed: async () => [] });
    const http = new HttpClient({ timeoutMs: 1000, baseDelayMs: 10, maxAttempts: 2 });
    feeds = new PaperFeeds(
      store,
      () => ({
        huggingface: new HuggingFaceSource({ endpoint: server.url, http }),
        arxiv: new ArxivSource({ endpoint: server.url, http }),
      }),
      quietLog,
    );
  });
  afterEach(() => server.close());

  it('keeps the last good listing on a 503 and on an error page, with an error status', async () => {
    await feeds.fetchFeed(NLIN);
    const lib = await store.library();
    const before = lib.feedPaperIds(NLIN.id);
    server.fault('/api/query', { kind: 'unavailable' });
    await assert.rejects(feeds.fetchFeed(NLIN), /having trouble \(HTTP 503\)/);
    assert.deepEqual(lib.feedPaperIds(NLIN.id), before);
    const status = feeds.status(`feed:${NLIN.id}`);
    assert.equal(status?.state, 'error');
    assert.equal(status?.state === 'error' && status.offline, false, 'a 503 is a real failure');
    server.clearFaults();
    server.route('/api/query', { status: 400, body: ARXIV_ERROR });
    await assert.rejects(feeds.fetchFeed(NLIN), /reported an error: incorrect id format/);
    assert.deepEqual(lib.feedPaperIds(NLIN.id), before);
  });

  it('marks a refused connection as offline', async () => {
    const http = new HttpClient({ timeoutMs: 500, baseDelayMs: 10, maxAttempts: 1 });
    const down = new PaperFeeds(
      store,
      () => ({
        huggingface: new HuggingFaceSource({ endpoint: 'http://127.0.0.1:9', http }),
        arxiv: new ArxivSource({ endpoint: 'http://127.0.0.1:9', http }),
      }),
      quietLog,
    );
    await assert.rejects(down.fetchDay('2025-10-29'));
    const status = down.status('day:2025-10-29');
    assert.equal(status?.state === 'error' && status.offline, true, JSON.stringify(status));
  });
});
