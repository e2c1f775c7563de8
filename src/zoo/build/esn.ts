import { f32, moments } from './data';
import type { DiscreteMap, Trajectory } from '../../core/trajectory';
import { gram, ridgeFromGram, spectralRadius } from './linalg';
import type { GraphBuilder } from '../../core/onnxGraph';
import { Rng } from '../../core/rng';

/**
 * An echo state network (Jaeger 2001; for chaotic forecasting Pathak et al. 2018): a fixed sparse random
 * reservoir r_{t+1} = tanh(A r_t + W_in x_t + b), and a linear readout x_{t+1} = W_out [r, r∘r, 1] fitted by ridge
 * regression on a teacher-forced run. The squared features break Lorenz's x,y → −x,−y symmetry (Pathak's trick).
 * As a map its state is [x, r]: the observation first, then the reservoir; a free run feeds x back.
 */
export interface EsnOptions {
  readonly reservoir: number;
  readonly nonzerosPerRow: number;
  readonly spectralRadius: number;
  readonly inputScale: number;
  readonly washout: number;
  /** Ridge λ relative to the mean diagonal of FᵀF. */
  readonly ridge: number;
  readonly seed: number;
}

export interface Esn {
  readonly inputDim: number;
  readonly reservoir: number;
  /** [d + H, H]: rows 0..d-1 the input weights (folded with the data scaling), then Aᵀ. */
  readonly M: Float64Array;
  readonly bias: Float64Array;
  /** [2H + 1, d]: rows for r, r∘r, and the constant. */
  readonly readout: Float64Array;
  readonly options: EsnOptions;
}

/** Trains on `tr` (washout included) and returns the ESN plus its state [x_T, r_T] at the end of the data. */
export function trainEsn(tr: Trajectory, options: EsnOptions): { esn: Esn; finalState: Float64Array } {
  const d = tr.dim;
  const H = options.reservoir;
  const rng = new Rng(options.seed);
  const A = new Float64Array(H * H);
  for (let i = 0; i < H; i++) {
    for (let k = 0; k < options.nonzerosPerRow; k++) A[i * H + rng.int(H)] = rng.uniform(-1, 1);
  }
  const rho = spectralRadius(A, H, 300);
  for (let i = 0; i < A.length; i++) A[i] *= options.spectralRadius / rho;
  // the reservoir sees standardised inputs; fold the scaling into W_in and b
  const { mean, std } = moments(tr);
  const M = new Float64Array((d + H) * H);
  const bias = new Float64Array(H);
  for (let j = 0; j < H; j++) {
    for (let i = 0; i < d; i++) {
      const w = rng.uniform(-options.inputScale, options.inputScale) / std[i];
      M[i * H + j] = w;
      bias[j] -= w * mean[i];
    }
    for (let i = 0; i < H; i++) M[(d + i) * H + j] = A[j * H + i];
  }
  const esnNoReadout = {
    inputDim: d,
    reservoir: H,
    M: f32(M),
    bias: f32(bias),
    readout: new Float64Array((2 * H + 1) * d),
    options,
  };

  const p = 2 * H + 1;
  const rows = tr.length - 1 - options.washout;
  const F = new Float64Array(rows * p);
  const Y = new Float64Array(rows * d);
  const reservoirStep = reservoirUpdate(esnNoReadout);
  let r: Float64Array = new Float64Array(H);
  for (let t = 0; t < tr.length - 1; t++) {
    r = reservoirStep(tr.data.subarray(t * d, (t + 1) * d), r);
    const k = t - options.washout;
    if (k < 0) continue;
    for (let j = 0; j < H; j++) {
      F[k * p + j] = r[j];
      F[k * p + H + j] = r[j] * r[j];
    }
    F[k * p + 2 * H] = 1;
    for (let j = 0; j < d; j++) Y[k * d + j] = tr.data[(t + 1) * d + j];
  }
  const { FtF, FtY } = gram(F, Y, rows, p, d);
  let meanDiag = 0;
  for (let i = 0; i < p; i++) meanDiag += FtF[i * p + i] / p;
  const readout = f32(ridgeFromGram(FtF, FtY, p, d, options.ridge * meanDiag));
  const esn: Esn = { ...esnNoReadout, readout };
  const finalState = new Float64Array(d + H);
  finalState.set(tr.data.subarray((tr.length - 1) * d, tr.length * d));
  finalState.set(r, d);
  return { esn, finalState };
}

/** r_{t+1} from (x_t, r_t), sparse over the stored nonzeros. */
function reservoirUpdate(
  esn: Pick<Esn, 'inputDim' | 'reservoir' | 'M' | 'bias'>,
): (x: ArrayLike<number>, r: ArrayLike<number>) => Float64Array {
  const { inputDim: d, reservoir: H, M, bias } = esn;
  const cols: { idx: Int32Array; val: Float64Array }[] = [];
  for (let j = 0; j < H; j++) {
    const idx: number[] = [];
    const val: number[] = [];
    for (let i = 0; i < d + H; i++) {
      const v = M[i * H + j];
      if (v !== 0) {
        idx.push(i);
        val.push(v);
      }
    }
    cols.push({ idx: Int32Array.from(idx), val: Float64Array.from(val) });
  }
  const s = new Float64Array(d + H);
  return (x, r) => {
    for (let i = 0; i < d; i++) s[i] = x[i];
    for (let i = 0; i < H; i++) s[d + i] = r[i];
    const out = new Float64Array(H);
    for (let j = 0; j < H; j++) {
      const { idx, val } = cols[j];
      let a = bias[j];
      for (let k = 0; k < idx.length; k++) a += s[idx[k]] * val[k];
      out[j] = Math.tanh(a);
    }
    return out;
  };
}

export function esnJs(esn: Esn): DiscreteMap {
  const { inputDim: d, reservoir: H, readout: W } = esn;
  const update = reservoirUpdate(esn);
  return {
    dim: d + H,
    observed: d,
    step(state, out) {
      const r = update(state.subarray(0, d), state.subarray(d));
      for (let j = 0; j < d; j++) {
        let y = W[2 * H * d + j];
        for (let i = 0; i < H; i++) y += r[i] * W[i * d + j] + r[i] * r[i] * W[(H + i) * d + j];
        out[j] = y;
      }
      out.set(r, d);
    },
  };
}

/** ONNX: state [B, d+H] → next state [B, d+H] and the observation [B, d]; 8 nodes. */
export function esnOnnx(g: GraphBuilder, state: string, esn: Esn): { next: string; observation: string } {
  const { inputDim: d, reservoir: H } = esn;
  const pre = g.op('Add', [g.op('MatMul', [state, g.weight('M', esn.M, [d + H, H])]), g.weight('bias', esn.bias, [H])]);
  const r = g.op('Tanh', [pre]);
  const features = g.op('Concat', [r, g.op('Mul', [r, r])], { axis: 1 });
  const readout = esn.readout;
  const y = g.op('Add', [
    g.op('MatMul', [features, g.weight('W_out', readout.subarray(0, 2 * H * d), [2 * H, d])]),
    g.weight('c_out', readout.subarray(2 * H * d), [d]),
  ]);
  return { next: g.op('Concat', [y, r], { axis: 1 }), observation: y };
}
