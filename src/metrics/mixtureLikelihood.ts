/**
 * The likelihood of sample points under an isotropic Gaussian mixture with one component of variance σ² on each
 * of T means, as D_stsp's GMM variant needs it (GTF-shPLRNN `gmm_likelihood_diagonal_Σ`, no (2π)^{N/2}):
 *
 *   L(x) = (1/T) Σ_t exp(−½‖x − μ_t‖²/σ²) / σ^N.
 *
 * Summing all T terms for each sample costs T·N per sample (10^4 × 10 × 1,000 samples × 2 mixtures = 2·10^8). But
 * the terms fall off as a Gaussian: one with ‖x − μ_t‖² > e_min + 2σ²·(40 + ln T), e_min the nearest mean's
 * squared distance, is below e^{−40}/T of the largest term, so all such terms together change the sum by less than
 * e^{−40} ≈ 4·10^{−18} of it, below one rounding of a double; terms with ½‖x − μ‖²/σ² ≥ 746 are exactly 0 in
 * doubles. The means are therefore kept in a k-d tree and each sample sums only the terms within that radius,
 * visiting the nearer half of each split first so that e_min is found early. The sum is the full sum up to
 * rounding (it is summed in tree order); a sample whose every term underflows still gets exactly 0 (GTF's
 * `filter_outliers` then drops it), since the nearest mean is always visited.
 */

/** Terms more than e^{−(TAIL + ln T)} below the largest are left out: their total is < e^{−TAIL} of the sum. */
const TAIL = 40;
/** exp(−746) is 0 in doubles. */
const UNDERFLOW = 746;
const LEAF = 8;

interface MeanTree {
  readonly d: number;
  /** The means, reordered so that every node's points are contiguous. */
  readonly points: Float64Array;
  /** Per node: first point, end point, children (−1 for a leaf). */
  readonly begin: Int32Array;
  readonly end: Int32Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** Per node, its bounding box, `[nodes, d]`. */
  readonly lo: Float64Array;
  readonly hi: Float64Array;
}

function buildTree(mu: ArrayLike<number>, count: number, d: number): MeanTree {
  const order = new Int32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  const maxNodes = 2 * count + 1;
  const keys = new Float64Array(count);
  const begin = new Int32Array(maxNodes);
  const end = new Int32Array(maxNodes);
  const left = new Int32Array(maxNodes).fill(-1);
  const right = new Int32Array(maxNodes).fill(-1);
  const lo = new Float64Array(maxNodes * d);
  const hi = new Float64Array(maxNodes * d);
  let nodes = 0;
  const build = (b: number, e: number): number => {
    const node = nodes++;
    begin[node] = b;
    end[node] = e;
    const nb = node * d;
    for (let j = 0; j < d; j++) {
      lo[nb + j] = Infinity;
      hi[nb + j] = -Infinity;
    }
    for (let i = b; i < e; i++) {
      const row = order[i] * d;
      for (let j = 0; j < d; j++) {
        const v = mu[row + j];
        if (v < lo[nb + j]) lo[nb + j] = v;
        if (v > hi[nb + j]) hi[nb + j] = v;
      }
    }
    let widest = 0;
    let spread = -1;
    for (let j = 0; j < d; j++) {
      if (hi[nb + j] - lo[nb + j] > spread) {
        spread = hi[nb + j] - lo[nb + j];
        widest = j;
      }
    }
    if (e - b <= LEAF || !(spread > 0)) return node;
    // split at the median of the widest dimension
    const mid = (b + e) >> 1;
    for (let i = b; i < e; i++) keys[i] = mu[order[i] * d + widest];
    select(order, keys, b, e - 1, mid);
    left[node] = build(b, mid);
    right[node] = build(mid, e);
    return node;
  };
  build(0, count);
  const points = new Float64Array(count * d);
  for (let i = 0; i < count; i++) for (let j = 0; j < d; j++) points[i * d + j] = mu[order[i] * d + j];
  return { d, points, begin, end, left, right, lo, hi };
}

/** Reorders order/keys[lo..hi] so that keys[k] is the k-th smallest, nothing greater before it, nothing less after. */
function select(order: Int32Array, keys: Float64Array, lo: number, hi: number, k: number): void {
  while (hi > lo) {
    const pivot = keys[(lo + hi) >> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (keys[i] < pivot) i++;
      while (keys[j] > pivot) j--;
      if (i <= j) {
        const tk = keys[i];
        keys[i] = keys[j];
        keys[j] = tk;
        const to = order[i];
        order[i] = order[j];
        order[j] = to;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

/** Squared distance from x (at samples[o..o+d)) to a node's box: a lower bound for every point in it. */
function boxDistance(tree: MeanTree, node: number, samples: Float64Array, o: number): number {
  const { d, lo, hi } = tree;
  let s = 0;
  const b = node * d;
  for (let j = 0; j < d; j++) {
    const x = samples[o + j];
    const l = lo[b + j];
    const h = hi[b + j];
    const c = x < l ? l - x : x > h ? x - h : 0;
    s += c * c;
  }
  return s;
}

/**
 * L(x_i) for the m samples `samples` (`[m, d]`) under the mixture of variance s2 on the first `count` rows of mu
 * (`[count, d]`).
 */
export function mixtureLikelihoods(
  samples: Float64Array,
  m: number,
  mu: ArrayLike<number>,
  count: number,
  d: number,
  s2: number,
): Float64Array {
  const out = new Float64Array(m);
  const half = 0.5 / s2;
  const cutoff = UNDERFLOW / half;
  const tail = (TAIL + Math.log(count)) / half;
  const norm = 1 / (Math.pow(Math.sqrt(s2), d) * count);
  const tree = buildTree(mu, count, d);
  const { points, begin, end, left, right } = tree;
  const stack = new Int32Array(64);
  const bounds = new Float64Array(64);
  for (let i = 0; i < m; i++) {
    const o = i * d;
    let acc = 0;
    let nearest = Infinity;
    let limit = cutoff;
    stack[0] = 0;
    bounds[0] = boxDistance(tree, 0, samples, o);
    let top = 1;
    while (top > 0) {
      top--;
      const node = stack[top];
      if (bounds[top] >= limit) continue;
      const l = left[node];
      if (l < 0) {
        for (let p = begin[node]; p < end[node]; p++) {
          let e = 0;
          const b = p * d;
          let j = 0;
          for (; j < d && e < limit; j++) {
            const c = samples[o + j] - points[b + j];
            e += c * c;
          }
          if (e < limit) {
            acc += Math.exp(-e * half);
            if (e < nearest) {
              nearest = e;
              if (nearest + tail < limit) limit = nearest + tail;
            }
          }
        }
        continue;
      }
      const r = right[node];
      const dl = boxDistance(tree, l, samples, o);
      const dr = boxDistance(tree, r, samples, o);
      // the nearer child is popped first
      if (dl <= dr) {
        stack[top] = r;
        bounds[top++] = dr;
        stack[top] = l;
        bounds[top++] = dl;
      } else {
        stack[top] = l;
        bounds[top++] = dl;
        stack[top] = r;
        bounds[top++] = dr;
      }
    }
    out[i] = acc * norm;
  }
  return out;
}
