import { f32 } from './data';
import type { DiscreteMap, Trajectory } from '../../core/trajectory';
import { leastSquares } from './linalg';
import type { GraphBuilder } from '../../core/onnxGraph';

/**
 * The baseline every reconstruction should beat: an affine one-step map x_{t+1} = x_t A + b fitted by least
 * squares (DMD with an offset). A linear map cannot hold a strange attractor: it decays to a fixed point
 * or grows without bound.
 */
export interface AffineMap {
  readonly dim: number;
  /** [d × d], row-major, acting on row vectors: x_{t+1} = x_t A + b. */
  readonly A: Float64Array;
  readonly b: Float64Array;
}

export function fitAffineMap(tr: Trajectory): AffineMap {
  const d = tr.dim;
  const n = tr.length - 1;
  const X = new Float64Array(n * (d + 1));
  const Y = new Float64Array(n * d);
  for (let t = 0; t < n; t++) {
    for (let j = 0; j < d; j++) {
      X[t * (d + 1) + j] = tr.data[t * d + j];
      Y[t * d + j] = tr.data[(t + 1) * d + j];
    }
    X[t * (d + 1) + d] = 1;
  }
  const W = leastSquares(X, Y, n, d + 1, d);
  return { dim: d, A: f32(W.subarray(0, d * d)), b: f32(W.subarray(d * d)) };
}

export function affineJs(m: AffineMap): DiscreteMap {
  const d = m.dim;
  return {
    dim: d,
    observed: d,
    step(x, out) {
      for (let j = 0; j < d; j++) {
        let s = m.b[j];
        for (let i = 0; i < d; i++) s += x[i] * m.A[i * d + j];
        out[j] = s;
      }
    },
  };
}

export function affineOnnx(g: GraphBuilder, state: string, m: AffineMap): string {
  return g.op('Add', [g.op('MatMul', [state, g.weight('A', m.A, [m.dim, m.dim])]), g.weight('b', m.b, [m.dim])]);
}
