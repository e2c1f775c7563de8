import type { Trajectory } from '../core/trajectory';
import { stateSpace, type StateSpaceOptions, type StateSpaceResult } from './stateSpace';
import { spectrum, type SpectrumOptions, type SpectrumResult } from './spectrum';
import { validPredictionTime, type ValidPrediction } from './validPrediction';

export { largestLyapunov, type LyapunovOptions } from './lyapunov';
export { describeSpectrum, spectralDistance, spectrum, type SpectrumResult } from './spectrum';
export { describeStateSpace, stateSpace, stateSpaceDivergence, type StateSpaceResult } from './stateSpace';
export {
  componentStd,
  DEFAULT_VPT_THRESHOLD,
  validPredictionTime,
  VPT_CITATION,
  type ValidPrediction,
} from './validPrediction';

/** The reconstruction measures of a model against its reference, as shown in the preview's table. */
export interface ReconstructionScores {
  readonly validPrediction: ValidPrediction;
  readonly stateSpaceDivergence: number;
  readonly spectralDistance: number;
  readonly stateSpace: StateSpaceResult;
  readonly spectrum: SpectrumResult;
}

export interface CompareOptions extends StateSpaceOptions, SpectrumOptions {
  readonly dt: number;
  readonly lyapunovMax: number;
  readonly threshold?: number;
  /** σ_j of the reference attractor (from a long run) for the valid prediction time. */
  readonly scale: ArrayLike<number>;
}

/**
 * Scores a model trajectory against the truth; row 0 of both is the shared initial state. VPT from row 0,
 * D_stsp and D_H over the whole common length (drop transients before calling).
 */
export function compareTrajectories(
  truth: Trajectory,
  model: Trajectory,
  options: CompareOptions,
): ReconstructionScores {
  const stsp = stateSpace(truth, model, options);
  const ps = spectrum(truth, model, options);
  return {
    validPrediction: validPredictionTime(truth, model, options),
    stateSpaceDivergence: stsp.value,
    spectralDistance: ps.value,
    stateSpace: stsp,
    spectrum: ps,
  };
}
