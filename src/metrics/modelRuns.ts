/**
 * Measures that need the model itself, run through a `Simulate` callback (the preview's onnxruntime session, or a
 * JS map in tests): λmax by Benettin's two-trajectory method, and the n-step prediction error. Starts are batched
 * as ensemble members, so a measure is a few hundred runtime calls, not one per start.
 */
import type { DiscreteMap, Trajectory } from '../core/trajectory';

/** States (each of the model's full state length) → rows after 1..steps steps, `[steps, states, width]`. */
export interface Simulate {
  (initialStates: readonly (readonly number[])[], steps: number): Promise<Float32Array>;
  /**
   * When the runner has it: only the row after `steps` steps, `[count, width]`, from each of `count` states
   * (`[count, state length]`), any number of them; the runner batches them as it runs best.
   */
  readonly last?: (states: Float64Array, count: number, steps: number) => Promise<Float32Array>;
}

/**
 * A `Simulate` over a JS map, whole states returned (float32, as the runtime returns them): how the zoo's build
 * scores its models with the same measures the preview runs through onnxruntime.
 */
export function mapSimulate(map: DiscreteMap): Simulate {
  const n = map.dim;
  const x = new Float64Array(n);
  const next = new Float64Array(n);
  // row `out` of `into` receives each step's state when `every`, or only the last one
  const run = (state: ArrayLike<number>, steps: number, into: Float32Array, at: (t: number) => number | undefined) => {
    x.set(state);
    for (let t = 0; t < steps; t++) {
      map.step(x, next);
      x.set(next);
      const offset = at(t);
      if (offset !== undefined) into.set(x, offset);
    }
  };
  const simulate = (initialStates: readonly (readonly number[])[], steps: number) => {
    const m = initialStates.length;
    const out = new Float32Array(steps * m * n);
    initialStates.forEach((s, i) => run(s, steps, out, (t) => (t * m + i) * n));
    return Promise.resolve(out);
  };
  const last = (states: Float64Array, count: number, steps: number) => {
    const out = new Float32Array(count * n);
    for (let i = 0; i < count; i++)
      run(states.subarray(i * n, (i + 1) * n), steps, out, (t) => (t === steps - 1 ? i * n : undefined));
    return Promise.resolve(out);
  };
  return Object.assign(simulate, { last });
}

/** At most this many starts per call (the runtime's ensemble limit). */
export const MAX_BATCH = 64;
/** Starts per call of `Simulate.last` (bounds the memory of one call and the time between Cancel checks). */
export const LAST_BATCH = 4096;

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
  hidden?: DrivenStates,
): Promise<PredictionErrorResult> {
  // With a hidden state, the first starts are skipped: their reservoir has not been driven long enough.
  const offset = hidden ? Math.min(hidden.warmup, Math.max(0, test.length - n - 1)) : 0;
  const available = test.length - n - offset;
  if (available < 1) return { value: NaN, starts: 0, n, reason: `fewer than ${n + 1 + offset} test points` };
  const count = Math.min(available, MAX_PE_STARTS);
  const d = test.dim;
  const row = (t: number) => {
    const x = Array.from(test.data.subarray(t * d, (t + 1) * d));
    if (hidden) for (let j = 0; j < hidden.hiddenDim; j++) x.push(hidden.data[t * hidden.hiddenDim + j]);
    return x;
  };
  const start = (i: number) => offset + (count === available ? i : Math.floor((i * available) / count));
  if (simulate.last) {
    const stateDim = d + (hidden?.hiddenDim ?? 0);
    let total = 0;
    for (let first = 0; first < count; first += LAST_BATCH) {
      if (signal.cancelled) return { value: NaN, starts: first, n, reason: 'cancelled' };
      const m = Math.min(LAST_BATCH, count - first);
      const states = new Float64Array(m * stateDim);
      for (let i = 0; i < m; i++) {
        const t = start(first + i);
        states.set(test.data.subarray(t * d, (t + 1) * d), i * stateDim);
        if (hidden)
          states.set(hidden.data.subarray(t * hidden.hiddenDim, (t + 1) * hidden.hiddenDim), i * stateDim + d);
      }
      const out = await simulate.last(states, m, n);
      const width = out.length / m;
      if (width < d) return { value: NaN, starts: 0, n, reason: `the model emits ${width} values, the data has ${d}` };
      for (let i = 0; i < m; i++) {
        const truthRow = (start(first + i) + n) * d;
        for (let j = 0; j < d; j++) total += (out[i * width + j] - test.data[truthRow + j]) ** 2;
      }
    }
    return finish(total / (count * d), count, n);
  }
  let sum = 0;
  for (let first = 0; first < count; first += MAX_BATCH) {
    if (signal.cancelled) return { value: NaN, starts: first, n, reason: 'cancelled' };
    const starts: number[] = [];
    for (let i = first; i < Math.min(count, first + MAX_BATCH); i++) starts.push(start(i));
    const out = await simulate(starts.map(row), n);
    const width = out.length / (n * starts.length);
    if (width < d) return { value: NaN, starts: 0, n, reason: `the model emits ${width} values, the data has ${d}` };
    const last = (n - 1) * starts.length * width;
    for (let m = 0; m < starts.length; m++)
      for (let j = 0; j < d; j++) sum += (out[last + m * width + j] - test.data[(starts[m] + n) * d + j]) ** 2;
  }
  return finish(sum / (count * d), count, n);
}

