import * as vscode from 'vscode';
import type { FeedDefinition } from './arxivFeeds/feedDefinitions';
import { hasMorePages } from './arxivFeeds/feedFetch';
import { FeedNode, LoadMoreNode } from './arxivFeeds/feedsTree';
import { formatDay } from './dayGroups';
import type { FetchStatus, PaperFeeds } from './feeds';
import type { DaySummary, Library, LibraryChange } from './library/library';
import type { Collection } from './library/schema';
import { describeAuthors, type Paper } from './paper';
import type { PaperStore } from './paperStore';
import { markdownText } from '../render/untrustedMarkdown';

/** Characters of the abstract shown in a row's tooltip. */
const TOOLTIP_CHARS = 400;
/**
 * How long after VS Code last asked for rows under a group its rows may still be on their way to the screen;
 * a change in that time redraws from the root (see `refreshGroup`). Generous for a slow machine.
 */
export const REDRAW_SETTLE_MS = 1000;

export type GroupKind = 'daily' | 'feeds' | 'search' | 'starred' | 'collections' | 'recent';
export type PapersNode =
  GroupNode | DayNode | FeedNode | CollectionNode | PaperNode | StatusNode | InfoNode | LoadMoreNode;

/** The arXiv feeds the settings define, and what to do when the user looks at one. */
export interface FeedsSection {
  definitions(): readonly FeedDefinition[];
  /** A feed's papers are on screen: what was new in it is seen. */
  looked(feedId: string): void;
}

/**
 * What another capability may add to a paper row (e.g. notes: "has note"). Decorators are asked for every
 * paper row; what they return is appended to the row's description and tooltip. `icon` (a codicon id) replaces
 * the row's icon unless the paper is starred; `contextFlags` are appended to its contextValue (`paper;…;model`),
 * so menus can test them with `viewItem =~ /;model(;|$)/`.
 */
export interface PaperDecoration {
  readonly description?: string;
  readonly tooltip?: string;
  readonly icon?: string;
  readonly contextFlags?: readonly string[];
}
export type PaperDecorator = (paper: Paper) => PaperDecoration | undefined;

/** The scheme of paper rows' `resourceUri` (`attractor-paper:/<id>`), for FileDecorationProviders. */
export const PAPER_URI_SCHEME = 'attractor-paper';
export function paperUri(paperId: string): vscode.Uri {
  return vscode.Uri.from({ scheme: PAPER_URI_SCHEME, path: `/${paperId}` });
}

const GROUPS: Record<GroupKind, { label: string; icon: string; expanded: boolean; empty: string }> = {
  daily: {
    label: 'Daily',
    icon: 'calendar',
    expanded: true,
    empty: 'No daily listings yet: use the arrows or the calendar to fetch a day.',
  },
  feeds: {
    label: 'Feeds',
    icon: 'rss',
    expanded: false,
    empty: 'No feeds: add one with "Attractor: Add arXiv Query Feed…" or in the attractor.feeds settings.',
  },
  search: {
    label: 'Search results',
    icon: 'search',
    expanded: false,
    empty: 'Run "Attractor: Search Papers" and choose "Search online".',
  },
  starred: {
    label: 'Starred',
    icon: 'star-full',
    expanded: false,
    empty: 'No starred papers: right-click a paper and choose Star.',
  },
  collections: {
    label: 'Collections',
    icon: 'folder-library',
    expanded: false,
    empty: 'No collections: right-click a paper and choose Add to Collection….',
  },
  recent: { label: 'Recent', icon: 'history', expanded: false, empty: 'Papers you open or add appear here.' },
};

function sameFeed(a: FeedDefinition, b: FeedDefinition): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

const count = (n: number, what = 'paper') => `${n} ${what}${n === 1 ? '' : 's'}`;

