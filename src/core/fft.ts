/**
 * The one FFT of the project (D_H and the preview's spectrum plot use it). Pure, no dependencies.
 *
 * - `fft(re, im)`: complex forward DFT in place, X_k = Σ_t x_t e^{−2πi kt/n}, for **any** length n: radix-2 for
 *   powers of two, mixed-radix Cooley–Tukey when every prime factor is ≤ 13 (run lengths like 10^4 or 10^5),
 *   Bluestein's chirp-z (a power-of-two convolution) otherwise. Twiddles and chirps are cached per size, so
 *   repeated transforms of one length cost only the FFTs.
 * - `rfftPower(x)`: |X_k|², k = 0..⌊n/2⌋, of a real series as it is (no padding): the ⌊n/2⌋+1 bins of
 *   `abs2.(rfft(x))` in Julia/FFTW or `numpy.abs(numpy.fft.rfft(x))**2`.
 * - `pairRfftPower(x, y)`: the same for two real series of one length with one complex transform.
 */

interface Radix2Table {
  readonly cos: Float64Array;
  readonly sin: Float64Array;
  readonly rev: Uint32Array;
}

const radix2Tables = new Map<number, Radix2Table>();

function radix2Table(n: number): Radix2Table {
  let t = radix2Tables.get(n);
  if (!t) {
    const cos = new Float64Array(n / 2);
    const sin = new Float64Array(n / 2);
    for (let k = 0; k < n / 2; k++) {
      cos[k] = Math.cos((2 * Math.PI * k) / n);
      sin[k] = -Math.sin((2 * Math.PI * k) / n);
    }
    const bits = Math.round(Math.log2(n));
    const rev = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((i >>> b) & 1) << (bits - 1 - b);
      rev[i] = r;
    }
    t = { cos, sin, rev };
    radix2Tables.set(n, t);
  }
  return t;
}

export const isPowerOfTwo = (n: number): boolean => n >= 1 && (n & (n - 1)) === 0;

export const nextPowerOfTwo = (n: number): number => 2 ** Math.ceil(Math.log2(Math.max(2, n)));

function radix2(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  if (n < 2) return;
  const { cos, sin, rev } = radix2Table(n);
  for (let i = 0; i < n; i++) {
    const j = rev[i];
    if (j > i) {
      let t = re[i];
      re[i] = re[j];
      re[j] = t;
      t = im[i];
      im[i] = im[j];
      im[j] = t;
    }
  }
  for (let size = 2; size <= n; size *= 2) {
    const half = size / 2;
    const step = n / size;
    for (let start = 0; start < n; start += size) {
      for (let k = 0, w = 0; k < half; k++, w += step) {
        const a = start + k;
        const b = a + half;
        const wr = cos[w];
        const wi = sin[w];
        const xr = re[b] * wr - im[b] * wi;
        const xi = re[b] * wi + im[b] * wr;
        re[b] = re[a] - xr;
        im[b] = im[a] - xi;
        re[a] += xr;
        im[a] += xi;
      }
    }
  }
}

interface ChirpTable {
  /** Convolution length, a power of two ≥ 2n − 1. */
  readonly m: number;
  /** c_t = e^{−πi t²/n}, t < n. */
  readonly cr: Float64Array;
  readonly ci: Float64Array;
  /** FFT of b_j = conj(c_|j|) laid out circularly over m. */
  readonly br: Float64Array;
  readonly bi: Float64Array;
}

// A few sizes: the preview's spectrum and D_H transform series of one or two lengths at a time.
const chirpTables = new Map<number, ChirpTable>();
const MAX_CHIRP_TABLES = 4;

