/**
 * The paper library at 100,000 synthetic papers (abstracts of realistic length): load from disk, search index
 * build, query median/p95 against a plain substring scan over the same papers, expanding a 1,000-paper day in
 * the tree (the provider's work, vscode stubbed), and memory.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PaperLibrary } from '../../src/papers/library/library';
import { loadLibraryFile, serializeLibrary, writeFileAtomic } from '../../src/papers/library/libraryFile';
import { describeAuthors, type Paper } from '../../src/papers/paper';
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
const common = ('dynamical systems chaotic attractor reconstruction recurrent neural network koopman operator sindy sparse identification ' +
  'neural ode latent dynamics lorenz rossler lyapunov exponent bifurcation manifold trajectory forecasting teacher forcing piecewise ' +
  'linear model learning training data time series generalization stability invariant measure ergodic flow map embedding delay ' +
  'transformer diffusion stochastic differential equation control reinforcement physics informed graph spectral decomposition').split(' ');
const syllables = ['ka', 'lo', 'mi', 'ne', 'ru', 'ta', 'vo', 'xi', 'ze', 'po', 'qu', 'sa', 'di', 'fe', 'gu', 'ha'];
const rare = Array.from({ length: 40_000 }, () => Array.from({ length: 2 + Math.floor(random() * 3) }, () => pick(syllables)).join(''));
const glue = 'we the of and in to a for with that is this our on by are which from as an can be show propose'.split(' ');
function word(): string {
  const r = random();
  if (r < 0.45) return pick(glue);
  if (r < 0.85) return pick(common);
  return rare[Math.floor(rare.length * random() ** 2)];
}
const sentence = (n: number) => Array.from({ length: n }, word).join(' ');
const names = ['Hess', 'Durstewitz', 'Brenner', 'Koppe', 'Monfared', 'Lorenz', 'Brunton', 'Kutz', 'Mezić', 'Colbrook', 'Chen', 'Wang', 'Li', 'Schmidt', 'García'];

function synthetic(i: number): Paper {
  const month = 1 + (i % 12);
  const id = `${String(20 + (i % 6)).padStart(2, '0')}${String(month).padStart(2, '0')}.${String(10000 + i).slice(-5)}`;
  const authors = Array.from({ length: 1 + Math.floor(random() * 6) }, () => `${pick(['A.', 'B.', 'C.', 'D.', 'E.'])} ${pick(names)}`);
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
/** JS heap plus the typed arrays' buffers (the index keeps its postings there, outside the heap). */
const heap = () => {
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

async function main(): Promise<void> {
  const heap0 = heap();
  const papers = Array.from({ length: N }, (_, i) => synthetic(i));
  const library = new PaperLibrary();
  library.merge(papers);
  library.setDay('2025-10-29', papers.slice(0, DAY_SIZE));
  const heapLibrary = heap() - heap0;

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

  const heap1 = heap();
  t = performance.now();
  const index = new SearchIndex(library.all());
  const buildMs = performance.now() - t;
  const heapIndex = heap() - heap1;

  // Queries a user types: words, a two-word query, prefixes while typing, typos, an author, an id.
  const queries = ['koopman', 'lorenz attractor', 'recurrent neural', 'koopm', 'bifurc', 'attarctor', 'lyapunov expnent', 'durstewitz', 'teacher forcing', rare[17], rare[500].slice(0, 4), papers[12345].arxivId!];
  const ROUNDS = 20;
  const indexed: number[] = [];
  const scanned: number[] = [];
  const lowered = library.all().map((p) => `${p.title} ${p.authors.join(' ')} ${p.arxivId ?? ''} ${p.abstract}`.toLowerCase());
  const perQuery = new Map<string, number[]>();
  let hitsIndexed = 0;
  let hitsScanned = 0;
  for (let r = 0; r < ROUNDS; r++) {
    for (const q of queries) {
      t = performance.now();
      hitsIndexed += index.search(q, { limit: 50 }).length;
      indexed.push(performance.now() - t);
      perQuery.set(q, [...(perQuery.get(q) ?? []), performance.now() - t]);
      t = performance.now();
      const words = q.toLowerCase().split(/\s+/);
      let found = 0;
      for (const text of lowered) if (words.every((w) => text.includes(w))) found++;
      hitsScanned += found;
      scanned.push(performance.now() - t);
    }
  }

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
  for (let i = 0; i < 20; i++) {
    t = performance.now();
    index.similar(papers[i * 997], 10);
    similar.push(performance.now() - t);
  }

  console.log(`Library of ${N.toLocaleString('en')} synthetic papers (abstracts ≈ ${Math.round(lowered.reduce((a, s) => a + s.length, 0) / N)} chars)`);
  console.log(`  save (atomic)                ${ms(saveMs)}  file ${mb(size)}`);
  console.log(`  load from disk + validate    median ${ms(median(loadTimes))}`);
  console.log(`  index build                  ${ms(buildMs)}  (${index.termCount.toLocaleString('en')} terms, ${index.postingCount.toLocaleString('en')} postings)`);
  console.log(`  query, index                 median ${ms(median(indexed))}  p95 ${ms(quantile(indexed, 0.95))}  (goal ≤ 10 ms p95)`);
  console.log(`  query, substring scan        median ${ms(median(scanned))}  p95 ${ms(quantile(scanned, 0.95))}`);
  console.log(`  ratio scan / index           median ${(median(scanned) / median(indexed)).toFixed(0)}×  p95 ${(quantile(scanned, 0.95) / quantile(indexed, 0.95)).toFixed(0)}×`);
  console.log(`  hits per query (limit 50)    index ${(hitsIndexed / indexed.length).toFixed(1)}  scan (unranked, no typos/prefix) ${(hitsScanned / scanned.length).toFixed(0)}`);
  console.log(`  slowest queries (median)     ${[...perQuery].map(([q, xs]) => [q, median(xs)] as const).sort((a, b) => b[1] - a[1]).slice(0, 3).map(([q, x]) => `"${q}" ${ms(x)}`).join(', ')}`);
  console.log(`  similar papers (BM25)        median ${ms(median(similar))}  p95 ${ms(quantile(similar, 0.95))}`);
  console.log(`  expand a ${DAY_SIZE}-paper day         median ${ms(median(expand))}  p95 ${ms(quantile(expand, 0.95))}`);
  console.log(`  memory                       library ${mb(heapLibrary)}  index ${mb(heapIndex)}  (heap + array buffers, after gc)`);
}

void main();
