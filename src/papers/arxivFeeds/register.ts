import * as vscode from 'vscode';
import { showError } from '../../util/errors';
import type { PaperFeeds } from '../feeds';
import type { FeedsSection } from '../papersTree';
import type { PaperStore } from '../paperStore';
import { arxivQueryProblem } from './arxivQuery';
import {
  DEFAULT_CATEGORIES,
  DEFAULT_KEYWORDS,
  readFeedSettings,
  type FeedDefinition,
  type QueryFeedSetting,
} from './feedDefinitions';
import { FeedNode } from './feedsTree';

/** A feed is fetched again when the view opens if its last refresh is older than this. */
const FEED_MAX_AGE_MS = 30 * 60_000;

export interface ArxivFeedsDeps {
  readonly feeds: PaperFeeds;
  readonly store: PaperStore;
  readonly log: vscode.LogOutputChannel;
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

  const feedFrom = (arg: unknown): FeedDefinition | undefined =>
    arg instanceof FeedNode ? arg.feed : typeof arg === 'string' ? byId(arg) : undefined;

  const command = (id: string, run: (...args: unknown[]) => unknown, what: string) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await run(...args);
      } catch (err) {
        await showError(log, what, err);
        return undefined;
      }
    });

  const config = () => vscode.workspace.getConfiguration('attractor.feeds');
  const savedQueries = (): QueryFeedSetting[] => {
    const v = config().inspect<unknown>('queries')?.globalValue;
    return Array.isArray(v) ? (v as QueryFeedSetting[]) : [];
  };

  context.subscriptions.push(
    changed,
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('attractor.feeds')) changed.fire();
    }),
    command(
      'attractor.feeds.refresh',
      async (arg?: unknown) => {
        const one = feedFrom(arg);
        await Promise.all((one ? [one] : definitions()).map((f) => fetch(f, false)));
      },
      'Could not refresh the feeds',
    ),
    command(
      'attractor.feeds.loadMore',
      async (arg?: unknown) => {
        const feed = feedFrom(arg);
        if (feed) await fetch(feed, true);
      },
      'Could not load more papers',
    ),
    command(
      'attractor.feeds.addQuery',
      async (queryArg?: unknown, nameArg?: unknown) => {
        const query =
          typeof queryArg === 'string'
            ? queryArg
            : await vscode.window.showInputBox({
                title: 'Add arXiv Query Feed',
                prompt: 'An arXiv query: fields ti: au: abs: cat: all:, joined by AND, OR or ANDNOT',
                placeHolder: 'cat:nlin.CD AND abs:koopman',
                validateInput: (v) => (v.trim() ? arxivQueryProblem(v) : undefined),
              });
        if (!query?.trim()) return undefined;
        const problem = arxivQueryProblem(query);
        if (problem) throw new Error(`"${query.trim().slice(0, 80)}" is not an arXiv query. ${problem}`);
        const q = query.trim();
        if (definitions().some((f) => f.id === q)) {
          void vscode.window.showInformationMessage(`Attractor: "${q}" is already a feed.`);
          await deps.reveal(q);
          return q;
        }
        const name =
          typeof nameArg === 'string'
            ? nameArg
            : typeof queryArg === 'string'
              ? q
              : await vscode.window.showInputBox({
                  title: 'Name of the Feed',
                  prompt: 'Shown in the Feeds group (Enter keeps the query)',
                  value: q,
                });
        if (name === undefined) return undefined;
        await config().update(
          'queries',
          [...savedQueries(), { name: name.trim() || q, query: q }],
          vscode.ConfigurationTarget.Global,
        );
        const feed = byId(q);
        if (!feed) throw new Error('the feed was saved but is not in the settings read back');
        changed.fire();
        const task = fetch(feed, false);
        await deps.reveal(q);
        await task;
        return q;
      },
      'Could not add the feed',
    ),
    command(
      'attractor.feeds.remove',
      async (arg?: unknown) => {
        let feed = feedFrom(arg);
        if (!feed) {
          const picked = await vscode.window.showQuickPick(
            definitions().map((f) => ({ label: f.label, description: f.id === f.label ? '' : f.id, id: f.id })),
            { title: 'Remove which feed?' },
          );
          feed = picked && byId(picked.id);
        }
        if (!feed) return;
        const target = feed;
        if (target.kind === 'query') {
          await config().update(
            'queries',
            savedQueries().filter((q) => typeof q?.query !== 'string' || q.query.trim() !== target.id),
            vscode.ConfigurationTarget.Global,
          );
        } else {
          const categories = config().get<unknown[]>('categories', [...DEFAULT_CATEGORIES]);
          await config().update(
            'categories',
            categories.filter((c) => typeof c !== 'string' || c.trim() !== target.label),
            vscode.ConfigurationTarget.Global,
          );
        }
        (await store.library()).removeFeed(target.id);
        changed.fire();
        void vscode.window.showInformationMessage(
          `Attractor: removed the feed "${target.label}" (its papers stay in the library).`,
        );
      },
      'Could not remove the feed',
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
