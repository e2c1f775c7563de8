/**
 * The one FFT of the project (D_H and the preview's spectrum plot use it). Pure, no dependencies.
 *
 * - `fft(re, im)`: complex forward DFT in place, X_k = Σ_t x_t e^{−2πi kt/n}, for **any** length n: radix-2 for
 *   powers of two, Bluestein's chirp-z (a power-of-two convolution) otherwise. Twiddles and chirps are cached per
 *   size, so repeated transforms of one length cost only the FFTs.
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

/** Complex forward DFT in place, any length. */
export function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  if (n !== im.length) throw new Error(`fft: real part has ${n} values, imaginary part ${im.length}`);
  if (n < 2) return;
  if (isPowerOfTwo(n)) radix2(re, im);
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
