import type { DiscreteMap } from '../core/trajectory';
import { nextTurn, SLICE_MS } from '../core/turns';

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

/**
 * The Lyapunov spectrum by the QR method (Benettin et al. 1980; Shimada & Nagashima 1979): k tangent vectors are
 * carried along the trajectory by the map's Jacobian, re-orthonormalised (modified Gram–Schmidt) after each step,
 * and λ_i = Σ log R_ii / (steps·dt). The Jacobian–vector products are central differences of the map itself
 * (so any DiscreteMap works, the RK4 maps of the systems and the zoo's models alike), with a step of 1e-6 of the
 * state's size: truncation error ~1e-12, rounding ~1e-10, far below the statistical error of a finite run.
 */
export interface SpectrumOptions extends LyapunovOptions {
  /** How many exponents (default: the whole state). */
  readonly count?: number;
}

export interface LyapunovSpectrum {
  /** Largest first. */
  readonly exponents: Float64Array;
  readonly kaplanYorke: number | undefined;
  readonly steps: number;
}

/**
 * The QR step every spectrum here shares: the k tangent images in `q` (row i = J·q_i) are orthonormalised in place
 * by modified Gram–Schmidt, q = Q·R, and log R_ii added to `sums`. False when a vector vanished or left the finite
 * numbers (the spectrum is then undefined).
 */
function accumulateQr(q: Float64Array, k: number, n: number, sums: Float64Array): boolean {
  for (let i = 0; i < k; i++) {
    for (let p = 0; p < i; p++) {
      let dot = 0;
      for (let j = 0; j < n; j++) dot += q[i * n + j] * q[p * n + j];
      for (let j = 0; j < n; j++) q[i * n + j] -= dot * q[p * n + j];
    }
    let norm = 0;
    for (let j = 0; j < n; j++) norm += q[i * n + j] ** 2;
    norm = Math.sqrt(norm);
    if (!Number.isFinite(norm) || norm === 0) return false;
    sums[i] += Math.log(norm);
    for (let j = 0; j < n; j++) q[i * n + j] /= norm;
  }
  return true;
}

/** Tangent vectors to start from: the identity's first k rows. */
function identityRows(k: number, n: number): Float64Array {
  const q = new Float64Array(k * n);
  for (let i = 0; i < k; i++) q[i * n + i] = 1;
  return q;
}

const undefinedSpectrum = (k: number, steps: number): LyapunovSpectrum => ({
  exponents: new Float64Array(k).fill(NaN),
  kaplanYorke: undefined,
  steps,
});

const finishSpectrum = (sums: Float64Array, steps: number, dt: number): LyapunovSpectrum => {
  const exponents = sums.map((s) => s / (steps * dt));
  return { exponents, kaplanYorke: kaplanYorkeDimension(exponents), steps };
};

export function lyapunovSpectrum(map: DiscreteMap, x0: ArrayLike<number>, options: SpectrumOptions): LyapunovSpectrum {
  const { dt } = options;
  const n = map.dim;
  const k = Math.min(n, options.count ?? n);
  const steps = options.steps ?? 100_000;
  let x = Float64Array.from(x0);
  let next = new Float64Array(n);
  for (let t = 0; t < (options.transient ?? 1_000); t++) {
    map.step(x, next);
    [x, next] = [next, x];
  }
  // tangent vectors, row i = vector i
  const q = identityRows(k, n);
  const plus = new Float64Array(n);
  const minus = new Float64Array(n);
  const fPlus = new Float64Array(n);
  const fMinus = new Float64Array(n);
  const sums = new Float64Array(k);
  for (let t = 0; t < steps; t++) {
    let size = 0;
    for (let j = 0; j < n; j++) size = Math.max(size, Math.abs(x[j]));
    const h = 1e-6 * (1 + size);
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < n; j++) {
        plus[j] = x[j] + h * q[i * n + j];
        minus[j] = x[j] - h * q[i * n + j];
      }
      map.step(plus, fPlus);
      map.step(minus, fMinus);
      for (let j = 0; j < n; j++) q[i * n + j] = (fPlus[j] - fMinus[j]) / (2 * h);
    }
    map.step(x, next);
    [x, next] = [next, x];
    if (!accumulateQr(q, k, n, sums) || !Number.isFinite(x[0])) return undefinedSpectrum(k, t);
  }
  return finishSpectrum(sums, steps, dt);
}

/**
 * A map applied once to `count` states at a time (`points` is [count, n] row-major; returns [count, n]): a model
 * through onnxruntime, whose states go in one call as ensemble members, or a JS map.
 */
export type BatchStep = (points: Float64Array, count: number) => Float64Array | Promise<Float64Array>;

/** `steps` applications of a map to `count` states at once (a model's rollout: one runtime call for all of them). */
export type BatchSteps = (points: Float64Array, count: number, steps: number) => Float64Array | Promise<Float64Array>;

export interface BatchSpectrumOptions extends SpectrumOptions {
  /**
   * The map's arithmetic: sets the central-difference step, 1e-6 of the state's size in float64 (as above) and
   * 1e-3 in float32, where rounding of the perturbed states (~6e-8 of the size) must stay small against it.
   */
  readonly precision?: 'float32' | 'float64';
  readonly signal?: { readonly cancelled: boolean };
  readonly onProgress?: (done: number, total: number) => void | Promise<void>;
  /**
   * Steps between re-orthonormalisations (default 1), when `step` is a `BatchSteps`: the 2k neighbours are carried
   * through `every` steps of the map in one call and their differences give D(f^every)·q_i. A call costs about the
   * same for 1 step as for 10, so 10 gives ten times the steps for the same calls. Halved when a tangent vector
   * shrinks below 10^-3 of its length in one interval (the neighbours' difference would drown in float32 rounding)
   * or grows 100-fold (the neighbours leave the region where the map is linear), and doubled again after it.
   */
  readonly every?: number;
}

