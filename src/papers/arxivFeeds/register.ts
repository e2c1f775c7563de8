import * as vscode from 'vscode';
import { registerCommands, type CommandHost } from '../../commands/registry';
import type { PaperFeeds } from '../feeds';
import type { FeedsSection } from '../papersTree';
import type { PaperStore } from '../paperStore';
import { feedCommands } from './commands/feedCommands';
import { DEFAULT_CATEGORIES, DEFAULT_KEYWORDS, readFeedSettings, type FeedDefinition } from './feedDefinitions';

/** A feed is fetched again when the view opens if its last refresh is older than this. */
const FEED_MAX_AGE_MS = 30 * 60_000;

export interface ArxivFeedsDeps {
  readonly feeds: PaperFeeds;
  readonly store: PaperStore;
  readonly log: vscode.LogOutputChannel;
  readonly commands: CommandHost;
  /** Shows a feed's row in the Papers view, expanded. */
  readonly reveal: (feedId: string) => Promise<void>;
  readonly withViewProgress: <T>(task: Promise<T>) => Promise<T>;
}

export interface ArxivFeeds {
  readonly section: FeedsSection;
  /** Refreshes every feed not refreshed in the last half hour (the view was opened). */
  refreshStale(): Promise<void>;
  /** Retry of a failed fetch, by its status key (`feed:<id>`). */
  retry(key: string): Promise<void>;
  /** Fires when the feeds' settings change. */
  readonly onDidChange: vscode.Event<void>;
}

/** The settings' feeds, read afresh each time (a few microseconds) so that an edit is used at once. */
function currentFeeds(log: vscode.LogOutputChannel, reported: Set<string>): FeedDefinition[] {
  const c = vscode.workspace.getConfiguration('attractor.feeds');
  const { feeds, problems } = readFeedSettings({
    categories: c.get('categories', DEFAULT_CATEGORIES),
    keywords: c.get('keywords', DEFAULT_KEYWORDS),
    queries: c.get('queries', []),
  });
  for (const p of problems) {
    if (reported.has(p)) continue; // once per distinct problem, not on every tree redraw
    reported.add(p);
    log.warn(`Feeds settings: ${p}; left out`);
  }
  return feeds;
}

/** The Feeds group of the Papers view: arXiv categories and saved queries, their commands and settings. */
export function registerArxivFeeds(context: vscode.ExtensionContext, deps: ArxivFeedsDeps): ArxivFeeds {
  const { feeds, store, log } = deps;
  const reported = new Set<string>();
  const definitions = () => currentFeeds(log, reported);
  const byId = (id: string) => definitions().find((f) => f.id === id);
  /** Whether the last fetch of a feed was a "Load more" (Retry repeats it). */
  const lastWasMore = new Map<string, boolean>();
  const changed = new vscode.EventEmitter<void>();

  const fetch = async (feed: FeedDefinition, more: boolean): Promise<void> => {
    lastWasMore.set(feed.id, more);
    // A failure shows as a row under the feed (and in the log); the saved listing stays.
    await deps.withViewProgress(feeds.fetchFeed(feed, more)).catch(() => undefined);
  };

  const section: FeedsSection = {
    definitions,
    looked: (feedId) => {
      void store.library().then(
        (lib) => lib.markFeedSeen(feedId),
        () => undefined,
      );
    },
  };

  const refreshStale = async () => {
    const lib = await store.library();
    const stale = definitions().filter((f) => {
      const at = lib.feedSummary(f.id)?.fetchedAt;
      return !at || Date.now() - Date.parse(at) > FEED_MAX_AGE_MS;
    });
    // All at once: the arXiv queue sends them one at a time, 3 s apart.
    await Promise.all(stale.map((f) => fetch(f, false)));
  };

  context.subscriptions.push(
    changed,
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('attractor.feeds')) changed.fire();
    }),
    ...registerCommands(
      deps.commands,
      feedCommands({ store, definitions, fetch, reveal: deps.reveal, changed: () => changed.fire() }),
    ),
  );

  return {
    section,
    refreshStale,
    retry: async (key) => {
      const feed = byId(key.replace(/^feed:/, ''));
      if (feed) await fetch(feed, lastWasMore.get(feed.id) ?? false);
    },
    onDidChange: changed.event,
  };
}