function chirpTable(n: number): ChirpTable {
  let t = chirpTables.get(n);
  if (t) return t;
  const m = nextPowerOfTwo(2 * n - 1);
  const cr = new Float64Array(n);
  const ci = new Float64Array(n);
  const twoN = 2 * n;
  for (let k = 0; k < n; k++) {
    // t² mod 2n keeps the angle small (exact in doubles for n < 4.7·10^7), so the chirp keeps full precision
    const a = (Math.PI * ((k * k) % twoN)) / n;
    cr[k] = Math.cos(a);
    ci[k] = -Math.sin(a);
  }
  const br = new Float64Array(m);
  const bi = new Float64Array(m);
  br[0] = cr[0];
  bi[0] = -ci[0];
  for (let k = 1; k < n; k++) {
    br[k] = br[m - k] = cr[k];
    bi[k] = bi[m - k] = -ci[k];
  }
  radix2(br, bi);
  t = { m, cr, ci, br, bi };
  if (chirpTables.size >= MAX_CHIRP_TABLES) chirpTables.delete(chirpTables.keys().next().value as number);
  chirpTables.set(n, t);
  return t;
}

function bluestein(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  const { m, cr, ci, br, bi } = chirpTable(n);
  const ar = new Float64Array(m);
  const ai = new Float64Array(m);
  for (let k = 0; k < n; k++) {
    ar[k] = re[k] * cr[k] - im[k] * ci[k];
    ai[k] = re[k] * ci[k] + im[k] * cr[k];
  }
  radix2(ar, ai);
  // pointwise product, then the inverse FFT as conj(FFT(conj(·)))/m
  for (let k = 0; k < m; k++) {
    const xr = ar[k] * br[k] - ai[k] * bi[k];
    const xi = ar[k] * bi[k] + ai[k] * br[k];
    ar[k] = xr;
    ai[k] = -xi;
  }
  radix2(ar, ai);
  for (let k = 0; k < n; k++) {
    const xr = ar[k] / m;
    const xi = -ai[k] / m;
    re[k] = xr * cr[k] - xi * ci[k];
    im[k] = xr * ci[k] + xi * cr[k];
  }
}

/** Prime factors of n (4s first, then 2, 3, 5, …) when all are ≤ 13; undefined otherwise. */
function smallFactors(n: number): number[] | undefined {
  const out: number[] = [];
  let m = n;
  while (m % 4 === 0) {
    out.push(4);
    m /= 4;
  }
  for (const p of [2, 3, 5, 7, 11, 13]) {
    while (m % p === 0) {
      out.push(p);
      m /= p;
    }
  }
  return m === 1 ? out : undefined;
}

interface MixedTable {
  readonly factors: number[];
  /** e^{−2πi j/n}, j < n. */
  readonly cos: Float64Array;
  readonly sin: Float64Array;
  /** Per level, e^{−2πi j/p}, j < p, for the butterflies written as a direct sum. */
  readonly rootCos: Float64Array[];
  readonly rootSin: Float64Array[];
}

const mixedTables = new Map<number, MixedTable>();

function mixedTable(n: number, factors: number[]): MixedTable {
  let t = mixedTables.get(n);
  if (!t) {
    const cos = new Float64Array(n);
    const sin = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      cos[j] = Math.cos((2 * Math.PI * j) / n);
      sin[j] = -Math.sin((2 * Math.PI * j) / n);
    }
    const rootCos = factors.map((p) => Float64Array.from({ length: p }, (_, j) => Math.cos((2 * Math.PI * j) / p)));
    const rootSin = factors.map((p) => Float64Array.from({ length: p }, (_, j) => -Math.sin((2 * Math.PI * j) / p)));
    t = { factors, cos, sin, rootCos, rootSin };
    if (mixedTables.size >= MAX_CHIRP_TABLES) mixedTables.delete(mixedTables.keys().next().value as number);
    mixedTables.set(n, t);
  }
  return t;
}

const C3 = -0.5;
const S3 = Math.sqrt(3) / 2;
const C51 = Math.cos((2 * Math.PI) / 5);
const C52 = Math.cos((4 * Math.PI) / 5);
const S51 = Math.sin((2 * Math.PI) / 5);
const S52 = Math.sin((4 * Math.PI) / 5);

/**
 * The p-point DFT y_s = Σ_q t_q e^{−2πi qs/p} of tr/ti[0..p), written to outRe/outIm[base + s·m]. Radix 2, 3, 4
 * and 5 are written out (the pairs t_q ± t_{p−q} share their products), as the run lengths of the previews
 * (10^4, 10^5, 2·10^4 …) factor into them; 7, 11 and 13 take the direct sum over the p-th roots of unity.
 */
