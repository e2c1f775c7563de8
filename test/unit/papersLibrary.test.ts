import * as assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { PaperLibrary, seedLibrary, titleKey, type Library } from '../../src/papers/library/library';
import { openLibraryDb, type LibraryDb } from '../../src/papers/library/libraryDb';
import { loadLibraryFile } from '../../src/papers/library/libraryFile';
import { writeFileAtomic } from '../../src/core/atomicWrite';
import { DB_SCHEMA } from '../../src/papers/library/schemaDb';
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

/** The two implementations of the library, run through the same model tests. */
const IMPLEMENTATIONS: { name: string; seeded(papers: Paper[]): Promise<Library>; cleanup(): void }[] = [
  { name: 'memory', seeded: async (papers) => seedLibrary(papers), cleanup: () => undefined },
  (() => {
    let dir: string | undefined;
    let open: LibraryDb | undefined;
    return {
      name: 'SQLite',
      async seeded(papers: Paper[]) {
        dir = mkdtempSync(join(tmpdir(), 'attractor-db-'));
        ({ library: open } = await openLibraryDb(join(dir, 'library.db'), {
          seed: async () => seedLibrary(papers).toData(),
          readJson: async () => undefined,
        }));
        return open;
      },
      cleanup() {
        open?.close();
        if (dir) rmSync(dir, { recursive: true, force: true });
        open = dir = undefined;
      },
    };
  })(),
];

