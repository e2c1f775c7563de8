/**
 * Exact fixed points and cycles of a piecewise-linear map z′ = L z + W relu(P z + q) + c, and the linear subregions
 * a run visits. In the subregion with ReLU on/off pattern D (a diagonal 0/1 matrix: the symbolic code) the map is
 * affine, z′ = A_D z + b_D with A_D = L + W D P and b_D = W D q + c, so a k-cycle through the subregions
 * D₁…D_k solves the linear system (I − A_{D_k}⋯A_{D₁}) z = b, and is real only if every point of the orbit lies in
 * its subregion; otherwise it is "virtual" and not reported. Which sequences to try follows SCYFI (Eisenmann,
 * Monfared, Göring & Durstewitz, NeurIPS 2023, "Bifurcations and loss jumps in RNN training", Algorithm 1):
 * start from a sequence (here the codes met by the true map from a seed), solve, and when the solution is virtual
 * restart from the sequence of the subregions the solution actually lies in, up to a number of inner steps; many
 * seeds. With few ReLU units every sequence is tried. Multipliers are the eigenvalues of A_{D_k}⋯A_{D₁}. Pure.
 */
import { classify, snapReal } from './classify';
import { eigenvalues, solveLinear } from './eigen';
import type { FoundPoint } from './newton';
import type { PiecewiseLinearMap } from './piecewiseLinear';
import type { DiscreteMap } from '../../core/trajectory';
import { Rng } from '../../core/rng';
import { timeSlice } from '../../core/turns';

/** The map in float64, for runs in JS (Lyapunov spectrum, residuals). */
export function piecewiseMap(m: PiecewiseLinearMap): DiscreteMap {
  const { d, H, L, W, c, P, q } = m;
  const r = new Float64Array(H);
  return {
    dim: d,
    observed: d,
    step(z, out) {
      for (let u = 0; u < H; u++) {
        let s = q[u];
        for (let j = 0; j < d; j++) s += P[u * d + j] * z[j];
        r[u] = s > 0 ? s : 0;
      }
      for (let i = 0; i < d; i++) {
        let s = c[i];
        for (let j = 0; j < d; j++) s += L[i * d + j] * z[j];
        for (let u = 0; u < H; u++) s += W[i * H + u] * r[u];
        out[i] = s;
      }
    },
  };
}

/** The on/off pattern of the ReLU units at z (1 = P z + q > 0). */
export function regionOf(m: PiecewiseLinearMap, z: ArrayLike<number>, into = new Uint8Array(m.H)): Uint8Array {
  const { d, H, P, q } = m;
  for (let u = 0; u < H; u++) {
    let s = q[u];
    for (let j = 0; j < d; j++) s += P[u * d + j] * z[j];
    into[u] = s > 0 ? 1 : 0;
  }
  return into;
}

/**
 * The symbolic code as text: the bits of units 1…H for H ≤ 16 ("0110"), else hexadecimal, four units per digit,
 * unit 1 the high bit of the first digit.
 */
export function codeText(bits: ArrayLike<number>): string {
  if (bits.length <= 16) return Array.from(bits, (b) => (b ? '1' : '0')).join('');
  let out = '';
  for (let i = 0; i < bits.length; i += 4) {
    let v = 0;
    for (let k = 0; k < 4; k++) v = (v << 1) | (i + k < bits.length && bits[i + k] ? 1 : 0);
    out += v.toString(16);
  }
  return out;
}

/** A_D and b_D of the subregion D. */
export function regionAffine(m: PiecewiseLinearMap, D: ArrayLike<number>): { A: Float64Array; b: Float64Array } {
  const { d, H, L, W, c, P, q } = m;
  const A = Float64Array.from(L);
  const b = Float64Array.from(c);
  for (let u = 0; u < H; u++) {
    if (!D[u]) continue;
    for (let i = 0; i < d; i++) {
      const w = W[i * H + u];
      if (w === 0) continue;
      for (let j = 0; j < d; j++) A[i * d + j] += w * P[u * d + j];
      b[i] += w * q[u];
    }
  }
  return { A, b };
}