export class GroupNode extends vscode.TreeItem {
  readonly kind = 'group';
  constructor(readonly group: GroupKind) {
    const g = GROUPS[group];
    super(g.label, g.expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
    this.id = `group:${group}`;
    this.iconPath = new vscode.ThemeIcon(g.icon);
    this.contextValue = `group.${group}`;
  }
}

export class DayNode extends vscode.TreeItem {
  readonly kind = 'day';
  constructor(
    readonly listing: DaySummary,
    readonly parent: GroupNode,
  ) {
    super(formatDay(listing.date), vscode.TreeItemCollapsibleState.Expanded);
    this.id = `day:${listing.date}`;
    this.description = count(listing.count);
    this.iconPath = new vscode.ThemeIcon('calendar');
    this.contextValue = 'day';
  }
}

export class CollectionNode extends vscode.TreeItem {
  readonly kind = 'collection';
  constructor(
    readonly collection: Collection,
    readonly parent: GroupNode,
  ) {
    super(collection.name, vscode.TreeItemCollapsibleState.Collapsed);
    this.id = `collection:${collection.id}`;
    this.description = count(collection.paperIds.length);
    this.iconPath = new vscode.ThemeIcon('folder');
    this.contextValue = 'collection';
  }
}

export class PaperNode extends vscode.TreeItem {
  readonly kind = 'paper';
  constructor(
    readonly paper: Paper,
    readonly parent: DayNode | CollectionNode | GroupNode | FeedNode,
    starred: boolean,
    decorations: readonly PaperDecoration[],
  ) {
    super(paper.title, vscode.TreeItemCollapsibleState.None);
    this.id = `${parent.id}/${paper.id}`;
    const extra = decorations.flatMap((d) => (d.description ? [d.description] : []));
    const description = [
      describeAuthors(paper),
      ...(paper.upvotes !== undefined ? [`▲ ${paper.upvotes}`] : []),
      ...extra,
    ].join(' · ');
    this.description = description;
    this.tooltip = paperTooltip(
      paper,
      decorations.flatMap((d) => (d.tooltip ? [d.tooltip] : [])),
    );
    const icon = decorations.find((d) => d.icon)?.icon;
    this.iconPath = new vscode.ThemeIcon(starred ? 'star-full' : (icon ?? 'file-text'));
    this.resourceUri = paperUri(paper.id);
    const extraFlags = decorations.flatMap((d) => d.contextFlags ?? []).filter((f) => /^[a-z][a-zA-Z0-9-]*$/.test(f));
    const flags = [
      'paper',
      starred ? 'starred' : 'unstarred',
      paper.arxivId ? 'arxiv' : 'local',
      parent instanceof CollectionNode ? 'incollection' : '',
      ...extraFlags,
    ];
    this.contextValue = flags.filter(Boolean).join(';');
    this.command = { command: 'attractor.openPaper', title: 'Open Paper', arguments: [paper.id] };
    this.accessibilityInformation = { label: `${paper.title}, ${description}`, role: 'treeitem' };
  }
}

/**
 * A fetch in progress, or one that failed (click to retry). Without a network, a listing that has saved papers
 * to show says so calmly (an info row); real failures keep the error style.
 */
export class StatusNode extends vscode.TreeItem {
  readonly kind = 'status';
  constructor(
    readonly key: string,
    status: FetchStatus,
    readonly parent: GroupNode | FeedNode,
    hasSaved = false,
  ) {
    super(
      status.state === 'loading' ? `Loading ${status.what}…` : status.message,
      vscode.TreeItemCollapsibleState.None,
    );
    this.id = `status:${key}`;
    if (status.state === 'loading') {
      this.iconPath = new vscode.ThemeIcon('loading~spin');
      this.contextValue = 'loading';
    } else if (status.offline && hasSaved) {
      this.label = 'Offline — showing the saved papers';
      this.description = 'Retry';
      this.iconPath = new vscode.ThemeIcon('info');
      this.tooltip = `${status.message}\nClick to retry.`;
      this.contextValue = 'offline';
      this.command = { command: 'attractor.papers.retry', title: 'Retry', arguments: [key] };
    } else {
      this.description = 'Retry';
      this.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
      this.tooltip = `${status.what} failed: ${status.message}\nClick to retry.`;
      this.contextValue = 'error';
      this.command = { command: 'attractor.papers.retry', title: 'Retry', arguments: [key] };
    }
  }
}

/** A line of text in a group (empty-state hints). */
export class InfoNode extends vscode.TreeItem {
  readonly kind = 'info';
  constructor(
    text: string,
    readonly parent: PapersNode | undefined,
    id: string,
  ) {
    super(text, vscode.TreeItemCollapsibleState.None);
    this.id = id;
    this.iconPath = new vscode.ThemeIcon('info');
    this.contextValue = 'info';
  }
}

/**
 * Titles and abstracts are untrusted: markdownText escapes them (appendText leaves `<command:…>` autolinks),
 * and the tooltip is not trusted.
 */
function paperTooltip(paper: Paper, extra: readonly string[]): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, false);
  md.appendMarkdown(`**${markdownText(paper.title)}**\n\n`);
  const meta = [describeAuthors(paper), formatDay(paper.published)];
  if (paper.arxivId) meta.push(`arXiv:${paper.arxivId}${paper.arxivVersion ? `v${paper.arxivVersion}` : ''}`);
  if (paper.categories?.length) meta.push(paper.categories.join(', '));
  if (paper.upvotes !== undefined) meta.push(`▲ ${paper.upvotes} upvotes`);
  md.appendMarkdown(`${markdownText(meta.join(' · '))}\n\n`);
  const abstract =
    paper.abstract.length > TOOLTIP_CHARS ? `${paper.abstract.slice(0, TOOLTIP_CHARS).trimEnd()}…` : paper.abstract;
  md.appendMarkdown(markdownText(abstract));
  for (const line of extra) md.appendMarkdown(`\n\n${markdownText(line)}`);
  return md;
}

