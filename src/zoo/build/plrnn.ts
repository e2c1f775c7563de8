import { f32, moments } from './data';
import type { DiscreteMap, Trajectory } from '../../core/trajectory';
import type { GraphBuilder } from '../../core/onnxGraph';
import { Rng } from '../../core/rng';

/**
 * A clipped shallow PLRNN (Hess, Monfared, Brenner & Durstewitz 2023, "Generalized Teacher Forcing for Learning
 * Chaotic Dynamics"):
 *   z_{t+1} = a ⊙ z_t + W1 [relu(W2 z_t + h2) − relu(W2 z_t)] + h1,
 * latent dimension M equal to the observed dimension (identity observation model), hidden width L.
 * Trained with generalized teacher forcing: the state fed to each step is z̃_t = (1 − α) ẑ_t + α x_t, a mix of
 * the model's own prediction and the data, which keeps gradients bounded on chaotic data while the loss is the
 * one-step prediction error of the forced states. Gradients are written out by hand (backpropagation through the
 * forced sequence); Adam; a seeded generator for the initial weights and the batches.
 */
export interface PlrnnOptions {
  readonly hidden: number;
  readonly alpha: number;
  readonly sequenceLength: number;
  readonly batch: number;
  readonly iterations: number;
  readonly learningRate: number;
  readonly seed: number;
}

/** Parameters in the data's standardised coordinates. */
export interface PlrnnParams {
  readonly M: number;
  readonly L: number;
  readonly a: Float64Array;
  /** [M × L] */
  readonly W1: Float64Array;
  /** [L × M] */
  readonly W2: Float64Array;
  readonly h1: Float64Array;
  readonly h2: Float64Array;
}

/** The same model in the data's own units (standardisation folded in), as shipped in ONNX. */
export interface Plrnn {
  readonly M: number;
  readonly L: number;
  readonly a: Float64Array;
  /** [M × 2L]: W2' twice, acting on row vectors (x @ W2cat). */
  readonly W2cat: Float64Array;
  /** [2L]: biases of the two relu branches. */
  readonly bcat: Float64Array;
  /** [2L × M]: W1' then −W1'. */
  readonly W1cat: Float64Array;
  readonly h1: Float64Array;
}

const keys = ['a', 'W1', 'W2', 'h1', 'h2'] as const;

export function initPlrnn(M: number, L: number, rng: Rng): PlrnnParams {
  const a = new Float64Array(M).fill(0.95);
  const W1 = Float64Array.from({ length: M * L }, () => 0.05 * rng.normal());
  const W2 = Float64Array.from({ length: L * M }, () => rng.normal() / Math.sqrt(M));
  const h1 = new Float64Array(M);
  const h2 = Float64Array.from({ length: L }, () => rng.uniform(-1, 1));
  return { M, L, a, W1, W2, h1, h2 };
}

function zerosLike(p: PlrnnParams): PlrnnParams {
  return {
    M: p.M,
    L: p.L,
    a: new Float64Array(p.M),
    W1: new Float64Array(p.W1.length),
    W2: new Float64Array(p.W2.length),
    h1: new Float64Array(p.M),
    h2: new Float64Array(p.L),
  };
}

/**
 * Loss (mean squared one-step error of the forced sequence) and, added into `grad`, its gradient for one
 * sequence `x` [T+1 × M] (standardised). `scale` divides the loss (e.g. batch · T · M).
 */
export function sequenceLossAndGradient(
  p: PlrnnParams,
  x: Float64Array,
  T: number,
  alpha: number,
  scale: number,
  grad: PlrnnParams,
): number {
  const { M, L, a, W1, W2, h1, h2 } = p;
  const zt = new Float64Array((T + 1) * M);
  const pre = new Float64Array(T * L);
  const phi = new Float64Array(T * L);
  const err = new Float64Array(T * M);
  zt.set(x.subarray(0, M), 0);
  let loss = 0;
  for (let t = 0; t < T; t++) {
    const z = zt.subarray(t * M, (t + 1) * M);
    for (let l = 0; l < L; l++) {
      let v = 0;
      for (let m = 0; m < M; m++) v += W2[l * M + m] * z[m];
      pre[t * L + l] = v;
      phi[t * L + l] = Math.max(0, v + h2[l]) - Math.max(0, v);
    }
    for (let m = 0; m < M; m++) {
      let s = a[m] * z[m] + h1[m];
      for (let l = 0; l < L; l++) s += W1[m * L + l] * phi[t * L + l];
      const target = x[(t + 1) * M + m];
      const e = s - target;
      err[t * M + m] = e;
      loss += e * e;
      zt[(t + 1) * M + m] = (1 - alpha) * s + alpha * target;
    }
  }
  const gNext = new Float64Array(M); // dL/dz̃_{t+1}
  const gHat = new Float64Array(M);
  const gPhi = new Float64Array(L);
  for (let t = T - 1; t >= 0; t--) {
    const z = zt.subarray(t * M, (t + 1) * M);
    for (let m = 0; m < M; m++) {
      gHat[m] = (2 * err[t * M + m]) / scale + (1 - alpha) * gNext[m];
      grad.a[m] += gHat[m] * z[m];
      grad.h1[m] += gHat[m];
    }
    for (let l = 0; l < L; l++) {
      let g = 0;
      const f = phi[t * L + l];
      for (let m = 0; m < M; m++) {
        g += W1[m * L + l] * gHat[m];
        grad.W1[m * L + l] += gHat[m] * f;
      }
      gPhi[l] = g;
    }
    for (let m = 0; m < M; m++) gNext[m] = a[m] * gHat[m];
    for (let l = 0; l < L; l++) {
      const v = pre[t * L + l];
      const gu = v + h2[l] > 0 ? gPhi[l] : 0;
      const gPre = gu - (v > 0 ? gPhi[l] : 0);
      grad.h2[l] += gu;
      if (gPre === 0) continue;
      for (let m = 0; m < M; m++) {
        grad.W2[l * M + m] += gPre * z[m];
        gNext[m] += W2[l * M + m] * gPre;
      }
    }
  }
  return loss / scale;
}

