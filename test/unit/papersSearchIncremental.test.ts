import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLibraryDb, type LibraryDb } from '../../src/papers/library/libraryDb';
import { DB_SCHEMA, MIGRATIONS } from '../../src/papers/library/schemaDb';
import type { Paper } from '../../src/papers/paper';
import { buildSegment } from '../../src/papers/search/indexSegment';
import { decodeSnapshot, encodeSnapshot, openSnapshot } from '../../src/papers/search/indexSnapshot';
import { LazySearch } from '../../src/papers/search/lazySearch';
import { SearchIndex } from '../../src/papers/search/searchIndex';

/** A deterministic corpus: common words in most papers, a long tail, a few marker words. */
function corpus(n: number, from = 0, seed = 11): Paper[] {
  let s = seed;
  const random = () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
  const common = 'neural dynamics chaotic attractor koopman operator learning model data system'.split(' ');
  const tail = Array.from({ length: 300 }, (_, i) => `w${i.toString(36)}y${'abcdefgh'[i % 8]}`);
  const word = () =>
    random() < 0.5 ? common[Math.floor(random() * common.length)] : tail[Math.floor(tail.length * random() ** 2)];
  const words = (k: number) => Array.from({ length: k }, word).join(' ');
  return Array.from({ length: n }, (_, j) => {
    const i = from + j;
    return {
      id: `p${i}`,
      arxivId: `2402.${String(10000 + i)}`,
      title: words(3 + Math.floor(random() * 6)),
      abstract: words(20 + Math.floor(random() * 60)),
      authors: [`A. ${['Hess', 'Brenner', 'Koppe'][i % 3]}`],
      authorCount: 1,
      published: '2024-02-01',
    };
  });
}

const QUERIES = ['neural', 'koopman op', 'w1y', 'chaotc', 'dynamics w', 'hess neural', 'w5yf w0ya', 'n'];
const ids = (hits: readonly { paper: Paper; score: number }[]) => hits.map((h) => [h.paper.id, h.score]);

/** Pruned and exhaustive search, and pruned and exhaustive "similar", agree on every query and limit. */
function assertExact(index: SearchIndex, probe: readonly Paper[]): void {
  for (const q of QUERIES)
    for (const limit of [1, 5, 30])
      assert.deepEqual(ids(index.search(q, { limit })), ids(index.searchExhaustive(q, { limit })), `${q} (${limit})`);
  for (const p of probe)
    for (const limit of [1, 10])
      assert.deepEqual(ids(index.similar(p, limit)), ids(index.similarExhaustive(p, limit)), `similar ${p.id}`);
}

