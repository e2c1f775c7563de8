import type { Paper } from '../paper';
import {
  buildSegment,
  type IndexSegment,
  paperTerms,
  queryWords,
  type CollectionStats,
  type DocScore,
  type QueryPlan,
} from './indexSegment';

export interface SearchHit {
  readonly paper: Paper;
  readonly score: number;
}

export interface SearchOptions {
  readonly limit?: number;
  /** Treat the last word as a prefix (the user is still typing it). Default: unless the query ends in a space. */
  readonly prefix?: boolean;
}

/** "Similar papers" asks with the paper's most distinctive words, at most this many. */
const SIMILAR_TERMS = 25;

/** Finds the stored papers of the given ids (those still there, in any order). */
export type PaperLookup = (ids: readonly string[]) => readonly Paper[];

/**
 * The library's search index: a main segment (built in one go, or loaded from a snapshot) and small segments
 * for the papers added or changed since, each paper alive in exactly one of them (an older copy is marked dead).
 * Adding, changing or removing N papers costs work proportional to N (`update`); a compaction (a new build of
 * everything, off the extension host's thread) folds the small segments back into one. A query runs on every
 * segment and the top k of each are merged: all segments score with the same BM25 statistics (a small segment
 * takes the main one's, its own documents added), so the merge ranks them together. Typos are looked for only
 * when no segment has the word as typed. The index holds paper ids, not papers: hits are looked up in the
 * library.
 */
export class SearchIndex {
  private readonly segments: IndexSegment[];
  private readonly lookup: PaperLookup;
  /** When built from papers in memory: them, kept up to date by `update`. */
  private readonly own: Map<string, Paper> | undefined;

  /** An index over papers held in memory (one segment). */
  constructor(papers: readonly Paper[]);
  /** An index over segments whose papers `lookup` finds. */
  constructor(segments: IndexSegment[], lookup: PaperLookup);
  constructor(source: readonly Paper[] | IndexSegment[], lookup?: PaperLookup) {
    if (lookup) {
      this.segments = source as IndexSegment[];
      this.lookup = lookup;
    } else {
      const papers = source as readonly Paper[];
      const own = new Map(papers.map((p) => [p.id, p]));
      this.own = own;
      this.segments = [buildSegment(papers)];
      this.lookup = (ids) => ids.flatMap((id) => own.get(id) ?? []);
    }
  }

  get termCount(): number {
    return this.segments.reduce((s, g) => s + g.termCount, 0);
  }

  get postingCount(): number {
    return this.segments.reduce((s, g) => s + g.postingCount, 0);
  }

  /** Papers indexed (alive). */
  get size(): number {
    return this.segments.reduce((s, g) => s + g.liveCount, 0);
  }

  get segmentCount(): number {
    return this.segments.length;
  }

  /** Papers in the segments after the main one: what a compaction would fold in. */
  get deltaSize(): number {
    return this.segments.slice(1).reduce((s, g) => s + g.liveCount, 0);
  }

  /** The main segment (what a snapshot stores). */
  get main(): IndexSegment {
    return this.segments[0];
  }

  /** The statistics a new segment scores with: every segment's documents, the main segment's average length. */
  private stats(): CollectionStats {
    const segments = this.segments;
    return {
      docCount: segments.reduce((s, g) => s + g.size, 0),
      avgLen: segments[0].avgLen,
      df: (term) => segments.reduce((s, g) => s + g.df(term), 0),
    };
  }

  /**
   * Takes in papers added or changed (`changed`) and ids removed: their older copies are marked dead and the
   * changed ones indexed in a new segment. Work proportional to the papers given (plus, once, a map of the
   * main segment's ids).
   */
  update(changed: readonly Paper[], removed: readonly string[] = []): void {
    for (const id of [...changed.map((p) => p.id), ...removed]) {
      for (const s of this.segments) if (s.kill(id)) break;
      if (this.own) this.own.delete(id);
    }
    if (changed.length === 0) return;
    const unique = [...new Map(changed.map((p) => [p.id, p])).values()];
    if (this.own) for (const p of unique) this.own.set(p.id, p);
    this.segments.push(buildSegment(unique, this.stats()));
  }

  private plan(query: string, options: SearchOptions): QueryPlan {
    const asPrefix = options.prefix ?? !/\s$/.test(query);
    const { tokens, prefixToken } = queryWords(query, asPrefix);
    const typos = new Set(tokens.filter((t) => !this.segments.some((s) => s.hasDirect(t, t === prefixToken))));
    return { tokens, prefixToken, typos };
  }

  /** Every segment's top `limit` merged: best first, ties in segment then document order. */
  private merged(limit: number, each: (s: IndexSegment) => DocScore[], skip?: string): SearchHit[] {
    const all: { id: string; score: number; seg: number; doc: number }[] = [];
    this.segments.forEach((s, seg) => {
      for (const [doc, score] of each(s)) {
        const id = s.idOf(doc);
        if (id !== skip) all.push({ id, score, seg, doc });
      }
    });
    all.sort((a, b) => b.score - a.score || a.seg - b.seg || a.doc - b.doc);
    const top = all.slice(0, limit);
    const papers = new Map(this.lookup(top.map((h) => h.id)).map((p) => [p.id, p]));
    // A paper another window removed a moment ago may be gone before the index hears of it: left out.
    return top.flatMap((h) => {
      const paper = papers.get(h.id);
      return paper ? [{ paper, score: h.score }] : [];
    });
  }

  /**
   * Papers matching every word of the query (the last one as a prefix while typing), best first (ties:
   * library order). Words that are stop words are ignored unless the query has nothing else.
   */
  search(query: string, options: SearchOptions = {}): SearchHit[] {
    const limit = options.limit ?? 50;
    const plan = this.plan(query, options);
    return this.merged(limit, (s) => s.search(plan, limit));
  }

  /**
   * The same results as `search`, found by scoring every posting of every word and sorting: the reference
   * the pruned search is checked against (and the benchmark's baseline).
   */
  searchExhaustive(query: string, options: SearchOptions = {}): SearchHit[] {
    const limit = options.limit ?? 50;
    const plan = this.plan(query, options);
    return this.merged(limit, (s) => s.searchExhaustive(plan, limit));
  }

  /** A paper's most distinctive words (tf-idf over title and abstract, words in one paper only left out). */
  private similarQuery(paper: Paper): [string, number][] {
    const n = this.segments.reduce((s, g) => s + g.size, 0);
    return [...paperTerms(paper, 'text')]
      .map(([term, f]) => [term, f, this.segments.reduce((s, g) => s + g.df(term), 0)] as const)
      .filter(([, , df]) => df > 1)
      .map(([term, f, df]) => [term, f * Math.log(1 + (n - df + 0.5) / (df + 0.5))] as [string, number])
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, SIMILAR_TERMS);
  }

  /**
   * Papers like the given one: its most distinctive words as a weighted BM25 query over the whole library, the
   * paper itself left out.
   */
  similar(paper: Paper, limit = 10): SearchHit[] {
    const query = this.similarQuery(paper);
    return this.merged(limit, (s) => s.similar(query, limit + 1), paper.id);
  }

  /** `similar` with every posting scored: its reference. */
  similarExhaustive(paper: Paper, limit = 10): SearchHit[] {
    const query = this.similarQuery(paper);
    return this.merged(limit, (s) => s.similarExhaustive(query, limit + 1), paper.id);
  }
}
