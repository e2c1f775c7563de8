import type { Paper } from '../paper';
import { STOP_WORDS, tokenize } from './tokenize';
import { boundedDistance, withinOneEdit } from './editDistance';
import { PackedStrings } from './packedStrings';
import { impactOrder, kthBest, topK, TopK } from './ranking';

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

/** A query as every segment reads it: its words (at most 8), which one is typed as a prefix, which may be typos. */
export interface QueryPlan {
  readonly tokens: readonly string[];
  /** The word being typed (matched as a prefix), if any. */
  readonly prefixToken: string | undefined;
  /** Words no segment has as typed (nor as a prefix, for the one being typed): matched by edit distance. */
  readonly typos: ReadonlySet<string>;
}

/** A query's words: stop words dropped unless nothing else is left, each word once, at most MAX_QUERY_TOKENS. */
export function queryWords(query: string, prefix: boolean): { tokens: string[]; prefixToken: string | undefined } {
  const all = tokenize(query);
  let tokens = all.filter((t) => !STOP_WORDS.has(t));
  if (tokens.length === 0) tokens = all;
  tokens = [...new Set(tokens)].slice(0, MAX_QUERY_TOKENS);
  const last = all.at(-1);
  return { tokens, prefixToken: prefix && last !== undefined && tokens.includes(last) ? last : undefined };
}

/** A document's number in its segment and its score. */
export type DocScore = readonly [doc: number, score: number];

/**
 * The collection statistics a segment's BM25 weights are computed with. A segment added to a larger index takes
 * the index's (its own documents added), so its scores compare with the others'.
 */
export interface CollectionStats {
  readonly docCount: number;
  readonly avgLen: number;
  /** Documents of the rest of the index having the word. */
  df(term: string): number;
}

/** The arrays a segment is made of: what a snapshot stores. */
export interface SegmentArrays extends SegmentTables {
  readonly docs: Int32Array;
  readonly weights: Float32Array;
}

/** What a segment keeps in memory whatever holds its postings. */
export interface SegmentTables {
  /** Paper id of each document. */
  readonly ids: PackedStrings;
  /** Vocabulary in sorted order. */
  readonly terms: PackedStrings;
  readonly offsets: Int32Array;
  /** Average document length (summed field weights) the weights were computed with. */
  readonly avgLen: number;
  /** Document numbers in the order of their paper ids (a paper is found by binary search, no map of 100k ids). */
  readonly byId: Int32Array;
}

/** Some of a word's postings, in impact order: document numbers and their weights. */
export interface PostingList {
  readonly docs: Int32Array;
  readonly weights: Float32Array;
}

/**
 * Where a segment's postings are: in memory (`MemoryPostings`), or in the snapshot file of a main segment a
 * window loaded, read a word at a time (`FilePostings` in indexSnapshot.ts). The postings are most of an index
 * (65 of 72 MB at 100,000 papers) and a query reads a few words of them, so they need not stay in memory.
 */
export interface PostingSource {
  /** Postings [from, to) of the word at sorted position r (positions within its list). */
  slice(r: number, from: number, to: number): PostingList;
  /**
   * Every posting of the word, to be read at once: valid only until the next call (a file source reads into
   * one buffer it reuses).
   */
  whole(r: number): PostingList;
  /** The word's first, so largest, weight (its upper bound). */
  top(r: number): number;
}

/** Postings in memory, term-major in two flat arrays (CSR) cut by `offsets`. */
export class MemoryPostings implements PostingSource {
  constructor(
    readonly offsets: Int32Array,
    readonly docs: Int32Array,
    readonly weights: Float32Array,
  ) {}

  slice(r: number, from: number, to: number): PostingList {
    const at = this.offsets[r];
    return { docs: this.docs.subarray(at + from, at + to), weights: this.weights.subarray(at + from, at + to) };
  }

  whole(r: number): PostingList {
    return this.slice(r, 0, this.offsets[r + 1] - this.offsets[r]);
  }

  top(r: number): number {
    return this.weights[this.offsets[r]];
  }
}

