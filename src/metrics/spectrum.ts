import type { Trajectory } from '../core/trajectory';
import { pairRfftPower, rfftPower } from '../core/fft';

/**
 * D_H, the power-spectrum error of Hess et al. 2023 (GTF-shPLRNN, `src/measures/pse.jl`): per observed dimension,
 * z-score the series, take |rfft|² of it as it is (⌊T/2⌋+1 bins, no padding), smooth with a Gaussian kernel of
 * σ = 20 bins and radius 4σ (kernel length 8σ+1, normalised) with reflect padding (ImageFiltering's "reflect":
 * mirrored about the edge bin, which is not repeated), clip negatives, normalise to sum 1, and take the Hellinger
 * distance (1/√2)‖√p − √q‖₂; D_H is the mean over dimensions. Both series are cut to their common length (GTF
 * requires equal sizes). 0 for identical spectra, 1 for disjoint support.
 */
export const DEFAULT_PSE_SMOOTHING = 20;

export interface SpectrumOptions {
  /** σ of the Gaussian in frequency bins (GTF `PSE_smoothing`); 0 = no smoothing. */
  readonly smoothing?: number;
}

export interface SpectrumResult {
  readonly value: number;
  readonly perDim: readonly number[];
  readonly length: number;
  readonly settings: string;
  readonly reason?: string;
}

export function describeSpectrum(options: SpectrumOptions = {}): string {
  const s = options.smoothing ?? DEFAULT_PSE_SMOOTHING;
  return `z-scored, squared rfft magnitudes of the unpadded series, Gaussian σ = ${s} bins (radius ${4 * s}, reflect), Hellinger, mean over dims`;
}

/** z-scored copy of component j of the first n rows; undefined for a constant (or non-finite) series. */
function zScored(tr: Trajectory, j: number, n: number): Float64Array | undefined {
  const out = new Float64Array(n);
  let mean = 0;
  for (let t = 0; t < n; t++) mean += tr.data[t * tr.dim + j];
  mean /= n;
  let v = 0;
  for (let t = 0; t < n; t++) {
    const c = tr.data[t * tr.dim + j] - mean;
    out[t] = c;
    v += c * c;
  }
  const sd = Math.sqrt(v / (n - 1));
  if (!(sd > 0) || !Number.isFinite(sd)) return undefined;
  for (let t = 0; t < n; t++) out[t] /= sd;
  return out;
}

/** Normalised Gaussian weights for offsets −r..r, r = (l − 1)/2 with l = 8σ made odd (as GTF's `smooth_dims!`). */
export function gaussianKernel(sigma: number): Float64Array {
  let l = Math.round(8 * sigma);
  if (l % 2 === 0) l += 1;
  const r = (l - 1) / 2;
  const w = new Float64Array(l);
  let sum = 0;
  for (let x = -r; x <= r; x++) sum += w[x + r] = Math.exp(-(x * x) / (2 * sigma * sigma));
  for (let i = 0; i < l; i++) w[i] /= sum;
  return w;
}

/** Index i mirrored into 0..n−1 about the edge elements (period 2(n−1)): ImageFiltering's "reflect". */
function reflect(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  let k = i % period;
  if (k < 0) k += period;
  return k < n ? k : period - k;
}

/** Smoothed (σ > 0), clipped and normalised spectrum; NaN everywhere when it sums to 0. */
export function smoothedSpectrum(raw: Float64Array, sigma: number): Float64Array {
  let s = raw;
  if (sigma > 0) {
    const w = gaussianKernel(sigma);
    const r = (w.length - 1) / 2;
    const n = raw.length;
    s = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let acc = 0;
      // the kernel is symmetric: one multiply per pair of bins
      if (i - r >= 0 && i + r < n) {
        acc = w[r] * raw[i];
        for (let k = 1; k <= r; k++) acc += w[r + k] * (raw[i - k] + raw[i + k]);
      } else for (let k = 0; k < w.length; k++) acc += w[k] * raw[reflect(i - r + k, n)];
      s[i] = acc > 0 ? acc : 0;
    }
  }
  let total = 0;
  for (let i = 0; i < s.length; i++) total += s[i];
  const out = new Float64Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s[i] / total;
  return out;
}

export function hellinger(p: Float64Array, q: Float64Array): number {
  let h2 = 0;
  for (let i = 0; i < p.length; i++) {
    const d = Math.sqrt(p[i]) - Math.sqrt(q[i]);
    h2 += d * d;
  }
  return Math.SQRT1_2 * Math.sqrt(h2);
}

/** Spectra of all components, two per complex FFT. Truth and model take the same path: identical series → 0. */
function spectra(tr: Trajectory, n: number, sigma: number): (Float64Array | undefined)[] {
  const out: (Float64Array | undefined)[] = [];
  for (let j = 0; j < tr.dim; j += 2) {
    const a = zScored(tr, j, n);
    const b = j + 1 < tr.dim ? zScored(tr, j + 1, n) : undefined;
    if (a && b) {
      const [pa, pb] = pairRfftPower(a, b);
      out.push(smoothedSpectrum(pa, sigma), smoothedSpectrum(pb, sigma));
    } else {
      out.push(a && smoothedSpectrum(rfftPower(a), sigma));
      if (j + 1 < tr.dim) out.push(b && smoothedSpectrum(rfftPower(b), sigma));
    }
  }
  return out;
}

export function spectralDistance(truth: Trajectory, model: Trajectory, options: SpectrumOptions = {}): number {
  return spectrum(truth, model, options).value;
}

export function spectrum(truth: Trajectory, model: Trajectory, options: SpectrumOptions = {}): SpectrumResult {
  const n = Math.min(truth.length, model.length);
  const settings = describeSpectrum(options);
  const fail = (reason: string): SpectrumResult => ({ value: NaN, perDim: [], length: n, settings, reason });
  if (model.dim !== truth.dim) return fail(`the model has ${model.dim} dims, the truth ${truth.dim}`);
  if (n < 4 || truth.dim === 0) return fail('fewer than 4 common points');
  const sigma = options.smoothing ?? DEFAULT_PSE_SMOOTHING;
  const a = spectra(truth, n, sigma);
  const b = spectra(model, n, sigma);
  const perDim: number[] = [];
  for (let j = 0; j < truth.dim; j++) {
    const p = a[j];
    const q = b[j];
    if (!p) return fail(`component ${j + 1} of the truth is constant`);
    if (!q) return fail(`component ${j + 1} of the model is constant or not finite`);
    perDim.push(hellinger(p, q));
  }
  return { value: perDim.reduce((x, y) => x + y, 0) / perDim.length, perDim, length: n, settings };
}
