/**
 * Eigenvalues of a small real square matrix: reduction to upper Hessenberg form by Householder reflections, then
 * the Francis implicit double-shift QR iteration with deflation (the EISPACK `hqr` scheme, Golub & Van Loan,
 * Matrix Computations, §7.5). Enough for Jacobians of a few hundred states at most; no eigenvectors. Pure.
 */

export interface Eigenvalue {
  readonly re: number;
  readonly im: number;
}

/** |λ|: the modulus (a map's multiplier size). */
export const modulus = (e: Eigenvalue): number => Math.hypot(e.re, e.im);

/** Eigenvalues of the n×n matrix `a` (row-major), sorted by decreasing real part, conjugate pairs +im first. */
export function eigenvalues(a: ArrayLike<number>, n: number): Eigenvalue[] {
  if (a.length !== n * n) throw new Error(`eigenvalues: ${a.length} values for a ${n}×${n} matrix`);
  if (n === 0) return [];
  const h = Float64Array.from(a);
  for (const v of h) if (!Number.isFinite(v)) return Array.from({ length: n }, () => ({ re: NaN, im: NaN }));
  toHessenberg(h, n);
  const out = hessenbergEigenvalues(h, n);
  return out.sort((x, y) => y.re - x.re || y.im - x.im);
}

/** In place: h ← Q^T h Q, upper Hessenberg (similar, so the same eigenvalues). */
function toHessenberg(h: Float64Array, n: number): void {
  const v = new Float64Array(n);
  for (let k = 0; k < n - 2; k++) {
    let norm = 0;
    for (let i = k + 1; i < n; i++) norm += h[i * n + k] ** 2;
    norm = Math.sqrt(norm);
    if (norm === 0) continue;
    const x0 = h[(k + 1) * n + k];
    const alpha = x0 > 0 ? -norm : norm;
    let vv = 0;
    for (let i = k + 1; i < n; i++) {
      v[i] = h[i * n + k] - (i === k + 1 ? alpha : 0);
      vv += v[i] * v[i];
    }
    if (vv === 0) continue;
    const f = 2 / vv;
    // left: rows k+1.., every column from k
    for (let j = k; j < n; j++) {
      let s = 0;
      for (let i = k + 1; i < n; i++) s += v[i] * h[i * n + j];
      s *= f;
      for (let i = k + 1; i < n; i++) h[i * n + j] -= s * v[i];
    }
    // right: every row, columns k+1..
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = k + 1; j < n; j++) s += h[i * n + j] * v[j];
      s *= f;
      for (let j = k + 1; j < n; j++) h[i * n + j] -= s * v[j];
    }
    for (let i = k + 2; i < n; i++) h[i * n + k] = 0;
  }
}

const sign = (a: number, b: number) => (b >= 0 ? Math.abs(a) : -Math.abs(a));

