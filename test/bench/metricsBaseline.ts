/**
 * The previous implementations of the measures the bench times, kept as its baselines (same definitions, the
 * straightforward loops): D_stsp's GMM likelihood summing every mixture term for every sample, and D_H with a
 * fresh copy of every series and spectrum.
 */
import type { Trajectory } from '../../src/core/trajectory';
import { pairRfftPower, rfftPower } from '../../src/core/fft';
import { gaussianKernel } from '../../src/metrics/spectrum';
import { GMM_MAX_T, GMM_SAMPLES, GMM_SEED, gmmDraws } from '../../src/metrics/stateSpace';

/** (1/T) Σ_t exp(−½‖x_i − μ_t‖²/σ²)/σ^N for each sample i, all T terms. */
function likelihoods(
  samples: Float64Array,
  m: number,
  mu: ArrayLike<number>,
  points: number,
  d: number,
  s2: number,
): Float64Array {
  const out = new Float64Array(m);
  const half = 0.5 / s2;
  const cutoff = 746 / half;
  const norm = 1 / (Math.pow(Math.sqrt(s2), d) * points);
  const means = Float64Array.from({ length: points * d }, (_, k) => mu[k]);
  for (let i = 0; i < m; i++) {
    let acc = 0;
    const o = i * d;
    for (let t = 0; t < points; t++) {
      let e = 0;
      const b = t * d;
      let j = 0;
      for (; j < d && e < cutoff; j++) {
        const c = samples[o + j] - means[b + j];
        e += c * c;
      }
      if (j === d && e < cutoff) acc += Math.exp(-e * half);
    }
    out[i] = acc * norm;
  }
  return out;
}

export function baselineGmm(truth: Trajectory, model: Trajectory, s2 = 1): number {
  const d = truth.dim;
  const s = Math.sqrt(s2);
  const tp = Math.min(truth.length, GMM_MAX_T);
  const tq = Math.min(model.length, GMM_MAX_T);
  const draws = gmmDraws(tp, d, GMM_SAMPLES, GMM_SEED);
  const m = draws.indices.length;
  const samples = new Float64Array(m * d);
  for (let i = 0; i < m; i++) {
    const t = draws.indices[i];
    for (let j = 0; j < d; j++) samples[i * d + j] = truth.data[t * d + j] + s * draws.noise[i * d + j];
  }
  const p = likelihoods(samples, m, truth.data, tp, d, s2);
  const q = likelihoods(samples, m, model.data, tq, d, s2);
  let sum = 0;
  let kept = 0;
  for (let i = 0; i < m; i++) {
    if (p[i] > 0 && q[i] > 0) {
      sum += Math.log(p[i]) - Math.log(q[i]);
      kept++;
    }
  }
  return kept === 0 ? NaN : sum / kept;
}

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

function reflect(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  let k = i % period;
  if (k < 0) k += period;
  return k < n ? k : period - k;
}

function smoothedSpectrum(raw: Float64Array, sigma: number): Float64Array {
  const w = gaussianKernel(sigma);
  const r = (w.length - 1) / 2;
  const n = raw.length;
  const s = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let acc = 0;
    if (i - r >= 0 && i + r < n) {
      acc = w[r] * raw[i];
      for (let k = 1; k <= r; k++) acc += w[r + k] * (raw[i - k] + raw[i + k]);
    } else for (let k = 0; k < w.length; k++) acc += w[k] * raw[reflect(i - r + k, n)];
    s[i] = acc > 0 ? acc : 0;
  }
  let total = 0;
  for (let i = 0; i < s.length; i++) total += s[i];
  const out = new Float64Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s[i] / total;
  return out;
}

function hellinger(p: Float64Array, q: Float64Array): number {
  let h2 = 0;
  for (let i = 0; i < p.length; i++) {
    const d = Math.sqrt(p[i]) - Math.sqrt(q[i]);
    h2 += d * d;
  }
  return Math.SQRT1_2 * Math.sqrt(h2);
}

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

/** D_H with σ = 20 (both series finite and not constant). */
export function baselineSpectralDistance(truth: Trajectory, model: Trajectory, sigma = 20): number {
  const n = Math.min(truth.length, model.length);
  const a = spectra(truth, n, sigma);
  const b = spectra(model, n, sigma);
  let sum = 0;
  for (let j = 0; j < truth.dim; j++) sum += hellinger(a[j]!, b[j]!);
  return sum / truth.dim;
}