/** The group a row is under ('root' for the load-error row, and for the root itself). */
function groupOf(node: PapersNode | undefined): GroupKind | 'root' {
  let n = node;
  while (n && !(n instanceof GroupNode)) n = n.parent;
  return n ? n.group : 'root';
}

const GROUP_OF_CHANGE: Record<LibraryChange, GroupKind[] | 'all'> = {
  papers: 'all',
  days: ['daily'],
  search: ['search'],
  stars: 'all', // star icons show in every group
  collections: ['collections'],
  recent: ['recent'],
  feeds: ['feeds'],
};

/**
 * The Papers view: Daily (day listings, newest first), Search results, Starred, Collections and Recent.
 * Fires a change for the group that changed, not the whole tree, where it can.
 */
export class PapersTreeProvider implements vscode.TreeDataProvider<PapersNode> {
  private readonly changed = new vscode.EventEmitter<PapersNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  readonly groups: Record<GroupKind, GroupNode> = {
    daily: new GroupNode('daily'),
    feeds: new GroupNode('feeds'),
    search: new GroupNode('search'),
    starred: new GroupNode('starred'),
    collections: new GroupNode('collections'),
    recent: new GroupNode('recent'),
  };
  private readonly decorators = new Set<PaperDecorator>();
  private readonly subscriptions: { dispose(): void }[] = [];
  private library: Library | undefined;
  private loadError: string | undefined;
  private dailyShown = false;
  /** When VS Code last asked for rows under each group, or the root (see refreshGroup). */
  private readonly askedAt = new Map<GroupKind | 'root', number>();
  /** The Feeds group's rows by feed id, kept so that one feed's change is fired for its node alone. */
  private readonly feedNodes = new Map<string, FeedNode>();

  constructor(
    private readonly store: PaperStore,
    private readonly feeds: PaperFeeds,
    private readonly log: vscode.LogOutputChannel,
    /** Called once, the first time the Daily group is shown (fetches today's listing). */
    private readonly onDailyFirstShown: () => void = () => undefined,
    private readonly feedsSection: FeedsSection = { definitions: () => [], looked: () => undefined },
  ) {
    this.subscriptions.push(
      feeds.onStatus((key) => {
        if (key.startsWith('day:')) this.refreshGroup('daily');
        else if (key.startsWith('feed:')) this.fireFeed(key.slice('feed:'.length));
        else if (key === 'search') this.refreshGroup('search');
      }),
    );
  }

  /** Adds a decorator for paper rows; the returned disposable removes it. */
  addDecorator(decorator: PaperDecorator): vscode.Disposable {
    this.decorators.add(decorator);
    this.refresh();
    return new vscode.Disposable(() => {
      this.decorators.delete(decorator);
      this.refresh();
    });
  }

  /** Redraws every row (after decorations changed). */
  refresh(): void {
    this.changed.fire(undefined);
  }

  /**
   * Redraws one group and what is under it, and nothing else: a redraw drops the click commands of the rows it
   * replaces until VS Code has drawn the new ones, so a row elsewhere that the user is clicking keeps working.
   *
   * Except while VS Code is still showing rows it asked for under that group (or the root): redrawing an element
   * whose children are on their way left it expanded and empty in VS Code 1.100 (a fetch starts the moment Daily
   * is first shown, and its "Loading" row arrived in that window). A redraw from the root has no such race.
   */
  refreshGroup(group: GroupKind): void {
    this.redraw(this.groups[group]);
  }