/** Francis double-shift QR on an upper Hessenberg matrix (destroyed); exceptional shifts every 10 iterations. */
function hessenbergEigenvalues(a: Float64Array, n: number): Eigenvalue[] {
  const at = (i: number, j: number) => a[i * n + j];
  const set = (i: number, j: number, v: number) => (a[i * n + j] = v);
  const wr = new Float64Array(n);
  const wi = new Float64Array(n);
  let anorm = 0;
  for (let i = 0; i < n; i++) for (let j = Math.max(i - 1, 0); j < n; j++) anorm += Math.abs(at(i, j));
  let nn = n - 1;
  let t = 0;
  let p = 0;
  let q = 0;
  let r = 0;
  // x, y, w: the trailing 2×2 block and the shifts; z: scratch (declared here, as they carry across iterations)
  let x: number;
  let y: number;
  let z: number;
  let w: number;
  while (nn >= 0) {
    let its = 0;
    let l: number;
    do {
      // look for a negligible subdiagonal element: the matrix splits there
      for (l = nn; l >= 1; l--) {
        let s = Math.abs(at(l - 1, l - 1)) + Math.abs(at(l, l));
        if (s === 0) s = anorm;
        if (Math.abs(at(l, l - 1)) + s === s) {
          set(l, l - 1, 0);
          break;
        }
      }
      x = at(nn, nn);
      if (l === nn) {
        wr[nn] = x + t;
        wi[nn] = 0;
        nn--;
      } else {
        y = at(nn - 1, nn - 1);
        w = at(nn, nn - 1) * at(nn - 1, nn);
        if (l === nn - 1) {
          // a 2×2 block: its two eigenvalues in closed form
          p = 0.5 * (y - x);
          q = p * p + w;
          z = Math.sqrt(Math.abs(q));
          x += t;
          if (q >= 0) {
            z = p + sign(z, p);
            wr[nn - 1] = wr[nn] = x + z;
            if (z !== 0) wr[nn] = x - w / z;
            wi[nn - 1] = wi[nn] = 0;
          } else {
            wr[nn - 1] = wr[nn] = x + p;
            wi[nn - 1] = z;
            wi[nn] = -z;
          }
          nn -= 2;
        } else {
          if (its === 60) throw new Error('eigenvalues: the QR iteration did not converge');
          if (its > 0 && its % 10 === 0) {
            t += x;
            for (let i = 0; i <= nn; i++) set(i, i, at(i, i) - x);
            const s = Math.abs(at(nn, nn - 1)) + Math.abs(at(nn - 1, nn - 2));
            x = y = 0.75 * s;
            w = -0.4375 * s * s;
          }
          its++;
          let m: number;
          for (m = nn - 2; m >= l; m--) {
            z = at(m, m);
            r = x - z;
            const s0 = y - z;
            p = (r * s0 - w) / at(m + 1, m) + at(m, m + 1);
            q = at(m + 1, m + 1) - z - r - s0;
            r = at(m + 2, m + 1);
            const s = Math.abs(p) + Math.abs(q) + Math.abs(r);
            p /= s;
            q /= s;
            r /= s;
            if (m === l) break;
            const u = Math.abs(at(m, m - 1)) * (Math.abs(q) + Math.abs(r));
            const v = Math.abs(p) * (Math.abs(at(m - 1, m - 1)) + Math.abs(z) + Math.abs(at(m + 1, m + 1)));
            if (u + v === v) break;
          }
          for (let i = m + 2; i <= nn; i++) {
            set(i, i - 2, 0);
            if (i !== m + 2) set(i, i - 3, 0);
          }
          for (let k = m; k <= nn - 1; k++) {
            if (k !== m) {
              p = at(k, k - 1);
              q = at(k + 1, k - 1);
              r = k !== nn - 1 ? at(k + 2, k - 1) : 0;
              x = Math.abs(p) + Math.abs(q) + Math.abs(r);
              if (x !== 0) {
                p /= x;
                q /= x;
                r /= x;
              }
            }
            const s = sign(Math.sqrt(p * p + q * q + r * r), p);
            if (s === 0) continue;
            if (k === m) {
              if (l !== m) set(k, k - 1, -at(k, k - 1));
            } else set(k, k - 1, -s * x);
            p += s;
            x = p / s;
            y = q / s;
            z = r / s;
            q /= p;
            r /= p;
            for (let j = k; j <= nn; j++) {
              p = at(k, j) + q * at(k + 1, j);
              if (k !== nn - 1) {
                p += r * at(k + 2, j);
                set(k + 2, j, at(k + 2, j) - p * z);
              }
              set(k + 1, j, at(k + 1, j) - p * y);
              set(k, j, at(k, j) - p * x);
            }
            const mmin = nn < k + 3 ? nn : k + 3;
            for (let i = l; i <= mmin; i++) {
              p = x * at(i, k) + y * at(i, k + 1);
              if (k !== nn - 1) {
                p += z * at(i, k + 2);
                set(i, k + 2, at(i, k + 2) - p * r);
              }
              set(i, k + 1, at(i, k + 1) - p * q);
              set(i, k, at(i, k) - p);
            }
          }
        }
      }
    } while (l < nn - 1);
  }
  return Array.from({ length: n }, (_, i) => ({ re: wr[i], im: wi[i] }));
}

/** Solves A x = b (n×n row-major) by Gaussian elimination with partial pivoting; undefined when A is singular. */
export function solveLinear(a: ArrayLike<number>, b: ArrayLike<number>, n: number): Float64Array | undefined {
  const m = Float64Array.from(a);
  const x = Float64Array.from(b);
  let scale = 0;
  for (const v of m) scale = Math.max(scale, Math.abs(v));
  if (!(scale > 0) || !Number.isFinite(scale)) return undefined;
  for (let k = 0; k < n; k++) {
    let piv = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(m[i * n + k]) > Math.abs(m[piv * n + k])) piv = i;
    if (Math.abs(m[piv * n + k]) <= 1e-13 * scale) return undefined;
    if (piv !== k) {
      for (let j = 0; j < n; j++) [m[k * n + j], m[piv * n + j]] = [m[piv * n + j], m[k * n + j]];
      [x[k], x[piv]] = [x[piv], x[k]];
    }
    const d = m[k * n + k];
    for (let i = k + 1; i < n; i++) {
      const f = m[i * n + k] / d;
      if (f === 0) continue;
      for (let j = k; j < n; j++) m[i * n + j] -= f * m[k * n + j];
      x[i] -= f * x[k];
    }
  }
  for (let k = n - 1; k >= 0; k--) {
    let s = x[k];
    for (let j = k + 1; j < n; j++) s -= m[k * n + j] * x[j];
    x[k] = s / m[k * n + k];
  }
  return x;
}
