import * as vscode from 'vscode';
import type { Command } from '../../../commands/registry';
import { textArgumentOrAsk } from '../../../commands/textArgument';
import type { PaperStore } from '../../paperStore';
import { arxivQueryProblem } from '../arxivQuery';
import { DEFAULT_CATEGORIES, type FeedDefinition, type QueryFeedSetting } from '../feedDefinitions';
import { FeedNode } from '../feedsTree';

/** What the feed commands act on, wired by `arxivFeeds/register.ts`. */
export interface FeedCommandContext {
  readonly store: PaperStore;
  /** The feeds the settings define now. */
  definitions(): FeedDefinition[];
  /** Fetches a feed's first page, or its next one; a failure shows as a row under the feed. */
  fetch(feed: FeedDefinition, more: boolean): Promise<void>;
  /** Shows a feed's row in the Papers view, expanded. */
  reveal(feedId: string): Promise<void>;
  /** The feeds' settings changed: redraw the Feeds group. */
  changed(): void;
}

const config = () => vscode.workspace.getConfiguration('attractor.feeds');

/** The user's saved query feeds (global settings only: workspace values are not written back). */
function savedQueries(): QueryFeedSetting[] {
  const v = config().inspect<unknown>('queries')?.globalValue;
  return Array.isArray(v) ? (v as QueryFeedSetting[]) : [];
}

/** The Feeds group: refresh, Load more, Add arXiv Query Feed, Remove Feed. */
export function feedCommands(ctx: FeedCommandContext): Command[] {
  const byId = (id: string) => ctx.definitions().find((f) => f.id === id);
  const feedFrom = (arg: unknown): FeedDefinition | undefined =>
    arg instanceof FeedNode ? arg.feed : typeof arg === 'string' ? byId(arg) : undefined;

  return [
    {
      id: 'attractor.feeds.refresh',
      what: 'Could not refresh the feeds',
      run: async (arg?: unknown) => {
        const one = feedFrom(arg);
        await Promise.all((one ? [one] : ctx.definitions()).map((f) => ctx.fetch(f, false)));
      },
    },
    {
      id: 'attractor.feeds.loadMore',
      what: 'Could not load more papers',
      run: async (arg?: unknown) => {
        const feed = feedFrom(arg);
        if (feed) await ctx.fetch(feed, true);
      },
    },
    {
      id: 'attractor.feeds.addQuery',
      what: 'Could not add the feed',
      run: async (queryArg?: unknown, nameArg?: unknown) => {
        const query = await textArgumentOrAsk(queryArg, {
          title: 'Add arXiv Query Feed',
          prompt: 'An arXiv query: fields ti: au: abs: cat: all:, joined by AND, OR or ANDNOT',
          placeHolder: 'cat:nlin.CD AND abs:koopman',
          validateInput: (v) => (v.trim() ? arxivQueryProblem(v) : undefined),
        });
        if (!query?.trim()) return undefined;
        const problem = arxivQueryProblem(query);
        if (problem) throw new Error(`"${query.trim().slice(0, 80)}" is not an arXiv query. ${problem}`);
        const q = query.trim();
        if (byId(q)) {
          void vscode.window.showInformationMessage(`Attractor: "${q}" is already a feed.`);
          await ctx.reveal(q);
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
        ctx.changed();
        const task = ctx.fetch(feed, false);
        await ctx.reveal(q);
        await task;
        return q;
      },
    },
    {
      id: 'attractor.feeds.remove',
      what: 'Could not remove the feed',
      run: async (arg?: unknown) => {
        let feed = feedFrom(arg);
        if (!feed) {
          const picked = await vscode.window.showQuickPick(
            ctx.definitions().map((f) => ({ label: f.label, description: f.id === f.label ? '' : f.id, id: f.id })),
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
        (await ctx.store.library()).removeFeed(target.id);
        ctx.changed();
        void vscode.window.showInformationMessage(
          `Attractor: removed the feed "${target.label}" (its papers stay in the library).`,
        );
      },
    },
  ];
}
