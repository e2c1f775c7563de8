/**
 * Fixed points (maps: f(x) = x; flows: f(x) = 0) and, for maps, k-cycles (f^k(x) = x with minimal period k) by
 * damped Newton from many seeds, in the spirit of FixedPointFinder (Sussillo & Barak 2013, "Opening the black
 * box") but with Newton steps instead of minimising ‖g‖². The model is only evaluated, never differentiated: each
 * Newton iteration evaluates, for every seed still running, the point and its 2d central-difference neighbours as
 * one batch (one onnxruntime call with (2d+1)·seeds ensemble members in the preview), so a search costs a few
 * dozen runtime calls per period. Damping: a step that does not lower the residual is halved (back-tracking from
 * the previous point); a seed whose step shrinks below 1/64 is accepted only if its residual is already small.
 * Results are deduplicated (points, and cycles as sets of points) and cycles of a lower period dropped. Pure.
 */
import { classify, snapReal, type Classification } from './classify';
import { eigenvalues, solveLinear, type Eigenvalue } from './eigen';
import { nextTurn, timeSlice } from '../../core/turns';

/**
 * Evaluates the model on `count` points (`points` is [count, d] row-major): f^steps for maps, the vector field f
 * for flows (steps = 1). Returns [count, d].
 */
export type BatchEvaluate = (points: Float64Array, count: number, steps: number) => Promise<Float64Array>;

export interface FoundPoint {
  /** 1 for fixed points and equilibria, k for a k-cycle. */
  readonly period: number;
  /** The k points of the orbit (one for a fixed point), each of length d. */
  readonly orbit: readonly (readonly number[])[];
  /** Eigenvalues of the Jacobian (flows) or multipliers of D(f^k) (maps), decreasing real part. */
  readonly eigenvalues: readonly Eigenvalue[];
  readonly classification: Classification;
  /** max |f^k(x) − x| (maps) or max |f(x)| (flows) at the orbit's first point. */
  readonly residual: number;
  /** PLRNNs: the symbolic code (ReLU on/off pattern) of each orbit point. */
  readonly codes?: readonly string[];
  /** Found by solving the subregion's affine system (exact) rather than by Newton. */
  readonly exact?: boolean;
}

export interface NewtonSearchOptions {
  readonly kind: 'map' | 'flow';
  readonly dim: number;
  readonly seeds: readonly (readonly number[])[];
  /** Cycles up to this period (maps; default 8); flows always 1. */
  readonly maxPeriod?: number;
  /** Size of the region explored per dimension (the seeds' bounding box): finite-difference steps, step caps. */
  readonly extent: readonly number[];
  /** The model's arithmetic: sets the finite-difference step and the residual accepted. */
  readonly precision: 'float32' | 'float64';
  readonly maxIterations?: number;
  /** Seeds run for periods ≥ 2 (the first ones of `seeds`); default all. */
  readonly cycleSeeds?: number;
  readonly signal?: { readonly cancelled: boolean };
  readonly onProgress?: (done: number, total: number) => void | Promise<void>;
  /** Eigenvalues of the found points' Jacobians, snapped to real (the host's runs large ones off its thread). */
  readonly eigenvalues?: SpectraOf;
}

/** Eigenvalues of each n × n matrix (row-major), tiny imaginary parts snapped to real. */
export type SpectraOf = (matrices: readonly Float64Array[], n: number) => Promise<Eigenvalue[][]>;

/** On this thread: what the search uses unless told otherwise. */
export const spectraHere: SpectraOf = (matrices, n) =>
  Promise.resolve(matrices.map((m) => snapReal(eigenvalues(m, n))));

export interface NewtonSearchResult {
  readonly points: FoundPoint[];
  /** Runtime calls made (one per Newton iteration and period, plus orbit evaluations). */
  readonly calls: number;
  readonly cancelled: boolean;
}

interface SeedState {
  x: Float64Array;
  step: number;
  prev?: { x: Float64Array; norm: number; delta: Float64Array };
  iterations: number;
  /** The Jacobian at `prev.x`, kept so a seed that stalls near a solution can still be accepted. */
  prevJacobian?: Candidate;
}

interface Candidate {
  readonly x: Float64Array;
  readonly jacobian: Float64Array;
  readonly residual: number;
}

/** Values (seeds × (2d+1) × d) one Newton batch may hold. */
const STENCIL_VALUES = 1 << 17;

