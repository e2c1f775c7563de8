import { f32 } from './data';
import type { Trajectory } from '../../core/trajectory';
import { leastSquares } from './linalg';
import { evalMonomials, monomialLibrary, type PolynomialField } from '../../systems/polynomial';

/**
 * SINDy (Brunton, Proctor & Kutz 2016): dx/dt ≈ Θ(x) Ξ with Θ a polynomial library, Ξ found by sequentially
 * thresholded least squares (STLSQ): fit, zero the coefficients below the threshold, refit each equation on
 * the terms left, repeat. Derivatives come from the sampled trajectory by fourth-order central differences.
 */
export interface SindyOptions {
  readonly degree: number;
  readonly threshold: number;
  readonly iterations: number;
}

/** dx/dt at rows 2..n-3 of a trajectory sampled every dt (fourth-order central differences). */
export function centralDerivatives(tr: Trajectory, dt: number): { states: Trajectory; derivatives: Float64Array } {
  const d = tr.dim;
  const n = tr.length - 4;
  const states = new Float64Array(n * d);
  const derivatives = new Float64Array(n * d);
  const at = (t: number, j: number) => tr.data[t * d + j];
  for (let t = 2; t < tr.length - 2; t++) {
    for (let j = 0; j < d; j++) {
      states[(t - 2) * d + j] = at(t, j);
      derivatives[(t - 2) * d + j] = (at(t - 2, j) - 8 * at(t - 1, j) + 8 * at(t + 1, j) - at(t + 2, j)) / (12 * dt);
    }
  }
  return { states: { data: states, length: n, dim: d }, derivatives };
}

export interface SindyFit {
  readonly field: PolynomialField;
  /** How many STLSQ rounds changed the support before it settled. */
  readonly rounds: number;
}

export function stlsq(states: Trajectory, derivatives: Float64Array, options: SindyOptions): SindyFit {
  const d = states.dim;
  const n = states.length;
  const terms = monomialLibrary(d, options.degree);
  const p = terms.length;
  const theta = new Float64Array(n * p);
  const row = new Float64Array(p);
  for (let t = 0; t < n; t++) {
    evalMonomials(terms, states.data.subarray(t * d, (t + 1) * d), row);
    theta.set(row, t * p);
  }
  // columns scaled to unit norm for conditioning; coefficients are thresholded in the original units
  const norms = new Float64Array(p);
  for (let t = 0; t < n; t++) for (let k = 0; k < p; k++) norms[k] += theta[t * p + k] ** 2;
  for (let k = 0; k < p; k++) norms[k] = Math.sqrt(norms[k]) || 1;

  const xi = new Float64Array(p * d);
  let rounds = 0;
  for (let j = 0; j < d; j++) {
    let active = Array.from({ length: p }, (_, k) => k);
    for (let it = 0; it < options.iterations; it++) {
      const A = new Float64Array(n * active.length);
      const b = new Float64Array(n);
      for (let t = 0; t < n; t++) {
        active.forEach((k, c) => (A[t * active.length + c] = theta[t * p + k] / norms[k]));
        b[t] = derivatives[t * d + j];
      }
      const sol = leastSquares(A, b, n, active.length, 1);
      for (let k = 0; k < p; k++) xi[k * d + j] = 0;
      active.forEach((k, c) => (xi[k * d + j] = sol[c] / norms[k]));
      const kept = active.filter((k) => Math.abs(xi[k * d + j]) >= options.threshold);
      if (kept.length === active.length) break;
      rounds++;
      for (const k of active) if (!kept.includes(k)) xi[k * d + j] = 0;
      active = kept;
      if (active.length === 0) break;
    }
  }
  return { field: { dim: d, terms, coefficients: f32(xi) }, rounds };
}