for (const impl of IMPLEMENTATIONS)
  describe(`papers: library model (${impl.name})`, () => {
    afterEach(() => impl.cleanup());

    it('seeds day listings from the default papers', async () => {
      const lib = await impl.seeded([local('One'), local('Two'), local('Three', '2025-10-28')]);
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

    it('matches a local paper to its arXiv id later, keeping its id and not duplicating it', async () => {
      const seed = local('Limits and Powers of Koopman Learning');
      const lib = await impl.seeded([seed]);
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

    it('keeps good fields when a later answer lacks them', async () => {
      const lib = await impl.seeded([]);
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

    it('does not merge two different arXiv papers with the same title', async () => {
      const lib = await impl.seeded([]);
      lib.merge([arxiv('2301.00001', 'Same Title'), arxiv('2302.00002', 'Same Title')]);
      assert.equal(lib.size, 2);
    });

    it('stars, collections (many per paper), recent, search and removal with undo', async () => {
      const lib = await impl.seeded([local('One'), local('Two')]);
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
      const sizes = () => lib.daySummaries().map((d) => d.count);
      assert.deepEqual(sizes(), [1], 'the day row counts what is left');
      assert.equal(lib.dailyPaperCount(), 1);
      lib.restore(snapshot);
      assert.deepEqual(sizes(), [2]);
      assert.equal(lib.dailyPaperCount(), 2);
      assert.equal(lib.get(one.id)?.title, 'One');
      assert.ok(lib.isStarred(one.id));
      assert.deepEqual(
        lib.collectionsOf(one.id).map((c) => c.name),
        ['Reading', 'Koopman'],
      );
      assert.ok(lib.dayListings()[0].paperIds.includes(one.id));
    });
  });

describe('papers: library model (memory only)', () => {
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

describe('papers: library store (SQLite)', () => {
  let dir: string;
  const stores: PaperStore[] = [];
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'attractor-lib-'))));
  afterEach(() => {
    stores.splice(0).forEach((s) => s.dispose());
    rmSync(dir, { recursive: true, force: true });
  });

  const seed = async () => [local('One'), local('Two')];
  const store = (opts: Partial<ConstructorParameters<typeof PaperStore>[0]> = {}) => {
    const s = new PaperStore({ file: join(dir, 'library.db'), legacyFile: join(dir, 'library.json'), seed, ...opts });
    stores.push(s);
    return s;
  };
  const p = (n: number) => arxiv(`2501.0000${n}`, `Paper ${n}`);

  it('starts from the seed and keeps every change across a restart', async () => {
    const a = store();
    const lib = await a.library();
    assert.equal(lib.size, 2);
    lib.merge([arxiv('2306.04406', 'Added later')]);
    lib.setStarred('2306.04406', true);
    a.dispose();
    const again = await store({ seed: async () => [] }).library();
    assert.equal(again.size, 3);
    assert.ok(again.isStarred('2306.04406'));
  });

  it('two windows interleaving changes lose none of them, and each sees the other’s', async () => {
    const [a, b] = [store(), store()];
    const [libA, libB] = await Promise.all([a.library(), b.library()]);
    libA.merge([p(1), p(2), p(3)]);
    assert.equal(await b.poll(), true, 'B sees that A changed something');
    assert.equal(libB.size, 5);
    // The order of the report: A stars p1 · B stars p2 · A collects p3 in "Koopman" · B opens p1.
    libA.setStarred(p(1).id, true);
    libB.setStarred(p(2).id, true);
    const koopman = libA.createCollection('Koopman');
    libA.addToCollection(koopman.id, p(3).id);
    libB.touchRecent(p(1).id);
    for (const lib of [libA, libB]) {
      assert.deepEqual(
        lib.starred().map((x) => x.id),
        [p(1).id, p(2).id],
      );
      assert.deepEqual(
        lib.collections.map((c) => [c.name, c.paperIds]),
        [['Koopman', [p(3).id]]],
      );
      assert.deepEqual(
        lib.recent().map((x) => x.id),
        [p(1).id],
      );
    }
    libB.remove(p(2).id);
    assert.equal(await a.poll(), true);
    assert.equal(libA.get(p(2).id), undefined);
    assert.deepEqual(
      libA.starred().map((x) => x.id),
      [p(1).id],
    );
    assert.equal(await a.poll(), false, 'nothing new since');
    a.dispose();
    b.dispose();
    const reopened = await store().library();
    assert.deepEqual(
      reopened.starred().map((x) => x.id),
      [p(1).id],
    );
    assert.deepEqual(
      reopened.collections.map((c) => [c.name, c.paperIds]),
      [['Koopman', [p(3).id]]],
    );
  });

  it('a star or an opened paper does not change the papers version (no search rebuild)', async () => {
    const lib = await store().library();
    const v = lib.papersVersion;
    const [one] = lib.all();
    lib.setStarred(one.id, true);
    lib.touchRecent(one.id);
    lib.addToCollection(lib.createCollection('C').id, one.id);
    assert.equal(lib.papersVersion, v);
    lib.merge([p(1)]);
    assert.notEqual(lib.papersVersion, v);
  });

  it('a process killed in the middle of a burst of writes leaves every committed change', async function () {
    this.timeout(20_000);
    const file = join(dir, 'library.db');
    await (
      await store().library()
    ).size; // creates the database
    stores.splice(0).forEach((s) => s.dispose());
    const module = join(__dirname, '..', '..', 'src', 'papers', 'library', 'libraryDb.js');
    const script = `
      const { openLibraryDb } = require(${JSON.stringify(module)});
      openLibraryDb(${JSON.stringify(file)}, { seed: async () => { throw new Error('no seed'); }, readJson: async () => undefined })
        .then(({ library }) => {
          for (let i = 0; ; i++) {
            const id = '2502.' + String(i).padStart(5, '0');
            library.merge([{ id, arxivId: id, title: 'Burst ' + i, abstract: 'x', authors: [], authorCount: 0, published: '2025-02-01' }]);
            library.setStarred(id, true);
            process.stdout.write(i + '\\n'); // after the commit: synchronous on a pipe
          }
        });`;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let committed = -1;
    let buffer = '';
    await new Promise<void>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', () => resolve());
      child.stdout.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        const lines = buffer.split('\n');
        buffer = lines.pop() ?? '';
        for (const l of lines) committed = Number(l);
        if (committed >= 300 && !child.killed) child.kill('SIGKILL');
      });
    });
    assert.ok(committed >= 300, `the child committed ${committed + 1} changes before it was killed`);
    const lib = await store().library();
    for (let i = 0; i <= committed; i++) {
      const id = '2502.' + String(i).padStart(5, '0');
      assert.ok(lib.get(id), `paper ${i} is there`);
      assert.ok(lib.isStarred(id), `star ${i} is there`);
    }
  });

  it('imports a v1 library.json in one go (papers, days, stars, collections, recent, search), keeps it as a backup', async () => {
    const v1 = seedLibrary([local('One'), local('Two', '2025-10-28')]);
    const [one, two] = v1.all();
    v1.merge([arxiv('2306.04406', 'Teacher Forcing')]);
    v1.setStarred(one.id, true);
    v1.addToCollection(v1.createCollection('Reading').id, two.id);
    v1.touchRecent(two.id);
    v1.touchRecent('2306.04406');
    v1.setSearch('koopman', [arxiv('2510.11111', 'Found online')], new Date('2025-11-01T00:00:00Z'));
    const data = v1.toData();
    // As the v1 store wrote it, with records a v1 file may hold that are dropped on import.
    const text = JSON.stringify({ ...data, papers: [...data.papers, { id: 'bad' }], stars: [...data.stars, 'gone'] });
    writeFileSync(join(dir, 'library.json'), text);
    const notices: LibraryNotice[] = [];
    const s = store({ seed: async () => assert.fail('a library that was imported is not seeded') });
    s.onNotice((n) => notices.push(n));
    const lib = await s.library();
    assert.deepEqual(lib.toData(), data, 'everything the v1 file held');
    assert.deepEqual(
      notices.map((n) => n.kind),
      ['dropped', 'imported'],
    );
    const backup = join(dir, 'library.v1-backup.json');
    assert.equal(readFileSync(backup, 'utf8'), text, 'the v1 file is kept byte for byte');
    assert.ok(!readdirSync(dir).includes('library.json'));
    s.dispose();
    const again = await store().library();
    assert.deepEqual(again.toData(), data, 'imported once');
  });

  for (const [what, text] of [
    ['truncated', '{"schema":1,"papers":[{"id":"x","title":"Cut'],
    ['not JSON', '\u0000\u0000garbage'],
    ['a newer schema', JSON.stringify({ schema: 99, papers: [] })],
    ['not a library', JSON.stringify([1, 2, 3])],
  ] as const) {
    it(`sets aside (not deleted) a v1 library file that is ${what}, tells, and starts fresh`, async () => {
      writeFileSync(join(dir, 'library.json'), text);
      const notices: LibraryNotice[] = [];
      const s = store();
      s.onNotice((n) => notices.push(n));
      const lib = await s.library();
      assert.equal(lib.size, 2, 'fresh library from the seed');
      assert.equal(notices.length, 1);
      const n = notices[0];
      assert.equal(n.kind, 'setAside');
      if (n.kind !== 'setAside') return;
      assert.equal(readFileSync(n.setAsideAs, 'utf8'), text, 'the old file is kept byte for byte');
      assert.match(n.setAsideAs, /library\.corrupt-.*\.json$/);
    });
  }

  it('sets aside (renamed, never deleted) a database file that is not a database, tells, and starts fresh', async () => {
    const text = 'not a database '.repeat(100);
    writeFileSync(join(dir, 'library.db'), text);
    const notices: LibraryNotice[] = [];
    const s = store();
    s.onNotice((n) => notices.push(n));
    const lib = await s.library();
    assert.equal(lib.size, 2);
    const n = notices[0];
    assert.equal(n?.kind, 'setAside');
    if (n?.kind !== 'setAside') return;
    assert.match(n.setAsideAs, /library\.corrupt-.*\.db$/);
    assert.match(n.reason, /not a database/);
    assert.equal(readFileSync(n.setAsideAs, 'utf8'), text);
  });

  it('refuses a database from a newer schema with a message and leaves it untouched', async () => {
    const file = join(dir, 'library.db');
    (await store().library()).merge([p(1)]);
    stores.splice(0).forEach((s) => s.dispose());
    const { default: Sqlite } = await import('libsql');
    const raw = new Sqlite(file);
    raw.exec(`PRAGMA user_version = ${DB_SCHEMA + 1}`);
    raw.close();
    const before = readFileSync(file);
    await assert.rejects(
      store().library(),
      new RegExp(`schema ${DB_SCHEMA + 1}, newer than this version of Attractor reads \\(${DB_SCHEMA}\\).*untouched`),
    );
    assert.deepEqual(readFileSync(file), before);
  });

  it('drops single bad records of a v1 file and reports how many', async () => {
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

  it('shares one open between concurrent callers', async () => {
    let loads = 0;
    const s = store({ seed: async () => (loads++, [local('One')]) });
    const [a, b] = await Promise.all([s.library(), s.library()]);
    assert.equal(a, b);
    assert.equal(loads, 1);
  });
});
