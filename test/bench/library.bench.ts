/**
 * The paper library at 100,000 synthetic papers (abstracts of realistic length): load from disk, search index
 * build, query median/p95 (the pruned top-k, and every posting scored as before, on the same index) against a
 * plain substring scan over the same papers, expanding a 1,000-paper day in
 * the tree (the provider's work, vscode stubbed), and memory.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { toBibtexFile } from '../../src/papers/bibtex';
import { PaperLibrary, type Library } from '../../src/papers/library/library';
import { openLibraryDb } from '../../src/papers/library/libraryDb';
import { loadLibraryFile, serializeLibrary } from '../../src/papers/library/libraryFile';
import { writeFileAtomic } from '../../src/core/atomicWrite';
import type { LibraryData } from '../../src/papers/library/schema';
import { describeAuthors, type Paper } from '../../src/papers/paper';
import { LazySearch } from '../../src/papers/search/lazySearch';
import { SearchIndex } from '../../src/papers/search/searchIndex';
import { median, ms, quantile } from './stats';

const N = 100_000;
const DAY_SIZE = 1_000;

/** A deterministic pseudo-random generator, so every run builds the same library. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
const random = rng(42);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];

// A vocabulary with a long tail: common research words plus generated rare terms, Zipf-like sampling.
const common = (
  'dynamical systems chaotic attractor reconstruction recurrent neural network koopman operator sindy sparse identification ' +
  'neural ode latent dynamics lorenz rossler lyapunov exponent bifurcation manifold trajectory forecasting teacher forcing piecewise ' +
  'linear model learning training data time series generalization stability invariant measure ergodic flow map embedding delay ' +
  'transformer diffusion stochastic differential equation control reinforcement physics informed graph spectral decomposition'
).split(' ');
const syllables = ['ka', 'lo', 'mi', 'ne', 'ru', 'ta', 'vo', 'xi', 'ze', 'po', 'qu', 'sa', 'di', 'fe', 'gu', 'ha'];
const rare = Array.from({ length: 40_000 }, () =>
  Array.from({ length: 2 + Math.floor(random() * 3) }, () => pick(syllables)).join(''),
);
const glue = 'we the of and in to a for with that is this our on by are which from as an can be show propose'.split(
  ' ',
);
function word(): string {
  const r = random();
  if (r < 0.45) return pick(glue);
  if (r < 0.85) return pick(common);
  return rare[Math.floor(rare.length * random() ** 2)];
}
const sentence = (n: number) => Array.from({ length: n }, word).join(' ');
const names = [
  'Hess',
  'Durstewitz',
  'Brenner',
  'Koppe',
  'Monfared',
  'Lorenz',
  'Brunton',
  'Kutz',
  'Mezić',
  'Colbrook',
  'Chen',
  'Wang',
  'Li',
  'Schmidt',
  'García',
];

function synthetic(i: number): Paper {
  const month = 1 + (i % 12);
  const id = `${String(20 + (i % 6)).padStart(2, '0')}${String(month).padStart(2, '0')}.${String(10000 + i).slice(-5)}`;
  const authors = Array.from(
    { length: 1 + Math.floor(random() * 6) },
    () => `${pick(['A.', 'B.', 'C.', 'D.', 'E.'])} ${pick(names)}`,
  );
  return {
    id,
    arxivId: id,
    title: sentence(6 + Math.floor(random() * 8)),
    abstract: sentence(140 + Math.floor(random() * 120)), // ≈ 900–1,700 characters, like arXiv abstracts
    authors,
    authorCount: authors.length,
    published: `20${20 + (i % 6)}-${String(month).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`,
    upvotes: Math.floor(random() * 50),
  };
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const gc = () => (globalThis as { gc?: () => void }).gc?.();
/**
 * JS heap plus the typed arrays' buffers (the index keeps its postings there, outside the heap). Freed
 * buffers are released after the collection, off the main thread: wait for that before reading.
 */
