import type { GraphBuilder } from '../core/onnxGraph';
import { rk4Map } from '../core/integrate';
import type { DiscreteMap } from '../core/trajectory';

/**
 * Polynomial vector fields and libraries: the reference systems, SINDy and EDMD all use them, in JS and as
 * ONNX (one MatMul over a feature vector of monomials, so a vector field costs a handful of nodes).
 */

/** Exponents of one monomial, e.g. x·z² in 3D is [1, 0, 2]. */
export type Monomial = readonly number[];

export const degreeOf = (m: Monomial): number => m.reduce((a, b) => a + b, 0);

/** All monomials of degree 0..maxDegree in d variables: 1, then x, y, z, then xx, xy, xz, yy, yz, zz, … */
export function monomialLibrary(d: number, maxDegree: number): Monomial[] {
  const out: Monomial[] = [];
  const rec = (prefix: number[], start: number, left: number, into: Monomial[]) => {
    if (left === 0) {
      const e = new Array<number>(d).fill(0);
      for (const i of prefix) e[i]++;
      into.push(e);
      return;
    }
    for (let i = start; i < d; i++) rec([...prefix, i], i, left - 1, into);
  };
  for (let k = 0; k <= maxDegree; k++) rec([], 0, k, out);
  return out;
}

/** `x`, `x*z`, `y^2`, `1` from exponents and state names. */
export function monomialName(m: Monomial, names: readonly string[]): string {
  const parts: string[] = [];
  m.forEach((e, i) => {
    if (e === 1) parts.push(names[i]);
    else if (e > 1) parts.push(`${names[i]}^${e}`);
  });
  return parts.length ? parts.join('*') : '1';
}

/** Reads `x*z`, `y^2`, `1` back into exponents. */
export function parseMonomial(text: string, names: readonly string[]): Monomial {
  const e = new Array<number>(names.length).fill(0);
  if (text.trim() === '1') return e;
  for (const factor of text.split('*')) {
    const [name, power] = factor.trim().split('^');
    const i = names.indexOf(name);
    if (i < 0) throw new Error(`unknown variable ${name} in ${text}`);
    e[i] += power ? Number(power) : 1;
  }
  return e;
}

/** dx/dt = Σ_k coef[k][j] · m_k(x): a term list and a [terms × d] coefficient matrix (row-major). */
export interface PolynomialField {
  readonly dim: number;
  readonly terms: readonly Monomial[];
  readonly coefficients: Float64Array;
}

/** Builds a field from rows like [[10, 'y'], [-10, 'x']] per output dimension. */
export function fieldFromRows(
  names: readonly string[],
  rows: readonly (readonly (readonly [number, string])[])[],
): PolynomialField {
  const d = names.length;
  const terms: Monomial[] = [];
  const key = (m: Monomial) => m.join(',');
  const index = new Map<string, number>();
  for (const row of rows) {
    for (const [, text] of row) {
      const m = parseMonomial(text, names);
      if (!index.has(key(m))) {
        index.set(key(m), terms.length);
        terms.push(m);
      }
    }
  }
  const coefficients = new Float64Array(terms.length * d);
  rows.forEach((row, j) => {
    for (const [c, text] of row) coefficients[index.get(key(parseMonomial(text, names)))! * d + j] += c;
  });
  return { dim: d, terms, coefficients };
}

/** Evaluates every monomial of `terms` at x into `out`. */
export function evalMonomials(terms: readonly Monomial[], x: ArrayLike<number>, out: Float64Array): void {
  for (let k = 0; k < terms.length; k++) {
    const m = terms[k];
    let v = 1;
    for (let i = 0; i < m.length; i++) for (let p = 0; p < m[i]; p++) v *= x[i];
    out[k] = v;
  }
}

/** A JS evaluator of a polynomial field with its own scratch space. */
export function fieldEvaluator(field: PolynomialField): (x: ArrayLike<number>, out: Float64Array) => void {
  const { dim: d, terms, coefficients: c } = field;
  const feats = new Float64Array(terms.length);
  return (x, out) => {
    evalMonomials(terms, x, feats);
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let k = 0; k < terms.length; k++) s += feats[k] * c[k * d + j];
      out[j] = s;
    }
  };
}

