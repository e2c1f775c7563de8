import * as assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PaperLibrary, seedLibrary, titleKey } from '../../src/papers/library/library';
import { loadLibraryFile, writeFileAtomic } from '../../src/papers/library/libraryFile';
import { LIBRARY_SCHEMA } from '../../src/papers/library/schema';
import type { Paper } from '../../src/papers/paper';
import { PaperStore, type LibraryNotice } from '../../src/papers/paperStore';
import { localPaperId } from '../../src/papers/seedListing';

const local = (title: string, published = '2025-10-29'): Paper => ({
  id: localPaperId(title),
  title,
  abstract: `About ${title}`,
  authors: [],
  authorCount: 3,
  published,
});
const arxiv = (id: string, title: string, extra: Partial<Paper> = {}): Paper => ({
  id,
  arxivId: id,
  title,
  abstract: `Abstract of ${title}`,
  authors: ['A. Author', 'B. Author'],
  authorCount: 2,
  published: '2023-06-07',
  sources: ['arxiv'],
  ...extra,
});

describe('papers: library model', () => {
  it('seeds day listings from the default papers', () => {
    const lib = seedLibrary([local('One'), local('Two'), local('Three', '2025-10-28')]);
    assert.equal(lib.size, 3);
    assert.deepEqual(
      lib.dayListings().map((d) => [d.date, d.paperIds.length]),
      [
        ['2025-10-29', 2],
        ['2025-10-28', 1],
      ],
    );
    assert.deepEqual(lib.all()[0].sources, ['seed']);
  });

  it('matches a local paper to its arXiv id later, keeping its id and not duplicating it', () => {
    const seed = local('Limits and Powers of Koopman Learning');
    const lib = seedLibrary([seed]);
    const [stored] = lib.merge([
      arxiv('2305.06446', 'Limits and powers of Koopman learning', { arxivVersion: 2, categories: ['math.DS'] }),
    ]);
    assert.equal(lib.size, 1);
    assert.equal(stored.id, seed.id, 'the stable local id stays');
    assert.equal(stored.arxivId, '2305.06446');
    assert.equal(stored.arxivVersion, 2);
    assert.deepEqual(stored.authors, ['A. Author', 'B. Author']);
    assert.deepEqual(stored.sources, ['seed', 'arxiv']);
    assert.equal(lib.get('2305.06446')?.id, seed.id, 'found by arXiv id');
    assert.equal(lib.get('2305.06446v1')?.id, seed.id, 'found by versioned id');
    lib.merge([arxiv('2305.06446', 'A changed title', { arxivVersion: 3 })]);
    assert.equal(lib.size, 1);
    assert.equal(lib.get(seed.id)?.arxivVersion, 3, 'versions are followed');
  });

  it('keeps good fields when a later answer lacks them', () => {
    const lib = new PaperLibrary();
    lib.merge([arxiv('2306.04406', 'Teacher Forcing', { upvotes: 5, categories: ['cs.LG'] })]);
    lib.merge([
      {
        id: '2306.04406',
        arxivId: '2306.04406',
        title: 'Teacher Forcing',
        abstract: '',
        authors: [],
        authorCount: 0,
        published: '1970-01-01',
      },
    ]);
    const p = lib.get('2306.04406')!;
    assert.equal(p.abstract, 'Abstract of Teacher Forcing');
    assert.deepEqual(p.authors, ['A. Author', 'B. Author']);
    assert.equal(p.upvotes, 5);
    assert.equal(p.published, '2023-06-07');
  });

  it('does not merge two different arXiv papers with the same title', () => {
    const lib = new PaperLibrary();
    lib.merge([arxiv('2301.00001', 'Same Title'), arxiv('2302.00002', 'Same Title')]);
    assert.equal(lib.size, 2);
  });

  it('stars, collections (many per paper), recent, search and removal with undo', () => {
    const lib = seedLibrary([local('One'), local('Two')]);
    const [one, two] = lib.all();
    let changes = 0;
    lib.onChange(() => changes++);
    lib.setStarred(one.id, true);
    const reading = lib.createCollection('Reading');
    const koopman = lib.createCollection('Koopman');
    lib.addToCollection(reading.id, one.id);
    lib.addToCollection(koopman.id, one.id);
    lib.addToCollection(koopman.id, one.id);
    lib.addToCollection(koopman.id, two.id);
    assert.deepEqual(
      lib.collectionsOf(one.id).map((c) => c.name),
      ['Reading', 'Koopman'],
    );
    assert.deepEqual(lib.collection(koopman.id)?.paperIds, [one.id, two.id]);
    lib.touchRecent(two.id);
    lib.touchRecent(one.id);
    lib.touchRecent(two.id);
    assert.deepEqual(
      lib.recent().map((p) => p.id),
      [two.id, one.id],
    );
    assert.ok(changes > 5);

    const snapshot = lib.snapshot(one.id)!;
    assert.ok(lib.remove(one.id));
    assert.equal(lib.get(one.id), undefined);
    assert.equal(lib.starred().length, 0);
    assert.deepEqual(lib.collection(koopman.id)?.paperIds, [two.id]);
    assert.ok(!lib.dayListings()[0].paperIds.includes(one.id));
    lib.restore(snapshot);
    assert.equal(lib.get(one.id)?.title, 'One');
    assert.ok(lib.isStarred(one.id));
    assert.deepEqual(
      lib.collectionsOf(one.id).map((c) => c.name),
      ['Reading', 'Koopman'],
    );
    assert.ok(lib.dayListings()[0].paperIds.includes(one.id));
  });

  it('round-trips through its data and ignores dangling references', () => {
    const lib = seedLibrary([local('One')]);
    const [one] = lib.all();
    lib.setStarred(one.id, true);
    lib.setSearch('koopman', [arxiv('2510.11111', 'Found online')]);
    const data = lib.toData();
    const again = new PaperLibrary({ ...data, stars: [...data.stars, 'gone'] });
    assert.deepEqual(again.toData(), data);
    assert.equal(again.search?.query, 'koopman');
  });

  it('compares titles loosely', () => {
    assert.equal(titleKey('Schrödinger  Bridges: a Survey!'), titleKey('schrodinger bridges a survey'));
  });
});

