/**
 * Measures that need the model itself, run through a `Simulate` callback (the preview's onnxruntime session, or a
 * JS map in tests): λmax by Benettin's two-trajectory method, and the n-step prediction error. Starts are batched
 * as ensemble members, so a measure is a few hundred runtime calls, not one per start. Pure: no vscode.
 */
import type { Trajectory } from '../zoo/integrate';

/** States (each of the model's full state length) → rows after 1..steps steps, `[steps, states, width]`. */
export type Simulate = (initialStates: readonly (readonly number[])[], steps: number) => Promise<Float32Array>;

/** At most this many starts per call (the runtime's ensemble limit). */
export const MAX_BATCH = 64;

export interface PredictionErrorResult {
  readonly value: number;
  readonly starts: number;
  readonly n: number;
  readonly reason?: string;
}

export const DEFAULT_PE_STEPS = 20;
/** Starts used at most (evenly spaced over the test trajectory beyond that). */
export const MAX_PE_STARTS = 10_000;

/**
 * n-step prediction error of Hess et al. 2023 (GTF-shPLRNN `prediction_error.jl`): the model is started from
 * every test point x_t, t = 1…T−n (at most 10,000, evenly spaced), iterated n times, and the MSE over all starts and
 * dimensions between its state and x_{t+n} is reported. Needs models whose state is what is observed.
 */
export async function predictionError(
  simulate: Simulate,
  test: Trajectory,
  n = DEFAULT_PE_STEPS,
  signal: { readonly cancelled: boolean } = { cancelled: false },
): Promise<PredictionErrorResult> {
  const available = test.length - n;
  if (available < 1) return { value: NaN, starts: 0, n, reason: `fewer than ${n + 1} test points` };
  const count = Math.min(available, MAX_PE_STARTS);
  const d = test.dim;
  const row = (t: number) => Array.from(test.data.subarray(t * d, (t + 1) * d));
  let sum = 0;
  for (let first = 0; first < count; first += MAX_BATCH) {
    if (signal.cancelled) return { value: NaN, starts: first, n, reason: 'cancelled' };
    const starts: number[] = [];
    for (let i = first; i < Math.min(count, first + MAX_BATCH); i++)
      starts.push(count === available ? i : Math.floor((i * available) / count));
    const out = await simulate(starts.map(row), n);
    const width = out.length / (n * starts.length);
    if (width < d) return { value: NaN, starts: 0, n, reason: `the model emits ${width} values, the data has ${d}` };
    const last = (n - 1) * starts.length * width;
    for (let m = 0; m < starts.length; m++)
      for (let j = 0; j < d; j++) sum += (out[last + m * width + j] - test.data[(starts[m] + n) * d + j]) ** 2;
  }
  const value = sum / (count * d);
  return Number.isFinite(value)
    ? { value, starts: count, n }
    : { value: NaN, starts: count, n, reason: 'the model left the finite numbers' };
}

export interface RunLyapunovOptions {
  readonly dt: number;
  /** Total steps (default 50,000). */
  readonly steps?: number;
  /** Steps between renormalisations; chosen so the separation grows well below the attractor's size. */
  readonly every: number;
  /** Initial separation, in state units: large against float32 rounding, small against the attractor. */
  readonly d0: number;
  /** Neighbours followed at once in different directions (their mean is reported). */
  readonly neighbours?: number;
}

/**
 * λmax by Benettin's method on the model as it runs: a reference state and neighbours at distance d0 in fixed
 * directions are run `every` steps as one ensemble, Σ log(d/d0) accumulated, each neighbour pulled back to d0
 * along its separation; λmax = mean over neighbours of Σ log(d/d0) / (steps·dt). Distances use the whole state.
 */
export async function runLyapunov(
  simulate: Simulate,
  x0: readonly number[],
  options: RunLyapunovOptions,
  signal: { readonly cancelled: boolean } = { cancelled: false },
): Promise<number> {
  const n = x0.length;
  const k = Math.min(MAX_BATCH - 1, options.neighbours ?? 4);
  const total = options.steps ?? 50_000;
  const { every, d0 } = options;
  let ref = x0.slice();
  const nb: number[][] = [];
  for (let i = 0; i < k; i++) {
    // reproducible, non-axis directions: coordinates cos(1 + i + 2j)
    const dir = Array.from({ length: n }, (_, j) => Math.cos(1 + i + 2 * j));
    const norm = Math.hypot(...dir);
    nb.push(ref.map((v, j) => v + (d0 * dir[j]) / norm));
  }
  const sums = new Float64Array(k);
  let done = 0;
  while (done < total) {
    if (signal.cancelled) return NaN;
    const steps = Math.min(every, total - done);
    const out = await simulate([ref, ...nb], steps);
    const width = out.length / (steps * (k + 1));
    if (width !== n) return NaN;
    const last = (steps - 1) * (k + 1) * n;
    ref = Array.from(out.subarray(last, last + n));
    for (let i = 0; i < k; i++) {
      const b = Array.from(out.subarray(last + (i + 1) * n, last + (i + 2) * n));
      const dist = Math.hypot(...b.map((v, j) => v - ref[j]));
      if (!Number.isFinite(dist)) return NaN;
      if (dist === 0) return Number.NEGATIVE_INFINITY;
      sums[i] += Math.log(dist / d0);
      nb[i] = ref.map((v, j) => v + ((b[j] - v) * d0) / dist);
    }
    done += steps;
  }
  let mean = 0;
  for (const s of sums) mean += s;
  return mean / k / (total * options.dt);
}