/** Human-readable equations, `dx/dt = 10*y - 10*x`, dropping zero coefficients. */
export function fieldEquations(
  field: PolynomialField,
  names: readonly string[],
  lhs: (name: string) => string,
  digits = 4,
): string[] {
  const d = field.dim;
  return names.map((name, j) => {
    const parts: string[] = [];
    field.terms.forEach((m, k) => {
      const c = field.coefficients[k * d + j];
      if (c === 0) return;
      const mag = Number(Math.abs(c).toPrecision(digits)).toString();
      const mono = monomialName(m, names);
      const body = mono === '1' ? mag : `${mag}*${mono}`;
      parts.push(parts.length === 0 ? (c < 0 ? `-${body}` : body) : `${c < 0 ? '-' : '+'} ${body}`);
    });
    return `${lhs(name)} = ${parts.length ? parts.join(' ') : '0'}`;
  });
}

/**
 * ONNX: the monomials of degree ≥ 1 as a feature tensor [B, F] from a state [B, d]. Degree-1 terms are the state
 * itself (in order x, y, z); each higher degree k costs k Gathers and k-1 Muls. Returns the feature name and the
 * monomials in column order.
 */
export function onnxFeatures(
  g: GraphBuilder,
  state: string,
  terms: readonly Monomial[],
): { features: string; order: Monomial[] } {
  const d = terms.find((m) => m.length)?.length ?? 0;
  const identity: Monomial[] = Array.from({ length: d }, (_, i) =>
    Array.from({ length: d }, (_, j) => (i === j ? 1 : 0)),
  );
  const byDegree = new Map<number, Monomial[]>();
  for (const m of terms) {
    const k = degreeOf(m);
    if (k < 2) continue;
    byDegree.set(k, [...(byDegree.get(k) ?? []), m]);
  }
  const parts = [state];
  const order: Monomial[] = [...identity];
  for (const k of [...byDegree.keys()].sort((a, b) => a - b)) {
    const group = byDegree.get(k)!;
    // factor p of each monomial: its p-th variable index when the exponents are unrolled (x^2*z → [0, 0, 2])
    const unrolled = group.map((m) => m.flatMap((e, i) => new Array<number>(e).fill(i)));
    let product = '';
    for (let p = 0; p < k; p++) {
      const idx = g.int64s(
        `deg${k}_f${p}`,
        unrolled.map((u) => u[p]),
      );
      const gathered = g.op('Gather', [state, idx], { axis: 1 });
      product = p === 0 ? gathered : g.op('Mul', [product, gathered]);
    }
    parts.push(product);
    order.push(...group);
  }
  const features = parts.length === 1 ? state : g.op('Concat', parts, { axis: 1 });
  return { features, order };
}

/** ONNX: dx/dt of a polynomial field for a state [B, d] as MatMul over the features plus a bias. */
export function onnxField(g: GraphBuilder, state: string, field: PolynomialField): string {
  const d = field.dim;
  const { features, order } = onnxFeatures(g, state, field.terms);
  const key = (m: Monomial) => m.join(',');
  const row = new Map(field.terms.map((m, k) => [key(m), k]));
  const w = new Float64Array(order.length * d);
  order.forEach((m, r) => {
    const k = row.get(key(m));
    if (k !== undefined) for (let j = 0; j < d; j++) w[r * d + j] = field.coefficients[k * d + j];
  });
  const bias = new Float64Array(d);
  const k0 = row.get(key(new Array<number>(d).fill(0)));
  if (k0 !== undefined) for (let j = 0; j < d; j++) bias[j] = field.coefficients[k0 * d + j];
  const product = g.op('MatMul', [features, g.weight('field_w', w, [order.length, d])]);
  return bias.some((b) => b !== 0) ? g.op('Add', [product, g.weight('field_b', bias, [d])]) : product;
}

/** A polynomial vector field stepped by classic RK4 with step h. */
export const polynomialRk4 = (field: PolynomialField, h: number): DiscreteMap =>
  rk4Map(fieldEvaluator(field), field.dim, h);