const maxAbs = (v: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]));
  return m;
};

/** Newton search from every seed, for k = 1..maxPeriod (maps) or k = 1 (flows). */
export async function newtonSearch(evaluate: BatchEvaluate, options: NewtonSearchOptions): Promise<NewtonSearchResult> {
  const { dim: d, kind } = options;
  const maxPeriod = kind === 'flow' ? 1 : Math.max(1, Math.min(8, options.maxPeriod ?? 8));
  const extent = options.extent.map((e) => (e > 0 && Number.isFinite(e) ? e : 1));
  const size = Math.max(...options.seeds.flatMap((s) => s.map(Math.abs)), ...extent, 1);
  const f32 = options.precision === 'float32';
  // central differences: truncation ~h², rounding ~eps/h, balanced near h ~ eps^(1/3) of the scale
  const h = extent.map((e) => (f32 ? 4e-3 : 1e-5) * Math.max(1, e));
  const baseTol = (f32 ? 1e-6 : 1e-11) * (1 + size);
  const dedupTol = (f32 ? 1e-3 : 1e-6) * (1 + size);
  const maxIterations = options.maxIterations ?? 60;
  let calls = 0;
  const call = async (points: Float64Array, count: number, steps: number) => {
    calls++;
    const out = await evaluate(points, count, steps);
    if (out.length !== count * d) throw new Error(`the model returned ${out.length} values for ${count} × ${d}`);
    return out;
  };
  const found: FoundPoint[] = [];
  const seedsFor = (k: number) => (k === 1 ? options.seeds : options.seeds.slice(0, options.cycleSeeds));
  const totalWork = Array.from({ length: maxPeriod }, (_, i) => seedsFor(i + 1).length).reduce((a, b) => a + b, 0);
  let workDone = 0;
  const rows = 2 * d + 1;
  // seeds per runtime call: all of them for small models (a call's fixed cost dominates), one for a 203-state ESN,
  // whose stencil alone is 82,621 values (building and reading ten of them held the host's thread for 30-50 ms)
  const group = Math.max(1, Math.floor(STENCIL_VALUES / (rows * d)));

  for (let k = 1; k <= maxPeriod; k++) {
    const candidates: Candidate[] = [];
    let active: SeedState[] = seedsFor(k).map((s) => ({ x: Float64Array.from(s), step: 1, iterations: 0 }));
    while (active.length > 0) {
      if (options.signal?.cancelled) return { points: found, calls, cancelled: true };
      const next: SeedState[] = [];
      for (let first = 0; first < active.length; first += group) {
        if (first > 0) await nextTurn();
        await iterate(active.slice(first, first + group), k, next, candidates);
      }
      workDone += active.length - next.length;
      active = next;
      await options.onProgress?.(workDone, totalWork);
      await nextTurn();
    }
    const accepted = await orbits(candidates, k);
    found.push(...accepted);
  }
  return { points: found, calls, cancelled: false };

  /** One Newton iteration of `seeds`, their stencils in one batch: each seed goes on (`next`), is a candidate or stops. */
  async function iterate(seeds: readonly SeedState[], k: number, next: SeedState[], candidates: Candidate[]) {
    const tol = baseTol * k;
    const looseTol = 300 * tol;
    const batch = new Float64Array(seeds.length * rows * d);
    seeds.forEach((s, i) => {
      const base = i * rows * d;
      for (let r = 0; r < rows; r++) batch.set(s.x, base + r * d);
      for (let j = 0; j < d; j++) {
        batch[base + (1 + 2 * j) * d + j] += h[j];
        batch[base + (2 + 2 * j) * d + j] -= h[j];
      }
    });
    const out = await call(batch, seeds.length * rows, k);
    // a d × d solve per seed (5 ms at d = 203): the host gets a turn every few milliseconds
    const breathe = timeSlice();
    for (let i = 0; i < seeds.length; i++) {
      await breathe();
      const s = seeds[i];
      const base = i * rows * d;
      const g = new Float64Array(d);
      for (let j = 0; j < d; j++) g[j] = out[base + j] - (kind === 'map' ? s.x[j] : 0);
      const norm = maxAbs(g);
      s.iterations++;
      if (!Number.isFinite(norm) || (s.prev && norm >= s.prev.norm && norm > tol)) {
        // not better: back-track from the previous point with half the step
        if (retreat(s)) next.push(s);
        else if (s.prevJacobian && s.prevJacobian.residual <= looseTol) candidates.push(s.prevJacobian);
        continue;
      }
      const J = new Float64Array(d * d);
      for (let j = 0; j < d; j++)
        for (let m = 0; m < d; m++)
          J[m * d + j] = (out[base + (1 + 2 * j) * d + m] - out[base + (2 + 2 * j) * d + m]) / (2 * h[j]);
      if (norm <= tol) {
        candidates.push({ x: s.x, jacobian: J, residual: norm });
        continue;
      }
      s.prevJacobian = { x: s.x, jacobian: J, residual: norm };
      if (s.iterations >= maxIterations) {
        if (norm <= looseTol) candidates.push(s.prevJacobian);
        continue;
      }
      const Jg = Float64Array.from(J);
      if (kind === 'map') for (let j = 0; j < d; j++) Jg[j * d + j] -= 1;
      const delta = solveLinear(
        Jg,
        g.map((v) => -v),
        d,
      );
      if (!delta || !delta.every(Number.isFinite)) {
        if (norm <= looseTol) candidates.push(s.prevJacobian);
        continue;
      }
      // a trust region: no step longer than half the explored box in any dimension
      let cap = 1;
      for (let j = 0; j < d; j++) cap = Math.min(cap, (0.5 * extent[j]) / Math.max(Math.abs(delta[j]), 1e-300));
      for (let j = 0; j < d; j++) delta[j] *= cap;
      s.step = Math.min(1, s.step * 2);
      s.prev = { x: s.x, norm, delta };
      s.x = s.x.map((v, j) => v + s.step * delta[j]);
      next.push(s);
    }
  }

  /** Half the step from the previous point; false when the step is too small to go on. */
  function retreat(s: SeedState): boolean {
    if (!s.prev) return false;
    s.step /= 2;
    if (s.step < 1 / 64 || s.iterations >= maxIterations) return false;
    const { x, delta } = s.prev;
    s.x = x.map((v, j) => v + s.step * delta[j]);
    return true;
  }

  /** The orbit of each candidate, lower periods and duplicates dropped, eigenvalues and type. */
  async function orbits(candidates: readonly Candidate[], k: number): Promise<FoundPoint[]> {
    if (candidates.length === 0) return [];
    const n = candidates.length;
    const orbitsOf: Float64Array[][] = candidates.map((c) => [c.x]);
    if (k > 1) {
      let current = new Float64Array(n * d);
      candidates.forEach((c, i) => current.set(c.x, i * d));
      for (let step = 1; step < k; step++) {
        current = Float64Array.from(await call(current, n, 1));
        for (let i = 0; i < n; i++) orbitsOf[i].push(current.slice(i * d, (i + 1) * d));
      }
    }
    const dist = (a: ArrayLike<number>, b: ArrayLike<number>) => {
      let m = 0;
      for (let j = 0; j < d; j++) m = Math.max(m, Math.abs(a[j] - b[j]));
      return m;
    };
    const order = candidates.map((_, i) => i).sort((a, b) => candidates[a].residual - candidates[b].residual);
    const kept: (Omit<FoundPoint, 'eigenvalues' | 'classification'> & { readonly jacobian: Float64Array })[] = [];
    for (const i of order) {
      const orbit = orbitsOf[i];
      // minimal period: a point back at the start after j < k steps belongs to a shorter cycle
      let shorter = false;
      for (let j = 1; j < k; j++) if (k % j === 0 && dist(orbit[j], orbit[0]) < dedupTol) shorter = true;
      if (shorter) continue;
      const same = [...found, ...kept].some((p) => p.period === k && p.orbit.some((q) => dist(q, orbit[0]) < dedupTol));
      if (same) continue;
      kept.push({
        period: k,
        orbit: orbit.map((x) => Array.from(x)),
        residual: candidates[i].residual,
        jacobian: candidates[i].jacobian,
      });
    }
    const spectra = await (options.eigenvalues ?? spectraHere)(
      kept.map((p) => p.jacobian),
      d,
    );
    return kept.map(({ jacobian: _, ...p }, i) => ({
      ...p,
      eigenvalues: spectra[i],
      classification: classify(spectra[i], kind),
    }));
  }
}
