import * as vscode from 'vscode';
import type { FeedSummary } from '../library/library';
import type { GroupNode } from '../papersTree';
import type { FeedDefinition } from './feedDefinitions';
import { countText } from '../../core/countText';

/** "3 new · 50 papers": the count of new papers leads, so it is seen on a collapsed row. */
export function describeFeed(summary: FeedSummary | undefined): string {
  if (!summary) return 'not fetched yet';
  const papers = `${summary.count} paper${summary.count === 1 ? '' : 's'}`;
  return summary.newCount > 0 ? `${summary.newCount} new · ${papers}` : papers;
}

/** One feed under Feeds: a category (with its keywords) or a saved query. */
export class FeedNode extends vscode.TreeItem {
  readonly kind = 'feed';
  constructor(
    readonly feed: FeedDefinition,
    summary: FeedSummary | undefined,
    readonly parent: GroupNode,
  ) {
    super(feed.label, vscode.TreeItemCollapsibleState.Collapsed);
    this.id = `feed:${feed.id}`;
    this.iconPath = new vscode.ThemeIcon(feed.kind === 'category' ? 'rss' : 'search');
    this.contextValue = feed.kind === 'category' ? 'feed.category' : 'feed.query';
    this.update(summary);
  }

  /**
   * Shows the feed's current counts. The tree keeps one node per feed and updates it, so that a change to one
   * feed can be fired for its node alone (VS Code knows a node by the object it was given).
   */
  update(summary: FeedSummary | undefined): void {
    this.description = describeFeed(summary);
    const keywords = this.feed.keywords.length ? `\nKeywords: ${this.feed.keywords.join(', ')}` : '';
    const fetched = summary?.fetchedAt ? `\nFetched ${new Date(summary.fetchedAt).toLocaleString()}` : '';
    this.tooltip = `arXiv: ${this.feed.id}${keywords}${fetched}`;
  }
}

/** The last row of a feed with more results on arXiv than it holds. */
export class LoadMoreNode extends vscode.TreeItem {
  readonly kind = 'loadMore';
  constructor(
    readonly parent: FeedNode,
    summary: FeedSummary,
  ) {
    super('Load more', vscode.TreeItemCollapsibleState.None);
    this.id = `${parent.id}/more`;
    this.description = `${countText(summary.nextStart)} of ${countText(summary.total ?? 0)} fetched`;
    this.iconPath = new vscode.ThemeIcon('fold-down');
    this.contextValue = 'loadMore';
    this.command = { command: 'attractor.feeds.loadMore', title: 'Load More', arguments: [parent.feed.id] };
  }
}
