import * as vscode from 'vscode';
import type { Services } from '../services';
import { showError } from '../util/errors';
import { registerArxivFeeds } from './arxivFeeds/register';
import { ARXIV_INPUT_HINT, formatArxivRef, parseArxivInput } from './arxivId';
import { toBibtex, toBibtexFile } from './bibtex';
import { formatDay } from './dayGroups';
import { PaperFeeds, type FeedSources } from './feeds';
import type { Library } from './library/library';
import { writeFileAtomic } from '../core/atomicWrite';
import { paperUrls as paperLinks } from '../core/paperUrls';
import { describeAuthors, type Paper } from './paper';
import { CollectionNode, PaperNode, PapersTreeProvider, type PapersNode } from './papersTree';
import type { PaperStore } from './paperStore';
import { pickPaper } from './pickPaper';
import { LazySearch } from './search/lazySearch';
import { showSearchPick } from './searchPick';
import { PaperSettingsReader, sameSettings, type PaperSettings } from './settings';
import { ArxivSource } from './sources/arxiv';
import { HttpClient, RateQueue } from '../core/http';
import { HuggingFaceSource } from './sources/huggingface';
import { HubTokenStore } from './hubToken';
import { originOf, type BearerAuth } from '../core/http';
import { tokenDecision } from './sources/tokenOrigin';

/** arXiv asks for at most one request every 3 seconds, one connection at a time. */
const ARXIV_INTERVAL_MS = 3_000;
/** Today's listing is fetched again on open when older than this. */
const DAILY_MAX_AGE_MS = 30 * 60_000;

/** `YYYY-MM-DD` of a local date. */
export function isoDate(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

function shiftDay(iso: string, days: number): string {
  const [y, m, d] = iso.split('-').map(Number);
  return isoDate(new Date(y, m - 1, d + days));
}

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
}

export interface HuggingFaceHub {
  readonly endpoint: string;
  readonly http: HttpClient;
  /** The token bound to its origin, if it may go to this endpoint (asks the user for an origin it was not set for). */
  auth(): Promise<BearerAuth | undefined>;
}