/** The words of a paper as the index counts them: field weights summed per word (stop words out). */
export function paperTerms(p: Paper, fields: 'all' | 'text' = 'all'): Map<string, number> {
  const tf = new Map<string, number>();
  const add = (text: string, weight: number) => {
    for (const token of tokenize(text)) if (!STOP_WORDS.has(token)) tf.set(token, (tf.get(token) ?? 0) + weight);
  };
  add(p.title, WEIGHT.title);
  if (fields === 'all') {
    add(p.authors.join(' '), WEIGHT.authors);
    if (p.arxivId) add(p.arxivId, WEIGHT.id);
  }
  add(p.abstract, WEIGHT.abstract);
  return tf;
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

/** A query word's vocabulary words (sorted positions) with their score factors, best upper bound first. */
interface Expansion {
  readonly terms: Int32Array;
  readonly factors: Float64Array;
  /** Postings of all its words together: the cost of scoring the word in full. */
  readonly cost: number;
  /** The most any posting of it can add to a score. */
  readonly bound: number;
}

const EXPANSION_CACHE = 512;

/**
 * Builds a segment over `papers` (documents 0..n-1 in that order). Without `base` its BM25 statistics are its
 * own; with one, the document count and word frequencies are the base's plus its own and the average length is
 * the base's, so its weights compare with the base's.
 */
export function buildSegment(papers: readonly Paper[], base?: CollectionStats): IndexSegment {
  const n = papers.length;
  // Stop words map to -1: one lookup per token tells a known word, a new one and a stop word apart.
  const ids = new Map<string, number>([...STOP_WORDS].map((w) => [w, -1]));
  const names: string[] = [];
  let lastDoc = new Int32Array(1 << 14).fill(-1);
  let tfAcc = new Int32Array(1 << 14);
  let dfOf = new Int32Array(1 << 14);
  const pairTerm = new Int32Buffer();
  const pairTf = new Int32Buffer();
  const docStart = new Int32Array(n + 1);
  const docLen = new Float32Array(n);
  const docTerms: number[] = [];
  const add = (text: string, weight: number, d: number) => {
    for (const token of tokenize(text)) {
      let id = ids.get(token);
      if (id === -1) continue;
      if (id === undefined) {
        id = names.length;
        ids.set(token, id);
        names.push(token);
        if (id === lastDoc.length) {
          const grow = (a: Int32Array, fill: number) => {
            const next = new Int32Array(a.length * 2).fill(fill);
            next.set(a);
            return next;
          };
          lastDoc = grow(lastDoc, -1);
          tfAcc = grow(tfAcc, 0);
          dfOf = grow(dfOf, 0);
        }
      }
      if (lastDoc[id] !== d) {
        lastDoc[id] = d;
        tfAcc[id] = 0;
        dfOf[id]++;
        docTerms.push(id);
      }
      tfAcc[id] += weight;
    }
  };
  for (let d = 0; d < n; d++) {
    const p = papers[d];
    docTerms.length = 0;
    add(p.title, WEIGHT.title, d);
    add(p.authors.join(' '), WEIGHT.authors, d);
    if (p.arxivId) add(p.arxivId, WEIGHT.id, d);
    add(p.abstract, WEIGHT.abstract, d);
    docStart[d] = pairTerm.length;
    let len = 0;
    for (const term of docTerms) {
      pairTerm.push(term);
      pairTf.push(tfAcc[term]);
      len += tfAcc[term];
    }
    docLen[d] = len;
  }
  docStart[n] = pairTerm.length;

  // Sorted vocabulary; rank[termId] = position in sorted order.
  const order = names.map((_, i) => i).sort((a, b) => (names[a] < names[b] ? -1 : names[a] > names[b] ? 1 : 0));
  const rank = new Int32Array(names.length);
  order.forEach((termId, r) => (rank[termId] = r));
  const terms = order.map((i) => names[i]);
  const termCount = terms.length;

  // BM25 weight of every (document, term) pair, in document order.
  const total = pairTerm.length;
  const offsets = new Int32Array(termCount + 1);
  for (let id = 0; id < names.length; id++) offsets[rank[id] + 1] = dfOf[id];
  for (let r = 0; r < termCount; r++) offsets[r + 1] += offsets[r];
  const docCount = n + (base?.docCount ?? 0);
  const idf = new Float32Array(termCount);
  for (let r = 0; r < termCount; r++) {
    const df = offsets[r + 1] - offsets[r] + (base?.df(terms[r]) ?? 0);
    idf[r] = Math.log(1 + (docCount - df + 0.5) / (df + 0.5));
  }
  const avgLen = base ? base.avgLen : n > 0 ? docLen.reduce((a, b) => a + b, 0) / n : 1;
  const pairWeight = new Float32Array(total);
  const pairDoc = new Int32Array(total);
  for (let d = 0; d < n; d++) {
    const norm = K1 * (1 - B + (B * docLen[d]) / avgLen);
    for (let i = docStart[d]; i < docStart[d + 1]; i++) {
      const f = pairTf.data[i];
      pairWeight[i] = (idf[rank[pairTerm.data[i]]] * (f * (K1 + 1))) / (f + norm);
      pairDoc[i] = d;
    }
  }
  // Impact order: a stable LSD radix sort of the pairs by weight, descending (positive floats order as
  // their bit patterns), then a stable counting sort by term, so each term's postings come out by weight,
  // highest first, ties in document order.
  const perm = impactOrder(new Uint32Array(pairWeight.buffer), total);
  const fill = offsets.slice(0, termCount);
  const docs = new Int32Array(total);
  const weights = new Float32Array(total);
  for (let i = 0; i < total; i++) {
    const p = perm[i];
    const at = fill[rank[pairTerm.data[p]]]++;
    docs[at] = pairDoc[p];
    weights[at] = pairWeight[p];
  }
  const paperIds = papers.map((p) => p.id);
  const byId = Int32Array.from(paperIds.keys()).sort((a, b) =>
    paperIds[a] < paperIds[b] ? -1 : paperIds[a] > paperIds[b] ? 1 : a - b,
  );
  return new IndexSegment(
    { ids: PackedStrings.from(paperIds), terms: PackedStrings.from(terms), offsets, avgLen, byId },
    new MemoryPostings(offsets, docs, weights),
  );
}

/**
 * One part of the search index: an inverted index over titles, authors, arXiv ids and abstracts, scored with
 * BM25. Postings are stored term-major in flat typed arrays (CSR) and, within each word, by impact: the
 * precomputed BM25 weight, highest first (ties: lower document first), so a word's first posting is its upper
 * bound. A query scores its other words in full into dense scratch arrays and walks its heaviest word (highest
 * weight) in impact order, merged over its spellings, stopping as soon as no remaining posting can enter the top
 * k (max-score pruning); a single-word query thus reads little more than k postings. The results are exactly
 * those of scoring every posting (`searchExhaustive`). The vocabulary is sorted for exact and prefix lookups
 * (binary search); typos are matched by bounded edit distance among words with the same first letter;
 * expansions are cached. A segment never changes but for `kill`: a paper changed or removed later is marked
 * dead here and skipped.
 */
export class IndexSegment {
  /** Paper id of each document. */
  private readonly ids: PackedStrings;
  readonly avgLen: number;
  /** Vocabulary in sorted order. */
  private readonly terms: PackedStrings;
  /** Start of each sorted term's postings (length terms + 1): the word's document frequency is a difference. */
  private readonly offsets: Int32Array;
  /** Documents and BM25 weights of each word, weights non-increasing within a word. */
  private readonly postings: PostingSource;
  /** 1 for a document superseded by a later segment or removed. */
  private readonly dead: Uint8Array;
  private deadCount = 0;
  private readonly byId: Int32Array;
  private readonly expansions = new Map<string, Expansion>();
  // Scratch space reused by queries (left zeroed after each).
  private readonly hit: Uint8Array;
  private readonly score: Float32Array;
  private readonly best: Float32Array;
  private readonly touched: Int32Array;
  private readonly wordTouched: Int32Array;
  /** The highest score `addTerm` has made in the current "similar" query. */
  private similarMax = 0;

  constructor(tables: SegmentTables, postings: PostingSource) {
    this.ids = tables.ids;
    this.avgLen = tables.avgLen;
    this.terms = tables.terms;
    this.offsets = tables.offsets;
    this.postings = postings;
    this.byId = tables.byId;
    const n = tables.ids.length;
    this.dead = new Uint8Array(n);
    this.hit = new Uint8Array(n);
    this.score = new Float32Array(n);
    this.best = new Float32Array(n);
    this.touched = new Int32Array(n);
    this.wordTouched = new Int32Array(n);
  }

  /** The paper id of document d. */
  idOf(d: number): string {
    return this.ids.get(d);
  }

  /** What a snapshot stores (the arrays themselves, not copies); only a segment whose postings are in memory. */
  arrays(): SegmentArrays {
    const { ids, terms, offsets, avgLen, byId, postings } = this;
    if (!(postings instanceof MemoryPostings)) throw new Error('the postings of this segment are not in memory');
    return { ids, terms, offsets, docs: postings.docs, weights: postings.weights, avgLen, byId };
  }

  get size(): number {
    return this.ids.length;
  }

  get liveCount(): number {
    return this.ids.length - this.deadCount;
  }

  get termCount(): number {
    return this.terms.length;
  }

  get postingCount(): number {
    return this.offsets[this.offsets.length - 1];
  }

  /** Marks the paper's document dead (superseded or removed); false if it has none alive here. */
  kill(id: string): boolean {
    const { ids, byId, dead } = this;
    let lo = 0;
    let hi = byId.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ids.compare(byId[mid], id) < 0) lo = mid + 1;
      else hi = mid;
    }
    // A segment holds a paper once, but a snapshot's ids are not trusted to be distinct: every copy alive is killed.
    let killed = false;
    for (let k = lo; k < byId.length && ids.equals(byId[k], id); k++) {
      const d = byId[k];
      if (dead[d]) continue;
      dead[d] = 1;
      this.deadCount++;
      killed = true;
    }
    return killed;
  }

  isLive(d: number): boolean {
    return this.dead[d] === 0;
  }

  /** First sorted position whose term is ≥ `s`. */
  private lowerBound(s: string): number {
    let lo = 0;
    let hi = this.terms.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.terms.compare(mid, s) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The sorted position of a word, or -1. */
  private rankOf(term: string): number {
    const r = this.lowerBound(term);
    return r < this.terms.length && this.terms.equals(r, term) ? r : -1;
  }

  private dfAt(r: number): number {
    return this.offsets[r + 1] - this.offsets[r];
  }

  /** Every posting of the word at sorted position r, valid until the next call (see `PostingSource.whole`). */
  private list(r: number): PostingList {
    return this.postings.whole(r);
  }

  /** Documents having the word (dead ones included). */
  df(term: string): number {
    const r = this.rankOf(term);
    return r < 0 ? 0 : this.dfAt(r);
  }

  /** Whether the word is in the vocabulary as typed or, if `asPrefix`, as the start of a word. */
  hasDirect(token: string, asPrefix: boolean): boolean {
    const r = this.lowerBound(token);
    const { terms } = this;
    return r < terms.length && (terms.equals(r, token) || (asPrefix && terms.startsWith(r, token)));
  }

  /** The vocabulary words a query word stands for, with their score factors (cached). */
  private expand(token: string, asPrefix: boolean, typos: boolean): Expansion {
    const key = `${asPrefix ? '+' : '='}${typos ? '~' : ''}${token}`;
    let e = this.expansions.get(key);
    if (!e) {
      const found = this.expandUncached(token, asPrefix, typos);
      const top = (r: number) => this.postings.top(r);
      const entries = [...found].sort((a, b) => top(b[0]) * b[1] - top(a[0]) * a[1] || a[0] - b[0]);
      e = {
        terms: Int32Array.from(entries, ([r]) => r),
        factors: Float64Array.from(entries, ([, f]) => f),
        cost: entries.reduce((s, [r]) => s + this.dfAt(r), 0),
        bound: entries.length > 0 ? top(entries[0][0]) * entries[0][1] : 0,
      };
      if (this.expansions.size >= EXPANSION_CACHE) this.expansions.clear();
      this.expansions.set(key, e);
    }
    return e;
  }

  private expandUncached(token: string, asPrefix: boolean, typos: boolean): Map<number, number> {
    const found = new Map<number, number>();
    const exact = this.rankOf(token);
    if (exact >= 0) found.set(exact, EXACT);
    if (asPrefix) {
      const start = this.lowerBound(token);
      let end = start;
      while (end < this.terms.length && this.terms.startsWith(end, token)) end++;
      const range = Array.from({ length: end - start }, (_, i) => start + i).filter((r) => r !== exact);
      if (range.length > MAX_PREFIX_TERMS) range.sort((a, b) => this.dfAt(b) - this.dfAt(a) || a - b);
      for (const r of range.slice(0, MAX_PREFIX_TERMS)) found.set(r, PREFIX);
    }
    // Typos are looked for only when the word as typed matches nothing in the whole index (the plan says so):
    // a real word is taken at its word.
    if (typos && found.size === 0 && token.length >= 4 && /^\p{L}/u.test(token)) {
      const max = token.length >= 8 ? 2 : 1;
      const first = token[0];
      const start = this.lowerBound(first);
      const end = this.lowerBound(String.fromCharCode(first.charCodeAt(0) + 1));
      const near = (candidate: string) =>
        Math.abs(candidate.length - token.length) <= max &&
        (max === 1 ? withinOneEdit(token, candidate) : boundedDistance(token, candidate, max) <= max);
      for (let r = start; r < end; r++) {
        const term = this.terms.get(r);
        // While typing, the word is compared with the beginnings of words one letter shorter, as long or
        // longer ("expnent" is "exponent" with one letter missing, "expon" less one letter).
        const hitTerm =
          asPrefix && term.length > token.length
            ? near(term.slice(0, token.length)) ||
              near(term.slice(0, token.length + 1)) ||
              near(term.slice(0, token.length - 1))
            : near(term);
        if (hitTerm) found.set(r, FUZZY);
      }
    }
    return found;
  }

  /** The query's words, expanded, cheapest first; undefined when some word matches nothing. */
  private plan(query: QueryPlan): Expansion[] | undefined {
    if (query.tokens.length === 0) return undefined;
    const expanded = query.tokens.map((t) => this.expand(t, t === query.prefixToken, query.typos.has(t)));
    if (expanded.some((e) => e.terms.length === 0)) return undefined;
    // Rarest word first: its documents are the candidates the other words can only narrow. The word that
    // weighs most goes last, where the search reads it in impact order and stops early: the words scored in
    // full then add little, so its k best come first.
    expanded.sort((a, b) => a.cost - b.cost);
    let heaviest = expanded.length - 1;
    for (let i = 0; i < expanded.length; i++) if (expanded[i].bound > expanded[heaviest].bound) heaviest = i;
    expanded.push(...expanded.splice(heaviest, 1));
    return expanded;
  }

  /**
   * Scores words [0, upto) of the plan in full into `score`/`hit` (a document keeps only if it has every
   * word so far; a word matched through several spellings counts by its best). Returns the number of
   * documents touched and the highest score of a document having all of them.
   */
  private accumulate(words: readonly Expansion[], upto: number): { touchedCount: number; maxPartial: number } {
    const { hit, score, best, touched, wordTouched } = this;
    let touchedCount = 0;
    let maxPartial = 0;
    for (let i = 0; i < upto; i++) {
      const { terms, factors } = words[i];
      const prev = (1 << i) - 1;
      const bit = 1 << i;
      if (terms.length === 1) {
        // One spelling: each document appears once, its weight goes straight into the score.
        const { docs, weights } = this.list(terms[0]);
        const factor = factors[0];
        const track = i === upto - 1;
        for (let k = 0; k < docs.length; k++) {
          const d = docs[k];
          if (i === 0) touched[touchedCount++] = d;
          else if (hit[d] !== prev) continue;
          hit[d] = prev | bit;
          const s = (score[d] += Math.fround(weights[k] * factor));
          if (track && s > maxPartial) maxPartial = s;
        }
        continue;
      }
      let wc = 0;
      for (let j = 0; j < terms.length; j++) {
        const { docs, weights } = this.list(terms[j]);
        const factor = factors[j];
        for (let k = 0; k < docs.length; k++) {
          const d = docs[k];
          const h = hit[d];
          if ((h & prev) !== prev) continue;
          const v = weights[k] * factor;
          if ((h & bit) === 0) {
            if (i === 0) touched[touchedCount++] = d;
            hit[d] = h | bit;
            best[d] = v;
            wordTouched[wc++] = d;
          } else if (v > best[d]) best[d] = v;
        }
      }
      for (let j = 0; j < wc; j++) {
        const d = wordTouched[j];
        score[d] += best[d];
        best[d] = 0;
        if (i === upto - 1 && score[d] > maxPartial) maxPartial = score[d];
      }
    }
    return { touchedCount, maxPartial };
  }

  private clear(touchedCount: number): void {
    const { hit, score, touched } = this;
    for (let i = 0; i < touchedCount; i++) {
      hit[touched[i]] = 0;
      score[touched[i]] = 0;
    }
  }

  /** The live documents having every word of the query, best first (ties: lower document first). */
  search(query: QueryPlan, limit: number): DocScore[] {
    limit = Math.min(limit, this.liveCount);
    const words = this.plan(query);
    if (!words || !(limit > 0)) return [];
    const last = words.length - 1;
    const { touchedCount, maxPartial } = this.accumulate(words, last);
    const { hit, score, dead } = this;
    const need = (1 << last) - 1;
    const lastBit = 1 << last;

    // The word with the highest weights, its spellings merged in impact order, so a document's first
    // appearance is its best spelling; it stops as soon as no document left can beat the k-th best (equal
    // could still win on document order, so those are read).
    const cursor = new WordCursor(words[last], this.postings, this.offsets);
    const top = new TopK(limit);
    const seen: number[] = [];
    for (; !cursor.done; cursor.next()) {
      const v = cursor.value;
      if (top.full && Math.fround(maxPartial + Math.fround(v)) < top.worstScore) break;
      const d = cursor.doc;
      const h = hit[d];
      if ((h & need) === need && (h & lastBit) === 0 && dead[d] === 0) {
        hit[d] = h | lastBit;
        seen.push(d);
        top.offer(d, Math.fround(score[d] + Math.fround(v)));
      }
    }
    for (const d of seen) hit[d] &= ~lastBit;
    this.clear(touchedCount);
    return top.sorted();
  }

  /**
   * The same results as `search`, found by scoring every posting of every word and sorting: the reference
   * the pruned search is checked against (and the benchmark's baseline).
   */
  searchExhaustive(query: QueryPlan, limit: number): DocScore[] {
    const words = this.plan(query);
    if (!words || !(limit > 0)) return [];
    const { touchedCount } = this.accumulate(words, words.length);
    const full = (1 << words.length) - 1;
    const matches: number[] = [];
    for (let i = 0; i < touchedCount; i++) {
      const d = this.touched[i];
      if (this.hit[d] === full && this.dead[d] === 0) matches.push(d);
    }
    const results = topK(Int32Array.from(matches).sort(), this.score, limit);
    this.clear(touchedCount);
    return results;
  }

  /** The weighted words of a "similar" query found here, by the most they can add to a score, highest first. */
  private similarTerms(query: readonly (readonly [string, number])[]): { r: number; qw: number; bound: number }[] {
    return query
      .map(([term, qw]) => ({ r: this.rankOf(term), qw }))
      .filter((t) => t.r >= 0)
      .map((t) => ({ ...t, bound: this.postings.top(t.r) * t.qw }))
      .sort((a, b) => b.bound - a.bound || a.r - b.r);
  }

  /** Adds a word's postings × qw to the live documents' scores; new documents go to `touched` if `admit`. */
  private addTerm(r: number, qw: number, touchedCount: number, admit: boolean): number {
    const { hit, score, dead, touched } = this;
    const { docs, weights } = this.list(r);
    for (let k = 0; k < docs.length; k++) {
      const d = docs[k];
      if (hit[d] === 0) {
        if (!admit || dead[d]) continue;
        hit[d] = 1;
        touched[touchedCount++] = d;
      }
      const s = (score[d] += Math.fround(weights[k] * qw));
      if (s > this.similarMax) this.similarMax = s;
    }
    return touchedCount;
  }

  /**
   * The live documents scoring highest on a weighted OR of words (Show Similar Papers), best first (ties: lower
   * document first). Max-score pruning: words are added in full, the heaviest first, until the most the words
   * left could give a document not yet seen is below the k-th best score so far (scores only grow, so it never
   * gets in); from then on only documents that can still reach that score are scored. Exactly the results
   * of `similarExhaustive`.
   */
  similar(query: readonly (readonly [string, number])[], limit: number): DocScore[] {
    const words = this.similarTerms(query);
    this.similarMax = 0;
    const rest = new Float64Array(words.length + 1);
    for (let i = words.length - 1; i >= 0; i--) rest[i] = rest[i + 1] + words[i].bound;
    let touchedCount = 0;
    let i = 0;
    let threshold = 0;
    for (; i < words.length; i++) {
      // The k-th best is at most the best: only worth finding once the words left weigh less than that.
      if (touchedCount >= limit && limit > 0 && rest[i] < this.similarMax) {
        threshold = kthBest(this.touched, touchedCount, this.score, limit);
        if (rest[i] < threshold) break;
      }
      touchedCount = this.addTerm(words[i].r, words[i].qw, touchedCount, true);
    }
    const candidates = this.touched.subarray(0, touchedCount);
    if (i < words.length) {
      // Documents that cannot reach the k-th best even with every word left are out (unmarked, so the words
      // left skip them); the rest are scored in full.
      const keep: number[] = [];
      for (const d of candidates) {
        if (this.score[d] + rest[i] >= threshold) keep.push(d);
        else this.hit[d] = this.score[d] = 0;
      }
      for (; i < words.length; i++) this.addTerm(words[i].r, words[i].qw, 0, false);
      const results = topK(Int32Array.from(keep).sort(), this.score, limit);
      for (const d of keep) this.hit[d] = this.score[d] = 0;
      return results;
    }
    const results = topK(Int32Array.from(candidates).sort(), this.score, limit);
    this.clear(touchedCount);
    return results;
  }

  /** `similar` by scoring every posting of every word: its reference. */
  similarExhaustive(query: readonly (readonly [string, number])[], limit: number): DocScore[] {
    let touchedCount = 0;
    for (const { r, qw } of this.similarTerms(query)) touchedCount = this.addTerm(r, qw, touchedCount, true);
    const results = topK(Int32Array.from(this.touched.subarray(0, touchedCount)).sort(), this.score, limit);
    this.clear(touchedCount);
    return results;
  }
}

