import { randomUUID } from 'node:crypto';
import { parseArxivId } from '../arxivId';
import { citeKey } from '../bibtex';
import { normalizeDoi } from '../doi';
import type { Paper, PaperSourceName } from '../paper';
import {
  LIBRARY_SCHEMA,
  type Collection,
  type DayListing,
  type LibraryData,
  type RecentEntry,
  type SearchResults,
} from './schema';

export interface RemovedPaper {
  readonly paper: Paper;
  readonly starred: boolean;
  readonly days: readonly string[];
  readonly collections: readonly string[];
}

export type LibraryChange = 'papers' | 'days' | 'stars' | 'collections' | 'recent' | 'search' | 'feeds';

/** What the tree shows of an arXiv feed's saved listing. */
export interface FeedSummary {
  readonly id: string;
  readonly count: number;
  /** Papers that came with a refresh since the user last looked at the feed. */
  readonly newCount: number;
  readonly fetchedAt?: string;
  /** Where the next page starts (entries fetched so far, counting those the keywords left out). */
  readonly nextStart: number;
  /** The query's result count, as the last page said. */
  readonly total?: number;
}

/** One fetched page of a feed: `first` replaces the listing (a refresh), otherwise the papers are appended. */
export interface FeedPage {
  readonly first: boolean;
  /** Entries the page held (the next page starts after them). */
  readonly entries: number;
  readonly total?: number;
  readonly fetchedAt: string;
}

/** A day listing without its papers: what the tree needs to show a day's row. */
export interface DaySummary {
  readonly date: string;
  readonly count: number;
  readonly fetchedAt?: string;
}

/**
 * The user's paper library as the tree, the commands and the panels use it: `PaperLibrary` in memory (no
 * storage file, and the bench's baseline), `LibraryDb` on SQLite. Every method is synchronous; a change
 * is complete (and, on SQLite, committed) when the method returns.
 */
export interface Library {
  readonly size: number;
  /** Changes whenever papers are added, changed or removed (not on stars, collections, recent): the search index follows it. */
  readonly papersVersion: number;
  onChange(listener: (change: LibraryChange) => void): { dispose(): void };
  /**
   * On a database: the papers added, changed or removed after change `since` and the latest change; undefined
   * if the change log no longer reaches back that far. The search index catches up from it.
   */
  changesSince?(since: number): { ids: string[]; upto: number } | undefined;
  /** On a database: its own id and file (a search index snapshot belongs to one database). */
  readonly libraryId?: string;
  readonly file?: string;
  all(): Paper[];
  get(idOrArxivId: string): Paper | undefined;
  merge(incoming: readonly Paper[]): Paper[];
  setDay(date: string, papers: readonly Paper[], fetchedAt?: string): Paper[];
  /**
   * Stores a page of an arXiv feed and its papers (merged with the library: a paper seen elsewhere is the same
   * paper). Papers a refresh brings that the feed did not list count as new until `markFeedSeen`; papers of
   * later pages never do (the user asked for them).
   */
  setFeedPage(feedId: string, papers: readonly Paper[], page: FeedPage): Paper[];
  feedSummary(feedId: string): FeedSummary | undefined;
  /** The feed's papers in listing order (newest submission first). */
  feedPaperIds(feedId: string): string[];
  /** The user looked at the feed: nothing in it is new any more. */
  markFeedSeen(feedId: string): void;
  /** Forgets a feed's listing (its papers stay in the library). */
  removeFeed(feedId: string): void;
  day(date: string): DayListing | undefined;
  dayListings(): DayListing[];
  /** Day listings newest first, with their sizes. */
  daySummaries(): DaySummary[];
  /** Distinct papers over all day listings. */
  dailyPaperCount(): number;
  papersOf(ids: readonly string[]): Paper[];
  /** The paper with this DOI (any case, with or without `doi:` or a doi.org link). */
  byDoi(doi: string): Paper | undefined;
  /** Papers whose cite key (bibtex.ts `citeKey`) is exactly `key`: more than one when it is ambiguous. */
  byCiteKey(key: string): Paper[];
  /** Up to `limit` papers whose cite key starts with `prefix`, by key. */
  citeKeysStartingWith(prefix: string, limit: number): Paper[];
  setSearch(query: string, papers: readonly Paper[], at?: Date): Paper[];
  readonly search: SearchResults | undefined;
  clearSearch(): void;
  isStarred(id: string): boolean;
  setStarred(id: string, starred: boolean): void;
  starred(): Paper[];
  readonly collections: readonly Collection[];
  collection(id: string): Collection | undefined;
  collectionsOf(paperId: string): Collection[];
  createCollection(name: string): Collection;
  renameCollection(id: string, name: string): void;
  deleteCollection(id: string): void;
  addToCollection(collectionId: string, paperId: string): void;
  removeFromCollection(collectionId: string, paperId: string): void;
  touchRecent(id: string, at?: Date): void;
  recent(): Paper[];
  snapshot(id: string): RemovedPaper | undefined;
  restore(removed: RemovedPaper): void;
  remove(id: string): boolean;
  toData(): LibraryData;
}

