/**
 * Figures a test measured in this run (timings in the real host: printed, never asserted). The test prints each
 * one where it was measured; the mocha reporter adds them to the layer's JSON summary, and `npm test` repeats them
 * before its closing line and writes them to test-results/summary.json. They live on `globalThis` because the
 * reporter is loaded by mocha, not by the tests, but runs in the same process.
 */
export interface Figure {
  /** What was measured, e.g. `first chunk incl. the webview, warm`. */
  name: string;
  value: number;
  unit: string;
  /** The goal or the baseline it is read against, measured or stated, e.g. `goal ≤ 200 ms`. */
  beside?: string;
}

const KEY = '__attractorFigures';

export function recordFigure(figure: Figure): void {
  const store = globalThis as unknown as Record<typeof KEY, Figure[] | undefined>;
  (store[KEY] ??= []).push(figure);
  console.log(`      measured: ${formatFigure(figure)}`);
}

/** Every figure recorded in this process so far. */
export function recordedFigures(): readonly Figure[] {
  return (globalThis as unknown as Record<typeof KEY, Figure[] | undefined>)[KEY] ?? [];
}

export function formatFigure(f: Figure): string {
  return `${f.name}: ${f.value} ${f.unit}${f.beside ? ` (${f.beside})` : ''}`;
}
