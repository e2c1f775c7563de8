import { fetchFeedPage } from './arxivFeeds/feedFetch';
import type { FeedDefinition } from './arxivFeeds/feedDefinitions';
import { formatArxivRef, type ArxivRef } from './arxivId';
import type { Paper } from './paper';
import type { PaperStore } from './paperStore';
import { describeSourceError, SourceError } from '../core/httpErrors';
import type { PaperSource, SourceResult } from './sources/source';

export interface FeedSources {
  readonly huggingface: PaperSource;
  readonly arxiv: PaperSource;
}

export interface FeedLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** What the tree shows for a fetch: in progress, or failed with the message the user reads. */
export type FetchStatus =
  | { readonly state: 'loading'; readonly what: string }
  | {
      readonly state: 'error';
      readonly message: string;
      readonly what: string;
      /** No network (connection refused, no DNS): the tree says so calmly when it has saved papers to show. */
      readonly offline: boolean;
    };

/** `day:2025-10-29`, `search`, `add`, `feed:<query>`. */
export type FetchKey = string;

const SEARCH_LIMIT = 30;

/**
 * Fetching from the sources into the library. Concurrent requests for the same thing share one fetch;
 * answers are read completely before anything is stored, so a failure leaves the library as it was. The
 * state of each fetch is kept for the tree (loading rows, error rows with Retry).
 */
export class PaperFeeds {
  private readonly inFlight = new Map<FetchKey, Promise<Paper[]>>();
  private readonly statusByKey = new Map<FetchKey, FetchStatus>();
  private readonly listeners = new Set<(key: FetchKey) => void>();

  constructor(
    private readonly store: PaperStore,
    private readonly sources: () => FeedSources,
    private readonly log: FeedLog,
  ) {}

  onStatus(listener: (key: FetchKey) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  status(key: FetchKey): FetchStatus | undefined {
    return this.statusByKey.get(key);
  }

  /** Statuses whose key starts with `prefix`, in the order they began. */
  statuses(prefix: string): [FetchKey, FetchStatus][] {
    return [...this.statusByKey.entries()].filter(([key]) => key.startsWith(prefix));
  }

  private setStatus(key: FetchKey, status: FetchStatus | undefined): void {
    if (status) this.statusByKey.set(key, status);
    else this.statusByKey.delete(key);
    for (const l of this.listeners) l(key);
  }

  /** Runs a fetch once per key at a time, tracking its status. Rejects with the user message's error. */
  private run(key: FetchKey, what: string, task: () => Promise<Paper[]>): Promise<Paper[]> {
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    this.setStatus(key, { state: 'loading', what });
    const started = Date.now();
    const promise = task().then(
      (papers) => {
        this.log.info(`${what}: ${papers.length} papers in ${Date.now() - started} ms`);
        this.setStatus(key, undefined);
        return papers;
      },
      (err: unknown) => {
        const message = describeSourceError(err);
        this.log.error(`${what} failed: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
        const offline = err instanceof SourceError && (err.kind === 'offline' || err.kind === 'dns');
        this.setStatus(key, { state: 'error', message, what, offline });
        throw new Error(message, { cause: err });
      },
    );
    this.inFlight.set(key, promise);
    void promise.catch(() => undefined).finally(() => this.inFlight.delete(key));
    return promise;
  }

  private warn(label: string, result: SourceResult): void {
    for (const w of result.warnings.slice(0, 20)) this.log.warn(`${label}: ${w}`);
    if (result.warnings.length > 20) this.log.warn(`${label}: ${result.warnings.length - 20} more warnings`);
  }

  /** The Hugging Face Daily Papers listing of a day, stored as that day's listing. */
  fetchDay(date: string): Promise<Paper[]> {
    return this.run(`day:${date}`, `Daily Papers for ${date}`, async () => {
      const source = this.sources().huggingface;
      if (!source.daily) throw new Error(`${source.label} has no daily listing`);
      const result = await source.daily(date);
      this.warn(source.label, result);
      const library = await this.store.library();
      return library.setDay(date, result.papers, new Date().toISOString());
    });
  }

  /** A page of an arXiv feed (the first again, or the next with `more`), through the arXiv request queue. */
  fetchFeed(feed: FeedDefinition, more = false): Promise<Paper[]> {
    const what = more ? `more of the ${feed.label} feed` : `the ${feed.label} feed`;
    return this.run(`feed:${feed.id}`, what, async () => {
      const source = this.sources().arxiv;
      const library = await this.store.library();
      return fetchFeedPage(library, source, feed, { more, onWarnings: (r) => this.warn(source.label, r) });
    });
  }

  /**
   * Searches Hugging Face and arXiv together; results from whichever answered are kept (a failure of one is
   * logged and reported only when both fail).
   */
  searchOnline(query: string): Promise<Paper[]> {
    return this.run('search', `Online search for "${query}"`, async () => {
      const { huggingface, arxiv } = this.sources();
      const asked = [huggingface, arxiv].filter((s) => s.search);
      const settled = await Promise.allSettled(asked.map((s) => s.search!(query, SEARCH_LIMIT)));
      const papers: Paper[] = [];
      const failures: unknown[] = [];
      settled.forEach((r, i) => {
        if (r.status === 'fulfilled') {
          this.warn(asked[i].label, r.value);
          papers.push(...r.value.papers);
        } else {
          failures.push(r.reason);
          this.log.warn(`${asked[i].label} search failed: ${describeSourceError(r.reason)}`);
        }
      });
      if (failures.length === asked.length) throw failures[0];
      const library = await this.store.library();
      return library.setSearch(query, papers);
    });
  }

  /**
   * One paper by arXiv id: asks arXiv (authoritative metadata, versions, categories) and Hugging Face
   * (upvotes, code links) together and merges what came back into one library entry.
   */
  addPaper(ref: ArxivRef): Promise<Paper[]> {
    const id = formatArxivRef(ref);
    return this.run(`add:${ref.id}`, `Add paper ${id}`, async () => {
      const { huggingface, arxiv } = this.sources();
      // Hugging Face first: arXiv's title and abstract (TeX intact) then win the merge; upvotes and links stay.
      const asked = [huggingface, arxiv].filter((s) => s.byArxivId);
      const settled = await Promise.allSettled(asked.map((s) => s.byArxivId!(id)));
      const found: Paper[] = [];
      const failures: unknown[] = [];
      settled.forEach((r, i) => {
        if (r.status === 'fulfilled') {
          this.warn(asked[i].label, r.value);
          found.push(...r.value.papers.filter((p) => p.arxivId === ref.id));
        } else failures.push(r.reason);
      });
      if (found.length === 0) {
        if (failures.length > 0) throw failures[0];
        throw new SourceError(
          'notFound',
          'arXiv',
          `No paper with the id ${id} was found on arXiv or Hugging Face. Check the id.`,
        );
      }
      for (const f of failures) this.log.warn(`Add paper ${id}: ${describeSourceError(f)}`);
      const library = await this.store.library();
      const stored = library.merge(found);
      library.touchRecent(stored[0].id);
      return stored;
    });
  }
}
