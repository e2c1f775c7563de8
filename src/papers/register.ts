import * as vscode from 'vscode';
import { registerCommands } from '../commands/registry';
import type { HttpClient } from '../core/http';
import type { Services } from '../services';
import { registerArxivFeeds } from './arxivFeeds/register';
import { addPaperCommand } from './commands/addPaper';
import { addPaperByDoiCommand } from './commands/addPaperByDoi';
import { collectionCommands } from './commands/collectionCommands';
import { dayCommands } from './commands/dayCommands';
import { hubTokenCommands } from './commands/hubTokenCommands';
import { paperCommands } from './commands/paperCommands';
import type { PapersCommandContext } from './commands/papersCommandContext';
import { searchCommands } from './commands/searchCommands';
import { isoDate } from './dayGroups';
import { DoiLookup } from './doiLookup';
import { PaperFeeds } from './feeds';
import { HubTokenStore } from './hubToken';
import type { Library } from './library/library';
import { PaperClients, type HuggingFaceHub } from './paperClients';
import { PaperNode, PapersTreeProvider, type PapersNode } from './papersTree';
import type { PaperStore } from './paperStore';
import { pickPaper } from './pickPaper';
import { LazySearch } from './search/lazySearch';
import { PaperSettingsReader, type PaperSettings } from './settings';

export type { HuggingFaceHub } from './paperClients';

/** Today's listing is fetched again on open when older than this. */
const DAILY_MAX_AGE_MS = 30 * 60_000;

/** What the Papers capability offers the rest of the extension (and in-host tests, through the API). */
export interface PapersApi {
  readonly tree: PapersTreeProvider;
  readonly feeds: PaperFeeds;
  readonly search: LazySearch;
  readonly store: PaperStore;
  /** The Hugging Face Hub as the user's settings say: endpoint, the HTTP client (retries, timeouts) and the token. */
  huggingFaceHub(): HuggingFaceHub;
  /** arXiv as the user's settings say: endpoint and its HTTP client (one request at a time, ≥ 3 s apart). */
  arxiv(): { readonly endpoint: string; readonly http: HttpClient };
  /** Crossref's answer for a DOI outside the library (one request per DOI, shared by every asker). */
  readonly dois: DoiLookup;
}

