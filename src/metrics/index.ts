import type { Trajectory } from '../zoo/integrate';
import { stateSpaceDivergence, type StateSpaceOptions } from './stateSpace';
import { spectralDistance, type SpectrumOptions } from './spectrum';
import { validPredictionTime, type ValidPrediction } from './validPrediction';

export { largestLyapunov, type LyapunovOptions } from './lyapunov';
export { spectralDistance } from './spectrum';
export { stateSpaceDivergence } from './stateSpace';
export { componentStd, DEFAULT_VPT_THRESHOLD, validPredictionTime, type ValidPrediction } from './validPrediction';

/** The reconstruction measures of a model against its reference system, as shown in the preview's table. */
export interface ReconstructionScores {
  readonly validPrediction: ValidPrediction;
  readonly stateSpaceDivergence: number;
  readonly spectralDistance: number;
}

export interface CompareOptions extends StateSpaceOptions, SpectrumOptions {
  readonly dt: number;
  readonly lyapunovMax: number;
  readonly threshold?: number;
  readonly scale?: ArrayLike<number>;
}

/**
 * Scores a model trajectory against the truth from the same initial condition: the valid prediction time from
 * the start, D_stsp and D_H over the whole common length (drop transients before calling).
 */
export function compareTrajectories(
  truth: Trajectory,
  model: Trajectory,
  options: CompareOptions,
): ReconstructionScores {
  return {
    validPrediction: validPredictionTime(truth, model, options),
    stateSpaceDivergence: stateSpaceDivergence(truth, model, options),
    spectralDistance: spectralDistance(truth, model, options),
  };
}