function butterfly(
  p: number,
  tr: Float64Array,
  ti: Float64Array,
  outRe: Float64Array,
  outIm: Float64Array,
  base: number,
  m: number,
  rootCos: Float64Array,
  rootSin: Float64Array,
): void {
  switch (p) {
    case 2: {
      outRe[base] = tr[0] + tr[1];
      outIm[base] = ti[0] + ti[1];
      outRe[base + m] = tr[0] - tr[1];
      outIm[base + m] = ti[0] - ti[1];
      return;
    }
    case 3: {
      const sr = tr[1] + tr[2];
      const si = ti[1] + ti[2];
      const dr = tr[1] - tr[2];
      const di = ti[1] - ti[2];
      const rr = tr[0] + C3 * sr;
      const ri = ti[0] + C3 * si;
      outRe[base] = tr[0] + sr;
      outIm[base] = ti[0] + si;
      outRe[base + m] = rr + S3 * di;
      outIm[base + m] = ri - S3 * dr;
      outRe[base + 2 * m] = rr - S3 * di;
      outIm[base + 2 * m] = ri + S3 * dr;
      return;
    }
    case 4: {
      const ar = tr[0] + tr[2];
      const ai = ti[0] + ti[2];
      const br = tr[0] - tr[2];
      const bi = ti[0] - ti[2];
      const cr = tr[1] + tr[3];
      const ci = ti[1] + ti[3];
      const dr = tr[1] - tr[3];
      const di = ti[1] - ti[3];
      outRe[base] = ar + cr;
      outIm[base] = ai + ci;
      outRe[base + m] = br + di;
      outIm[base + m] = bi - dr;
      outRe[base + 2 * m] = ar - cr;
      outIm[base + 2 * m] = ai - ci;
      outRe[base + 3 * m] = br - di;
      outIm[base + 3 * m] = bi + dr;
      return;
    }
    case 5: {
      const a1r = tr[1] + tr[4];
      const a1i = ti[1] + ti[4];
      const b1r = tr[1] - tr[4];
      const b1i = ti[1] - ti[4];
      const a2r = tr[2] + tr[3];
      const a2i = ti[2] + ti[3];
      const b2r = tr[2] - tr[3];
      const b2i = ti[2] - ti[3];
      const r1r = tr[0] + C51 * a1r + C52 * a2r;
      const r1i = ti[0] + C51 * a1i + C52 * a2i;
      const r2r = tr[0] + C52 * a1r + C51 * a2r;
      const r2i = ti[0] + C52 * a1i + C51 * a2i;
      const u1r = S51 * b1r + S52 * b2r;
      const u1i = S51 * b1i + S52 * b2i;
      const u2r = S52 * b1r - S51 * b2r;
      const u2i = S52 * b1i - S51 * b2i;
      outRe[base] = tr[0] + a1r + a2r;
      outIm[base] = ti[0] + a1i + a2i;
      outRe[base + m] = r1r + u1i;
      outIm[base + m] = r1i - u1r;
      outRe[base + 2 * m] = r2r + u2i;
      outIm[base + 2 * m] = r2i - u2r;
      outRe[base + 3 * m] = r2r - u2i;
      outIm[base + 3 * m] = r2i + u2r;
      outRe[base + 4 * m] = r1r - u1i;
      outIm[base + 4 * m] = r1i + u1r;
      return;
    }
    default:
      for (let s = 0; s < p; s++) {
        let accR = 0;
        let accI = 0;
        for (let q = 0, w = 0; q < p; q++, w = w + s >= p ? w + s - p : w + s) {
          accR += tr[q] * rootCos[w] - ti[q] * rootSin[w];
          accI += tr[q] * rootSin[w] + ti[q] * rootCos[w];
        }
        outRe[base + s * m] = accR;
        outIm[base + s * m] = accI;
      }
  }
}

/**
 * Decimation in time, out of place: the length-`len` DFT of in[offset + stride·t] into out[outOff …]. Splits by
 * the factor p into p sub-DFTs of length m = len/p (written to out[outOff + q·m …]), then combines them in place
 * with twiddles W_len^{qk} and a p-point butterfly; at m = 1 the inputs go straight into the butterfly.
 */
