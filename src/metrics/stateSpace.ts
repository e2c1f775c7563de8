import type { Trajectory } from '../core/trajectory';
import { Rng } from '../core/rng';
import { mixtureLikelihoods } from './mixtureLikelihood';
import { squaredDeviations } from './validPrediction';

/**
 * D_stsp, the state-space divergence of Hess et al. 2023 (GTF-shPLRNN, `src/measures/stsp_measure.jl`), over all
 * observed dimensions N. As in `decide_on_measure`: binning for N < 6, the Gaussian-mixture estimate otherwise.
 *
 * Binning: σ_j the (n−1) standard deviation of the ground truth, box [min − 0.1σ, max + 0.1σ] per dimension,
 * `bins` equal bins per dimension (K = bins^N cells, kept sparse), bins closed on the left, points outside the box
 * dropped; p̂_k = (c_k + α)/(Σc + αK) with α = 1e-5 on each count; D_stsp = KL(p̂_true ‖ p̂_gen) in nats; NaN when no
 * generated point falls in the box.
 *
 * GMM: an isotropic Gaussian of variance `scaling` on each of the first min(T, 10,000) points of either series;
 * KL(p ‖ q) by Monte Carlo (Hershey & Olsen 2007) from 1,000 samples of p, drawn with a fixed seed so the value is
 * reproducible; samples where p or q underflows to 0 are dropped (GTF's `filter_outliers`). One-sided, as in GTF.
 */
export const DEFAULT_STSP_BINS = 30;
export const DEFAULT_STSP_SCALING = 1.0;
export const LAPLACE_ALPHA = 1e-5;
export const GMM_MAX_T = 10_000;
export const GMM_SAMPLES = 1_000;
export const GMM_SEED = 20230401;
/** GTF: binning below this many observed dimensions, the GMM from it on. */
export const GMM_FROM_DIM = 6;

export interface StateSpaceOptions {
  readonly bins?: number;
  /** σ² of the GMM variant. */
  readonly scaling?: number;
  readonly seed?: number;
  /** Force a variant (default: binning for N < 6). */
  readonly variant?: 'binning' | 'gmm';
  /** The Monte-Carlo draws themselves (indices into the first min(T, 10,000) truth points, N·samples normals). */
  readonly draws?: GmmDraws;
}

export interface GmmDraws {
  readonly indices: ArrayLike<number>;
  readonly noise: ArrayLike<number>;
}

export interface StateSpaceResult {
  /** NaN when undefined; `reason` says why. */
  readonly value: number;
  readonly variant: 'binning' | 'gmm';
  readonly dims: number;
  /** The settings that produced the value, for the table. */
  readonly settings: string;
  readonly reason?: string;
}

export function stateSpaceVariant(dims: number, options: StateSpaceOptions = {}): 'binning' | 'gmm' {
  return options.variant ?? (dims < GMM_FROM_DIM ? 'binning' : 'gmm');
}

export function describeStateSpace(dims: number, options: StateSpaceOptions = {}): string {
  const bins = options.bins ?? DEFAULT_STSP_BINS;
  return stateSpaceVariant(dims, options) === 'binning'
    ? `binning, ${bins} bins × ${dims} dims (K = ${bins}^${dims}), box min/max ± 0.1σ of the truth, α = 1e-5`
    : `GMM, σ² = ${options.scaling ?? DEFAULT_STSP_SCALING} on the first ${GMM_MAX_T} points, ${GMM_SAMPLES} Monte-Carlo samples (seed ${options.seed ?? GMM_SEED})`;
}

export function stateSpaceDivergence(truth: Trajectory, model: Trajectory, options: StateSpaceOptions = {}): number {
  return stateSpace(truth, model, options).value;
}

export function stateSpace(truth: Trajectory, model: Trajectory, options: StateSpaceOptions = {}): StateSpaceResult {
  const dims = truth.dim;
  const variant = stateSpaceVariant(dims, options);
  const base = { variant, dims, settings: describeStateSpace(dims, options) };
  if (model.dim !== dims) return { ...base, value: NaN, reason: `the model has ${model.dim} dims, the truth ${dims}` };
  if (truth.length < 2) return { ...base, value: NaN, reason: 'the truth has fewer than 2 points' };
  if (model.length === 0) return { ...base, value: NaN, reason: 'the model produced no points' };
  return variant === 'binning'
    ? { ...base, ...binned(truth, model, options.bins ?? DEFAULT_STSP_BINS) }
    : { ...base, ...gmm(truth, model, options) };
}

/** Per-dimension (n−1) standard deviation, as Julia's `std(X, dims = 1)`. */
export function correctedStd(tr: Trajectory): Float64Array {
  return squaredDeviations(tr).map((s) => Math.sqrt(s / (tr.length - 1)));
}

// Dense counts up to this many cells, a Map beyond (30^5 = 24.3 M cells would be 194 MB).
const DENSE_CELLS = 1 << 20;

