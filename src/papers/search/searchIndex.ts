import type { Paper } from '../paper';
import { STOP_WORDS, tokenize } from './tokenize';

/** Field weights: a word in the title counts three times one in the abstract. */
const WEIGHT = { title: 3, authors: 2, id: 3, abstract: 1 } as const;
const K1 = 1.2;
const B = 0.75;
/** Prefix expansion of the word being typed: at most this many words, the most frequent first. */
const MAX_PREFIX_TERMS = 48;
const MAX_QUERY_TOKENS = 8;
/** Score factors: an exact word beats a completion, which beats a typo match. */
const EXACT = 1;
const PREFIX = 0.8;
const FUZZY = 0.55;

export interface SearchHit {
  readonly paper: Paper;
  readonly score: number;
}

export interface SearchOptions {
  readonly limit?: number;
  /** Treat the last word as a prefix (the user is still typing it). Default: unless the query ends in a space. */
  readonly prefix?: boolean;
}

/** Growable typed array, for the build's doc-major pass. */
class Int32Buffer {
  data = new Int32Array(1 << 16);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
}

/** Whether a and b differ by at most one insertion, deletion, substitution or adjacent transposition (linear). */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let i = 0;
  while (i < la && i < lb && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (la === lb) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true; // substitution
    return i + 1 < la && a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2); // transposition
  }
  return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

/** Damerau–Levenshtein distance of a and b if it is at most `max`, else max + 1 (with early exit). */
export function boundedDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const n = b.length;
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  let cur = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= n; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2] + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[n];
}

/**
 * An inverted index over titles, authors, arXiv ids and abstracts, scored with BM25. Postings are stored
 * term-major in flat typed arrays (CSR), with each posting's BM25 weight precomputed, so a query touches only
 * the postings of its words. The vocabulary is sorted for prefix lookups; typos are matched by bounded edit
 * distance among words with the same first letter. Pure (no vscode); loaded on the first search.
 */
export class SearchIndex {
  readonly papers: readonly Paper[];
  /** Vocabulary in sorted order. */
  private readonly terms: string[];
  /** Start of each sorted term's postings in `docs`/`weights` (length terms + 1). */
  private readonly offsets: Int32Array;
  private readonly docs: Int32Array;
  private readonly weights: Float32Array;
  private readonly idf: Float32Array;
  private readonly termIndex: Map<string, number>;
  // Scratch space reused by queries.
  private readonly hit: Uint8Array;
  private readonly score: Float32Array;
  private readonly touched: Int32Array;

  constructor(papers: readonly Paper[]) {
    this.papers = papers;
    const ids = new Map<string, number>();
    const names: string[] = [];
    const pairTerm = new Int32Buffer();
    const pairTf = new Int32Buffer();
    const docStart = new Int32Array(papers.length + 1);
    const docLen = new Float32Array(papers.length);
    const tf = new Map<number, number>();
    const add = (text: string, weight: number) => {
      for (const token of tokenize(text)) {
        if (STOP_WORDS.has(token)) continue;
        let id = ids.get(token);
        if (id === undefined) {
          id = names.length;
          ids.set(token, id);
          names.push(token);
        }
        tf.set(id, (tf.get(id) ?? 0) + weight);
      }
    };
    for (let d = 0; d < papers.length; d++) {
      const p = papers[d];
      tf.clear();
      add(p.title, WEIGHT.title);
      add(p.authors.join(' '), WEIGHT.authors);
      if (p.arxivId) add(p.arxivId, WEIGHT.id);
      add(p.abstract, WEIGHT.abstract);
      docStart[d] = pairTerm.length;
      let len = 0;
      for (const [term, count] of tf) {
        pairTerm.push(term);
        pairTf.push(count);
        len += count;
      }
      docLen[d] = len;
    }
    docStart[papers.length] = pairTerm.length;

    // Sorted vocabulary; rank[termId] = position in sorted order.
    const order = names.map((_, i) => i).sort((a, b) => (names[a] < names[b] ? -1 : names[a] > names[b] ? 1 : 0));
    const rank = new Int32Array(names.length);
    order.forEach((termId, r) => (rank[termId] = r));
    this.terms = order.map((i) => names[i]);
    this.termIndex = new Map(this.terms.map((t, r) => [t, r]));

    // Transpose doc-major pairs into term-major postings (counting sort).
    const total = pairTerm.length;
    const offsets = new Int32Array(this.terms.length + 1);
    for (let i = 0; i < total; i++) offsets[rank[pairTerm.data[i]] + 1]++;
    for (let r = 0; r < this.terms.length; r++) offsets[r + 1] += offsets[r];
    const fill = offsets.slice(0, this.terms.length);
    const docs = new Int32Array(total);
    const weights = new Float32Array(total);
    const n = papers.length;
    const avgLen = n > 0 ? docLen.reduce((a, b) => a + b, 0) / n : 1;
    const idf = new Float32Array(this.terms.length);
    for (let r = 0; r < this.terms.length; r++) {
      const df = offsets[r + 1] - offsets[r];
      idf[r] = Math.log(1 + (n - df + 0.5) / (df + 0.5));
    }
    for (let d = 0; d < n; d++) {
      const norm = K1 * (1 - B + (B * docLen[d]) / avgLen);
      for (let i = docStart[d]; i < docStart[d + 1]; i++) {
        const r = rank[pairTerm.data[i]];
        const f = pairTf.data[i];
        const at = fill[r]++;
        docs[at] = d;
        weights[at] = (idf[r] * (f * (K1 + 1))) / (f + norm);
      }
    }
    this.offsets = offsets;
    this.docs = docs;
    this.weights = weights;
    this.idf = idf;
    this.hit = new Uint8Array(n);
    this.score = new Float32Array(n);
    this.touched = new Int32Array(n);
  }