function mixedRec(
  tab: MixedTable,
  n: number,
  inRe: Float64Array,
  inIm: Float64Array,
  offset: number,
  stride: number,
  len: number,
  outRe: Float64Array,
  outIm: Float64Array,
  outOff: number,
  level: number,
  tr: Float64Array,
  ti: Float64Array,
): void {
  const p = tab.factors[level];
  const m = len / p;
  const rootCos = tab.rootCos[level];
  const rootSin = tab.rootSin[level];
  if (m === 1) {
    for (let q = 0; q < p; q++) {
      tr[q] = inRe[offset + q * stride];
      ti[q] = inIm[offset + q * stride];
    }
    butterfly(p, tr, ti, outRe, outIm, outOff, 1, rootCos, rootSin);
    return;
  }
  for (let q = 0; q < p; q++)
    mixedRec(tab, n, inRe, inIm, offset + q * stride, stride * p, m, outRe, outIm, outOff + q * m, level + 1, tr, ti);
  const { cos, sin } = tab;
  // W_len^{qk} = W_n^{qk·step}; qk·step < p·m·step = n, so no index wraps
  const step = n / len;
  for (let k = 0; k < m; k++) {
    tr[0] = outRe[outOff + k];
    ti[0] = outIm[outOff + k];
    for (let q = 1, w = k * step; q < p; q++, w += k * step) {
      const a = outOff + q * m + k;
      const xr = outRe[a];
      const xi = outIm[a];
      tr[q] = xr * cos[w] - xi * sin[w];
      ti[q] = xr * sin[w] + xi * cos[w];
    }
    butterfly(p, tr, ti, outRe, outIm, outOff + k, m, rootCos, rootSin);
  }
}

function mixedRadix(re: Float64Array, im: Float64Array, factors: number[]): void {
  const n = re.length;
  const tab = mixedTable(n, factors);
  const inRe = Float64Array.from(re);
  const inIm = Float64Array.from(im);
  // scratch for the p-point butterflies (p ≤ 13); each level has finished with it before the next uses it
  const tr = new Float64Array(16);
  const ti = new Float64Array(16);
  mixedRec(tab, n, inRe, inIm, 0, 1, n, re, im, 0, 0, tr, ti);
}

/** Complex forward DFT in place, any length. */
export function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  if (n !== im.length) throw new Error(`fft: real part has ${n} values, imaginary part ${im.length}`);
  if (n < 2) return;
  if (isPowerOfTwo(n)) return radix2(re, im);
  const factors = smallFactors(n);
  if (factors) mixedRadix(re, im, factors);
  else bluestein(re, im);
}

/** |rfft(x)|²: ⌊n/2⌋+1 bins, k = 0 (the mean) to ⌊n/2⌋, of the series as it is. */
export function rfftPower(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const re = Float64Array.from(x);
  const im = new Float64Array(n);
  fft(re, im);
  const out = new Float64Array(Math.floor(n / 2) + 1);
  for (let k = 0; k < out.length; k++) out[k] = re[k] * re[k] + im[k] * im[k];
  return out;
}

/**
 * |rfft|² of two real series of the same length with one complex FFT (packed as x + i·y): ⌊n/2⌋+1 bins each.
 */
export function pairRfftPower(x: ArrayLike<number>, y: ArrayLike<number>): [Float64Array, Float64Array] {
  const n = x.length;
  if (y.length !== n) throw new Error(`pairRfftPower: lengths ${n} and ${y.length} differ`);
  const re = Float64Array.from(x);
  const im = Float64Array.from(y);
  fft(re, im);
  const bins = Math.floor(n / 2) + 1;
  const px = new Float64Array(bins);
  const py = new Float64Array(bins);
  for (let k = 0; k < bins; k++) {
    const j = (n - k) % n;
    // X_k = (Z_k + conj Z_{n−k}) / 2, Y_k = (Z_k − conj Z_{n−k}) / 2i
    const xr = (re[k] + re[j]) / 2;
    const xi = (im[k] - im[j]) / 2;
    const yr = (im[k] + im[j]) / 2;
    const yi = (re[j] - re[k]) / 2;
    px[k] = xr * xr + xi * xi;
    py[k] = yr * yr + yi * yi;
  }
  return [px, py];
}
