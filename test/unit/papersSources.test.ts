import * as assert from 'node:assert/strict';
import type { LookupFunction } from 'node:net';
import { startFixtureServer, type FixtureServer } from '../fixtures/server';
import { ArxivSource, parseArxivAtom } from '../../src/papers/sources/arxiv';
import { describeSourceError, SourceError } from '../../src/core/httpErrors';
import { HttpClient, parseRetryAfter, RateQueue, type HttpClientOptions } from '../../src/core/http';
import { HuggingFaceSource, parseHfList } from '../../src/papers/sources/huggingface';
import { MAX_ABSTRACT_CHARS } from '../../src/papers/sources/source';
import { ARXIV_ERROR, arxivEntry, arxivFeed, DAILY, hfDailyEntry, hfPaper } from './papersFixtures';

const fast: HttpClientOptions = { timeoutMs: 500, baseDelayMs: 10, maxAttempts: 3, maxRetryAfterMs: 3_000 };

async function rejects(p: Promise<unknown>, kind: SourceError['kind']): Promise<SourceError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof SourceError, `expected a SourceError, got ${String(err)}`);
    assert.equal(err.kind, kind, `${err.kind}: ${err.message}`);
    return err;
  }
  assert.fail(`expected a ${kind} failure`);
}

describe('papers: parsing source answers', () => {
  it('reads a Hugging Face daily listing with upvotes, authors, links and dates', () => {
    const { papers, warnings } = parseHfList(JSON.stringify(DAILY), 'hf', '2025-10-29');
    assert.deepEqual(warnings, []);
    assert.equal(papers.length, 2);
    const [p] = papers;
    assert.equal(p.id, '2510.11111');
    assert.equal(p.arxivId, '2510.11111');
    assert.equal(p.upvotes, 42);
    assert.deepEqual(p.authors, ['Ada Lovelace', 'Alan Turing']);
    assert.equal(p.published, '2025-10-28');
    assert.deepEqual(p.links, { github: 'https://github.com/example/koopman' });
  });

  it('skips entries with missing ids or titles, keeps the rest, and tolerates missing fields', () => {
    const body = [
      { paper: { title: 'no id' } },
      { paper: { id: '2510.33333' } },
      'junk',
      { paper: { id: '2510.44444', title: 'Only a title' } },
    ];
    const { papers, warnings } = parseHfList(JSON.stringify(body), 'hf', '2025-10-29');
    assert.equal(papers.length, 1);
    assert.equal(papers[0].title, 'Only a title');
    assert.equal(papers[0].abstract, '');
    assert.deepEqual(papers[0].authors, []);
    assert.equal(papers[0].published, '2025-10-29', 'the listing day stands in for a missing date');
    assert.equal(warnings.length, 3);
  });

  it('keeps HTML in titles as text and drops non-http links', () => {
    const entry = hfDailyEntry({
      id: '2510.55555',
      title: '<script>alert(1)</script> <b>Bold</b> claims',
      projectPage: 'javascript:alert(1)',
    });
    const [p] = parseHfList(JSON.stringify([entry]), 'hf').papers;
    assert.equal(p.title, '<script>alert(1)</script> <b>Bold</b> claims');
    assert.equal(p.links, undefined);
  });

  it('shortens a 5 MB abstract and says so', () => {
    const huge = 'chaos '.repeat(900_000);
    const { papers, warnings } = parseHfList(
      JSON.stringify([hfDailyEntry({ id: '2510.66666', title: 'Huge', summary: huge })]),
      'hf',
    );
    assert.ok(papers[0].abstract.length <= MAX_ABSTRACT_CHARS + 1);
    assert.match(warnings.join(), /shortened the abstract/);
  });

  it('rejects JSON that is not a list, or not JSON', () => {
    assert.throws(
      () => parseHfList('{"error":"x"}', 'hf'),
      (e: unknown) => e instanceof SourceError && e.kind === 'parse',
    );
    assert.throws(
      () => parseHfList('[{"paper":', 'hf'),
      (e: unknown) => e instanceof SourceError && e.kind === 'parse',
    );
  });

  it('reads arXiv Atom: wrapped titles, versions, categories, DOI, entities', async () => {
    const xml = arxivFeed(
      [
        arxivEntry({
          id: '2306.04406v2',
          title: 'Generalized Teacher Forcing & Chaos',
          authors: ['Florian Hess', 'Daniel Durstewitz'],
          doi: '10.1000/xyz',
        }),
        arxivEntry({ id: 'math/0211159v1', title: 'An old-style id', primary: 'math.DG' }),
      ],
      2,
    );
    const feed = await parseArxivAtom(xml, 'arxiv');
    assert.equal(feed.totalResults, 2);
    const [a, b] = feed.papers;
    assert.equal(a.id, '2306.04406');
    assert.equal(a.arxivVersion, 2);
    assert.equal(a.title, 'Generalized Teacher Forcing & Chaos');
    assert.match(a.abstract, /\$\\sigma = 10\$ and wrapped lines\.$/);
    assert.ok(!a.abstract.includes('\n'));
    assert.deepEqual(a.authors, ['Florian Hess', 'Daniel Durstewitz']);
    assert.deepEqual(a.categories, ['math.DS', 'cs.LG']);
    assert.equal(a.links?.doi, 'https://doi.org/10.1000/xyz');
    assert.equal(a.published, '2023-06-07');
    assert.equal(b.id, 'math/0211159');
    assert.equal(b.categories?.[0], 'math.DG');
  });

  it('turns an arXiv error entry into an api error, an empty feed into no papers, bad XML into a parse error', async () => {
    const err = await rejects(parseArxivAtom(ARXIV_ERROR, 'arxiv'), 'api');
    assert.match(describeSourceError(err), /incorrect id format for 1234\.bad/);
    assert.deepEqual((await parseArxivAtom(arxivFeed([], 0), 'arxiv')).papers, []);
    await rejects(parseArxivAtom('<feed><entry><title>x</entry></feed>', 'arxiv'), 'parse');
    await rejects(parseArxivAtom('{"not":"xml"}', 'arxiv'), 'parse');
  });

  it('reads Retry-After as seconds or a date', () => {
    assert.equal(parseRetryAfter('3'), 3000);
    assert.equal(parseRetryAfter(new Date(10_000).toUTCString(), 4_000), 6000);
    assert.equal(parseRetryAfter('soon'), undefined);
    assert.equal(parseRetryAfter(undefined), undefined);
  });
});