/**
 * The same QR method for a map that is evaluated in batches (a model the preview runs): each step evaluates the
 * state and its 2k central-difference neighbours x ± h·q_i as one batch of 2k+1 states, so the Jacobian–vector
 * products J·q_i of a model cost one runtime call per step, not 2k. Cancellable; a JS map yields to the event loop
 * every few milliseconds. `cancelled` when stopped by the signal (exponents NaN).
 */
export async function lyapunovSpectrumBatched(
  step: BatchStep | BatchSteps,
  n: number,
  x0: ArrayLike<number>,
  options: BatchSpectrumOptions,
): Promise<LyapunovSpectrum & { readonly cancelled: boolean }> {
  const { dt } = options;
  const k = Math.min(n, options.count ?? n);
  const steps = options.steps ?? 10_000;
  const transient = options.transient ?? 0;
  const relative = options.precision === 'float32' ? 1e-3 : 1e-6;
  let x = Float64Array.from(x0);
  const q = identityRows(k, n);
  const sums = new Float64Array(k);
  const batch = new Float64Array((2 * k + 1) * n);
  let yielded = performance.now();
  const pause = async (t: number) => {
    if (performance.now() - yielded < SLICE_MS) return;
    await options.onProgress?.(t, transient + steps);
    await nextTurn();
    yielded = performance.now();
  };
  const cancelled = (t: number) => ({ ...undefinedSpectrum(k, t), cancelled: true });
  const interval = Math.max(1, Math.floor(options.every ?? 1));
  let every = interval;
  const advance = (points: Float64Array, count: number, m: number) =>
    m === 1 ? step(points, count, 1) : (step as BatchSteps)(points, count, m);
  for (let t = 0; t < transient; t += every) {
    if (options.signal?.cancelled) return cancelled(0);
    x = Float64Array.from((await advance(x, 1, Math.min(every, transient - t))).subarray(0, n));
    await pause(t);
  }
  for (let t = 0; t < steps;) {
    if (options.signal?.cancelled) return cancelled(t);
    const m = Math.min(every, steps - t);
    let size = 0;
    for (let j = 0; j < n; j++) size = Math.max(size, Math.abs(x[j]));
    const h = relative * (1 + size);
    batch.set(x);
    for (let i = 0; i < k; i++)
      for (let j = 0; j < n; j++) {
        batch[(1 + i) * n + j] = x[j] + h * q[i * n + j];
        batch[(1 + k + i) * n + j] = x[j] - h * q[i * n + j];
      }
    const out = await advance(batch, 2 * k + 1, m);
    if (out.length < (2 * k + 1) * n) throw new Error(`the map returned ${out.length} values for ${2 * k + 1} × ${n}`);
    const directions = Float64Array.from(q);
    for (let i = 0; i < k; i++)
      for (let j = 0; j < n; j++) q[i * n + j] = (out[(1 + i) * n + j] - out[(1 + k + i) * n + j]) / (2 * h);
    const before = Float64Array.from(sums);
    if (!accumulateQr(q, k, n, sums) || !out.subarray(0, n).every(Number.isFinite))
      return { ...undefinedSpectrum(k, t), cancelled: false };
    // a direction that shrank below 1e-3 in this interval was measured through rounding, one that grew 100-fold
    // left the linear regime: redo the interval with half the steps
    if (m > 1 && (sums[k - 1] - before[k - 1] < Math.log(1e-3) || sums[0] - before[0] > Math.log(100))) {
      // the same orthonormal directions, aligned with the attractor's, carried through fewer steps
      sums.set(before);
      q.set(directions);
      every = Math.max(1, Math.floor(m / 2));
      continue;
    }
    x = Float64Array.from(out.subarray(0, n));
    t += m;
    // a hard stretch passed (Rössler's fold): back towards the interval asked for
    every = Math.min(interval, 2 * every);
    await pause(transient + t);
  }
  await options.onProgress?.(transient + steps, transient + steps);
  return { ...finishSpectrum(sums, steps, dt), cancelled: false };
}

/** A DiscreteMap as a BatchSteps (each state stepped in turn, `steps` times). */
export function batchOf(map: DiscreteMap): BatchSteps {
  const n = map.dim;
  const a = new Float64Array(n);
  const b = new Float64Array(n);
  return (points, count, steps = 1) => {
    const out = new Float64Array(count * n);
    for (let r = 0; r < count; r++) {
      a.set(points.subarray(r * n, (r + 1) * n));
      for (let t = 0; t < steps; t++) {
        map.step(a, b);
        a.set(b);
      }
      out.set(a, r * n);
    }
    return out;
  };
}

/**
 * Kaplan–Yorke dimension D = j + (λ_1 + … + λ_j)/|λ_{j+1}|, j the largest index with a non-negative partial sum
 * (exponents sorted in decreasing order). 0 when λ_1 < 0; undefined when all the given exponents sum to ≥ 0 (more
 * exponents are needed).
 */
export function kaplanYorkeDimension(exponents: ArrayLike<number>): number | undefined {
  const l = Array.from(exponents).sort((a, b) => b - a);
  if (l.length === 0 || l[0] < 0) return 0;
  let sum = 0;
  for (let j = 0; j < l.length; j++) {
    if (sum + l[j] < 0) return j + sum / Math.abs(l[j]);
    sum += l[j];
  }
  return undefined;
}
