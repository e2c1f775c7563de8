import { advance, iterate } from '../../core/integrate';
import { polynomialRk4 } from '../../systems/polynomial';
import type { Trajectory } from '../../core/trajectory';
import type { ReferenceSystem } from '../../systems/systems';

/**
 * Training data for the learned zoo models: the reference system integrated with RK4 at its sampling step,
 * started from dysts' initial condition after a transient. Noise-free and deterministic.
 */
export function systemData(
  system: ReferenceSystem,
  steps: number,
  transient = 1000,
): { start: Float64Array; trajectory: Trajectory } {
  const map = polynomialRk4(system.field, system.dt);
  const start = advance(map, system.initialState, transient);
  return { start, trajectory: iterate(map, start, steps) };
}

/** Rounds to float32, as stored in the ONNX files, so JS references compute with the shipped numbers. */
export const f32 = (values: ArrayLike<number>): Float64Array =>
  Float64Array.from(Float32Array.from(values as ArrayLike<number>));

/** Per-component mean and standard deviation of a trajectory. */
export function moments(tr: Trajectory): { mean: Float64Array; std: Float64Array } {
  const d = tr.dim;
  const mean = new Float64Array(d);
  const std = new Float64Array(d);
  for (let t = 0; t < tr.length; t++) for (let j = 0; j < d; j++) mean[j] += tr.data[t * d + j];
  for (let j = 0; j < d; j++) mean[j] /= tr.length;
  for (let t = 0; t < tr.length; t++) for (let j = 0; j < d; j++) std[j] += (tr.data[t * d + j] - mean[j]) ** 2;
  for (let j = 0; j < d; j++) std[j] = Math.sqrt(std[j] / tr.length) || 1;
  return { mean, std };
}