export function trainPlrnn(
  tr: Trajectory,
  options: PlrnnOptions,
): { params: PlrnnParams; plrnn: Plrnn; losses: number[] } {
  const M = tr.dim;
  const { mean, std } = moments(tr);
  const data = new Float64Array(tr.data.length);
  for (let t = 0; t < tr.length; t++)
    for (let m = 0; m < M; m++) data[t * M + m] = (tr.data[t * M + m] - mean[m]) / std[m];
  const rng = new Rng(options.seed);
  const params = initPlrnn(M, options.hidden, rng);
  const m1 = zerosLike(params);
  const m2 = zerosLike(params);
  const T = options.sequenceLength;
  const [b1, b2, eps] = [0.9, 0.999, 1e-8];
  const losses: number[] = [];
  for (let it = 1; it <= options.iterations; it++) {
    const grad = zerosLike(params);
    let loss = 0;
    for (let b = 0; b < options.batch; b++) {
      const start = rng.int(tr.length - T - 1);
      loss += sequenceLossAndGradient(
        params,
        data.subarray(start * M, (start + T + 1) * M),
        T,
        options.alpha,
        options.batch * T * M,
        grad,
      );
    }
    losses.push(loss);
    // cosine decay to a tenth of the learning rate
    const lr = options.learningRate * (0.1 + 0.45 * (1 + Math.cos((Math.PI * it) / options.iterations)));
    for (const k of keys) {
      const p = params[k];
      const g = grad[k];
      for (let i = 0; i < p.length; i++) {
        m1[k][i] = b1 * m1[k][i] + (1 - b1) * g[i];
        m2[k][i] = b2 * m2[k][i] + (1 - b2) * g[i] * g[i];
        p[i] -= (lr * (m1[k][i] / (1 - b1 ** it))) / (Math.sqrt(m2[k][i] / (1 - b2 ** it)) + eps);
      }
    }
    // |a| < 1 keeps the clipped shPLRNN bounded (Hess et al. 2023)
    for (let m = 0; m < M; m++) params.a[m] = Math.max(-0.999, Math.min(0.999, params.a[m]));
  }
  return { params, plrnn: foldScaling(params, mean, std), losses };
}

/** Moves the standardisation into the weights, so the model maps raw states to raw states. */
export function foldScaling(p: PlrnnParams, mean: Float64Array, std: Float64Array): Plrnn {
  const { M, L } = p;
  const W2cat = new Float64Array(M * 2 * L);
  const bcat = new Float64Array(2 * L);
  const W1cat = new Float64Array(2 * L * M);
  const h1 = new Float64Array(M);
  for (let l = 0; l < L; l++) {
    let c = 0;
    for (let m = 0; m < M; m++) {
      const w = p.W2[l * M + m] / std[m];
      W2cat[m * 2 * L + l] = w;
      W2cat[m * 2 * L + L + l] = w;
      c -= w * mean[m];
    }
    bcat[l] = c + p.h2[l];
    bcat[L + l] = c;
    for (let m = 0; m < M; m++) {
      W1cat[l * M + m] = std[m] * p.W1[m * L + l];
      W1cat[(L + l) * M + m] = -std[m] * p.W1[m * L + l];
    }
  }
  for (let m = 0; m < M; m++) h1[m] = mean[m] - p.a[m] * mean[m] + std[m] * p.h1[m];
  return { M, L, a: f32(p.a), W2cat: f32(W2cat), bcat: f32(bcat), W1cat: f32(W1cat), h1: f32(h1) };
}

export function plrnnJs(p: Plrnn): DiscreteMap {
  const { M, L } = p;
  const hidden = new Float64Array(2 * L);
  return {
    dim: M,
    observed: M,
    step(x, out) {
      for (let l = 0; l < 2 * L; l++) {
        let s = p.bcat[l];
        for (let m = 0; m < M; m++) s += x[m] * p.W2cat[m * 2 * L + l];
        hidden[l] = s > 0 ? s : 0;
      }
      for (let m = 0; m < M; m++) {
        let s = p.a[m] * x[m] + p.h1[m];
        for (let l = 0; l < 2 * L; l++) s += hidden[l] * p.W1cat[l * M + m];
        out[m] = s;
      }
    },
  };
}

/** ONNX: x [B, M] → x_next [B, M] in 7 nodes. */
export function plrnnOnnx(g: GraphBuilder, state: string, p: Plrnn): string {
  const { M, L } = p;
  const hidden = g.op('Relu', [
    g.op('Add', [g.op('MatMul', [state, g.weight('W2cat', p.W2cat, [M, 2 * L])]), g.weight('bcat', p.bcat, [2 * L])]),
  ]);
  const coupled = g.op('MatMul', [hidden, g.weight('W1cat', p.W1cat, [2 * L, M])]);
  const linear = g.op('Mul', [state, g.weight('a', p.a, [M])]);
  return g.op('Add', [g.op('Add', [linear, coupled]), g.weight('h1', p.h1, [M])]);
}