  private redraw(node: GroupNode | FeedNode): void {
    const now = Date.now();
    const settling = (k: GroupKind | 'root') => now - (this.askedAt.get(k) ?? -Infinity) < REDRAW_SETTLE_MS;
    this.changed.fire(settling(groupOf(node)) || settling('root') ? undefined : node);
  }

  /** Notes that VS Code asked for rows under `node` (the root when undefined): see refreshGroup. */
  private asked(node: PapersNode | undefined): void {
    this.askedAt.set(groupOf(node), Date.now());
  }

  /**
   * A feed's fetch status shows only under that feed (its status row, "Load more" hidden while it loads): only
   * its node is redrawn. A feed not shown yet has no node, and nothing to redraw.
   */
  private fireFeed(feedId: string): void {
    const node = this.feedNodes.get(feedId);
    if (node) this.redraw(node);
  }

  private async libraryOrError(): Promise<Library | undefined> {
    try {
      const library = await this.store.library();
      this.loadError = undefined;
      if (library !== this.library) {
        this.library = library;
        const sub = library.onChange((change) => {
          const groups = GROUP_OF_CHANGE[change];
          if (groups === 'all') this.refresh();
          else groups.forEach((g) => this.refreshGroup(g));
        });
        this.subscriptions.push(sub);
      }
      return library;
    } catch (err) {
      const detail = err instanceof Error ? err.message : String(err);
      this.log.error(`Could not load the paper library: ${detail}`);
      this.loadError = `Could not load the paper library: ${detail}`;
      return undefined;
    }
  }

  getTreeItem(node: PapersNode): vscode.TreeItem {
    if (node instanceof GroupNode && this.library) node.description = this.groupDescription(node.group, this.library);
    if (node instanceof FeedNode && this.library) node.update(this.library.feedSummary(node.feed.id));
    return node;
  }

  getParent(node: PapersNode): PapersNode | undefined {
    return node instanceof GroupNode ? undefined : node.parent;
  }

  private groupDescription(group: GroupKind, library: Library): string {
    switch (group) {
      case 'daily': {
        return `${count(library.dailyPaperCount())} · ${count(library.daySummaries().length, 'day')}`;
      }
      case 'feeds': {
        const feeds = this.feedsSection.definitions();
        const fresh = feeds.reduce((n, f) => n + (library.feedSummary(f.id)?.newCount ?? 0), 0);
        return fresh > 0 ? `${fresh} new` : count(feeds.length, 'feed');
      }
      case 'search':
        return library.search ? `"${library.search.query}" · ${library.search.paperIds.length}` : '';
      case 'starred':
        return String(library.starred().length);
      case 'collections':
        return String(library.collections.length);
      case 'recent':
        return String(library.recent().length);
    }
  }

  private paperNodes(
    papers: readonly Paper[],
    parent: DayNode | CollectionNode | GroupNode | FeedNode,
    library: Library,
  ): PaperNode[] {
    const decorators = [...this.decorators];
    return papers.map((p) => {
      const decorations = decorators.flatMap((d) => {
        try {
          return d(p) ?? [];
        } catch (err) {
          this.log.warn(`A paper decorator failed: ${String(err)}`);
          return [];
        }
      });
      return new PaperNode(p, parent, library.isStarred(p.id), decorations);
    });
  }

  private statusNodes(prefix: string, parent: GroupNode | FeedNode, hasSaved = false): StatusNode[] {
    return this.feeds.statuses(prefix).map(([key, status]) => new StatusNode(key, status, parent, hasSaved));
  }

  /**
   * Synchronous once the library is open, and why: VS Code's tree registers the rows it asked for in the same
   * task as it asked, so a node's redraw never overlaps a fetch of its children. Two overlapping fetches of one
   * node register the same row ids twice ("Element with id … is already registered"), and the node is left empty.
   */
  getChildren(node?: PapersNode): PapersNode[] | Promise<PapersNode[]> {
    this.asked(node);
    if (this.library) return this.childrenOf(node, this.library);
    return this.libraryOrError().then((library) => {
      if (library) return this.childrenOf(node, library);
      if (node) return [];
      const row = new InfoNode(this.loadError ?? 'Could not load the paper library', undefined, 'load-error');
      row.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
      row.description = 'Retry';
      row.command = { command: 'attractor.refreshPapers', title: 'Retry' };
      return [row];
    });
  }