const heap = async () => {
  gc();
  await new Promise((resolve) => setTimeout(resolve, 500));
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

async function main(): Promise<void> {
  const heap0 = await heap();
  const papers = Array.from({ length: N }, (_, i) => synthetic(i));
  const queries = await indexBench(papers, heap0);
  // The index section's library and index are garbage by now: they do not weigh on the store's figures.
  for (const n of [10_000, 100_000]) await storeBench(papers.slice(0, n), queries);
}

/** The in-memory library and index at N papers; returns the typed queries it measured. */
async function indexBench(papers: readonly Paper[], heap0: number): Promise<string[]> {
  const library = new PaperLibrary();
  library.merge(papers);
  library.setDay('2025-10-29', papers.slice(0, DAY_SIZE));
  const heapLibrary = (await heap()) - heap0;

  const dir = mkdtempSync(join(tmpdir(), 'attractor-bench-'));
  const file = join(dir, 'library.json');
  let t = performance.now();
  await writeFileAtomic(file, serializeLibrary(library.toData()));
  const saveMs = performance.now() - t;
  const size = statSync(file).size;
  const loadTimes: number[] = [];
  for (let i = 0; i < 3; i++) {
    t = performance.now();
    const loaded = await loadLibraryFile(file);
    if (loaded.status !== 'ok') throw new Error('load failed');
    new PaperLibrary(loaded.data);
    loadTimes.push(performance.now() - t);
  }
  rmSync(dir, { recursive: true, force: true });

  const heap1 = await heap();
  t = performance.now();
  const index = new SearchIndex(library.all());
  const buildMs = performance.now() - t;
  const heapIndex = (await heap()) - heap1;

  // Queries a user types: words, a two-word query, prefixes while typing, typos, an author, an id; then a
  // harder set: several very common words (each in most papers) and one- and two-letter prefixes.
  const queries = [
    'koopman',
    'lorenz attractor',
    'recurrent neural',
    'koopm',
    'bifurc',
    'attarctor',
    'lyapunov expnent',
    'durstewitz',
    'teacher forcing',
    rare[17],
    rare[500].slice(0, 4),
    papers[12345].arxivId!,
  ];
  const hard = [
    'neural network model',
    'dynamical systems learning data',
    'chaotic attractor reconstruction',
    'k',
    'ne',
    'lyap',
  ];
  const ROUNDS = 20;
  const lowered = library
    .all()
    .map((p) => `${p.title} ${p.authors.join(' ')} ${p.arxivId ?? ''} ${p.abstract}`.toLowerCase());
  const time = (run: () => unknown): number => {
    const start = performance.now();
    run();
    return performance.now() - start;
  };
  const scan = (q: string) => {
    const words = q.toLowerCase().split(/\s+/);
    let found = 0;
    for (const text of lowered) if (words.every((w) => text.includes(w))) found++;
    return found;
  };
  // After: the pruned top-k (impact-ordered postings). Before: every posting of every word scored, then
  // sorted (the previous algorithm, on the same index). Both must return the same papers.
  let differ = 0;
  for (const q of [...queries, ...hard]) {
    const a = index
      .search(q, { limit: 50 })
      .map((h) => h.paper.id)
      .join();
    const b = index
      .searchExhaustive(q, { limit: 50 })
      .map((h) => h.paper.id)
      .join();
    if (a !== b) differ++;
  }
  const measure = (qs: readonly string[]) => {
    const pruned: number[] = [];
    const exhaustive: number[] = [];
    const scanned: number[] = [];
    const perQuery = new Map<string, number[]>();
    let hits = 0;
    let scanHits = 0;
    for (let r = 0; r < ROUNDS; r++) {
      for (const q of qs) {
        const t0 = time(() => (hits += index.search(q, { limit: 50 }).length));
        pruned.push(t0);
        perQuery.set(q, [...(perQuery.get(q) ?? []), t0]);
        exhaustive.push(time(() => index.searchExhaustive(q, { limit: 50 })));
        if (r < 5) scanned.push(time(() => (scanHits += scan(q)))); // the scan is slow: 5 rounds
      }
    }
    return { pruned, exhaustive, scanned, perQuery, hits: hits / pruned.length, scanHits: scanHits / scanned.length };
  };
  const typed = measure(queries);
  const harder = measure(hard);
  // Expanding a 1,000-paper day: the provider's work for the day's rows (library lookups, descriptions,
  // tooltips), measured as the pure part: vscode's TreeItem construction is stubbed out of this bench.
  const expand: number[] = [];
  for (let r = 0; r < 20; r++) {
    t = performance.now();
    const rows = library.papersOf(library.day('2025-10-29')!.paperIds).map((p) => ({
      label: p.title,
      description: [describeAuthors(p), `▲ ${p.upvotes}`].join(' · '),
      tooltip: `${p.title}\n${p.abstract.slice(0, 400)}`,
      starred: library.isStarred(p.id),
    }));
    if (rows.length !== DAY_SIZE) throw new Error('day size');
    expand.push(performance.now() - t);
  }

  const similar: number[] = [];
  const similarAll: number[] = [];
  for (let i = 0; i < 20; i++) {
    t = performance.now();
    index.similar(papers[i * 997], 10);
    similar.push(performance.now() - t);
    t = performance.now();
    index.similarExhaustive(papers[i * 997], 10);
    similarAll.push(performance.now() - t);
  }

  console.log(
    `Library of ${N.toLocaleString('en')} synthetic papers (abstracts ≈ ${Math.round(lowered.reduce((a, s) => a + s.length, 0) / N)} chars)`,
  );
  console.log(`  save (atomic)                ${ms(saveMs)}  file ${mb(size)}`);
  console.log(`  load from disk + validate    median ${ms(median(loadTimes))}`);
  console.log(
    `  index build                  ${ms(buildMs)}  (${index.termCount.toLocaleString('en')} terms, ${index.postingCount.toLocaleString('en')} postings, in impact order)`,
  );
  const row = (label: string, xs: number[]) =>
    `  ${label.padEnd(37)}median ${ms(median(xs))}  p95 ${ms(quantile(xs, 0.95))}`;
  const slowest = (m: Map<string, number[]>) =>
    [...m]
      .map(([q, xs]) => [q, median(xs)] as const)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([q, x]) => `"${q}" ${ms(x)}`)
      .join(', ');
  for (const [name, qs, r] of [
    ['typed queries', queries, typed],
    ['hard queries (common words, short prefixes)', hard, harder],
  ] as const) {
    console.log(`  ${name}: ${qs.length} queries × ${ROUNDS} rounds, limit 50`);
    console.log(row('  after: pruned top-k', r.pruned) + '  (goal ≤ 10 ms p95)');
    console.log(
      row('  before: every posting scored', r.exhaustive) +
        `  → ${(quantile(r.exhaustive, 0.95) / quantile(r.pruned, 0.95)).toFixed(1)}× at p95`,
    );
    console.log(
      row('  substring scan', r.scanned) +
        `  → ${(median(r.scanned) / median(r.pruned)).toFixed(0)}× median, ${(quantile(r.scanned, 0.95) / quantile(r.pruned, 0.95)).toFixed(0)}× p95`,
    );
    console.log(
      `    hits per query             index ${r.hits.toFixed(1)}  scan (unranked, no typos/prefix) ${r.scanHits.toFixed(0)}`,
    );
    console.log(`    slowest (median)           ${slowest(r.perQuery)}`);
  }
  console.log(
    `  pruned = exhaustive results  ${differ === 0 ? 'yes, all' : `NO: ${differ} differ of`} ${queries.length + hard.length} queries`,
  );
  // The bench's own correctness check: a pruned search that differs from scoring everything is a bug.
  if (differ > 0) process.exitCode = 1;
  console.log(row('similar papers: max-score pruned', similar) + '  (goal ≤ 10 ms p95)');
  console.log(row('similar papers: every posting scored', similarAll));
  console.log(
    `  expand a ${DAY_SIZE}-paper day         median ${ms(median(expand))}  p95 ${ms(quantile(expand, 0.95))}`,
  );
  console.log(
    `  memory                       library ${mb(heapLibrary)}  index ${mb(heapIndex)}  (heap + array buffers, after gc)`,
  );
  return queries;
}

