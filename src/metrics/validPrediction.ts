import type { Trajectory } from '../zoo/integrate';

/**
 * Valid prediction time: how long a forecast started from the true initial condition stays within a
 * normalised error of the truth. The error at step t is sqrt(mean_j ((x̂_j − x_j) / σ_j)²), σ_j the standard
 * deviation of the true component j; the forecast is valid up to the last step before it first exceeds
 * `threshold` (default 0.4). Reported in steps, in time units (steps·dt) and in Lyapunov times (time·λmax).
 */
export const DEFAULT_VPT_THRESHOLD = 0.4;

export interface ValidPrediction {
  readonly steps: number;
  readonly time: number;
  /** undefined when λmax ≤ 0 (a limit cycle or fixed point has no Lyapunov time). */
  readonly lyapunovTimes: number | undefined;
  readonly threshold: number;
}

export interface ValidPredictionOptions {
  readonly dt: number;
  readonly lyapunovMax: number;
  readonly threshold?: number;
  /** σ_j; default from the truth itself. Pass the attractor's σ when the truth window is short. */
  readonly scale?: ArrayLike<number>;
}

export function componentStd(tr: Trajectory): Float64Array {
  const d = tr.dim;
  const mean = new Float64Array(d);
  const sq = new Float64Array(d);
  for (let t = 0; t < tr.length; t++) {
    for (let j = 0; j < d; j++) {
      const v = tr.data[t * d + j];
      mean[j] += v;
      sq[j] += v * v;
    }
  }
  const out = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    const m = mean[j] / tr.length;
    out[j] = Math.sqrt(Math.max(0, sq[j] / tr.length - m * m)) || 1;
  }
  return out;
}

export function validPredictionTime(
  truth: Trajectory,
  forecast: Trajectory,
  options: ValidPredictionOptions,
): ValidPrediction {
  const threshold = options.threshold ?? DEFAULT_VPT_THRESHOLD;
  const d = Math.min(truth.dim, forecast.dim);
  const sigma = options.scale ?? componentStd(truth);
  const n = Math.min(truth.length, forecast.length);
  let steps = n;
  for (let t = 0; t < n; t++) {
    let e = 0;
    for (let j = 0; j < d; j++) {
      const diff = (forecast.data[t * forecast.dim + j] - truth.data[t * truth.dim + j]) / sigma[j];
      e += diff * diff;
    }
    if (!(Math.sqrt(e / d) <= threshold)) {
      steps = t;
      break;
    }
  }
  const time = steps * options.dt;
  return { steps, time, lyapunovTimes: options.lyapunovMax > 0 ? time * options.lyapunovMax : undefined, threshold };
}