/** The Papers view and its commands. */
export function registerPapers(services: Services): PapersApi {
  const { context, log, store, paperPanels } = services;
  const settings = new PaperSettingsReader();
  const hubToken = new HubTokenStore(context.secrets, log);
  const clients = new PaperClients(
    () => settings.current,
    (endpoint) => hubToken.authFor(endpoint),
    log,
  );

  const dois = new DoiLookup(() => clients.crossref());
  const feeds = new PaperFeeds(store, () => clients.sources(), log);
  // The index's snapshot lives beside the database it indexes (global storage: shared by every window).
  const search = new LazySearch(() => store.library(), {
    snapshotFile: vscode.Uri.joinPath(context.globalStorageUri, 'library.search').fsPath,
    onWarning: (m) => log.warn(`Search: ${m}`),
  });
  let selectedDay = isoDate(new Date());

  const withViewProgress = <T>(task: Promise<T>): Promise<T> => {
    void vscode.window.withProgress({ location: { viewId: 'attractor.papers' } }, () => task.catch(() => undefined));
    return task;
  };

  /** Fetches a day's listing; failures show as an error row in the Daily group (and in the log). */
  const fetchDay = async (date: string): Promise<void> => {
    selectedDay = date;
    await withViewProgress(feeds.fetchDay(date)).catch(() => undefined);
    await revealDay(date);
  };

  const autoFetch = async () => {
    if (!settings.current.fetchOnOpen) return;
    const library = await store.library();
    const today = library.day(selectedDay);
    const age = today?.fetchedAt ? Date.now() - Date.parse(today.fetchedAt) : Infinity;
    if (age > DAILY_MAX_AGE_MS) await withViewProgress(feeds.fetchDay(selectedDay)).catch(() => undefined);
  };

  const arxivFeeds = registerArxivFeeds(context, {
    feeds,
    store,
    log,
    commands: services.commands,
    withViewProgress,
    reveal: async (feedId) => {
      if (!view.visible) return;
      await view
        .reveal(tree.groups.feeds, { expand: true, focus: false, select: false })
        .then(undefined, () => undefined);
      const node = (await tree.getChildren(tree.groups.feeds)).find((c) => c.id === `feed:${feedId}`);
      if (node) await view.reveal(node, { expand: true, focus: false, select: false }).then(undefined, () => undefined);
    },
  });
  const tree = new PapersTreeProvider(
    store,
    feeds,
    log,
    () => {
      void autoFetch();
      if (settings.current.fetchOnOpen) void arxivFeeds.refreshStale().catch(() => undefined);
    },
    arxivFeeds.section,
  );
  const view = vscode.window.createTreeView<PapersNode>('attractor.papers', {
    treeDataProvider: tree,
    showCollapseAll: true,
  });
  // Other windows' changes (stars, collections, papers) are looked for while the view is visible.
  store.watch(view.visible);
  const watchVisible = view.onDidChangeVisibility((e) => store.watch(e.visible));

  const revealDay = async (date: string) => {
    if (!view.visible) return;
    const daily = tree.groups.daily;
    const children = await tree.getChildren(daily);
    const node = children.find((c) => c.id === `day:${date}`);
    if (node) await view.reveal(node, { expand: true, focus: false, select: false }).then(undefined, () => undefined);
  };

  const library = (): Promise<Library> => store.library();

  const openPaper = async (id: string) => {
    await paperPanels.show(id);
    const lib = await library();
    const paper = lib.get(id);
    if (paper) lib.touchRecent(paper.id);
  };

  const searchOnline = async (query: string): Promise<void> => {
    const task = withViewProgress(feeds.searchOnline(query));
    await revealGroup('search');
    try {
      const papers = await task;
      void vscode.window.setStatusBarMessage(`Attractor: ${papers.length} papers found online for "${query}"`, 5000);
    } catch {
      // The error row in "Search results" says what went wrong and offers Retry.
    }
  };

  // Endpoints can change after the first fetch (edited in Settings, or applied late while settings load). A
  // listing fetched from, or failed at, another endpoint is stale, so the day on screen is fetched again.
  const onSettingsChanged = (s: PaperSettings) => {
    log.info(
      `Papers settings changed: Hugging Face ${s.huggingfaceEndpoint}, arXiv ${s.arxivEndpoint}, Crossref ${s.crossrefEndpoint}`,
    );
    const before = clients.builtWith;
    if (before?.crossrefEndpoint !== s.crossrefEndpoint) dois.clear();
    if (!before || (before.huggingfaceEndpoint === s.huggingfaceEndpoint && before.arxivEndpoint === s.arxivEndpoint))
      return;
    if (view.visible && s.fetchOnOpen) void fetchDay(selectedDay);
  };

  const revealGroup = async (group: 'recent' | 'search'): Promise<void> =>
    view.reveal(tree.groups[group], { expand: true, focus: false, select: false }).then(undefined, () => undefined);
  const commandContext: PapersCommandContext = {
    store,
    feeds,
    search,
    settings,
    hubToken,
    log,
    library,
    paperFrom: async (arg) => {
      if (arg instanceof PaperNode) return (await library()).get(arg.paper.id);
      if (typeof arg === 'string') return (await library()).get(arg);
      const id = await pickPaper(store);
      return id ? (await library()).get(id) : undefined;
    },
    openPaper,
    showPaperPanel: (id) => paperPanels.show(id),
    selectedDay: () => selectedDay,
    fetchDay,
    searchOnline,
    retryFeed: (key) => arxivFeeds.retry(key),
    revealGroup,
  };

  context.subscriptions.push(
    { dispose: () => search.dispose() },
    settings,
    settings.onDidChange(onSettingsChanged),
    tree,
    view,
    watchVisible,
    arxivFeeds.onDidChange(() => tree.refreshGroup('feeds')),
    store.onNotice((n) => {
      if (n.kind === 'setAside') {
        log.error(`The paper library file could not be read (${n.reason}); it was moved to ${n.setAsideAs}.`);
        void vscode.window
          .showWarningMessage(
            `Attractor: the paper library file could not be read (${n.reason}). It was set aside, not deleted, and a fresh library was started.`,
            'Show Log',
          )
          .then((c) => c && log.show());
      } else if (n.kind === 'dropped') {
        log.warn(`${n.count} unreadable records were skipped while loading the paper library.`);
      } else {
        log.info(`Imported ${n.papers} papers from the earlier library file; it is kept as ${n.backup}.`);
      }
    }),
    { dispose: () => store.dispose() },

    ...registerCommands(services.commands, [
      ...paperCommands(commandContext),
      ...dayCommands(commandContext),
      addPaperCommand(commandContext),
      addPaperByDoiCommand(commandContext, dois),
      ...searchCommands(commandContext),
      ...collectionCommands(commandContext),
      ...hubTokenCommands(commandContext),
    ]),
  );

  return {
    tree,
    feeds,
    search,
    store,
    huggingFaceHub: () => clients.huggingFaceHub(),
    arxiv: () => clients.arxiv(),
    dois,
  };
}
