import type { Library } from '../library/library';
import type { Paper } from '../paper';
import type { PaperSource, SourceResult } from '../sources/source';
import { matchesKeywords, type FeedDefinition } from './feedDefinitions';

/** Entries asked for per request: arXiv's own listings show 50 at a time. */
export const FEED_PAGE_SIZE = 50;

/**
 * Fetches one page of a feed into the library: the first page again (a refresh, which replaces the listing),
 * or the page after the listing's last entry (`more`). The answer is read whole before anything is stored, so
 * a failure leaves the saved listing as it was. Papers outside the feed's keywords are left out, but counted
 * for where the next page starts.
 */
export async function fetchFeedPage(
  library: Library,
  source: PaperSource,
  feed: FeedDefinition,
  opts: { more: boolean; pageSize?: number; now?: Date; onWarnings?: (result: SourceResult) => void },
): Promise<Paper[]> {
  if (!source.page) throw new Error(`${source.label} has no feeds`);
  const pageSize = opts.pageSize ?? FEED_PAGE_SIZE;
  const saved = library.feedSummary(feed.id);
  const start = opts.more ? (saved?.nextStart ?? 0) : 0;
  const page = await source.page(feed.id, start, pageSize);
  opts.onWarnings?.(page);
  // arXiv sometimes answers a page inside the results with no entries; stored, it would end the listing early.
  if (page.entries === 0 && start > 0 && (page.totalResults ?? 0) > start)
    throw new Error(`${source.label} sent an empty page before the end of the results. Try again.`);
  const kept = page.papers.filter((p) => matchesKeywords(p, feed.keywords));
  return library.setFeedPage(feed.id, kept, {
    first: !opts.more,
    entries: page.entries,
    ...(page.totalResults !== undefined ? { total: page.totalResults } : {}),
    fetchedAt: (opts.now ?? new Date()).toISOString(),
  });
}

/** Whether a feed has more to load than it holds. */
export function hasMorePages(summary: { nextStart: number; total?: number } | undefined): boolean {
  return summary !== undefined && summary.total !== undefined && summary.nextStart < summary.total;
}
