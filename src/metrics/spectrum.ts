import type { Trajectory } from '../zoo/integrate';
import { nextPowerOfTwo, pairPeriodograms } from './fft';

/**
 * D_H: the Hellinger distance between smoothed, normalised power spectra, averaged over dimensions
 * (as in Mikhaeil et al. 2022 and Hess et al. 2023). Each series is standardised, zero-padded to a power of two,
 * its periodogram smoothed by three passes of a moving average (close to a Gaussian) and normalised to sum 1.
 * 0 for identical spectra, 1 for spectra with disjoint support.
 */
export interface SpectrumOptions {
  /** Width of the moving average in frequency bins; default nfft/1000 (at least 1). */
  readonly smoothingBins?: number;
}

function standardised(tr: Trajectory, j: number, n: number): Float64Array {
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
  const sd = Math.sqrt(v / n);
  if (sd > 0) for (let t = 0; t < n; t++) out[t] /= sd;
  return out;
}

/** Moving average of width w (odd), edges averaged over the bins that exist. */
function boxSmooth(p: Float64Array, w: number): Float64Array {
  const half = Math.floor(w / 2);
  const n = p.length;
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i] + p[i];
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const lo = Math.max(0, i - half);
    const hi = Math.min(n, i + half + 1);
    out[i] = (prefix[hi] - prefix[lo]) / (hi - lo);
  }
  return out;
}

export function smoothedSpectrum(raw: Float64Array, width: number): Float64Array {
  let s = raw;
  const w = Math.max(1, Math.round(width)) | 1;
  if (w > 1) for (let pass = 0; pass < 3; pass++) s = boxSmooth(s, w);
  let total = 0;
  for (let i = 0; i < s.length; i++) total += s[i];
  const out = new Float64Array(s.length);
  if (total > 0) for (let i = 0; i < s.length; i++) out[i] = s[i] / total;
  return out;
}

export function hellinger(p: Float64Array, q: Float64Array): number {
  // ½ Σ (√p − √q)² rather than 1 − Σ √(pq): exactly 0 for identical spectra, no cancellation
  let h2 = 0;
  for (let i = 0; i < p.length; i++) {
    const d = Math.sqrt(p[i]) - Math.sqrt(q[i]);
    h2 += d * d;
  }
  return Math.sqrt(Math.min(1, h2 / 2));
}

/**
 * Smoothed spectra of the first `dims` components of a trajectory, two components per FFT. Truth and model go
 * through the same code path, so identical series give bit-identical spectra (D_H exactly 0).
 */
function spectra(tr: Trajectory, dims: number, n: number, nfft: number, width: number): Float64Array[] {
  const out: Float64Array[] = [];
  for (let j = 0; j < dims; j += 2) {
    const second = j + 1 < dims ? standardised(tr, j + 1, n) : new Float64Array(0);
    const [p, q] = pairPeriodograms(standardised(tr, j, n), second, nfft);
    out.push(smoothedSpectrum(p, width));
    if (j + 1 < dims) out.push(smoothedSpectrum(q, width));
  }
  return out;
}

/** D_H over the first min(length) points and the dimensions both trajectories have. */
export function spectralDistance(truth: Trajectory, model: Trajectory, options: SpectrumOptions = {}): number {
  const n = Math.min(truth.length, model.length);
  const dims = Math.min(truth.dim, model.dim);
  if (n < 4 || dims === 0) return Number.NaN;
  const nfft = nextPowerOfTwo(n);
  const width = options.smoothingBins ?? Math.max(1, nfft / 1000);
  const a = spectra(truth, dims, n, nfft, width);
  const b = spectra(model, dims, n, nfft, width);
  let sum = 0;
  for (let j = 0; j < dims; j++) sum += hellinger(a[j], b[j]);
  return sum / dims;
}