export interface ExactSearchOptions {
  /** Points to start from (run points and random points of its box), each of length d. */
  readonly seeds: readonly (readonly number[])[];
  readonly maxPeriod?: number;
  /** SCYFI's inner loop: how often a virtual solution's own subregions are tried next. */
  readonly innerIterations?: number;
  /** Extra random starts per period (random subregion sequences; the seeded generator). */
  readonly randomStarts?: number;
  readonly seed?: number;
  /** false: SCYFI's search only, even where every sequence (at most 4096 per period) could be tried. */
  readonly exhaustive?: boolean;
  readonly signal?: { readonly cancelled: boolean };
  readonly onProgress?: (done: number, total: number) => void | Promise<void>;
}

export interface ExactSearchResult {
  readonly points: FoundPoint[];
  /** Subregion sequences solved. */
  readonly solved: number;
  /** Solutions that lay outside their subregions (not reported). */
  readonly virtual: number;
  /** Every sequence was tried (few units), not only SCYFI's. */
  readonly exhaustive: boolean;
  readonly cancelled: boolean;
}

const EXHAUSTIVE_LIMIT = 4096;

export async function exactSearch(m: PiecewiseLinearMap, options: ExactSearchOptions): Promise<ExactSearchResult> {
  const { d, H } = m;
  const maxPeriod = Math.max(1, Math.min(8, options.maxPeriod ?? 8));
  const inner = options.innerIterations ?? 20;
  const rng = new Rng(options.seed ?? 2023);
  const map = piecewiseMap(m);
  const found: FoundPoint[] = [];
  let solved = 0;
  let virtual = 0;
  let exhaustiveAll = true;
  let size = 1;
  for (const s of options.seeds) for (const v of s) size = Math.max(size, Math.abs(v));
  const tol = 1e-9 * (1 + size);
  const cache = new Map<string, { A: Float64Array; b: Float64Array }>();
  const affine = (D: Uint8Array, key = packKey(D)) => {
    let e = cache.get(key);
    if (!e) {
      e = regionAffine(m, D);
      if (cache.size > 20_000) cache.clear();
      cache.set(key, e);
    }
    return e;
  };
  const total = maxPeriod;
  const breathe = timeSlice();
  // scratch for composing the affine maps (d is small; no allocation per solve)
  let F = new Float64Array(d * d);
  let F2 = new Float64Array(d * d);
  let g = new Float64Array(d);
  let g2 = new Float64Array(d);
  const IminusF = new Float64Array(d * d);

  for (let k = 1; k <= maxPeriod; k++) {
    if (options.signal?.cancelled) return { points: found, solved, virtual, exhaustive: false, cancelled: true };
    const tried = new Set<string>();
    /** Solves one sequence; returns the sequence its solution actually lies in (or undefined). */
    const attempt = (seq: Uint8Array[]): Uint8Array[] | undefined => {
      const keys = seq.map(packKey);
      const key = keys.join('|');
      if (tried.has(key)) return undefined;
      tried.add(key);
      solved++;
      // compose z ↦ A_k ⋯ A_1 z + b along the sequence
      F.fill(0);
      for (let i = 0; i < d; i++) F[i * d + i] = 1;
      g.fill(0);
      for (let n = 0; n < k; n++) {
        const { A, b } = affine(seq[n], keys[n]);
        for (let i = 0; i < d; i++) {
          let gi = b[i];
          for (let j = 0; j < d; j++) {
            let s = 0;
            for (let t = 0; t < d; t++) s += A[i * d + t] * F[t * d + j];
            F2[i * d + j] = s;
            gi += A[i * d + j] * g[j];
          }
          g2[i] = gi;
        }
        [F, F2] = [F2, F];
        [g, g2] = [g2, g];
      }
      for (let i = 0; i < d * d; i++) IminusF[i] = (i % (d + 1) === 0 ? 1 : 0) - F[i];
      const z = solveLinear(IminusF, g, d);
      if (!z || !z.every(Number.isFinite)) return undefined;
      // the orbit and the subregions it really visits
      const orbit: Float64Array[] = [z];
      const actual: Uint8Array[] = [];
      let real = true;
      for (let i = 0; i < k; i++) {
        const D = regionOf(m, orbit[i]);
        actual.push(D);
        if (!same(D, seq[i])) real = false;
        if (i + 1 < k) {
          const { A, b } = affine(seq[i], keys[i]);
          const next = Float64Array.from(b);
          for (let r = 0; r < d; r++) for (let j = 0; j < d; j++) next[r] += A[r * d + j] * orbit[i][j];
          orbit.push(next);
        }
      }
      if (!real) {
        virtual++;
        return actual;
      }
      const dist = (a: ArrayLike<number>, b: ArrayLike<number>) => {
        let s = 0;
        for (let j = 0; j < d; j++) s = Math.max(s, Math.abs(a[j] - b[j]));
        return s;
      };
      for (let j = 1; j < k; j++) if (k % j === 0 && dist(orbit[j], orbit[0]) < 1e3 * tol) return undefined;
      if (found.some((p) => p.period === k && p.orbit.some((x) => dist(x, z) < 1e3 * tol))) return undefined;
      // residual of the true map, k steps
      let a = Float64Array.from(z);
      let bb = new Float64Array(d);
      for (let i = 0; i < k; i++) {
        map.step(a, bb);
        [a, bb] = [bb, a];
      }
      const values = snapReal(eigenvalues(Float64Array.from(F), d));
      found.push({
        period: k,
        orbit: orbit.map((x) => Array.from(x)),
        eigenvalues: values,
        classification: classify(values, 'map'),
        residual: dist(a, z),
        codes: actual.map(codeText),
        exact: true,
      });
      return undefined;
    };
    const scyfi = async (start: Uint8Array[]) => {
      let seq: Uint8Array[] | undefined = start;
      for (let i = 0; i < inner && seq; i++) seq = attempt(seq);
      await breathe();
    };

    if (options.exhaustive !== false && H * k <= Math.log2(EXHAUSTIVE_LIMIT)) {
      // few units: every sequence of k subregions
      const count = 2 ** (H * k);
      for (let n = 0; n < count; n++) {
        const seq = Array.from({ length: k }, (_, i) =>
          Uint8Array.from({ length: H }, (_, u) => (n >> (i * H + u)) & 1),
        );
        attempt(seq);
      }
    } else {
      exhaustiveAll = false;
      // SCYFI from the codes the true map visits from each seed
      for (const s of options.seeds) {
        if (options.signal?.cancelled) return { points: found, solved, virtual, exhaustive: false, cancelled: true };
        let a = Float64Array.from(s);
        let b = new Float64Array(d);
        const seq: Uint8Array[] = [];
        for (let i = 0; i < k; i++) {
          seq.push(regionOf(m, a));
          map.step(a, b);
          [a, b] = [b, a];
        }
        await scyfi(seq);
      }
      // and from random subregion sequences
      for (let r = 0; r < (options.randomStarts ?? 20); r++) {
        const seq = Array.from({ length: k }, () => Uint8Array.from({ length: H }, () => (rng.next() < 0.5 ? 1 : 0)));
        await scyfi(seq);
      }
    }
    await options.onProgress?.(k, total);
  }
  return { points: found, solved, virtual, exhaustive: exhaustiveAll, cancelled: false };
}