const RECENT_LIMIT = 30;

/** A feed's listing in memory: paper id → the refresh that first brought it (0: a later page), in order. */
interface MemoryFeed {
  readonly papers: ReadonlyMap<string, number>;
  readonly fetchSeq: number;
  readonly visitedSeq: number;
  readonly nextStart: number;
  readonly fetchedAt: string;
  readonly total?: number;
}

/** Titles compared for matching a local paper to a source's: case, accents, punctuation and spacing ignored. */
export function titleKey(title: string): string {
  return title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

function union<T>(a: readonly T[] | undefined, b: readonly T[] | undefined): T[] {
  return [...new Set([...(a ?? []), ...(b ?? [])])];
}

/**
 * A paper seen again: keeps its stable id, takes the newer source's fields where that source gave them, and
 * keeps what it had where the newer answer is missing something (so a sparse answer never erases good data).
 */
export function mergePaper(existing: Paper, incoming: Paper): Paper {
  const authors = incoming.authors.length > 0 ? incoming.authors : existing.authors;
  const version = Math.max(existing.arxivVersion ?? 0, incoming.arxivVersion ?? 0);
  const links = { ...existing.links, ...incoming.links };
  const categories = incoming.categories?.length ? incoming.categories : existing.categories;
  const upvotes = incoming.upvotes ?? existing.upvotes;
  const journalRef = incoming.journalRef ?? existing.journalRef;
  return {
    id: existing.id,
    ...((existing.arxivId ?? incoming.arxivId) ? { arxivId: existing.arxivId ?? incoming.arxivId } : {}),
    ...(version ? { arxivVersion: version } : {}),
    title: incoming.title || existing.title,
    abstract: incoming.abstract || existing.abstract,
    authors,
    authorCount: authors.length > 0 ? authors.length : Math.max(existing.authorCount, incoming.authorCount),
    published: incoming.published && incoming.published !== '1970-01-01' ? incoming.published : existing.published,
    ...(upvotes !== undefined ? { upvotes } : {}),
    ...(categories?.length ? { categories } : {}),
    ...(journalRef ? { journalRef } : {}),
    ...(Object.keys(links).length ? { links } : {}),
    sources: union<PaperSourceName>(existing.sources, incoming.sources),
  };
}

/**
 * The user's paper library in memory: papers by stable id, the day listings, stars, collections, recently
 * opened papers and the last online search. No I/O here: `PaperLibraryStore` loads and saves it.
 */
export class PaperLibrary implements Library {
  private readonly papers = new Map<string, Paper>();
  private readonly byArxiv = new Map<string, string>();
  private readonly byTitle = new Map<string, string>();
  private readonly days = new Map<string, DayListing>();
  private readonly stars = new Set<string>();
  private collectionList: Collection[] = [];
  private recentList: RecentEntry[] = [];
  private lastSearch: SearchResults | undefined;
  private readonly feedListings = new Map<string, MemoryFeed>();
  private readonly listeners = new Set<(change: LibraryChange) => void>();
  /** Bumped on every change. */
  version = 0;
  papersVersion = 0;

  constructor(data?: LibraryData) {
    if (!data) return;
    for (const p of data.papers) this.index(p);
    for (const d of data.days)
      this.days.set(d.date, { ...d, paperIds: d.paperIds.filter((id) => this.papers.has(id)) });
    for (const id of data.stars) if (this.papers.has(id)) this.stars.add(id);
    this.collectionList = data.collections.map((c) => ({
      ...c,
      paperIds: c.paperIds.filter((id) => this.papers.has(id)),
    }));
    this.recentList = data.recent.filter((r) => this.papers.has(r.id));
    this.lastSearch = data.search && {
      ...data.search,
      paperIds: data.search.paperIds.filter((id) => this.papers.has(id)),
    };
  }

  onChange(listener: (change: LibraryChange) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  private changed(change: LibraryChange): void {
    this.version++;
    if (change === 'papers' || change === 'days' || change === 'search' || change === 'feeds') this.papersVersion++;
    for (const l of this.listeners) l(change);
  }

  toData(): LibraryData {
    return {
      schema: LIBRARY_SCHEMA,
      papers: [...this.papers.values()],
      days: [...this.days.values()],
      stars: [...this.stars],
      collections: this.collectionList,
      recent: this.recentList,
      ...(this.lastSearch ? { search: this.lastSearch } : {}),
    };
  }

  get size(): number {
    return this.papers.size;
  }

  all(): Paper[] {
    return [...this.papers.values()];
  }

  /** By stable id, or by arXiv id with or without version. */
  get(idOrArxivId: string): Paper | undefined {
    const direct = this.papers.get(idOrArxivId);
    if (direct) return direct;
    const ref = parseArxivId(idOrArxivId.replace(/^arxiv:/i, ''));
    const id = ref && this.byArxiv.get(ref.id);
    return id ? this.papers.get(id) : undefined;
  }

  private index(paper: Paper): void {
    this.papers.set(paper.id, paper);
    if (paper.arxivId) this.byArxiv.set(paper.arxivId, paper.id);
    const key = titleKey(paper.title);
    if (key && !this.byTitle.has(key)) this.byTitle.set(key, paper.id);
  }

  /** The stored paper a source's paper is the same as: by arXiv id, else a local paper with the same title. */
  private match(incoming: Paper): Paper | undefined {
    if (incoming.arxivId) {
      const id = this.byArxiv.get(incoming.arxivId);
      if (id) return this.papers.get(id);
    }
    const byTitle = this.byTitle.get(titleKey(incoming.title));
    const candidate = byTitle ? this.papers.get(byTitle) : this.papers.get(incoming.id);
    if (!candidate) return undefined;
    return !candidate.arxivId || !incoming.arxivId || candidate.arxivId === incoming.arxivId ? candidate : undefined;
  }

  /** Stores papers (new or seen again, never duplicated); returns the stored ones in the same order, once each. */
  merge(incoming: readonly Paper[]): Paper[] {
    if (incoming.length === 0) return [];
    const stored = this.mergeQuietly(incoming);
    this.changed('papers');
    return stored;
  }

  private mergeQuietly(incoming: readonly Paper[]): Paper[] {
    const ids = new Set<string>();
    for (const paper of incoming) {
      const existing = this.match(paper);
      const next = existing ? mergePaper(existing, paper) : paper;
      this.index(next);
      ids.add(next.id);
    }
    return this.papersOf([...ids]);
  }

  // ---- days -------------------------------------------------------------------------------------------------

  /** Records a day's listing (replacing an earlier fetch of the same day) and stores its papers. */
  setDay(date: string, papers: readonly Paper[], fetchedAt?: string): Paper[] {
    const stored = this.mergeQuietly(papers);
    this.days.set(date, { date, paperIds: stored.map((p) => p.id), ...(fetchedAt ? { fetchedAt } : {}) });
    this.changed('days');
    return stored;
  }

  day(date: string): DayListing | undefined {
    return this.days.get(date);
  }

  // ---- feeds ------------------------------------------------------------------------------------------------

  setFeedPage(feedId: string, papers: readonly Paper[], page: FeedPage): Paper[] {
    const stored = this.mergeQuietly(papers);
    const old = this.feedListings.get(feedId);
    const fetchSeq = (old?.fetchSeq ?? 0) + (page.first ? 1 : 0);
    const seen = new Map(page.first ? [] : (old?.papers ?? []));
    for (const p of stored) if (!seen.has(p.id)) seen.set(p.id, page.first ? (old?.papers.get(p.id) ?? fetchSeq) : 0);
    this.feedListings.set(feedId, {
      papers: seen,
      fetchSeq,
      visitedSeq: old?.visitedSeq ?? 0,
      nextStart: (page.first ? 0 : (old?.nextStart ?? 0)) + page.entries,
      fetchedAt: page.first ? page.fetchedAt : (old?.fetchedAt ?? page.fetchedAt),
      ...(page.total !== undefined ? { total: page.total } : {}),
    });
    this.changed('feeds');
    return stored;
  }

  feedSummary(feedId: string): FeedSummary | undefined {
    const f = this.feedListings.get(feedId);
    if (!f) return undefined;
    const ids = this.feedPaperIds(feedId);
    return {
      id: feedId,
      count: ids.length,
      newCount: ids.filter((id) => f.papers.get(id)! > f.visitedSeq).length,
      fetchedAt: f.fetchedAt,
      nextStart: f.nextStart,
      ...(f.total !== undefined ? { total: f.total } : {}),
    };
  }

  feedPaperIds(feedId: string): string[] {
    return [...(this.feedListings.get(feedId)?.papers.keys() ?? [])].filter((id) => this.papers.has(id));
  }

  markFeedSeen(feedId: string): void {
    const f = this.feedListings.get(feedId);
    if (!f || f.visitedSeq === f.fetchSeq) return;
    this.feedListings.set(feedId, { ...f, visitedSeq: f.fetchSeq });
    this.changed('feeds');
  }

  removeFeed(feedId: string): void {
    if (this.feedListings.delete(feedId)) this.changed('feeds');
  }

  /** Day listings, newest first. */
  dayListings(): DayListing[] {
    return [...this.days.values()].sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0));
  }

  daySummaries(): DaySummary[] {
    return this.dayListings().map((d) => ({
      date: d.date,
      count: d.paperIds.length,
      ...(d.fetchedAt ? { fetchedAt: d.fetchedAt } : {}),
    }));
  }

  dailyPaperCount(): number {
    return new Set([...this.days.values()].flatMap((d) => d.paperIds)).size;
  }

  papersOf(ids: readonly string[]): Paper[] {
    return ids.flatMap((id) => this.papers.get(id) ?? []);
  }

  // The in-memory library (tests, no storage) scans; the database answers these from indexes.
  byDoi(doi: string): Paper | undefined {
    const wanted = normalizeDoi(doi);
    return this.all().find((p) => p.links?.doi && normalizeDoi(p.links.doi) === wanted);
  }

  byCiteKey(key: string): Paper[] {
    return this.all().filter((p) => citeKey(p) === key);
  }

  citeKeysStartingWith(prefix: string, limit: number): Paper[] {
    return this.all()
      .map((p) => ({ p, key: citeKey(p) }))
      .filter((e) => e.key.startsWith(prefix))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .slice(0, limit)
      .map((e) => e.p);
  }

  // ---- search -----------------------------------------------------------------------------------------------

  setSearch(query: string, papers: readonly Paper[], at = new Date()): Paper[] {
    const stored = this.mergeQuietly(papers);
    this.lastSearch = { query, at: at.toISOString(), paperIds: stored.map((p) => p.id) };
    this.changed('search');
    return stored;
  }

  get search(): SearchResults | undefined {
    return this.lastSearch;
  }

  clearSearch(): void {
    this.lastSearch = undefined;
    this.changed('search');
  }

  // ---- stars ------------------------------------------------------------------------------------------------

  isStarred(id: string): boolean {
    return this.stars.has(id);
  }

  setStarred(id: string, starred: boolean): void {
    if (!this.papers.has(id) || this.stars.has(id) === starred) return;
    if (starred) this.stars.add(id);
    else this.stars.delete(id);
    this.changed('stars');
  }

  starred(): Paper[] {
    return this.papersOf([...this.stars]);
  }

  // ---- collections ------------------------------------------------------------------------------------------

  get collections(): readonly Collection[] {
    return this.collectionList;
  }

  collection(id: string): Collection | undefined {
    return this.collectionList.find((c) => c.id === id);
  }

  collectionsOf(paperId: string): Collection[] {
    return this.collectionList.filter((c) => c.paperIds.includes(paperId));
  }

  createCollection(name: string): Collection {
    const collection: Collection = { id: `c-${randomUUID().slice(0, 8)}`, name: name.trim(), paperIds: [] };
    this.collectionList = [...this.collectionList, collection];
    this.changed('collections');
    return collection;
  }

  renameCollection(id: string, name: string): void {
    this.updateCollection(id, (c) => ({ ...c, name: name.trim() }));
  }

  deleteCollection(id: string): void {
    const before = this.collectionList.length;
    this.collectionList = this.collectionList.filter((c) => c.id !== id);
    if (this.collectionList.length !== before) this.changed('collections');
  }

  addToCollection(collectionId: string, paperId: string): void {
    if (!this.papers.has(paperId)) return;
    this.updateCollection(collectionId, (c) =>
      c.paperIds.includes(paperId) ? c : { ...c, paperIds: [...c.paperIds, paperId] },
    );
  }

  removeFromCollection(collectionId: string, paperId: string): void {
    this.updateCollection(collectionId, (c) => ({ ...c, paperIds: c.paperIds.filter((id) => id !== paperId) }));
  }

  private updateCollection(id: string, update: (c: Collection) => Collection): void {
    let changed = false;
    this.collectionList = this.collectionList.map((c) => {
      if (c.id !== id) return c;
      const next = update(c);
      changed ||= next !== c;
      return next;
    });
    if (changed) this.changed('collections');
  }

  // ---- recent -----------------------------------------------------------------------------------------------

  touchRecent(id: string, at = new Date()): void {
    if (!this.papers.has(id)) return;
    this.recentList = [{ id, at: at.toISOString() }, ...this.recentList.filter((r) => r.id !== id)].slice(
      0,
      RECENT_LIMIT,
    );
    this.changed('recent');
  }

  recent(): Paper[] {
    return this.papersOf(this.recentList.map((r) => r.id));
  }

  // ---- removal -----

  /** What `remove` took away, so that Undo can put it back. */
  snapshot(id: string): RemovedPaper | undefined {
    const paper = this.papers.get(id);
    if (!paper) return undefined;
    return {
      paper,
      starred: this.stars.has(id),
      days: [...this.days.values()].filter((d) => d.paperIds.includes(id)).map((d) => d.date),
      collections: this.collectionsOf(id).map((c) => c.id),
    };
  }

  /** Puts a removed paper back with its star, collections and day listings. */
  restore(removed: RemovedPaper): void {
    const [paper] = this.mergeQuietly([removed.paper]);
    for (const date of removed.days) {
      const d = this.days.get(date);
      if (d && !d.paperIds.includes(paper.id)) this.days.set(date, { ...d, paperIds: [...d.paperIds, paper.id] });
    }
    if (removed.starred) this.stars.add(paper.id);
    this.collectionList = this.collectionList.map((c) =>
      removed.collections.includes(c.id) && !c.paperIds.includes(paper.id)
        ? { ...c, paperIds: [...c.paperIds, paper.id] }
        : c,
    );
    this.changed('papers');
  }

  /** Removes a paper from the library and from every listing, star, collection and the recent list. */
  remove(id: string): boolean {
    const paper = this.papers.get(id);
    if (!paper) return false;
    this.papers.delete(id);
    if (paper.arxivId && this.byArxiv.get(paper.arxivId) === id) this.byArxiv.delete(paper.arxivId);
    const key = titleKey(paper.title);
    if (this.byTitle.get(key) === id) this.byTitle.delete(key);
    for (const [date, d] of this.days) this.days.set(date, { ...d, paperIds: d.paperIds.filter((p) => p !== id) });
    this.stars.delete(id);
    this.collectionList = this.collectionList.map((c) =>
      c.paperIds.includes(id) ? { ...c, paperIds: c.paperIds.filter((p) => p !== id) } : c,
    );
    this.recentList = this.recentList.filter((r) => r.id !== id);
    if (this.lastSearch)
      this.lastSearch = { ...this.lastSearch, paperIds: this.lastSearch.paperIds.filter((p) => p !== id) };
    this.changed('papers');
    return true;
  }
}

/** The first content of a new library: the default listing's papers, grouped into days by their date. */
export function seedLibrary(papers: readonly Paper[]): PaperLibrary {
  const library = new PaperLibrary();
  const byDay = new Map<string, Paper[]>();
  for (const p of papers) {
    const seeded: Paper = { ...p, sources: ['seed'] };
    byDay.set(p.published, [...(byDay.get(p.published) ?? []), seeded]);
  }
  for (const [date, list] of byDay) library.setDay(date, list);
  return library;
}
