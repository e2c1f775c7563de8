import type { Trajectory } from '../core/trajectory';

/**
 * Valid prediction time as defined by Vlachas et al. 2020 ("Backpropagation algorithms and Reservoir Computing in
 * Recurrent Neural Networks for the forecasting of complex spatiotemporal dynamics", Neural Networks 126:191–217,
 * arXiv:1910.05266): with NRMSE(t) = sqrt(⟨(ŷ_j(t) − y_j(t))² / σ_j²⟩_j), σ_j the standard deviation of component
 * j **of the attractor** (a long run of the reference, not the evaluated window), VPT = (1/Λ₁)·max{t_f : NRMSE(t)
 * < ε for all t ≤ t_f}, ε = 0.5. Row 0 of both trajectories is the shared initial state (t = 0); as in the authors'
 * code (pvlachas/RNN-RC-Chaos, `computeErrors` and `getNumberOfAccuratePredictions`), the predictions are the rows
 * after it, σ_j is NumPy's `np.std` (population) of the training data and a NaN prediction counts as infinitely
 * wrong. The result is the number of leading predicted rows with NRMSE < ε, in steps, time units and Lyapunov
 * times (t·λmax).
 */
export const DEFAULT_VPT_THRESHOLD = 0.5;
export const VPT_CITATION =
  'Vlachas et al. 2020, Neural Networks 126:191–217 (arXiv:1910.05266): NRMSE with σ of the attractor, ε = 0.5';

export interface ValidPrediction {
  /** Steps after the shared initial state that are all within the threshold. */
  readonly steps: number;
  readonly time: number;
  /** undefined when λmax ≤ 0 (a limit cycle or fixed point has no Lyapunov time). */
  readonly lyapunovTimes: number | undefined;
  readonly threshold: number;
  /** True when the error stayed below the threshold over the whole window. */
  readonly neverExceeded: boolean;
}

export interface ValidPredictionOptions {
  readonly dt: number;
  readonly lyapunovMax: number;
  readonly threshold?: number;
  /** σ_j of the attractor, from a long run of the reference. */
  readonly scale: ArrayLike<number>;
}

/** Per component, the sum of squared deviations from the component's mean (two passes, for accuracy). */
export function squaredDeviations(tr: Trajectory): Float64Array {
  const d = tr.dim;
  const mean = new Float64Array(d);
  for (let t = 0; t < tr.length; t++) for (let j = 0; j < d; j++) mean[j] += tr.data[t * d + j];
  for (let j = 0; j < d; j++) mean[j] /= tr.length;
  const v = new Float64Array(d);
  for (let t = 0; t < tr.length; t++)
    for (let j = 0; j < d; j++) {
      const c = tr.data[t * d + j] - mean[j];
      v[j] += c * c;
    }
  return v;
}

/** Per-component (population) standard deviation of a trajectory: σ of the attractor from a long run. */
export function componentStd(tr: Trajectory): Float64Array {
  // A constant component gets 1, so dividing by it leaves the error as it is.
  return squaredDeviations(tr).map((s) => Math.sqrt(s / tr.length) || 1);
}

export function validPredictionTime(
  truth: Trajectory,
  forecast: Trajectory,
  options: ValidPredictionOptions,
): ValidPrediction {
  const threshold = options.threshold ?? DEFAULT_VPT_THRESHOLD;
  const d = Math.min(truth.dim, forecast.dim);
  const sigma = options.scale;
  const n = Math.min(truth.length, forecast.length);
  // row 0, the shared initial state, is not a prediction
  let firstBad = n;
  for (let t = 1; t < n; t++) {
    let e = 0;
    for (let j = 0; j < d; j++) {
      const diff = (forecast.data[t * forecast.dim + j] - truth.data[t * truth.dim + j]) / sigma[j];
      e += diff * diff;
    }
    if (!(Math.sqrt(e / d) < threshold)) {
      firstBad = t;
      break;
    }
  }
  const steps = Math.max(0, firstBad - 1);
  const time = steps * options.dt;
  return {
    steps,
    time,
    lyapunovTimes: options.lyapunovMax > 0 ? time * options.lyapunovMax : undefined,
    threshold,
    neverExceeded: firstBad === n,
  };
}
