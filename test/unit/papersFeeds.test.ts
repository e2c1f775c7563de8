import * as assert from 'node:assert/strict';
import { startFixtureServer, type FixtureServer } from '../fixtures/server';
import { PaperFeeds, type FeedLog } from '../../src/papers/feeds';
import type { Paper } from '../../src/papers/paper';
import { PaperStore } from '../../src/papers/paperStore';
import { localPaperId } from '../../src/papers/seedListing';
import { ArxivSource } from '../../src/papers/sources/arxiv';
import { HttpClient } from '../../src/core/http';
import { HuggingFaceSource } from '../../src/papers/sources/huggingface';
import { arxivEntry, arxivFeed, DAILY, hfDailyEntry, hfPaper, SEED_TITLE } from './papersFixtures';

const quietLog: FeedLog = { info: () => undefined, warn: () => undefined, error: () => undefined };
const seedPaper: Paper = {
  id: localPaperId(SEED_TITLE),
  title: SEED_TITLE,
  abstract: 'HF text without TeX',
  authors: [],
  authorCount: 3,
  published: '2025-03-30',
};

describe('papers: fetching into the library', function () {
  this.timeout(20_000);
  let server: FixtureServer;
  let store: PaperStore;
  let feeds: PaperFeeds;

  beforeEach(async () => {
    server = await startFixtureServer();
    server.route('/api/daily_papers', { body: DAILY, delayMs: 50 });
    store = new PaperStore({ seed: async () => [seedPaper] });
    const http = new HttpClient({ timeoutMs: 500, baseDelayMs: 10 });
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

  it('stores a day listing; two refreshes at once make one request', async () => {
    const [a, b] = await Promise.all([feeds.fetchDay('2025-10-29'), feeds.fetchDay('2025-10-29')]);
    assert.equal(a, b);
    assert.equal(server.requestsTo('/api/daily_papers').length, 1);
    const lib = await store.library();
    assert.deepEqual(lib.day('2025-10-29')?.paperIds, ['2510.11111', '2510.22222']);
    assert.equal(feeds.status('day:2025-10-29'), undefined, 'no status row after success');
  });

  it('keeps the last good data when a refresh fails, and reports the failure as a status', async () => {
    await feeds.fetchDay('2025-10-29');
    const before = JSON.stringify((await store.library()).toData());
    server.fault('/api/daily_papers', { kind: 'truncate' });
    const statuses: string[] = [];
    feeds.onStatus((k) => statuses.push(`${k}:${feeds.status(k)?.state ?? 'none'}`));
    await assert.rejects(feeds.fetchDay('2025-10-29'), /cut off/);
    assert.deepEqual(statuses, ['day:2025-10-29:loading', 'day:2025-10-29:error']);
    assert.equal(JSON.stringify((await store.library()).toData()), before, 'nothing changed');
    const status = feeds.status('day:2025-10-29');
    assert.equal(status?.state, 'error');
    server.clearFaults();
    await feeds.fetchDay('2025-10-29');
    assert.equal(feeds.status('day:2025-10-29'), undefined, 'a successful retry clears the error');
  });

  it('adds a paper from arXiv and Hugging Face, matching the seed paper instead of duplicating it', async () => {
    server.route('/api/query', {
      body: arxivFeed([
        arxivEntry({
          id: '2305.06446v2',
          title: SEED_TITLE,
          summary: 'With $\\mathcal{K}$ intact.',
          authors: ['Matthew J. Colbrook', 'Igor Mezić', 'Alexei Stepanenko'],
        }),
      ]),
    });
    server.route('/api/papers/2305.06446', {
      body: hfPaper({ id: '2305.06446', title: SEED_TITLE, upvotes: 9, githubRepo: 'https://github.com/example/k' }),
    });
    const [paper] = await feeds.addPaper({ id: '2305.06446', version: 2 });
    const lib = await store.library();
    assert.equal(lib.size, 1, 'no duplicate');
    assert.equal(paper.id, seedPaper.id);
    assert.equal(paper.arxivId, '2305.06446');
    assert.equal(paper.arxivVersion, 2);
    assert.equal(paper.abstract, 'With $\\mathcal{K}$ intact.', "arXiv's abstract wins");
    assert.equal(paper.upvotes, 9, "Hugging Face's upvotes stay");
    assert.equal(paper.links?.github, 'https://github.com/example/k');
    assert.deepEqual(
      lib.recent().map((p) => p.id),
      [seedPaper.id],
    );
    assert.equal(server.requestsTo('/api/query')[0].query.get('id_list'), '2305.06446v2');
  });

  it('reports an unknown id clearly, and a source failure when no source answered', async () => {
    server.route('/api/query', { body: arxivFeed([], 0) });
    await assert.rejects(feeds.addPaper({ id: '2401.99999' }), /No paper with the id 2401\.99999/);
    server.fault('/api/query', { kind: 'serverError' });
    server.fault(/^\/api\/papers\//, { kind: 'serverError' });
    await assert.rejects(feeds.addPaper({ id: '2401.99998' }), /having trouble/);
  });

  it("searches both sources; one failing still gives the other's results", async () => {
    server.route('/api/papers/search', { body: [hfDailyEntry({ id: '2510.77777', title: 'Koopman from HF' })] });
    server.fault('/api/query', { kind: 'malformed' });
    const papers = await feeds.searchOnline('koopman');
    assert.deepEqual(
      papers.map((p) => p.title),
      ['Koopman from HF'],
    );
    assert.equal((await store.library()).search?.query, 'koopman');
  });
});
