import type { DiscreteMap } from '../zoo/integrate';

/**
 * The largest Lyapunov exponent of a map by Benettin's method: follow a reference state and a neighbour at
 * distance d0, measure their separation after each `renormEvery` steps, add log(d/d0), pull the neighbour back
 * to distance d0 along the separation. λmax = Σ log(d/d0) / (steps·dt). Distances use the whole state.
 */
export interface LyapunovOptions {
  readonly dt: number;
  readonly steps?: number;
  /** Steps run first so the reference lands on the attractor. */
  readonly transient?: number;
  readonly d0?: number;
  readonly renormEvery?: number;
}

export function largestLyapunov(map: DiscreteMap, x0: ArrayLike<number>, options: LyapunovOptions): number {
  const { dt } = options;
  const steps = options.steps ?? 20_000;
  const transient = options.transient ?? 1_000;
  const d0 = options.d0 ?? 1e-8;
  const every = options.renormEvery ?? 10;
  const n = map.dim;
  let a = Float64Array.from(x0);
  let a2 = new Float64Array(n);
  for (let t = 0; t < transient; t++) {
    map.step(a, a2);
    [a, a2] = [a2, a];
  }
  let b = new Float64Array(n);
  let b2 = new Float64Array(n);
  // a fixed, non-axis direction: no preferred coordinate, reproducible
  let norm = 0;
  for (let i = 0; i < n; i++) norm += (1 + i) ** 2;
  for (let i = 0; i < n; i++) b[i] = a[i] + (d0 * (1 + i)) / Math.sqrt(norm);
  let sum = 0;
  let done = 0;
  while (done < steps) {
    const k = Math.min(every, steps - done);
    for (let t = 0; t < k; t++) {
      map.step(a, a2);
      map.step(b, b2);
      [a, a2] = [a2, a];
      [b, b2] = [b2, b];
    }
    done += k;
    let dist = 0;
    for (let i = 0; i < n; i++) dist += (b[i] - a[i]) ** 2;
    dist = Math.sqrt(dist);
    if (!Number.isFinite(dist)) return Number.NaN;
    if (dist === 0) return Number.NEGATIVE_INFINITY;
    sum += Math.log(dist / d0);
    for (let i = 0; i < n; i++) b[i] = a[i] + ((b[i] - a[i]) * d0) / dist;
  }
  return sum / (steps * dt);
}