/** 50 papers a day, newest day first, going back one day per listing (100,000 papers: about 5.5 years). */
function libraryData(papers: readonly Paper[]): LibraryData {
  const days = [];
  for (let i = 0; i * 50 < papers.length; i++) {
    const date = new Date(Date.UTC(2025, 10, 30 - i)).toISOString().slice(0, 10);
    days.push({ date, paperIds: papers.slice(i * 50, i * 50 + 50).map((p) => p.id), fetchedAt: `${date}T08:00:00Z` });
  }
  const starred = papers.filter((_, i) => i % 500 === 0).map((p) => p.id);
  return {
    schema: 1,
    papers,
    days,
    stars: starred,
    collections: [{ id: 'c-bench', name: 'Koopman', paperIds: starred.slice(0, 100) }],
    recent: papers.slice(0, 30).map((p) => ({ id: p.id, at: '2025-11-30T09:00:00Z' })),
  };
}

/** What the tree does to show the view: group rows with their counts, the days, the newest day's papers. */
function viewOpen(lib: Library): number {
  let rows = 0;
  const labels = [
    `${lib.dailyPaperCount()} · ${lib.daySummaries().length}`,
    String(lib.search?.paperIds.length ?? 0),
    String(lib.starred().length),
    String(lib.collections.length),
    String(lib.recent().length),
  ];
  const days = lib.daySummaries();
  rows += labels.length + days.length;
  for (const p of lib.papersOf(lib.day(days[0].date)?.paperIds ?? [])) {
    void [p.title, describeAuthors(p), p.abstract.slice(0, 400), lib.isStarred(p.id)];
    rows++;
  }
  return rows;
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Typed queries, 10 rounds: each query's time and the longest block over all of them. */
async function searchRounds(index: SearchIndex, queries: readonly string[]) {
  const times: number[] = [];
  const b = await longestBlock(async () => {
    for (let r = 0; r < 10; r++)
      for (const q of queries) {
        await yieldToLoop(); // one keystroke each: the block measured is one query's
        const t0 = performance.now();
        index.search(q, { limit: 50 });
        times.push(performance.now() - t0);
      }
  });
  return { times, blockMs: b.blockMs };
}

/** Show Similar Papers for 40 papers spread over the library. */
async function similarRounds(index: SearchIndex, papers: readonly Paper[], run: (p: Paper) => unknown) {
  const times: number[] = [];
  const b = await longestBlock(async () => {
    for (let i = 0; i < 40; i++) {
      await yieldToLoop();
      const t0 = performance.now();
      run(papers[(i * 2477) % papers.length]);
      times.push(performance.now() - t0);
    }
  });
  return { times, blockMs: b.blockMs };
}

/** The longest the event loop was blocked while `run` ran (perf_hooks' event-loop delay histogram). */
async function longestBlock<T>(run: () => T | Promise<T>): Promise<{ result: T; blockMs: number; ms: number }> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  await new Promise((r) => setTimeout(r, 5));
  const t0 = performance.now();
  const result = await run();
  const elapsed = performance.now() - t0;
  await new Promise((r) => setTimeout(r, 5));
  h.disable();
  return { result, blockMs: h.max / 1e6, ms: elapsed };
}

