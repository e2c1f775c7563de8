/** Dense linear algebra for fitting the zoo (row-major Float64Arrays; sizes up to a few hundred). */

/** FᵀF and FᵀY accumulated row by row, for F [n × p] and Y [n × k]. */
export function gram(
  F: Float64Array,
  Y: Float64Array,
  n: number,
  p: number,
  k: number,
): { FtF: Float64Array; FtY: Float64Array } {
  const FtF = new Float64Array(p * p);
  const FtY = new Float64Array(p * k);
  for (let r = 0; r < n; r++) {
    const fo = r * p;
    for (let i = 0; i < p; i++) {
      const fi = F[fo + i];
      if (fi === 0) continue;
      const row = i * p;
      for (let j = i; j < p; j++) FtF[row + j] += fi * F[fo + j];
      for (let c = 0; c < k; c++) FtY[i * k + c] += fi * Y[r * k + c];
    }
  }
  for (let i = 0; i < p; i++) for (let j = 0; j < i; j++) FtF[i * p + j] = FtF[j * p + i];
  return { FtF, FtY };
}

/** Solves S X = B for symmetric positive definite S [p × p], B [p × k] (Cholesky). */
export function choleskySolve(S: Float64Array, B: Float64Array, p: number, k: number): Float64Array {
  const L = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      let s = S[i * p + j];
      for (let m = 0; m < j; m++) s -= L[i * p + m] * L[j * p + m];
      if (i === j) {
        if (!(s > 0)) throw new Error('choleskySolve: matrix is not positive definite');
        L[i * p + i] = Math.sqrt(s);
      } else {
        L[i * p + j] = s / L[j * p + j];
      }
    }
  }
  const X = Float64Array.from(B);
  for (let c = 0; c < k; c++) {
    for (let i = 0; i < p; i++) {
      let s = X[i * k + c];
      for (let m = 0; m < i; m++) s -= L[i * p + m] * X[m * k + c];
      X[i * k + c] = s / L[i * p + i];
    }
    for (let i = p - 1; i >= 0; i--) {
      let s = X[i * k + c];
      for (let m = i + 1; m < p; m++) s -= L[m * p + i] * X[m * k + c];
      X[i * k + c] = s / L[i * p + i];
    }
  }
  return X;
}

/** Ridge regression W = (FᵀF + λI)⁻¹ FᵀY from a precomputed Gram matrix. */
export function ridgeFromGram(
  FtF: Float64Array,
  FtY: Float64Array,
  p: number,
  k: number,
  lambda: number,
): Float64Array {
  const S = Float64Array.from(FtF);
  for (let i = 0; i < p; i++) S[i * p + i] += lambda;
  return choleskySolve(S, FtY, p, k);
}

/**
 * Least squares min ‖A X − B‖ for A [n × p] (n ≥ p, full column rank), B [n × k], by Householder QR:
 * better conditioned than the normal equations for polynomial libraries.
 */
export function leastSquares(A: Float64Array, B: Float64Array, n: number, p: number, k: number): Float64Array {
  const R = Float64Array.from(A);
  const Q = Float64Array.from(B);
  for (let j = 0; j < p; j++) {
    let norm = 0;
    for (let i = j; i < n; i++) norm += R[i * p + j] ** 2;
    norm = Math.sqrt(norm);
    if (norm === 0) throw new Error('leastSquares: rank-deficient column');
    const alpha = R[j * p + j] > 0 ? -norm : norm;
    const v = new Float64Array(n - j);
    for (let i = j; i < n; i++) v[i - j] = R[i * p + j];
    v[0] -= alpha;
    let vv = 0;
    for (let i = 0; i < v.length; i++) vv += v[i] * v[i];
    if (vv === 0) continue;
    for (let c = j; c < p; c++) {
      let s = 0;
      for (let i = j; i < n; i++) s += v[i - j] * R[i * p + c];
      s = (2 * s) / vv;
      for (let i = j; i < n; i++) R[i * p + c] -= s * v[i - j];
    }
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let i = j; i < n; i++) s += v[i - j] * Q[i * k + c];
      s = (2 * s) / vv;
      for (let i = j; i < n; i++) Q[i * k + c] -= s * v[i - j];
    }
  }
  const X = new Float64Array(p * k);
  for (let c = 0; c < k; c++) {
    for (let i = p - 1; i >= 0; i--) {
      let s = Q[i * k + c];
      for (let m = i + 1; m < p; m++) s -= R[i * p + m] * X[m * k + c];
      X[i * k + c] = s / R[i * p + i];
    }
  }
  return X;
}

/** Largest |eigenvalue| of a square matrix M [n × n] by power iteration (the ESN's spectral radius). */
export function spectralRadius(M: Float64Array, n: number, iterations = 1000): number {
  let v = new Float64Array(n).fill(1 / Math.sqrt(n));
  let w = new Float64Array(n);
  let estimate = 0;
  // two steps at a time: a complex-conjugate dominant pair makes single-step ratios oscillate
  for (let it = 0; it < iterations; it++) {
    for (let rep = 0; rep < 2; rep++) {
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += M[i * n + j] * v[j];
        w[i] = s;
      }
      [v, w] = [w, v];
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += v[i] * v[i];
    norm = Math.sqrt(norm);
    if (norm === 0) return 0;
    estimate = Math.sqrt(norm);
    for (let i = 0; i < n; i++) v[i] /= norm;
  }
  return estimate;
}
