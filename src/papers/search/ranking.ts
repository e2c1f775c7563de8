/**
 * Ranking helpers of the BM25 index: the k best documents (one heap, its root the worst kept; the k-th best
 * score for max-score pruning is its root), and the order of postings by impact (a radix sort on float bits).
 */

/** The k best documents seen so far (a heap whose root is the worst: lowest score, then latest document). */
export class TopK {
  private readonly docs: Int32Array;
  private readonly scores: Float64Array;
  private size = 0;

  constructor(private readonly k: number) {
    this.docs = new Int32Array(k);
    this.scores = new Float64Array(k);
  }

  get full(): boolean {
    return this.size === this.k;
  }

  get worstScore(): number {
    return this.scores[0];
  }

  /** Whether entry a ranks below entry b. */
  private worse(a: number, b: number): boolean {
    return this.scores[a] < this.scores[b] || (this.scores[a] === this.scores[b] && this.docs[a] > this.docs[b]);
  }

  private swap(a: number, b: number): void {
    [this.docs[a], this.docs[b]] = [this.docs[b], this.docs[a]];
    [this.scores[a], this.scores[b]] = [this.scores[b], this.scores[a]];
  }

  offer(d: number, s: number): void {
    if (this.size < this.k) {
      let i = this.size++;
      this.docs[i] = d;
      this.scores[i] = s;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!this.worse(i, parent)) break;
        this.swap(i, parent);
        i = parent;
      }
      return;
    }
    if (s < this.scores[0] || (s === this.scores[0] && d > this.docs[0])) return;
    this.docs[0] = d;
    this.scores[0] = s;
    for (let i = 0; ;) {
      const l = 2 * i + 1;
      if (l >= this.size) return;
      const c = l + 1 < this.size && this.worse(l + 1, l) ? l + 1 : l;
      if (!this.worse(c, i)) return;
      this.swap(c, i);
      i = c;
    }
  }

  /** Best first, ties by document. */
  sorted(): [number, number][] {
    const out: [number, number][] = [];
    for (let i = 0; i < this.size; i++) out.push([this.docs[i], this.scores[i]]);
    return out.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  }
}

/** The k-th highest score among the first `count` touched documents (for max-score pruning). */
export function kthBest(touched: Int32Array, count: number, score: Float32Array, k: number): number {
  const top = new TopK(k);
  for (let i = 0; i < count; i++) top.offer(touched[i], score[touched[i]]);
  return top.worstScore;
}

/**
 * The k best documents with their scores (ties: lower index first), via a small sorted buffer: unlike `TopK` it
 * takes k = Infinity, which the exhaustive search (every match, for checking the pruned one) asks for.
 */
export function topK(
  candidates: ArrayLike<number> & Iterable<number>,
  score: Float32Array,
  k: number,
): [number, number][] {
  const best: number[] = [];
  for (const d of candidates) {
    const s = score[d];
    if (best.length === k && s <= score[best[k - 1]]) continue;
    let i = best.length;
    while (i > 0 && score[best[i - 1]] < s) i--;
    best.splice(i, 0, d);
    if (best.length > k) best.pop();
  }
  return best.map((d) => [d, score[d]]);
}

/**
 * Indices 0..count-1 ordered by `bits` descending, stably (equal keys keep index order): an LSD radix sort
 * in two 16-bit passes. For positive float32 values, their bit patterns order as the values do.
 */
export function impactOrder(bits: Uint32Array, count: number): Int32Array {
  let from = new Int32Array(count);
  for (let i = 0; i < count; i++) from[i] = i;
  let to = new Int32Array(count);
  const counts = new Int32Array(1 << 16);
  for (const shift of [0, 16]) {
    counts.fill(0);
    for (let i = 0; i < count; i++) counts[0xffff - ((bits[i] >>> shift) & 0xffff)]++;
    let sum = 0;
    for (let b = 0; b < counts.length; b++) {
      const c = counts[b];
      counts[b] = sum;
      sum += c;
    }
    for (let i = 0; i < count; i++) {
      const p = from[i];
      to[counts[0xffff - ((bits[p] >>> shift) & 0xffff)]++] = p;
    }
    [from, to] = [to, from];
  }
  return from;
}