describe('papers: library file and store', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'attractor-lib-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const seed = async () => [local('One'), local('Two')];

  it('starts from the seed, saves atomically and survives a restart', async () => {
    const file = join(dir, 'library.json');
    const store = new PaperStore({ file, seed, saveDelayMs: 5 });
    const lib = await store.library();
    assert.equal(lib.size, 2);
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { schema: number; papers: unknown[] };
    assert.equal(saved.schema, LIBRARY_SCHEMA);
    assert.equal(saved.papers.length, 2);
    lib.merge([arxiv('2306.04406', 'Added later')]);
    lib.setStarred('2306.04406', true);
    await store.flush();
    const again = await new PaperStore({ file, seed: async () => [] }).library();
    assert.equal(again.size, 3);
    assert.ok(again.isStarred('2306.04406'));
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.endsWith('.tmp')),
      [],
      'no temp files left',
    );
  });

  for (const [what, text] of [
    ['truncated', '{"schema":1,"papers":[{"id":"x","title":"Cut'],
    ['not JSON', '\u0000\u0000garbage'],
    ['a newer schema', JSON.stringify({ schema: 99, papers: [] })],
    ['not a library', JSON.stringify([1, 2, 3])],
  ] as const) {
    it(`sets aside (not deleted) a library file that is ${what}, tells, and starts fresh`, async () => {
      const file = join(dir, 'library.json');
      writeFileSync(file, text);
      const notices: LibraryNotice[] = [];
      const store = new PaperStore({ file, seed });
      store.onNotice((n) => notices.push(n));
      const lib = await store.library();
      assert.equal(lib.size, 2, 'fresh library from the seed');
      assert.equal(notices.length, 1);
      const n = notices[0];
      assert.equal(n.kind, 'setAside');
      if (n.kind !== 'setAside') return;
      assert.equal(readFileSync(n.setAsideAs, 'utf8'), text, 'the old file is kept byte for byte');
      assert.match(n.setAsideAs, /library\.corrupt-.*\.json$/);
      assert.equal(JSON.parse(readFileSync(file, 'utf8')).schema, LIBRARY_SCHEMA);
    });
  }

  it('drops single bad records and reports how many', async () => {
    const file = join(dir, 'library.json');
    writeFileSync(
      file,
      JSON.stringify({
        schema: 1,
        papers: [local('Good'), { id: 'bad' }],
        days: [],
        stars: [],
        collections: [],
        recent: [],
      }),
    );
    const loaded = await loadLibraryFile(file);
    assert.equal(loaded.status, 'ok');
    if (loaded.status === 'ok') {
      assert.equal(loaded.dropped, 1);
      assert.equal(loaded.data.papers.length, 1);
    }
  });

  it('writes atomically: a failed write leaves the old file intact and no temp file', async () => {
    const file = join(dir, 'library.json');
    await writeFileAtomic(file, 'old');
    // Renaming a file over a directory fails: the write must not touch the target.
    const target = join(dir, 'sub');
    await writeFileAtomic(join(target, 'x'), 'x');
    await assert.rejects(writeFileAtomic(target, 'new'));
    assert.equal(readFileSync(file, 'utf8'), 'old');
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.endsWith('.tmp')),
      [],
    );
  });

  it('shares one load between concurrent callers', async () => {
    let loads = 0;
    const store = new PaperStore({ file: join(dir, 'library.json'), seed: async () => (loads++, [local('One')]) });
    const [a, b] = await Promise.all([store.library(), store.library()]);
    assert.equal(a, b);
    assert.equal(loads, 1);
  });
});
