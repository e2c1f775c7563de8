/** Small statistics for benchmarks: figures are compared as ratios within one run. */
export function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

export const median = (xs: readonly number[]): number => quantile(xs, 0.5);
export const ms = (x: number): string => `${x.toFixed(2)} ms`;