function binned(truth: Trajectory, model: Trajectory, bins: number): { value: number; reason?: string } {
  const d = truth.dim;
  const sigma = correctedStd(truth);
  const edges: Float64Array[] = [];
  for (let j = 0; j < d; j++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let t = 0; t < truth.length; t++) {
      const v = truth.data[t * d + j];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    lo -= 0.1 * sigma[j];
    hi += 0.1 * sigma[j];
    const e = new Float64Array(bins + 1);
    for (let i = 0; i <= bins; i++) e[i] = lo + ((hi - lo) * i) / bins;
    e[bins] = hi;
    edges.push(e);
  }
  // cell of a point, or −1 outside the box (bins closed on the left: [e_i, e_{i+1}))
  const cell = (tr: Trajectory, t: number): number => {
    let index = 0;
    for (let j = 0; j < d; j++) {
      const v = tr.data[t * tr.dim + j];
      const e = edges[j];
      if (!(v >= e[0] && v < e[bins])) return -1;
      let b = Math.floor(((v - e[0]) / (e[bins] - e[0])) * bins);
      // the arithmetic guess can be one off next to an edge: settle it against the edges themselves
      if (b >= bins) b = bins - 1;
      while (b > 0 && v < e[b]) b--;
      while (b < bins - 1 && v >= e[b + 1]) b++;
      index = index * bins + b;
    }
    return index;
  };
  const cells = bins ** d;
  const counts = (tr: Trajectory): { get(k: number): number; keys(): Iterable<number>; total: number } => {
    let total = 0;
    if (cells <= DENSE_CELLS) {
      const h = new Float64Array(cells);
      for (let t = 0; t < tr.length; t++) {
        const k = cell(tr, t);
        if (k >= 0) {
          h[k]++;
          total++;
        }
      }
      return {
        get: (k) => h[k],
        *keys() {
          for (let k = 0; k < cells; k++) if (h[k] > 0) yield k;
        },
        total,
      };
    }
    const h = new Map<number, number>();
    for (let t = 0; t < tr.length; t++) {
      const k = cell(tr, t);
      if (k >= 0) {
        h.set(k, (h.get(k) ?? 0) + 1);
        total++;
      }
    }
    return { get: (k) => h.get(k) ?? 0, keys: () => h.keys(), total };
  };
  const p = counts(truth);
  const q = counts(model);
  if (q.total === 0) return { value: NaN, reason: 'no generated point lies inside the box of the truth' };
  const a = LAPLACE_ALPHA;
  const np = p.total + a * cells;
  const nq = q.total + a * cells;
  const occupied = new Set<number>(p.keys());
  for (const k of q.keys()) occupied.add(k);
  let kl = 0;
  for (const k of occupied) {
    const pk = (p.get(k) + a) / np;
    const qk = (q.get(k) + a) / nq;
    kl += pk * Math.log(pk / qk);
  }
  // every cell empty in both has the same term
  const p0 = a / np;
  kl += (cells - occupied.size) * p0 * Math.log(p0 / (a / nq));
  return { value: kl };
}

/** The Monte-Carlo draws of the GMM variant: `samples` indices below `points`, then samples·dims normals. */
export function gmmDraws(points: number, dims: number, samples = GMM_SAMPLES, seed = GMM_SEED): GmmDraws {
  const rng = new Rng(seed);
  const indices = new Int32Array(samples);
  for (let i = 0; i < samples; i++) indices[i] = rng.int(points);
  const noise = new Float64Array(samples * dims);
  for (let i = 0; i < noise.length; i++) noise[i] = rng.normal();
  return { indices, noise };
}

function gmm(truth: Trajectory, model: Trajectory, options: StateSpaceOptions): { value: number; reason?: string } {
  const d = truth.dim;
  const s2 = options.scaling ?? DEFAULT_STSP_SCALING;
  const s = Math.sqrt(s2);
  const tp = Math.min(truth.length, GMM_MAX_T);
  const tq = Math.min(model.length, GMM_MAX_T);
  const draws = options.draws ?? gmmDraws(tp, d, GMM_SAMPLES, options.seed ?? GMM_SEED);
  const m = draws.indices.length;
  const samples = new Float64Array(m * d);
  for (let i = 0; i < m; i++) {
    const t = draws.indices[i];
    for (let j = 0; j < d; j++) samples[i * d + j] = truth.data[t * d + j] + s * draws.noise[i * d + j];
  }
  const p = mixtureLikelihoods(samples, m, truth.data, tp, d, s2);
  const q = mixtureLikelihoods(samples, m, model.data, tq, d, s2);
  let sum = 0;
  let kept = 0;
  for (let i = 0; i < m; i++) {
    if (p[i] > 0 && q[i] > 0) {
      sum += Math.log(p[i]) - Math.log(q[i]);
      kept++;
    }
  }
  if (kept === 0) return { value: NaN, reason: 'every Monte-Carlo sample has zero likelihood under the model' };
  return { value: sum / kept };
}