  get termCount(): number {
    return this.terms.length;
  }

  get postingCount(): number {
    return this.docs.length;
  }

  /** First sorted position whose term is ≥ `s`. */
  private lowerBound(s: string): number {
    let lo = 0;
    let hi = this.terms.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.terms[mid] < s) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private df(r: number): number {
    return this.offsets[r + 1] - this.offsets[r];
  }

  /** The vocabulary words a query word stands for, with their score factors. */
  private expand(token: string, asPrefix: boolean): Map<number, number> {
    const found = new Map<number, number>();
    const exact = this.termIndex.get(token);
    if (exact !== undefined) found.set(exact, EXACT);
    if (asPrefix) {
      const start = this.lowerBound(token);
      let end = start;
      while (end < this.terms.length && this.terms[end].startsWith(token)) end++;
      const range = Array.from({ length: end - start }, (_, i) => start + i).filter((r) => r !== exact);
      if (range.length > MAX_PREFIX_TERMS) range.sort((a, b) => this.df(b) - this.df(a));
      for (const r of range.slice(0, MAX_PREFIX_TERMS)) found.set(r, PREFIX);
    }
    // Typos are looked for only when the word as typed matches nothing: a real word is taken at its word.
    if (found.size === 0 && token.length >= 4 && /^\p{L}/u.test(token)) {
      const max = token.length >= 8 ? 2 : 1;
      const first = token[0];
      const start = this.lowerBound(first);
      const end = this.lowerBound(String.fromCharCode(first.charCodeAt(0) + 1));
      for (let r = start; r < end; r++) {
        if (found.has(r)) continue;
        const term = this.terms[r];
        const candidate = asPrefix && term.length > token.length ? term.slice(0, token.length) : term;
        if (Math.abs(candidate.length - token.length) > max) continue;
        if (max === 1 ? withinOneEdit(token, candidate) : boundedDistance(token, candidate, max) <= max) found.set(r, FUZZY);
      }
    }
    return found;
  }

  /**
   * Papers matching every word of the query (the last one as a prefix while typing), best first. Words that
   * are stop words are ignored unless the query has nothing else.
   */
  search(query: string, options: SearchOptions = {}): SearchHit[] {
    const limit = options.limit ?? 50;
    const asPrefix = options.prefix ?? !/\s$/.test(query);
    let tokens = tokenize(query);
    const content = tokens.filter((t) => !STOP_WORDS.has(t));
    if (content.length > 0) tokens = content;
    tokens = [...new Set(tokens)].slice(0, MAX_QUERY_TOKENS);
    if (tokens.length === 0) return [];
    const lastToken = tokenize(query).at(-1);
    const expanded = tokens.map((t) => this.expand(t, asPrefix && t === lastToken));
    if (expanded.some((e) => e.size === 0)) return [];
    // Rarest word first: its documents are the candidates the other words can only narrow.
    const cost = (e: Map<number, number>) => [...e.keys()].reduce((s, r) => s + this.df(r), 0);
    expanded.sort((a, b) => cost(a) - cost(b));

    const { hit, score, docs, weights, offsets, touched } = this;
    let touchedCount = 0;
    expanded.forEach((terms, i) => {
      const bit = 1 << i;
      for (const [r, factor] of terms) {
        for (let k = offsets[r]; k < offsets[r + 1]; k++) {
          const d = docs[k];
          if (i === 0) {
            if (hit[d] === 0) touched[touchedCount++] = d;
          } else if (hit[d] === 0) continue;
          // A word matched through several spellings counts once, by its first posting.
          if ((hit[d] & bit) === 0) {
            hit[d] |= bit;
            score[d] += weights[k] * factor;
          }
        }
      }
    });
    const full = (1 << expanded.length) - 1;
    const matches: number[] = [];
    for (let i = 0; i < touchedCount; i++) if (hit[touched[i]] === full) matches.push(touched[i]);
    const results = topK(matches, score, limit);
    for (let i = 0; i < touchedCount; i++) {
      hit[touched[i]] = 0;
      score[touched[i]] = 0;
    }
    return results.map(([d, s]) => ({ paper: this.papers[d], score: s }));
  }

  /**
   * Papers like the given one: its most distinctive words (tf-idf over title and abstract) as a weighted
   * BM25 query over the whole library, the paper itself left out.
   */
  similar(paper: Paper, limit = 10): SearchHit[] {
    const tf = new Map<number, number>();
    for (const [text, weight] of [[paper.title, WEIGHT.title], [paper.abstract, WEIGHT.abstract]] as const) {
      for (const token of tokenize(text)) {
        if (STOP_WORDS.has(token)) continue;
        const r = this.termIndex.get(token);
        if (r !== undefined) tf.set(r, (tf.get(r) ?? 0) + weight);
      }
    }
    const query = [...tf.entries()]
      .filter(([r]) => this.df(r) > 1)
      .map(([r, f]) => [r, f * this.idf[r]] as const)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 25);
    const { score, docs, weights, offsets } = this;
    const touched: number[] = [];
    for (const [r, qw] of query) {
      for (let k = offsets[r]; k < offsets[r + 1]; k++) {
        const d = docs[k];
        if (score[d] === 0) touched.push(d);
        score[d] += weights[k] * qw;
      }
    }
    const self = this.papers.findIndex((p) => p.id === paper.id);
    const candidates = touched.filter((d) => d !== self);
    const results = topK(candidates, score, limit);
    for (const d of touched) score[d] = 0;
    return results.map(([d, s]) => ({ paper: this.papers[d], score: s }));
  }
}

/** The k best documents with their scores (ties: lower index first), via a small sorted buffer. */
function topK(candidates: readonly number[], score: Float32Array, k: number): [number, number][] {
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