describe('papers: sources against the fixture server', function () {
  this.timeout(20_000);
  let server: FixtureServer;
  const hf = (opts: HttpClientOptions = fast, token?: string) =>
    new HuggingFaceSource({
      endpoint: server.url,
      http: new HttpClient(opts),
      auth: async () => (token ? { token, origin: new URL(server.url).origin } : undefined),
    });

  beforeEach(async () => {
    server = await startFixtureServer();
    server.route('/api/daily_papers', { body: DAILY });
    server.route('/api/papers/search', { body: [hfDailyEntry({ id: '2510.77777', title: 'Koopman search hit' })] });
    server.route('/api/papers/2306.04406', {
      body: hfPaper({
        id: '2306.04406',
        title: 'Generalized Teacher Forcing for Learning Chaotic Dynamics',
        upvotes: 3,
      }),
    });
    server.route('/api/query', {
      body: arxivFeed([
        arxivEntry({ id: '2306.04406v2', title: 'Generalized Teacher Forcing for Learning Chaotic Dynamics' }),
      ]),
      headers: { 'content-type': 'application/atom+xml' },
    });
  });
  afterEach(() => server.close());

  it('fetches a day, a search and a paper by id, sending the token only as a header', async () => {
    const source = hf(fast, 'hf_secret_token');
    const day = await source.daily('2025-10-29');
    assert.equal(day.papers.length, 2);
    const [req] = server.requestsTo('/api/daily_papers');
    assert.equal(req.query.get('date'), '2025-10-29');
    assert.equal(req.headers.authorization, 'Bearer hf_secret_token');
    assert.ok(!req.url.includes('hf_secret_token'));
    assert.equal((await source.search('koopman', 10)).papers[0].id, '2510.77777');
    assert.equal(server.requestsTo('/api/papers/search')[0].query.get('q'), 'koopman');
    assert.equal((await source.byArxivId('2306.04406v2')).papers[0].upvotes, 3);
    assert.deepEqual((await source.byArxivId('2401.00001')).papers, [], 'a 404 is "not indexed"');
  });

  it('queries arXiv with search_query and id_list', async () => {
    const arxiv = new ArxivSource({ endpoint: server.url, http: new HttpClient(fast) });
    await arxiv.search('cat:math.DS AND abs:koopman', 5);
    await arxiv.byArxivId('2306.04406v2');
    const [search, byId] = server.requestsTo('/api/query');
    assert.equal(search.query.get('search_query'), 'cat:math.DS AND abs:koopman');
    assert.equal(search.query.get('max_results'), '5');
    assert.equal(byId.query.get('id_list'), '2306.04406v2');
    await arxiv.search('koopman', 5);
    assert.equal(server.requestsTo('/api/query')[2].query.get('search_query'), 'all:koopman');
  });

  it('reports an arXiv error entry (HTTP 400) as an api error', async () => {
    server.route('/api/query', { status: 400, body: ARXIV_ERROR });
    const arxiv = new ArxivSource({ endpoint: server.url, http: new HttpClient(fast) });
    await rejects(arxiv.byIds(['1234.bad']), 'api');
  });

  it('offline: a refused connection is an offline error', async () => {
    const port = server.port;
    await server.close();
    const source = new HuggingFaceSource({ endpoint: `http://127.0.0.1:${port}`, http: new HttpClient(fast) });
    const err = await rejects(source.daily('2025-10-29'), 'offline');
    assert.match(describeSourceError(err), /you may be offline/);
    server = await startFixtureServer(); // for afterEach
  });

  it('DNS failure is reported as such', async () => {
    const lookup: LookupFunction = (hostname, _opts, cb) => {
      const err = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
      (cb as (e: Error) => void)(err);
    };
    const source = new HuggingFaceSource({
      endpoint: 'http://papers.example.invalid',
      http: new HttpClient({ ...fast, lookup }),
    });
    const err = await rejects(source.daily('2025-10-29'), 'dns');
    assert.match(describeSourceError(err), /DNS lookup failed/);
  });

  it('timeout: a hanging server is given up on after the bounded retries', async () => {
    server.fault('/api/daily_papers', { kind: 'hang' });
    await rejects(hf({ ...fast, timeoutMs: 200 }).daily('2025-10-29'), 'timeout');
    assert.equal(server.requestsTo('/api/daily_papers').length, 3, 'three attempts, then stop');
  });

  it('429 with Retry-After waits that long, then succeeds', async () => {
    server.fault('/api/daily_papers', { kind: 'rateLimit', retryAfter: 1 }, { times: 1 });
    const result = await hf().daily('2025-10-29');
    assert.equal(result.papers.length, 2);
    const [first, second] = server.requestsTo('/api/daily_papers');
    assert.ok(second.time - first.time >= 950, `waited ${second.time - first.time} ms`);
  });

  it('429 without Retry-After backs off and retries, bounded', async () => {
    server.fault('/api/daily_papers', { kind: 'rateLimit' });
    const err = await rejects(hf().daily('2025-10-29'), 'rateLimited');
    assert.equal(server.requestsTo('/api/daily_papers').length, 3);
    assert.match(describeSourceError(err), /limiting requests/);
  });

  it('a Retry-After longer than the cap fails at once with the time to wait', async () => {
    server.fault('/api/daily_papers', { kind: 'rateLimit', retryAfter: 120 });
    const err = await rejects(hf().daily('2025-10-29'), 'rateLimited');
    assert.equal(server.requestsTo('/api/daily_papers').length, 1);
    assert.match(describeSourceError(err), /Try again in 120 s/);
  });

  it('500 and 503 are retried; persistent ones fail as unavailable', async () => {
    server.fault('/api/daily_papers', { kind: 'serverError' }, { times: 1 });
    server.fault('/api/daily_papers', { kind: 'unavailable' }, { times: 1 });
    assert.equal((await hf().daily('2025-10-29')).papers.length, 2);
    assert.equal(server.requestsTo('/api/daily_papers').length, 3);
    server.fault('/api/daily_papers', { kind: 'unavailable', retryAfter: 0 });
    await rejects(hf().daily('2025-10-29'), 'unavailable');
  });

  it('truncated JSON is detected (not parsed as half a listing)', async () => {
    server.fault('/api/daily_papers', { kind: 'truncate' });
    await rejects(hf().daily('2025-10-29'), 'truncated');
  });

  it('malformed JSON and malformed Atom are parse errors', async () => {
    server.fault('/api/daily_papers', { kind: 'malformed' });
    await rejects(hf().daily('2025-10-29'), 'parse');
    server.fault('/api/query', { kind: 'malformed' });
    await rejects(new ArxivSource({ endpoint: server.url, http: new HttpClient(fast) }).search('x', 1), 'parse');
  });

  it('empty results are not errors', async () => {
    server.route('/api/daily_papers', { body: [] });
    server.route('/api/query', { body: arxivFeed([], 0) });
    assert.deepEqual((await hf().daily('2025-10-25')).papers, []);
    assert.deepEqual(
      (await new ArxivSource({ endpoint: server.url, http: new HttpClient(fast) }).search('nothing', 5)).papers,
      [],
    );
  });

  it('two requests for the same URL at once make one request', async () => {
    server.route('/api/daily_papers', { body: DAILY, delayMs: 100 });
    const source = hf();
    const [a, b] = await Promise.all([source.daily('2025-10-29'), source.daily('2025-10-29')]);
    assert.equal(a.papers.length, 2);
    assert.equal(b.papers.length, 2);
    assert.equal(server.requestsTo('/api/daily_papers').length, 1);
  });

  it('refuses an answer larger than the limit', async () => {
    server.route('/api/daily_papers', { body: 'x'.repeat(10_000) });
    await rejects(hf({ ...fast, maxBytes: 1000 }).daily('2025-10-29'), 'tooLarge');
  });

  it('arXiv requests go through a queue at least the interval apart', async () => {
    const queue = new RateQueue(300);
    const arxiv = new ArxivSource({
      endpoint: server.url,
      http: new HttpClient({ ...fast, gate: (a) => queue.run(a) }),
    });
    await Promise.all([arxiv.search('a', 1), arxiv.search('b', 1), arxiv.search('c', 1)]);
    const times = server.requestsTo('/api/query').map((r) => r.time);
    assert.equal(times.length, 3);
    assert.ok(
      times[1] - times[0] >= 280 && times[2] - times[1] >= 280,
      `gaps ${times[1] - times[0]}, ${times[2] - times[1]} ms`,
    );
  });
});
