import type { Trajectory } from '../zoo/integrate';

/**
 * D_stsp: the Kullback–Leibler divergence KL(p_true ‖ p_model) between occupation measures binned on a grid
 * over the true trajectory's range (extended by 10% each side; points outside land in the edge bins), with
 * `bins` bins per dimension over the first min(d, 3) dimensions. Both histograms get the same small pseudo-count
 * per bin (`smoothing`, as a probability), so identical trajectories score exactly 0 and empty model bins stay
 * finite.
 */
export interface StateSpaceOptions {
  readonly bins?: number;
  readonly smoothing?: number;
}

export function stateSpaceDivergence(truth: Trajectory, model: Trajectory, options: StateSpaceOptions = {}): number {
  const bins = options.bins ?? 30;
  const eps = options.smoothing ?? 1e-7;
  const dims = Math.min(3, truth.dim, model.dim);
  if (truth.length === 0 || model.length === 0 || dims === 0) return Number.NaN;
  const lo = new Float64Array(dims).fill(Infinity);
  const hi = new Float64Array(dims).fill(-Infinity);
  for (let t = 0; t < truth.length; t++) {
    for (let j = 0; j < dims; j++) {
      const v = truth.data[t * truth.dim + j];
      if (v < lo[j]) lo[j] = v;
      if (v > hi[j]) hi[j] = v;
    }
  }
  const scale = new Float64Array(dims);
  for (let j = 0; j < dims; j++) {
    const margin = 0.1 * (hi[j] - lo[j] || 1);
    lo[j] -= margin;
    hi[j] += margin;
    scale[j] = bins / (hi[j] - lo[j]);
  }
  const cells = bins ** dims;
  const histogram = (tr: Trajectory): Float64Array => {
    const h = new Float64Array(cells);
    for (let t = 0; t < tr.length; t++) {
      let index = 0;
      for (let j = 0; j < dims; j++) {
        const v = tr.data[t * tr.dim + j];
        let b = Math.floor((v - lo[j]) * scale[j]);
        if (!(b >= 0)) b = 0; // also NaN
        if (b >= bins) b = bins - 1;
        index = index * bins + b;
      }
      h[index]++;
    }
    const norm = 1 / (tr.length * (1 + cells * eps));
    for (let i = 0; i < cells; i++) h[i] = (h[i] + eps * tr.length) * norm;
    return h;
  };
  const p = histogram(truth);
  const q = histogram(model);
  let kl = 0;
  for (let i = 0; i < cells; i++) kl += p[i] * Math.log(p[i] / q[i]);
  return Math.max(0, kl);
}
