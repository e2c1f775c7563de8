/** Radix-2 complex FFT in place, with twiddle tables cached per size (power spectra of 10^5-point series). */
const tables = new Map<number, { cos: Float64Array; sin: Float64Array; rev: Uint32Array }>();

function table(n: number) {
  let t = tables.get(n);
  if (!t) {
    const cos = new Float64Array(n / 2);
    const sin = new Float64Array(n / 2);
    for (let k = 0; k < n / 2; k++) {
      cos[k] = Math.cos((2 * Math.PI * k) / n);
      sin[k] = -Math.sin((2 * Math.PI * k) / n);
    }
    const bits = Math.log2(n);
    const rev = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((i >>> b) & 1) << (bits - 1 - b);
      rev[i] = r;
    }
    t = { cos, sin, rev };
    tables.set(n, t);
  }
  return t;
}

export const nextPowerOfTwo = (n: number): number => 2 ** Math.ceil(Math.log2(Math.max(2, n)));

export function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  if (n !== im.length || (n & (n - 1)) !== 0) throw new Error(`fft: length ${n} is not a power of two`);
  const { cos, sin, rev } = table(n);
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

/**
 * Periodograms |X_k|², k = 1..nfft/2, of two real series at once (packed as x + i·y into one complex FFT).
 * Both are zero-padded to `nfft`.
 */
export function pairPeriodograms(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  nfft: number,
): [Float64Array, Float64Array] {
  const re = new Float64Array(nfft);
  const im = new Float64Array(nfft);
  for (let i = 0; i < x.length; i++) re[i] = x[i];
  for (let i = 0; i < y.length; i++) im[i] = y[i];
  fft(re, im);
  const half = nfft / 2;
  const px = new Float64Array(half);
  const py = new Float64Array(half);
  for (let k = 1; k <= half; k++) {
    const j = (nfft - k) % nfft;
    // X_k = (Z_k + conj Z_{N-k}) / 2, Y_k = (Z_k - conj Z_{N-k}) / 2i
    const xr = (re[k] + re[j]) / 2;
    const xi = (im[k] - im[j]) / 2;
    const yr = (im[k] + im[j]) / 2;
    const yi = (re[j] - re[k]) / 2;
    px[k - 1] = xr * xr + xi * xi;
    py[k - 1] = yr * yr + yi * yi;
  }
  return [px, py];
}
