/**
 * Render all default abstracts (TeX repair + markdown-it + KaTeX) against markdown-it alone on the same text,
 * interleaved in one run so machine noise hits both alike.
 */
import MarkdownIt from 'markdown-it';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_LISTING_PATH } from '../../src/papers/defaultLibrary';
import { parseSeedListing } from '../../src/papers/seedListing';
import { createAbstractRenderer } from '../../src/render/abstractRenderer';
import { repairHfTex } from '../../src/render/texRepair';
import { median, ms, quantile } from './stats';

const ROUNDS = 30;
const root = join(__dirname, '..', '..', '..');
const papers = parseSeedListing(JSON.parse(readFileSync(join(root, DEFAULT_LISTING_PATH), 'utf8')), 2026);
const withMath = createAbstractRenderer();
const plain = new MarkdownIt({ html: false });

const mathTimes: number[] = [];
const plainTimes: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  for (const p of papers) {
    let t = performance.now();
    withMath.render(repairHfTex(p.abstract));
    mathTimes.push(performance.now() - t);
    t = performance.now();
    plain.render(p.abstract);
    plainTimes.push(performance.now() - t);
  }
}
const ratio = (q: number) => (quantile(mathTimes, q) / quantile(plainTimes, q)).toFixed(1);
console.log(`Render ${papers.length} default abstracts × ${ROUNDS} rounds, per abstract`);
console.log(
  `  repair + markdown-it + KaTeX  median ${ms(median(mathTimes))}  p95 ${ms(quantile(mathTimes, 0.95))}  (goal ≤ 5 ms p95)`,
);
console.log(`  markdown-it alone             median ${ms(median(plainTimes))}  p95 ${ms(quantile(plainTimes, 0.95))}`);
console.log(`  ratio with math / without     median ${ratio(0.5)}×  p95 ${ratio(0.95)}×`);