/** Postings a cursor reads of a spelling at first, doubling with each further read (impact order stops early). */
const FIRST_READ = 256;

/**
 * A query word's postings over all its spellings, merged by weight × factor (ties: lower document first). Each
 * spelling's list is read a growing piece at a time: the walk usually stops after about k postings, and a prefix
 * stands for up to 48 words whose lists together can be millions of postings.
 */
class WordCursor {
  /** Per spelling: its sorted position, length, the piece read, where that piece starts and the position in it. */
  private readonly term: Int32Array;
  private readonly length: Int32Array;
  private readonly piece: PostingList[];
  private readonly start: Int32Array;
  private readonly pos: Int32Array;
  private readonly heads: Float64Array;
  private readonly heap: Int32Array;
  private readonly factors: Float64Array;
  private size = 0;

  constructor(
    word: Expansion,
    private readonly postings: PostingSource,
    offsets: Int32Array,
  ) {
    const n = word.terms.length;
    this.term = Int32Array.from(word.terms);
    this.length = Int32Array.from(word.terms, (r) => offsets[r + 1] - offsets[r]);
    this.piece = new Array<PostingList>(n);
    this.start = new Int32Array(n);
    this.pos = new Int32Array(n);
    this.heads = new Float64Array(n);
    this.heap = new Int32Array(n);
    this.factors = word.factors;
    for (let j = 0; j < n; j++) {
      if (this.length[j] === 0) continue;
      this.piece[j] = postings.slice(this.term[j], 0, Math.min(FIRST_READ, this.length[j]));
      this.heads[j] = this.piece[j].weights[0] * word.factors[j];
      this.heap[this.size++] = j;
    }
    for (let i = (this.size >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  get done(): boolean {
    return this.size === 0;
  }

  /** The next posting's weight × factor (only while not done). */
  get value(): number {
    return this.heads[this.heap[0]];
  }

  get doc(): number {
    return this.docAt(this.heap[0]);
  }

  next(): void {
    const j = this.heap[0];
    if (this.advance(j)) this.heads[j] = this.piece[j].weights[this.pos[j]] * this.factors[j];
    else this.heap[0] = this.heap[--this.size];
    if (this.size > 1) this.siftDown(0);
  }

  /** Moves spelling j to its next posting, reading the next piece when this one is used up; false at the end. */
  private advance(j: number): boolean {
    const piece = this.piece[j];
    if (++this.pos[j] < piece.docs.length) return true;
    const from = this.start[j] + piece.docs.length;
    if (from >= this.length[j]) return false;
    this.piece[j] = this.postings.slice(this.term[j], from, Math.min(this.length[j], from + 2 * piece.docs.length));
    this.start[j] = from;
    this.pos[j] = 0;
    return true;
  }

  private docAt(j: number): number {
    return this.piece[j].docs[this.pos[j]];
  }

  private before(a: number, b: number): boolean {
    const { heads } = this;
    return heads[a] > heads[b] || (heads[a] === heads[b] && this.docAt(a) < this.docAt(b));
  }

  private siftDown(i: number): void {
    const heap = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= this.size) return;
      const c = l + 1 < this.size && this.before(heap[l + 1], heap[l]) ? l + 1 : l;
      if (!this.before(heap[c], heap[i])) return;
      [heap[c], heap[i]] = [heap[i], heap[c]];
      i = c;
    }
  }
}
