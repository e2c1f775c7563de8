/**
 * Linear stability of a fixed point or cycle from its eigenvalues (Guckenheimer & Holmes 1983, §1.3–1.4): for a
 * flow's equilibrium the eigenvalues λ of the Jacobian, unstable where Re λ > 0; for a map's fixed point or
 * k-cycle the multipliers μ of D(f^k), unstable where |μ| > 1. Stable when no direction is unstable, unstable
 * when every direction is, a saddle otherwise; a focus when a complex pair is present, a node otherwise. Pure.
 */
import { modulus, type Eigenvalue } from './eigen';

export type Stability = 'stable' | 'unstable' | 'saddle';
export type Geometry = 'node' | 'focus';

export interface Classification {
  readonly stability: Stability;
  readonly geometry: Geometry;
  /** Directions that grow: Re λ > 0 (flows) or |μ| > 1 (maps); a complex pair counts twice. */
  readonly unstableDims: number;
  /** e.g. "saddle-focus", "stable node", "unstable focus", "saddle". */
  readonly type: string;
}

/**
 * Relative size of an imaginary part below which an eigenvalue counts as real: a double real eigenvalue perturbed
 * by ε (finite differences of a float32 model, ε ~ 1e-10 relative) splits into a pair ± √ε·i, about 1e-5.
 */
const REAL_TOLERANCE = 1e-4;

/** Eigenvalues with a negligible imaginary part made real (see REAL_TOLERANCE), as classified and shown. */
export function snapReal(values: readonly Eigenvalue[]): Eigenvalue[] {
  return values.map((e) =>
    Math.abs(e.im) <= REAL_TOLERANCE * Math.max(1, Math.hypot(e.re, e.im)) ? { re: e.re, im: 0 } : e,
  );
}

export function classify(values: readonly Eigenvalue[], kind: 'map' | 'flow'): Classification {
  const n = values.length;
  const grows = (e: Eigenvalue) => (kind === 'flow' ? e.re > 0 : modulus(e) > 1);
  const unstableDims = values.filter(grows).length;
  const complex = values.some((e) => Math.abs(e.im) > REAL_TOLERANCE * Math.max(1, modulus(e)));
  const stability: Stability = unstableDims === 0 ? 'stable' : unstableDims === n ? 'unstable' : 'saddle';
  const geometry: Geometry = complex ? 'focus' : 'node';
  const type = stability === 'saddle' ? (complex ? 'saddle-focus' : 'saddle') : `${stability} ${geometry}`;
  return { stability, geometry, unstableDims, type };
}

/** A complex eigenvalue as text: "0.94 ± 0.21i" for a pair (given once, +im), "−2.7" for a real one. */
export function formatEigenvalue(e: Eigenvalue, digits = 4): string {
  const f = (v: number) => formatNumber(v, digits);
  if (e.im === 0) return f(e.re);
  return `${f(e.re)} ± ${f(Math.abs(e.im))}i`;
}

/** The eigenvalues of one point, each conjugate pair written once. */
export function formatEigenvalues(values: readonly Eigenvalue[], digits = 4): string[] {
  const out: string[] = [];
  for (const e of values) if (e.im >= 0) out.push(formatEigenvalue(e, digits));
  return out;
}

export function formatNumber(v: number, digits = 4): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  const text = a >= 1e-3 && a < 1e5 ? String(+v.toPrecision(digits)) : v.toExponential(digits - 1);
  return text.replace(/-/g, '−');
}