/** The Papers view and its commands. */
export function registerPapers(services: Services): PapersApi {
  const { context, log, store, paperPanels } = services;
  const settings = new PaperSettingsReader();
  const hubToken = new HubTokenStore(context.secrets, log);
  const arxivQueue = new RateQueue(ARXIV_INTERVAL_MS);

  // Clients are built from the settings they were read with and rebuilt whenever a reading differs, so a value
  // changed in Settings is used by the next request even if no change event reached us.
  let built: { settings: PaperSettings; sources: FeedSources; hfHttp: HttpClient; arxivHttp: HttpClient } | undefined;
  const onRetry = (i: { url: string; attempt: number; delayMs: number; reason: string }) =>
    log.warn(`Retrying ${new URL(i.url).host} in ${Math.round(i.delayMs)} ms after attempt ${i.attempt}: ${i.reason}`);
  const makeClients = (s: PaperSettings) => {
    const hfHttp = new HttpClient({ timeoutMs: s.timeoutMs, onRetry });
    const arxivHttp = new HttpClient({ timeoutMs: s.timeoutMs, onRetry, gate: (attempt) => arxivQueue.run(attempt) });
    const sources: FeedSources = {
      huggingface: new HuggingFaceSource({
        endpoint: s.huggingfaceEndpoint,
        http: hfHttp,
        auth: () => hubToken.authFor(s.huggingfaceEndpoint),
      }),
      arxiv: new ArxivSource({ endpoint: s.arxivEndpoint, http: arxivHttp }),
    };
    return { settings: s, sources, hfHttp, arxivHttp };
  };
  const clients = () => {
    const s = settings.current;
    if (!built || !sameSettings(built.settings, s)) {
      built = makeClients(s);
      // Which endpoints requests go to: the first thing to check when a fetch reaches the wrong server.
      log.info(
        `Paper sources: Hugging Face ${s.huggingfaceEndpoint}, arXiv ${s.arxivEndpoint}, timeout ${s.timeoutMs / 1000} s`,
      );
    }
    return built;
  };
  const currentHfHttp = () => clients().hfHttp;
  const currentSources = () => clients().sources;

  const feeds = new PaperFeeds(store, currentSources, log);
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

  /** The paper a command is about: a tree row, an id, or (from the palette) one the user picks. */
  const paperFrom = async (arg: unknown): Promise<Paper | undefined> => {
    if (arg instanceof PaperNode) return (await library()).get(arg.paper.id);
    if (typeof arg === 'string') return (await library()).get(arg);
    const id = await pickPaper(store);
    return id ? (await library()).get(id) : undefined;
  };

  const openPaper = async (id: string) => {
    await paperPanels.show(id);
    const lib = await library();
    const paper = lib.get(id);
    if (paper) lib.touchRecent(paper.id);
  };

  const searchOnline = async (query: string): Promise<void> => {
    const task = withViewProgress(feeds.searchOnline(query));
    await view
      .reveal(tree.groups.search, { expand: true, focus: false, select: false })
      .then(undefined, () => undefined);
    try {
      const papers = await task;
      void vscode.window.setStatusBarMessage(`Attractor: ${papers.length} papers found online for "${query}"`, 5000);
    } catch {
      // The error row in "Search results" says what went wrong and offers Retry.
    }
  };

  const openUrl = async (url: string | undefined, what: string) => {
    if (!url) {
      void vscode.window.showInformationMessage(
        `Attractor: this paper has no ${what} (no arXiv id is known for it yet). Add it by arXiv ID to link it.`,
      );
      return;
    }
    await vscode.env.openExternal(vscode.Uri.parse(url));
  };

  const command = (id: string, run: (...args: unknown[]) => unknown, what: string) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await run(...args);
      } catch (err) {
        await showError(log, what, err);
        return undefined;
      }
    });

  const chooseCollection = async (lib: Library, paper: Paper): Promise<string | undefined> => {
    const NEW = '$(add) New Collection…';
    const items = [
      ...lib.collections.map((c) => ({
        label: c.name,
        description: c.paperIds.includes(paper.id) ? 'already contains it' : `${c.paperIds.length} papers`,
        id: c.id,
      })),
      { label: NEW, id: '' },
    ];
    const picked = lib.collections.length
      ? await vscode.window.showQuickPick(items, { title: `Add "${paper.title}" to a collection` })
      : items[0];
    if (!picked) return undefined;
    if (picked.id) return picked.id;
    const name = await vscode.window.showInputBox({
      title: 'New Collection',
      prompt: 'Name of the new collection',
      validateInput: (v) => (v.trim() ? undefined : 'Enter a name'),
    });
    return name ? lib.createCollection(name).id : undefined;
  };

  // Endpoints can change after the first fetch (edited in Settings, or applied late while settings load). A
  // listing fetched from, or failed at, another endpoint is stale, so the day on screen is fetched again.
  const onSettingsChanged = (s: PaperSettings) => {
    log.info(`Papers settings changed: Hugging Face ${s.huggingfaceEndpoint}, arXiv ${s.arxivEndpoint}`);
    const before = built?.settings;
    if (!before || (before.huggingfaceEndpoint === s.huggingfaceEndpoint && before.arxivEndpoint === s.arxivEndpoint))
      return;
    if (view.visible && s.fetchOnOpen) void fetchDay(selectedDay);
  };

  context.subscriptions.push(
    { dispose: () => search.dispose() },
    settings,
    settings.onDidChange(onSettingsChanged),
    tree,
    view,
    watchVisible,
    arxivFeeds.onDidChange(() => tree.refresh()),
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

    command(
      'attractor.openPaper',
      async (arg?: unknown) => {
        const paper = await paperFrom(arg);
        if (paper) await openPaper(paper.id);
        else if (typeof arg === 'string') await paperPanels.show(arg); // shows the "not in the library" message
      },
      'Could not open the paper',
    ),

    command('attractor.refreshPapers', () => fetchDay(selectedDay), 'Could not refresh the papers'),
    command(
      'attractor.papers.retry',
      async (key?: unknown) => {
        if (typeof key !== 'string') return fetchDay(selectedDay);
        if (key.startsWith('day:')) return fetchDay(key.slice(4));
        if (key.startsWith('feed:')) return arxivFeeds.retry(key);
        const lib = await library();
        if (key === 'search' && lib.search) return searchOnline(lib.search.query);
        return undefined;
      },
      'Could not retry',
    ),
    command('attractor.papers.previousDay', () => fetchDay(shiftDay(selectedDay, -1)), 'Could not fetch the day'),
    command('attractor.papers.nextDay', () => fetchDay(shiftDay(selectedDay, 1)), 'Could not fetch the day'),
    command(
      'attractor.papers.pickDay',
      async (date?: unknown) => {
        let day = typeof date === 'string' ? date : undefined;
        if (!day) {
          const today = isoDate(new Date());
          const recent = Array.from({ length: 14 }, (_, i) => shiftDay(today, -i));
          const OTHER = 'Other date…';
          const picked = await vscode.window.showQuickPick(
            [...recent.map((d) => ({ label: formatDay(d), date: d })), { label: OTHER, date: '' }],
            {
              title: 'Daily Papers for which day?',
            },
          );
          if (!picked) return;
          day =
            picked.date ||
            (
              await vscode.window.showInputBox({
                title: 'Daily Papers for which day?',
                prompt: 'A date as YYYY-MM-DD',
                value: selectedDay,
                validateInput: (v) =>
                  /^\d{4}-\d{2}-\d{2}$/.test(v.trim()) && !Number.isNaN(Date.parse(v.trim()))
                    ? undefined
                    : 'Enter a date as YYYY-MM-DD, e.g. 2025-10-29',
              })
            )?.trim();
        }
        if (!day) return;
        if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new Error(`"${day}" is not a date. Enter it as YYYY-MM-DD.`);
        await fetchDay(day);
      },
      'Could not fetch the day',
    ),

    command(
      'attractor.addPaper',
      async (input?: unknown) => {
        const text =
          typeof input === 'string'
            ? input
            : await vscode.window.showInputBox({
                title: 'Add Paper by arXiv ID or URL',
                placeHolder: '2306.04406, arXiv:2306.04406v2, https://arxiv.org/abs/…, https://huggingface.co/papers/…',
                validateInput: (v) => (!v.trim() || parseArxivInput(v) ? undefined : `Expected ${ARXIV_INPUT_HINT}.`),
              });
        if (text === undefined || !text.trim()) return undefined;
        const ref = parseArxivInput(text);
        if (!ref) {
          void vscode.window.showErrorMessage(
            `Attractor: "${text.trim().slice(0, 80)}" is not an arXiv paper. Expected ${ARXIV_INPUT_HINT}.`,
          );
          return undefined;
        }
        const task = feeds.addPaper(ref);
        const papers = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: `Attractor: adding arXiv:${formatArxivRef(ref)}…` },
          () =>
            task.then(
              (p) => p,
              () => undefined,
            ),
        );
        if (!papers) {
          const message = await task.then(
            () => '',
            (err: unknown) => (err instanceof Error ? err.message : String(err)),
          );
          void vscode.window
            .showErrorMessage(`Attractor: could not add arXiv:${formatArxivRef(ref)}. ${message}`, 'Show Log')
            .then((c) => c && log.show());
          return undefined;
        }
        const [paper] = papers;
        await openPaper(paper.id);
        await view
          .reveal(tree.groups.recent, { expand: true, focus: false, select: false })
          .then(undefined, () => undefined);
        return paper.id;
      },
      'Could not add the paper',
    ),

    command(
      'attractor.searchPapers',
      (initial?: unknown) =>
        showSearchPick({ library, search, openPaper, searchOnline, log }, typeof initial === 'string' ? initial : ''),
      'Search failed',
    ),
    command(
      'attractor.searchOnline',
      async (query?: unknown) => {
        const q =
          typeof query === 'string'
            ? query
            : await vscode.window.showInputBox({
                title: 'Search Papers Online',
                prompt: 'Words, or an arXiv query such as cat:math.DS AND abs:koopman',
              });
        if (q?.trim()) await searchOnline(q.trim());
      },
      'Online search failed',
    ),
    command('attractor.papers.clearSearch', async () => (await library()).clearSearch(), 'Could not clear the search'),

    command(
      'attractor.papers.star',
      async (arg?: unknown) => {
        const paper = await paperFrom(arg);
        if (paper) (await library()).setStarred(paper.id, true);
      },
      'Could not star the paper',
    ),
    command(
      'attractor.papers.unstar',
      async (arg?: unknown) => {
        const paper = await paperFrom(arg);
        if (paper) (await library()).setStarred(paper.id, false);
      },
      'Could not unstar the paper',
    ),

    command(
      'attractor.papers.addToCollection',
      async (arg?: unknown, collectionId?: unknown) => {
        const paper = await paperFrom(arg);
        if (!paper) return;
        const lib = await library();
        const id = typeof collectionId === 'string' ? collectionId : await chooseCollection(lib, paper);
        if (id) lib.addToCollection(id, paper.id);
      },
      'Could not add the paper to the collection',
    ),
    command(
      'attractor.papers.removeFromCollection',
      async (arg?: unknown) => {
        if (!(arg instanceof PaperNode) || !(arg.parent instanceof CollectionNode)) return;
        (await library()).removeFromCollection(arg.parent.collection.id, arg.paper.id);
      },
      'Could not remove the paper from the collection',
    ),
    command(
      'attractor.papers.newCollection',
      async (name?: unknown) => {
        const n =
          typeof name === 'string'
            ? name
            : await vscode.window.showInputBox({
                title: 'New Collection',
                prompt: 'Name of the new collection',
                validateInput: (v) => (v.trim() ? undefined : 'Enter a name'),
              });
        if (n?.trim()) return (await library()).createCollection(n).id;
        return undefined;
      },
      'Could not create the collection',
    ),
    command(
      'attractor.papers.renameCollection',
      async (arg?: unknown) => {
        if (!(arg instanceof CollectionNode)) return;
        const name = await vscode.window.showInputBox({
          title: 'Rename Collection',
          value: arg.collection.name,
          validateInput: (v) => (v.trim() ? undefined : 'Enter a name'),
        });
        if (name?.trim()) (await library()).renameCollection(arg.collection.id, name);
      },
      'Could not rename the collection',
    ),
    command(
      'attractor.papers.deleteCollection',
      async (arg?: unknown) => {
        if (!(arg instanceof CollectionNode)) return;
        const choice = await vscode.window.showWarningMessage(
          `Delete the collection "${arg.collection.name}"? Its papers stay in the library.`,
          { modal: true },
          'Delete',
        );
        if (choice === 'Delete') (await library()).deleteCollection(arg.collection.id);
      },
      'Could not delete the collection',
    ),
    command(
      'attractor.papers.exportCollection',
      async (arg?: unknown, target?: unknown) => {
        const lib = await library();
        let collectionId =
          arg instanceof CollectionNode ? arg.collection.id : typeof arg === 'string' ? arg : undefined;
        if (!collectionId) {
          const picked = await vscode.window.showQuickPick(
            lib.collections.map((c) => ({ label: c.name, description: `${c.paperIds.length} papers`, id: c.id })),
            { title: 'Export which collection to BibTeX?' },
          );
          collectionId = picked?.id;
        }
        const collection = collectionId ? lib.collection(collectionId) : undefined;
        if (!collection) return undefined;
        const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
        const fileName = `${collection.name.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'collection'}.bib`;
        const uri =
          target instanceof vscode.Uri
            ? target
            : typeof target === 'string'
              ? vscode.Uri.file(target)
              : await vscode.window.showSaveDialog({
                  title: `Export "${collection.name}" to BibTeX`,
                  defaultUri: folder ? vscode.Uri.joinPath(folder, fileName) : undefined,
                  filters: { BibTeX: ['bib'] },
                });
        if (!uri) return undefined;
        const text = toBibtexFile(lib.papersOf(collection.paperIds));
        if (uri.scheme === 'file') await writeFileAtomic(uri.fsPath, text);
        else await vscode.workspace.fs.writeFile(uri, Buffer.from(text, 'utf8'));
        void vscode.window.showInformationMessage(
          `Attractor: exported ${collection.paperIds.length} papers to ${vscode.workspace.asRelativePath(uri)}.`,
        );
        return uri.toString();
      },
      'Could not export the collection',
    ),

    command(
      'attractor.papers.copyBibtex',
      async (arg?: unknown) => {
        const paper = await paperFrom(arg);
        if (!paper) return undefined;
        const bib = toBibtex(paper);
        await vscode.env.clipboard.writeText(bib);
        void vscode.window.setStatusBarMessage('Attractor: BibTeX copied', 3000);
        return bib;
      },
      'Could not copy the BibTeX entry',
    ),
    command(
      'attractor.papers.copyLink',
      async (arg?: unknown) => {
        const paper = await paperFrom(arg);
        if (!paper) return undefined;
        const link = paperLinks(paper).arxiv ?? `https://huggingface.co/papers?q=${encodeURIComponent(paper.title)}`;
        await vscode.env.clipboard.writeText(link);
        void vscode.window.setStatusBarMessage('Attractor: link copied', 3000);
        return link;
      },
      'Could not copy the link',
    ),
    command(
      'attractor.papers.openArxiv',
      async (arg?: unknown) => {
        const paper = await paperFrom(arg);
        if (paper) await openUrl(paperLinks(paper).arxiv, 'arXiv page');
      },
      'Could not open arXiv',
    ),
    command(
      'attractor.papers.openHuggingFace',
      async (arg?: unknown) => {
        const paper = await paperFrom(arg);
        if (paper)
          await openUrl(
            paperLinks(paper).huggingface ?? `https://huggingface.co/papers?q=${encodeURIComponent(paper.title)}`,
            'Hugging Face page',
          );
      },
      'Could not open Hugging Face',
    ),
    command(
      'attractor.papers.remove',
      async (arg?: unknown) => {
        const paper = await paperFrom(arg);
        if (!paper) return;
        const lib = await library();
        const removed = lib.snapshot(paper.id);
        if (!removed || !lib.remove(paper.id)) return;
        const choice = await vscode.window.showInformationMessage(
          `Attractor: removed "${paper.title}" from the library.`,
          'Undo',
        );
        if (choice === 'Undo') lib.restore(removed);
      },
      'Could not remove the paper',
    ),
    command(
      'attractor.papers.similar',
      async (arg?: unknown) => {
        const paper = await paperFrom(arg);
        if (!paper) return undefined;
        const index = await search.index();
        const hits = index.similar(paper, 10);
        if (hits.length === 0) {
          void vscode.window.showInformationMessage('Attractor: no similar papers in the library yet.');
          return [];
        }
        const picked = await vscode.window.showQuickPick(
          hits.map((h) => ({
            label: h.paper.title,
            description: describeAuthors(h.paper),
            detail: `similarity ${h.score.toFixed(1)}`,
            id: h.paper.id,
          })),
          { title: `Papers like "${paper.title}"`, matchOnDescription: true },
        );
        if (picked) await openPaper(picked.id);
        return hits.map((h) => h.paper.id);
      },
      'Could not find similar papers',
    ),

    command(
      'attractor.setHuggingFaceToken',
      async () => {
        const token = await vscode.window.showInputBox({
          title: 'Hugging Face Token',
          prompt: "An access token (read scope is enough). Stored in VS Code's secret storage, never in settings.",
          password: true,
          ignoreFocusOut: true,
          validateInput: (v) => (/^\S{8,}$/.test(v.trim()) ? undefined : 'Paste the token (no spaces)'),
        });
        if (!token?.trim()) return;
        const endpoint = settings.current.huggingfaceEndpoint;
        const origin = originOf(endpoint);
        if (!origin || tokenDecision(endpoint, origin).action === 'never') {
          void vscode.window.showErrorMessage(
            `Attractor: the token was not saved: the Hugging Face endpoint ${endpoint} is plain http, which would send it in clear. Use an https endpoint (setting attractor.huggingface.endpoint).`,
          );
          return;
        }
        await hubToken.set(token.trim(), origin);
        void vscode.window.showInformationMessage(
          `Attractor: Hugging Face token saved in secret storage, for ${origin} only.`,
        );
      },
      'Could not save the token',
    ),
    command(
      'attractor.clearHuggingFaceToken',
      async () => {
        await hubToken.clear();
        void vscode.window.showInformationMessage('Attractor: Hugging Face token removed.');
      },
      'Could not remove the token',
    ),
  );

  const huggingFaceHub = (): HuggingFaceHub => ({
    endpoint: settings.current.huggingfaceEndpoint,
    http: currentHfHttp(),
    auth: () => hubToken.authFor(settings.current.huggingfaceEndpoint),
  });

  const arxiv = () => ({ endpoint: settings.current.arxivEndpoint, http: clients().arxivHttp });

  return { tree, feeds, search, store, huggingFaceHub, arxiv };
}