/**
 * The store at n papers: today's JSON store (the whole library in memory, the whole file rewritten after a
 * change) beside the SQLite store, same data, same operations, this run.
 */
async function storeBench(papers: readonly Paper[], queries: readonly string[]): Promise<void> {
  const n = papers.length;
  const data = libraryData(papers);
  const dir = mkdtempSync(join(tmpdir(), 'attractor-store-bench-'));
  const jsonFile = join(dir, 'library.json');
  const dbFile = join(dir, 'library.db');
  const fresh = (i: number): Paper => ({
    ...papers[i % n],
    id: `new-${n}-${i}`,
    arxivId: `2601.${String(i).padStart(5, '0')}`,
  });
  const ids = papers.filter((_, i) => i % 7 === 3).map((p) => p.id);
  const results: { label: string; json: string; db: string; goal: string }[] = [];
  const add = (label: string, json: string, db: string, goal = '') => results.push({ label, json, db, goal });
  const p95 = (xs: number[]) => `p95 ${ms(quantile(xs, 0.95))}`;

  // ---- the JSON store as it was: a change is the mutation plus the whole file written atomically.
  await writeFileAtomic(jsonFile, serializeLibrary(data));
  const jsonSize = statSync(jsonFile).size;
  const ops: [string, (lib: Library, i: number) => void][] = [
    ['star', (lib, i) => lib.setStarred(ids[i], true)],
    ['unstar', (lib, i) => lib.setStarred(ids[i], false)],
    ['touch recent', (lib, i) => lib.touchRecent(ids[i + 300])],
    ['add to collection', (lib, i) => lib.addToCollection('c-bench', ids[i + 600])],
  ];
  const daily = (lib: Library, round: number) =>
    lib.setDay(
      `2026-01-${String(1 + round).padStart(2, '0')}`,
      Array.from({ length: 50 }, (_, i) => fresh(round * 50 + i)),
      new Date().toISOString(),
    );
  // Only figures leave this block: the JSON library and its index are garbage before SQLite is measured.
  const {
    jsonLoad,
    jsonView,
    jsonOps,
    jsonDaily,
    jsonExport,
    jsonBuild,
    jsonTyped,
    jsonSimilar,
    jsonMemory,
    jsonIndexMemory,
  } = await (async () => {
    const loadJson = async () => {
      const loaded = await loadLibraryFile(jsonFile);
      if (loaded.status !== 'ok') throw new Error('load failed');
      return new PaperLibrary(loaded.data);
    };
    const jsonLoad = await longestBlock(loadJson);
    const json = jsonLoad.result;
    const jsonView = await longestBlock(async () => viewOpen(await loadJson()));
    const jsonRounds = n > 50_000 ? 3 : 10;
    const jsonOp = async (change: (lib: Library, i: number) => void) => {
      const xs: number[] = [];
      for (let i = 0; i < jsonRounds; i++) {
        const t0 = performance.now();
        change(json, i);
        await writeFileAtomic(jsonFile, serializeLibrary(json.toData()));
        xs.push(performance.now() - t0);
      }
      return xs;
    };
    const jsonOps: number[][] = [];
    for (const [, change] of ops) jsonOps.push(await jsonOp(change));
    const jsonDaily = await longestBlock(async () => {
      daily(json, 0);
      await writeFileAtomic(jsonFile, serializeLibrary(json.toData()));
    });
    const jsonExport = await longestBlock(() => toBibtexFile(json.papersOf(json.collection('c-bench')!.paperIds)));
    // Search as it was: the index built on the host's thread from the library in memory, on every window's first
    // search and again after every paper change; "similar" scored every posting of its words.
    const heapIndex0 = await heap();
    const jsonBuild = await longestBlock(() => new SearchIndex(json.all()));
    const jsonIndex = jsonBuild.result;
    const jsonIndexMemory = (await heap()) - heapIndex0;
    const jsonTyped = await searchRounds(jsonIndex, queries);
    const jsonSimilar = await similarRounds(jsonIndex, papers, (p) => jsonIndex.similarExhaustive(p, 10));
    const heapBase = await heap();
    const held: PaperLibrary[] = [await loadJson()];
    const jsonMemory = (await heap()) - heapBase;
    held.length = 0;
    const figure = ({ ms, blockMs }: { ms: number; blockMs: number }) => ({ ms, blockMs });
    return {
      jsonLoad: figure(jsonLoad),
      jsonView: figure(jsonView),
      jsonOps,
      jsonDaily: figure(jsonDaily),
      jsonExport: figure(jsonExport),
      jsonBuild: figure(jsonBuild),
      jsonTyped,
      jsonSimilar,
      jsonMemory,
      jsonIndexMemory,
    };
  })();

  // ---- SQLite: the v1 file imported once, then every change one transaction.
  const importRun = await longestBlock(() =>
    openLibraryDb(dbFile, { seed: async () => data, readJson: async () => undefined }),
  );
  importRun.result.library.close();
  const dbLoad = await longestBlock(
    async () => (await openLibraryDb(dbFile, { seed: async () => data, readJson: async () => undefined })).library,
  );
  dbLoad.result.close();
  const dbView = await longestBlock(async () => {
    const { library } = await openLibraryDb(dbFile, { seed: async () => data, readJson: async () => undefined });
    const rows = viewOpen(library);
    library.close();
    return rows;
  });
  const heapDb0 = await heap();
  const { library: db } = await openLibraryDb(dbFile, { seed: async () => data, readJson: async () => undefined });
  viewOpen(db);
  const dbMemory = (await heap()) - heapDb0;
  const dbRounds = 200;
  const dbOps = ops.map(([, change]) => {
    const xs: number[] = [];
    for (let i = 0; i < dbRounds; i++) {
      const t0 = performance.now();
      change(db, i);
      xs.push(performance.now() - t0);
    }
    return xs;
  });
  const dbDailyTimes: number[] = [];
  let dbDailyBlock = 0;
  for (let r = 1; r <= 10; r++) {
    const b = await longestBlock(() => daily(db, r));
    dbDailyTimes.push(b.ms);
    dbDailyBlock = Math.max(dbDailyBlock, b.blockMs);
  }
  const dbExport = await longestBlock(() => toBibtexFile(db.papersOf(db.collection('c-bench')!.paperIds)));

  // Search on the database: the first ever search builds the main segment in the worker and saves its
  // snapshot; a new window (its own connection) loads the snapshot; it then follows another window's daily
  // merges from the change log.
  const snapshotFile = join(dir, 'library.search');
  const built = await longestBlock(async () => {
    const s = new LazySearch(async () => db, { snapshotFile });
    await s.index();
    s.dispose();
    return s.origin;
  });
  if (built.result !== 'worker') throw new Error(`index built by ${built.result}`);
  const { library: window2 } = await openLibraryDb(dbFile, { seed: async () => data, readJson: async () => undefined });
  const heapSearch0 = await heap();
  const search2 = new LazySearch(async () => window2, { snapshotFile });
  const firstSearch = await longestBlock(async () => (await search2.index()).search(queries[1], { limit: 50 }));
  if (search2.origin !== 'snapshot') throw new Error(`second window's index from ${search2.origin}`);
  const dbIndex = await search2.index();
  const dbTyped = await searchRounds(dbIndex, queries);
  const dbSimilar = await similarRounds(dbIndex, papers, (p) => dbIndex.similar(p, 10));
  // Held once queries have filled the cache of postings read from the snapshot.
  const searchMemory = (await heap()) - heapSearch0;
  const similarDiffer = papers
    .filter((_, i) => i % 997 === 0)
    .filter(
      (p) =>
        dbIndex
          .similar(p, 10)
          .map((h) => h.paper.id)
          .join() !==
        dbIndex
          .similarExhaustive(p, 10)
          .map((h) => h.paper.id)
          .join(),
    ).length;
  if (similarDiffer > 0) process.exitCode = 1;
  const catchUp: number[] = [];
  let catchUpBlock = 0;
  for (let r = 20; r < 30; r++) {
    daily(db, r); // the other window
    const b = await longestBlock(async () => (await search2.index()).search(queries[0], { limit: 50 }));
    catchUp.push(b.ms);
    catchUpBlock = Math.max(catchUpBlock, b.blockMs);
  }
  search2.dispose();
  window2.close();
  db.close();
  const dbSize = statSync(dbFile).size;
  const snapshotSize = statSync(snapshotFile).size;
  rmSync(dir, { recursive: true, force: true });

  ops.forEach(([label], k) => add(label, p95(jsonOps[k]), p95(dbOps[k]), '≤ 5 ms p95'));
  add('view open (first rows)', ms(jsonView.ms), ms(dbView.ms), '≤ 300 ms');
  add('merge a 50-paper daily', ms(jsonDaily.ms), `p95 ${ms(quantile(dbDailyTimes, 0.95))}`, '≤ 50 ms');
  add('memory held: library', mb(jsonMemory), mb(dbMemory), 'heap + buffers');
  add('memory held: search index', mb(jsonIndexMemory), mb(searchMemory), 'after the typed and similar rounds');
  add('memory held: both', mb(jsonMemory + jsonIndexMemory), mb(dbMemory + searchMemory), '≤ 60 MB at 100k');
  add('longest block: load', ms(jsonLoad.blockMs), ms(dbLoad.blockMs), '≤ 50 ms');
  add('longest block: view open', ms(jsonView.blockMs), ms(dbView.blockMs), '≤ 50 ms');
  add('longest block: daily merge', ms(jsonDaily.blockMs), ms(dbDailyBlock), '≤ 50 ms');
  add('longest block: export collection', ms(jsonExport.blockMs), ms(dbExport.blockMs), '≤ 50 ms');
  add('search: index built (first ever)', ms(jsonBuild.ms), ms(built.ms), 'JSON: host thread; SQLite: worker');
  add('first search in a new window', ms(jsonLoad.ms + jsonBuild.ms), ms(firstSearch.ms), '≤ 500 ms at 100k');
  add('typed search', p95(jsonTyped.times), p95(dbTyped.times), '≤ 10 ms p95');
  add('search after a 50-paper merge', ms(jsonBuild.ms), p95(catchUp), 'JSON: full rebuild');
  add('similar papers', p95(jsonSimilar.times), p95(dbSimilar.times), '≤ 10 ms p95 (JSON: every posting)');
  add('longest block: index build', ms(jsonBuild.blockMs), ms(built.blockMs), '≤ 50 ms');
  add('longest block: first search', ms(jsonLoad.blockMs + jsonBuild.blockMs), ms(firstSearch.blockMs), '≤ 50 ms');
  add('longest block: typed search', ms(jsonTyped.blockMs), ms(dbTyped.blockMs), '≤ 50 ms');
  add('longest block: search after merge', ms(jsonBuild.blockMs), ms(catchUpBlock), '≤ 50 ms');
  add('longest block: similar papers', ms(jsonSimilar.blockMs), ms(dbSimilar.blockMs), '≤ 50 ms');
  console.log(
    `\nStore at ${n.toLocaleString('en')} papers (${data.days.length} days): JSON store (before) beside SQLite (after), this run`,
  );
  console.log(`  ${'JSON'.padStart(46)} ${'SQLite'.padStart(16)}`);
  for (const r of results)
    console.log(`  ${r.label.padEnd(32)} ${r.json.padStart(14)} ${r.db.padStart(16)}   ${r.goal}`);
  console.log(
    `  files: library.json ${mb(jsonSize)}, library.db ${mb(dbSize)}, library.search ${mb(snapshotSize)}; v1 import into SQLite ${ms(importRun.ms)} (once, on first start)`,
  );
  console.log(
    `  similar: pruned = every posting scored ${similarDiffer === 0 ? 'yes, all' : `NO: ${similarDiffer} differ of`} ${Math.ceil(n / 997)} papers`,
  );
}

void main();
