/**
 * The shapes every capability passes states around in: a discrete-time map and a trajectory of its states. The
 * webview's run buffer (`RunBuffer` in webview/model/plots.ts) is a different thing: float32 members streamed in.
 */

/** A discrete-time model in JS: the state's first `observed` components are what is compared with data. */
export interface DiscreteMap {
  readonly dim: number;
  readonly observed: number;
  step(state: Float64Array, out: Float64Array): void;
}

/** A trajectory stored row-major: `length` rows of `dim` numbers. */
export interface Trajectory {
  readonly data: Float64Array;
  readonly length: number;
  readonly dim: number;
}

/** Row `t` of a trajectory (a view). */
export const row = (tr: Trajectory, t: number): Float64Array => tr.data.subarray(t * tr.dim, (t + 1) * tr.dim);