/** A subregion as a short string key: 16 units per character. */
function packKey(D: Uint8Array): string {
  let out = '';
  for (let i = 0; i < D.length; i += 16) {
    let v = 0;
    for (let k = 0; k < 16 && i + k < D.length; k++) v |= D[i + k] << k;
    out += String.fromCharCode(v);
  }
  return out;
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export interface RegionVisits {
  /** Index into `regions` of each row. */
  readonly region: Uint32Array;
  /** Subregions in order of first visit, with their visit counts. */
  readonly regions: readonly { readonly code: string; readonly visits: number }[];
}

/**
 * The subregion of every row of a run (`rows` is [steps, d]): its symbolic code and visit counts. A row's on/off
 * pattern is packed 30 units per word and looked up by a hash of the words (words compared on a hit), so no string
 * is built per row: 10⁵ rows of a 200-unit model cost about as much as the 6·10⁷ multiply-adds of P z + q.
 */
export function regionVisits(m: PiecewiseLinearMap, rows: ArrayLike<number>, steps: number): RegionVisits {
  const counter = regionCounter(m, rows, steps);
  counter.add(steps);
  return counter.finish();
}

/** Rows coloured between looks at the clock (well under a millisecond of a 200-unit model). */
const VISIT_CHUNK = 250;

/**
 * regionVisits in chunks of rows, checking for Cancel and yielding to the event loop between them, so a long run
 * of a wide model neither blocks the host nor ignores Cancel. Undefined when cancelled.
 */
export async function regionVisitsChunked(
  m: PiecewiseLinearMap,
  rows: ArrayLike<number>,
  steps: number,
  options: {
    readonly signal?: { readonly cancelled: boolean };
    readonly onProgress?: (done: number, total: number) => void | Promise<void>;
  } = {},
): Promise<RegionVisits | undefined> {
  const counter = regionCounter(m, rows, steps);
  const breathe = timeSlice();
  for (let done = 0; done < steps;) {
    done = counter.add(Math.min(steps, done + VISIT_CHUNK));
    if (await breathe()) {
      if (options.signal?.cancelled) return undefined;
      await options.onProgress?.(done, steps);
    }
  }
  // the codes of 10^4 subregions of 200 units are 2·10^6 bits to read: a block of its own if made at once
  const codes: string[] = [];
  for (let i = 0; i < counter.regionCount(); i++) {
    codes.push(counter.code(i));
    if ((await breathe()) && options.signal?.cancelled) return undefined;
  }
  return options.signal?.cancelled ? undefined : counter.finish(codes);
}

/** The state of a colouring: `add(to)` colours rows up to `to` (exclusive) and returns it. */
function regionCounter(
  m: PiecewiseLinearMap,
  rows: ArrayLike<number>,
  steps: number,
): { add(to: number): number; regionCount(): number; code(i: number): string; finish(codes?: string[]): RegionVisits } {
  const { d, H, P, q } = m;
  const words = Math.ceil(H / 30);
  const region = new Uint32Array(steps);
  const byHash = new Map<number, number[]>();
  let known = new Int32Array(64 * words);
  const visits: number[] = [];
  const packed = new Int32Array(words);
  // Units with the same row of P (the clipped PLRNN's pairs relu(W₂z + h₂), relu(W₂z)) share one product P z;
  // the distinct rows are stored by columns, so the products are d passes over contiguous arrays.
  const rowOf = new Int32Array(H);
  const distinct: number[] = [];
  const seen = new Map<string, number>();
  for (let u = 0; u < H; u++) {
    const key = Array.from(P.subarray(u * d, (u + 1) * d)).join(',');
    let r = seen.get(key);
    if (r === undefined) {
      r = distinct.length;
      seen.set(key, r);
      distinct.push(u);
    }
    rowOf[u] = r;
  }
  const R = distinct.length;
  const Pt = new Float64Array(d * R);
  distinct.forEach((u, r) => {
    for (let j = 0; j < d; j++) Pt[j * R + r] = P[u * d + j];
  });
  const prod = new Float64Array(R);
  let next = 0;
  const add = (to: number): number => {
    for (let t = next; t < to; t++) colour(t);
    next = Math.max(next, to);
    return next;
  };
  const colour = (t: number): void => {
    const o = t * d;
    prod.fill(0);
    for (let j = 0; j < d; j++) {
      const z = rows[o + j];
      const col = j * R;
      for (let r = 0; r < R; r++) prod[r] += Pt[col + r] * z;
    }
    for (let w = 0; w < words; w++) {
      let word = 0;
      const end = Math.min(H, (w + 1) * 30);
      for (let u = w * 30; u < end; u++) if (prod[rowOf[u]] + q[u] > 0) word |= 1 << (u - w * 30);
      packed[w] = word;
    }
    let hash = 0x811c9dc5;
    for (let w = 0; w < words; w++) hash = Math.imul(hash ^ packed[w], 0x01000193);
    let bucket = byHash.get(hash);
    let i = -1;
    if (bucket) {
      for (const c of bucket) {
        let same = true;
        for (let w = 0; w < words && same; w++) if (known[c * words + w] !== packed[w]) same = false;
        if (same) {
          i = c;
          break;
        }
      }
    } else byHash.set(hash, (bucket = []));
    if (i < 0) {
      i = visits.length;
      if ((i + 1) * words > known.length) {
        const grown = new Int32Array(known.length * 2);
        grown.set(known);
        known = grown;
      }
      known.set(packed, i * words);
      bucket.push(i);
      visits.push(0);
    }
    visits[i]++;
    region[t] = i;
  };
  const bits = new Uint8Array(H);
  const code = (i: number): string => {
    for (let u = 0; u < H; u++) bits[u] = (known[i * words + ((u / 30) | 0)] >> (u % 30)) & 1;
    return codeText(bits);
  };
  const finish = (codes = visits.map((_, i) => code(i))): RegionVisits => ({
    region,
    regions: visits.map((v, i) => ({ code: codes[i], visits: v })),
  });
  return { add, regionCount: () => visits.length, code, finish };
}