  private childrenOf(node: PapersNode | undefined, library: Library): PapersNode[] {
    if (!node) {
      if (library.size === 0 && !library.search && library.collections.length === 0) return []; // viewsWelcome
      return Object.values(this.groups);
    }
    if (node instanceof GroupNode) return this.groupChildren(node, library);
    if (node instanceof DayNode) {
      const papers = library.papersOf(library.day(node.listing.date)?.paperIds ?? []);
      if (papers.length === 0)
        return [new InfoNode(`No papers listed for ${formatDay(node.listing.date)}.`, node, `${node.id}/empty`)];
      return this.paperNodes(papers, node, library);
    }
    if (node instanceof FeedNode) return this.feedChildren(node, library);
    if (node instanceof CollectionNode) {
      const current = library.collection(node.collection.id);
      const papers = library.papersOf(current?.paperIds ?? []);
      if (papers.length === 0)
        return [new InfoNode('Empty: right-click a paper and choose Add to Collection….', node, `${node.id}/empty`)];
      return this.paperNodes(papers, node, library);
    }
    return [];
  }

  private groupChildren(node: GroupNode, library: Library): PapersNode[] {
    const empty = () => [new InfoNode(GROUPS[node.group].empty, node, `${node.id}/empty`)];
    switch (node.group) {
      case 'daily': {
        if (!this.dailyShown) {
          this.dailyShown = true;
          queueMicrotask(this.onDailyFirstShown);
        }
        const days = library.daySummaries().map((d) => new DayNode(d, node));
        const rows = [...this.statusNodes('day:', node, library.dailyPaperCount() > 0), ...days];
        return rows.length ? rows : empty();
      }
      case 'feeds': {
        const feeds = this.feedsSection.definitions().map((f) => {
          const known = this.feedNodes.get(f.id);
          // A feed whose settings changed (its name, its keywords) gets a new node.
          if (known && sameFeed(known.feed, f)) return known;
          return new FeedNode(f, library.feedSummary(f.id), node);
        });
        this.feedNodes.clear();
        for (const f of feeds) this.feedNodes.set(f.feed.id, f);
        return feeds.length ? feeds : empty();
      }
      case 'search': {
        const papers = library.search ? library.papersOf(library.search.paperIds) : [];
        const status = this.statusNodes('search', node);
        if (library.search && papers.length === 0 && status.length === 0) {
          return [new InfoNode(`No results for "${library.search.query}".`, node, `${node.id}/none`)];
        }
        const rows = [...status, ...this.paperNodes(papers, node, library)];
        return rows.length ? rows : empty();
      }
      case 'starred': {
        const papers = library.starred();
        return papers.length ? this.paperNodes(papers, node, library) : empty();
      }
      case 'collections': {
        const collections = library.collections.map((c) => new CollectionNode(c, node));
        return collections.length ? collections : empty();
      }
      case 'recent': {
        const papers = library.recent();
        return papers.length ? this.paperNodes(papers, node, library) : empty();
      }
    }
  }

  /** A feed's saved papers, newest first, with its fetch status first and "Load more" last. */
  private feedChildren(node: FeedNode, library: Library): PapersNode[] {
    const summary = library.feedSummary(node.feed.id);
    // Looking at a feed is what makes its papers no longer new.
    if (summary && summary.newCount > 0) queueMicrotask(() => this.feedsSection.looked(node.feed.id));
    const key = `feed:${node.feed.id}`;
    const status = this.statusNodes(key, node, (summary?.count ?? 0) > 0).filter((s) => s.key === key);
    const papers = this.paperNodes(library.papersOf(library.feedPaperIds(node.feed.id)), node, library);
    const loading = this.feeds.status(key)?.state === 'loading';
    const more = summary && hasMorePages(summary) && !loading ? [new LoadMoreNode(node, summary)] : [];
    const rows: PapersNode[] = [...status, ...papers, ...more];
    if (rows.length === 0)
      return [
        new InfoNode(
          summary ? 'No papers in this feed yet.' : 'Not fetched yet: click Refresh.',
          node,
          `${node.id}/empty`,
        ),
      ];
    return rows;
  }

  dispose(): void {
    this.subscriptions.forEach((s) => s.dispose());
    this.changed.dispose();
  }
}