const finish = (value: number, starts: number, n: number): PredictionErrorResult =>
  Number.isFinite(value)
    ? { value, starts, n }
    : { value: NaN, starts, n, reason: 'the model left the finite numbers' };

/** The hidden part of a model's state at every row of an observed trajectory, found by driving it with the data. */
export interface DrivenStates {
  /** State values beyond the observed ones (e.g. an ESN's reservoir). */
  readonly hiddenDim: number;
  /** `[rows, hiddenDim]`: the hidden state that goes with observed row t. */
  readonly data: Float64Array;
  /** Rows of data each segment was driven with before its first recorded row. */
  readonly warmup: number;
}

/** Teacher-forced steps before the hidden state is used (the echo state property forgets the zero start). */
export const DEFAULT_WARMUP = 200;

/**
 * The hidden state along an observed trajectory, for models whose state is [observed, hidden] (the zoo's ESN and
 * any map with `dynamics.observed` < its state size): the model is driven by the data — before each step the
 * observed part of its state is replaced by the data row (teacher forcing), the hidden part carried on — so that
 * restarting it at row t continues from what the data has put into its memory. Warming a reservoir up on the
 * observed data before each forecast is how reservoir computers are evaluated (Pathak et al. 2018, PRL 120:024102,
 * "listening" phase; Vlachas et al. 2020, Neural Networks 126:191–217, warm-up before each prediction). The data is
 * split into up to 64 segments driven at once as ensemble members, each segment first driven through the `warmup`
 * rows before it, so the whole trajectory costs about rows/64 + warmup one-step runtime calls.
 * `simulateState` must return whole states (width = stateDim).
 */
export async function drivenStates(
  simulateState: Simulate,
  test: Trajectory,
  stateDim: number,
  warmup = DEFAULT_WARMUP,
  signal: { readonly cancelled: boolean } = { cancelled: false },
): Promise<DrivenStates | undefined> {
  const d = test.dim;
  const h = stateDim - d;
  const T = test.length;
  const out = new Float64Array(T * h);
  const segments = Math.min(MAX_BATCH, Math.max(1, Math.ceil(T / Math.max(1, warmup))));
  const length = Math.ceil(T / segments);
  const begin = Array.from({ length: segments }, (_, s) => s * length);
  const from = begin.map((b) => Math.max(0, b - warmup));
  const end = begin.map((b) => Math.min(T, b + length));
  const hidden = begin.map(() => new Float64Array(h));
  const steps = Math.max(...end.map((e, s) => e - from[s]));
  for (let i = 0; i < steps; i++) {
    if (signal.cancelled) return undefined;
    const states = begin.map((b, s) => {
      const t = Math.min(from[s] + i, end[s] - 1);
      if (t >= b && from[s] + i < end[s]) out.set(hidden[s], t * h);
      return [...test.data.subarray(t * d, (t + 1) * d), ...hidden[s]];
    });
    if (from.every((f, s) => f + i >= end[s] - 1)) break; // the last rows are recorded; no further step needed
    const next = simulateState.last
      ? await simulateState.last(Float64Array.from(states.flat()), segments, 1)
      : await simulateState(states, 1);
    if (next.length !== segments * stateDim) return undefined;
    begin.forEach((_, s) => {
      if (from[s] + i < end[s] - 1) hidden[s] = Float64Array.from(next.subarray(s * stateDim + d, (s + 1) * stateDim));
    });
  }
  return { hiddenDim: h, data: out, warmup };
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
