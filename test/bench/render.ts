/**
 * Render all default abstracts (TeX repair + markdown-it + KaTeX) against markdown-it alone on the same text,
 * interleaved in one run so machine noise hits both alike. Prints JSON with per-abstract times in ms.
 */
import MarkdownIt from 'markdown-it';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_LISTING_PATH } from '../../src/papers/defaultLibrary';
import { parseSeedListing } from '../../src/papers/seedListing';
import { createAbstractRenderer } from '../../src/render/abstractRenderer';
import { repairHfTex } from '../../src/render/texRepair';

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
process.stdout.write(JSON.stringify({ abstracts: papers.length, rounds: ROUNDS, mathTimes, plainTimes }));
