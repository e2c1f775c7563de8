/**
 * Hostile abstracts against the renderer's limits, figures from this run only:
 * - render time of the seeded fuzz corpus (the unit fuzz test's 10,000 abstracts), beside the default library;
 * - the closing-delimiter search: 10,000 and 20,000 unclosed `\(` (one pass: twice the text, twice the time);
 * - the extension host's longest event-loop block (perf_hooks.monitorEventLoopDelay) while the `\def` abstract
 *   and an 11.5k-character abstract of them are rendered: before (markdown-it and KaTeX on the host's thread
 *   with no macro refusal or caps, as the panel rendered until now), the new renderer on the host's thread,
 *   and the new renderer in its worker (as the panel renders now).
 */
import katex from 'katex';
import MarkdownIt from 'markdown-it';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { DEFAULT_LISTING_PATH } from '../../src/papers/defaultLibrary';
import { parseSeedListing } from '../../src/papers/seedListing';
import { createAbstractRenderer, KATEX_OPTIONS } from '../../src/render/abstractRenderer';
import { LazyRenderer } from '../../src/render/lazyRenderer';
import { mathPlugin } from '../../src/render/mathPlugin';
import { repairHfTex } from '../../src/render/texRepair';
import { isSafeLink } from '../../src/render/untrustedMarkdown';
import { FUZZ_SEED, fuzzAbstracts } from '../fixtures/fuzzAbstracts';
import { DEF_ABSTRACT, DEF_ABSTRACT_LONG } from '../fixtures/hostileText';
import { median, ms, quantile } from './stats';

const RESOLUTION_MS = 5;
const root = join(__dirname, '..', '..', '..');
const md = createAbstractRenderer();

/** The panel's renderer before the limits: the same markdown-it and KaTeX options, nothing refused. */
function unlimitedRenderer(): (text: string) => string {
  const m = new MarkdownIt({ html: false, linkify: false, typographer: false });
  m.validateLink = isSafeLink;
  m.use(mathPlugin, (tex: string, displayMode: boolean) =>
    katex.renderToString(tex, { ...KATEX_OPTIONS, displayMode }),
  );
  return (text) => m.render(text);
}

const sleep = (msec: number) => new Promise((r) => setTimeout(r, msec));

/** The longest event-loop block while `work` runs, and what it returned. */
async function longestBlock<T>(work: () => Promise<T> | T): Promise<{ blockMs: number; value: T; wallMs: number }> {
  const h = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  h.enable();
  await sleep(3 * RESOLUTION_MS);
  const t = performance.now();
  const value = await work();
  const wallMs = performance.now() - t;
  // A synchronous block is recorded when the loop gets to the histogram's timer again.
  await sleep(3 * RESOLUTION_MS);
  h.disable();
  return { blockMs: Math.max(0, h.max / 1e6 - RESOLUTION_MS), value, wallMs };
}

function timeEach(texts: readonly string[]): number[] {
  return texts.map((text) => {
    const t = performance.now();
    md.render(repairHfTex(text));
    return performance.now() - t;
  });
}

async function main(): Promise<void> {
  const warn = console.warn;
  console.warn = () => undefined; // KaTeX's notes on characters it has no metrics for

  const library = parseSeedListing(JSON.parse(readFileSync(join(root, DEFAULT_LISTING_PATH), 'utf8')), 2026).map(
    (p) => p.abstract,
  );
  const corpus = fuzzAbstracts(FUZZ_SEED, 10_000);
  timeEach(library); // warm up
  const libraryTimes = timeEach(Array.from({ length: 10 }, () => library).flat());
  const t0 = performance.now();
  const fuzzTimes = timeEach(corpus);
  const fuzzTotal = performance.now() - t0;
  const row = (name: string, xs: number[]) =>
    `  ${name.padEnd(34)} median ${ms(median(xs))}  p95 ${ms(quantile(xs, 0.95))}  p99 ${ms(quantile(xs, 0.99))}  max ${ms(Math.max(...xs))}`;
  console.log('Render time per abstract (TeX repair + markdown-it + KaTeX, the code the worker runs)');
  console.log(row(`fuzz corpus, ${corpus.length} abstracts`, fuzzTimes));
  console.log(row(`default library, ${library.length} × 10`, libraryTimes));
  console.log(`  fuzz corpus total ${(fuzzTotal / 1000).toFixed(1)} s`);

  console.log('\nClosing-delimiter search (markdown-it + math plugin)');
  const delimiterMs = (n: number) => {
    const text = '\\('.repeat(n);
    const t = performance.now();
    md.render(text);
    return performance.now() - t;
  };
  delimiterMs(1000);
  const d10 = delimiterMs(10_000);
  const d20 = delimiterMs(20_000);
  const prose = 'ab'.repeat(20_000);
  const t = performance.now();
  md.render(prose);
  const proseMs = performance.now() - t;
  console.log(
    `  10,000 \\(  ${ms(d10)}   20,000 \\(  ${ms(d20)}   ratio ${(d20 / d10).toFixed(1)}× (linear: 2, rescanning: 4)`,
  );
  console.log(`  40,000 characters of prose, same length as 20,000 \\(: ${ms(proseMs)}`);

  console.log('\nLongest event-loop block of the host while rendering (monitorEventLoopDelay), wall time, HTML size');
  const unlimited = unlimitedRenderer();
  const worker = new LazyRenderer();
  const cold = await longestBlock(() => worker.render('$x$'));
  console.log(`  worker start + first render of "$x$": block ${ms(cold.blockMs)}, wall ${ms(cold.wallMs)}`);
  for (const [name, text] of [
    ['\\def abstract (766-char formula)', DEF_ABSTRACT],
    [`${(DEF_ABSTRACT_LONG.length / 1000).toFixed(1)}k-char abstract of 14`, DEF_ABSTRACT_LONG],
  ] as const) {
    const before = await longestBlock(() => unlimited(repairHfTex(text)));
    const sync = await longestBlock(() => md.render(repairHfTex(text)));
    const after = await longestBlock(() => worker.render(repairHfTex(text)));
    const fmt = (r: { blockMs: number; wallMs: number; value: string }) =>
      `block ${ms(r.blockMs).padStart(11)}  wall ${ms(r.wallMs).padStart(11)}  ${(r.value.length / 1e6).toFixed(3)} MB`;
    console.log(`  ${name}`);
    console.log(`    before: host thread, no limits   ${fmt(before)}`);
    console.log(`    limits, host thread              ${fmt(sync)}`);
    console.log(`    after: limits, worker            ${fmt(after)}`);
  }
  worker.dispose();
  console.warn = warn;
}

void main();
