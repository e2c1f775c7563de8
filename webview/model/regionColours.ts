/**
 * The analysis's linear subregions as the 3D view's per-point colouring (PhaseView.setColouring): one palette index
 * per trajectory point. The analysis classified member 0's rows from `start`, every `stride`-th; a sampled row's
 * subregion stands for the rows up to the next sample (the line is drawn through them). Rows it did not cover, and
 * the other members, get the last palette entry, a muted grey, as the regions outside the most visited do.
 */
import { REGION_PALETTE, type RowColours } from '../../src/models/insight/analysisProtocol';
import type { Theme } from './theme';

/** The most visited subregions' colours (theme series, then two more), and the muted grey for any other at the end. */
export function regionPalette(theme: Theme): string[] {
  const extra = ['#e377c2', '#17becf'];
  return [...[...theme.series, ...extra].slice(0, REGION_PALETTE), theme.muted];
}

/** `index[row * members + member]` for `rows` rows (the trajectory's capacity); also the count of rows coloured. */
export function regionIndex(colours: RowColours, rows: number, members: number): { index: Uint8Array; rows: number } {
  const index = new Uint8Array(rows * members).fill(REGION_PALETTE);
  const { start, stride, values } = colours;
  let coloured = 0;
  for (let i = 0; i < values.length; i++) {
    const value = Math.min(REGION_PALETTE, values[i]);
    for (let row = start + i * stride; row < Math.min(rows, start + (i + 1) * stride); row++) {
      if (row < 0) continue;
      index[row * members] = value;
      coloured++;
    }
  }
  return { index, rows: coloured };
}
