import { f32 } from './data';
import type { DiscreteMap } from '../../core/trajectory';
import { leastSquares } from './linalg';
import { evalMonomials, monomialLibrary, type Monomial, type PolynomialField } from '../../systems/polynomial';

/**
 * Extended dynamic mode decomposition (Williams, Kevrekidis & Rowley 2015): a finite-dimensional approximation
 * K of the Koopman operator on a dictionary of observables ψ (here monomials up to `degree`), fitted by least
 * squares so that ψ(x_{t+1}) ≈ ψ(x_t) K. Predictions project back with the state observables: x_{t+1} =
 * ψ(x_t) K C, where C picks the columns of ψ that are x and y themselves (re-lifting at each step).
 */
export interface Edmd {
  readonly dim: number;
  readonly dictionary: readonly Monomial[];
  /** [F × F]: the Koopman matrix on the dictionary. */
  readonly K: Float64Array;
  /** The one-step predictor ψ(x) K C as a polynomial map: out = Σ_k coef[k] ψ_k(x). */
  readonly predictor: PolynomialField;
}

export function fitEdmd(pairs: { x: Float64Array; y: Float64Array; n: number; dim: number }, degree: number): Edmd {
  const { x, y, n, dim: d } = pairs;
  const dictionary = monomialLibrary(d, degree);
  const F = dictionary.length;
  const PX = new Float64Array(n * F);
  const PY = new Float64Array(n * F);
  const row = new Float64Array(F);
  for (let t = 0; t < n; t++) {
    evalMonomials(dictionary, x.subarray(t * d, (t + 1) * d), row);
    PX.set(row, t * F);
    evalMonomials(dictionary, y.subarray(t * d, (t + 1) * d), row);
    PY.set(row, t * F);
  }
  const K = leastSquares(PX, PY, n, F, F);
  const stateColumns = Array.from({ length: d }, (_, j) =>
    dictionary.findIndex((m) => m.every((e, i) => e === (i === j ? 1 : 0))),
  );
  const coefficients = new Float64Array(F * d);
  for (let k = 0; k < F; k++) for (let j = 0; j < d; j++) coefficients[k * d + j] = K[k * F + stateColumns[j]];
  return { dim: d, dictionary, K, predictor: { dim: d, terms: dictionary, coefficients: f32(coefficients) } };
}

export function edmdJs(edmd: Edmd): DiscreteMap {
  const { dim: d, predictor } = edmd;
  const feats = new Float64Array(predictor.terms.length);
  return {
    dim: d,
    observed: d,
    step(x, out) {
      evalMonomials(predictor.terms, x, feats);
      for (let j = 0; j < d; j++) {
        let s = 0;
        for (let k = 0; k < feats.length; k++) s += feats[k] * predictor.coefficients[k * d + j];
        out[j] = s;
      }
    },
  };
}