describe('papers: search index, incremental', () => {
  it('adds, changes and removes papers in small segments, results still exactly the exhaustive ones', () => {
    const papers = corpus(1500);
    const index = new SearchIndex(papers);
    assertExact(index, papers.slice(0, 5));
    const added = corpus(60, 1500);
    index.update(added);
    const changed: Paper = { ...papers[3], title: 'Zyxwvut reservoir computing', abstract: 'zyxwvut' };
    index.update([changed], [papers[4].id]);
    assert.equal(index.segmentCount, 3);
    assert.equal(index.size, 1500 + 60 - 1);
    assertExact(index, [...added.slice(0, 3), changed, papers[7]]);
    assert.deepEqual(
      index.search('zyxwvut').map((h) => h.paper.id),
      [papers[3].id],
      'the changed paper by its new words',
    );
    assert.equal(index.search('zyxwvu').length, 1, 'a prefix of a word only a small segment has');
    assert.equal(index.search('zyxwvat').length, 1, 'a typo of it');
    const oldWord = papers[3].title.split(' ').find((w) => /^w/.test(w));
    if (oldWord) assert.ok(!index.search(oldWord, { limit: 2000 }).some((h) => h.paper === papers[3]), 'old text gone');
    assert.ok(!index.search(papers[4].arxivId!).some((h) => h.paper.id === papers[4].id), 'removed paper gone');
    assert.deepEqual(index.search(added[10].arxivId!)[0].paper.id, added[10].id, 'an added paper by id');
    assert.ok(!index.similar(changed, 10).some((h) => h.paper.id === changed.id), 'similar leaves the paper out');
  });

  it('scores a paper in a small segment as it would score in the main one (same statistics)', () => {
    const papers = corpus(800);
    const whole = new SearchIndex(papers);
    const split = new SearchIndex(papers.slice(0, 799));
    split.update([papers[799]]);
    const q = papers[799].arxivId!;
    const a = whole.search(q)[0];
    const b = split.search(q)[0];
    assert.equal(b.paper.id, papers[799].id);
    assert.ok(Math.abs(a.score - b.score) <= 0.02 * a.score, `${a.score} vs ${b.score}`);
  });

  it('reads a snapshot back as the same segment', () => {
    const papers = corpus(400);
    const segment = buildSegment(papers);
    const bytes = encodeSnapshot(segment, { libraryId: 'abc', seq: 42 });
    const { info, segment: back } = decodeSnapshot(new Uint8Array(bytes));
    assert.deepEqual(info, { libraryId: 'abc', seq: 42 });
    const byId = new Map(papers.map((p) => [p.id, p]));
    const lookup = (xs: readonly string[]) => xs.flatMap((id) => byId.get(id) ?? []);
    const a = new SearchIndex([segment], lookup);
    const b = new SearchIndex([back], lookup);
    for (const q of QUERIES) assert.deepEqual(ids(b.search(q)), ids(a.search(q)), q);
    assert.throws(() => decodeSnapshot(new Uint8Array(bytes.subarray(0, bytes.length - 4))), /truncated/);
    assert.throws(() => decodeSnapshot(new Uint8Array(Buffer.from('not an index at all'))), /not a search index/);
  });

  it('searches a snapshot from its file, postings read a word at a time, as the segment in memory', async () => {
    const papers = corpus(1500);
    const segment = buildSegment(papers);
    const dir = mkdtempSync(join(tmpdir(), 'attractor-snapshot-'));
    try {
      const file = join(dir, 'library.search');
      writeFileSync(file, encodeSnapshot(segment, { libraryId: 'abc', seq: 42 }));
      // A cache of 2 KB: most words are read from the file again at each query, and evicted.
      const { info, segment: fromFile } = await openSnapshot(file, 2048);
      assert.deepEqual(info, { libraryId: 'abc', seq: 42 });
      assert.equal(fromFile.postingCount, segment.postingCount);
      const byId = new Map(papers.map((p) => [p.id, p]));
      const lookup = (xs: readonly string[]) => xs.flatMap((id) => byId.get(id) ?? []);
      const memory = new SearchIndex([segment], lookup);
      const file2 = new SearchIndex([fromFile], lookup);
      // "neural" is in most of the 1,500 papers: its list is read in growing pieces by the pruned search.
      for (const q of [...QUERIES, 'neural', 'data model']) {
        for (const limit of [1, 10, 50]) {
          assert.deepEqual(ids(file2.search(q, { limit })), ids(memory.search(q, { limit })), q);
          assert.deepEqual(ids(file2.search(q, { limit })), ids(file2.searchExhaustive(q, { limit })), q);
        }
      }
      for (const p of papers.filter((_, i) => i % 97 === 0))
        assert.deepEqual(ids(file2.similar(p)), ids(memory.similar(p)), p.id);
      assertExact(
        file2,
        papers.filter((_, i) => i % 211 === 0),
      );
      writeFileSync(file, encodeSnapshot(segment, { libraryId: 'abc', seq: 42 }).subarray(0, 5000));
      await assert.rejects(openSnapshot(file), /truncated/);
      writeFileSync(file, 'not an index at all');
      await assert.rejects(openSnapshot(file), /not a search index/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('papers: search index on the library database', () => {
  let dir: string;
  const open: LibraryDb[] = [];
  const searches: LazySearch[] = [];
  const db = async () => {
    const { library } = await openLibraryDb(join(dir, 'library.db'), {
      seed: async () => ({ schema: 1, papers: corpus(600), days: [], stars: [], collections: [], recent: [] }),
      readJson: async () => undefined,
    });
    open.push(library);
    return library;
  };
  const lazy = (library: LibraryDb) => {
    const s = new LazySearch(async () => library, { snapshotFile: join(dir, 'library.search') });
    searches.push(s);
    return s;
  };
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'attractor-index-'))));
  afterEach(async () => {
    for (const s of searches.splice(0)) s.dispose();
    for (const l of open.splice(0)) l.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('builds in a worker, saves a snapshot, and follows paper changes without a rebuild', async () => {
    const library = await db();
    const search = lazy(library);
    const first = await search.index();
    assert.equal(search.origin, 'worker');
    assert.ok(existsSync(join(dir, 'library.search')), 'snapshot written');
    assert.equal(first.size, 600);
    library.setStarred('p1', true);
    library.touchRecent('p2');
    assert.equal(await search.index(), first, 'a star or an opened paper leaves the index as it is');
    assert.equal(first.segmentCount, 1);
    const added = corpus(50, 600);
    library.setDay('2026-01-02', added);
    library.remove('p5');
    const after = await search.index();
    assert.equal(after, first, 'caught up in place, not rebuilt');
    assert.equal(after.segmentCount, 2);
    assert.equal(after.size, 600 + 50 - 1);
    assert.equal(after.search(added[7].arxivId!)[0].paper.id, added[7].id);
    assert.ok(!after.search('2402.10005').some((h) => h.paper.id === 'p5'));
    assertExact(after, [added[0]]);
  });

  it('a new window loads the snapshot and applies only the changes made since', async () => {
    const a = await db();
    await lazy(a).index();
    const snapshot = readFileSync(join(dir, 'library.search'));
    a.merge(corpus(30, 600));
    a.merge([{ ...corpus(1, 3)[0], title: 'Qwertyuiop flows' }]);
    const b = await db(); // another window on the same database
    const search = lazy(b);
    const index = await search.index();
    assert.equal(search.origin, 'snapshot');
    assert.deepEqual(readFileSync(join(dir, 'library.search')), snapshot, 'the snapshot was not rebuilt');
    assert.equal(index.size, 630);
    assert.equal(index.search('qwertyuiop')[0].paper.id, 'p3');
    assert.equal(index.segmentCount, 2);
  });

  it('ignores a damaged snapshot or one of another database, and builds again', async () => {
    const a = await db();
    await lazy(a).index();
    writeFileSync(join(dir, 'library.search'), 'garbage');
    const s1 = lazy(await db());
    assert.equal((await s1.index()).size, 600);
    assert.equal(s1.origin, 'worker');
    const foreign = encodeSnapshot(buildSegment(corpus(5, 9000)), { libraryId: 'someone-else', seq: 0 });
    writeFileSync(join(dir, 'library.search'), foreign);
    const s2 = lazy(await db());
    assert.equal((await s2.index()).size, 600);
    assert.equal(s2.origin, 'worker');
  });

  it('folds the small segments into a new main one off the thread once they grow', async () => {
    const library = await db();
    const search = lazy(library);
    await search.index();
    for (let i = 0; i < 5; i++) library.merge(corpus(250, 1000 + 250 * i));
    const grown = await search.index();
    assert.ok(grown.deltaSize >= 1000);
    await search.settled();
    const compacted = await search.index();
    assert.notEqual(compacted, grown);
    assert.equal(compacted.segmentCount, 1);
    assert.equal(compacted.size, 600 + 1250);
    assertExact(compacted, corpus(2, 1100));
  });

  it('migrates a schema-1 database to the current schema, keeping its papers', async () => {
    const { default: Sqlite } = await import('libsql');
    const file = join(dir, 'library.db');
    const raw = new Sqlite(file);
    raw.exec(MIGRATIONS[0]);
    raw.exec("INSERT INTO papers (id, title_key, data) VALUES ('x', 'x', '" + JSON.stringify(corpus(1)[0]) + "')");
    raw.exec('PRAGMA user_version = 1');
    raw.close();
    const library = await db();
    assert.equal(library.size, 1);
    assert.match(library.libraryId, /^[0-9a-f]{32}$/);
    const check = new Sqlite(file);
    assert.equal(Number(Object.values(check.prepare('PRAGMA user_version').get() as object)[0]), DB_SCHEMA);
    check.close();
  });
});
