import * as vscode from 'vscode';
import { formatDay } from './dayGroups';
import type { Library } from './library/library';
import { describeAuthors, type Paper } from './paper';
import type { LazySearch } from './search/lazySearch';

interface PaperItem extends vscode.QuickPickItem {
  readonly paperId?: string;
  readonly online?: string;
}

const RESULTS = 50;

function paperItem(paper: Paper): PaperItem {
  const meta = [describeAuthors(paper), formatDay(paper.published)];
  if (paper.arxivId) meta.push(`arXiv:${paper.arxivId}`);
  if (paper.upvotes !== undefined) meta.push(`▲ ${paper.upvotes}`);
  return {
    label: paper.title,
    description: meta.join(' · '),
    detail: paper.abstract.slice(0, 160),
    paperId: paper.id,
    alwaysShow: true, // ranked by the index (typos included), not by the quick pick's own label filter
  };
}

function onlineItem(query: string): PaperItem {
  return {
    label: `$(globe) Search online for "${query}"`,
    description: 'Hugging Face and arXiv',
    online: query,
    alwaysShow: true,
  };
}

export interface SearchPickDeps {
  readonly library: () => Promise<Library>;
  readonly search: LazySearch;
  readonly openPaper: (id: string) => Promise<void>;
  readonly searchOnline: (query: string) => Promise<void>;
  readonly log: vscode.LogOutputChannel;
}

/**
 * Attractor: Search Papers — the local library, searched as you type (titles, abstracts, authors, ids;
 * typo-tolerant, prefix matching), with "search online" for the same query.
 */
export async function showSearchPick(deps: SearchPickDeps, initial = ''): Promise<void> {
  const pick = vscode.window.createQuickPick<PaperItem>();
  pick.title = 'Search Papers';
  pick.placeholder = 'Search the library by title, abstract, author or arXiv id';
  pick.matchOnDescription = false;
  pick.matchOnDetail = false;
  let generation = 0;

  const update = async (value: string) => {
    const mine = ++generation;
    const query = value.trim();
    if (!query) {
      const library = await deps.library();
      if (mine === generation) pick.items = library.recent().slice(0, RESULTS).map(paperItem);
      return;
    }
    pick.busy = true;
    try {
      const index = await deps.search.index();
      const started = performance.now();
      const hits = index.search(value, { limit: RESULTS });
      deps.log.trace(`Search "${query}": ${hits.length} hits in ${(performance.now() - started).toFixed(1)} ms`);
      if (mine !== generation) return;
      pick.items = [...hits.map((h) => paperItem(h.paper)), onlineItem(query)];
    } catch (err) {
      deps.log.error(`Search failed: ${String(err)}`);
    } finally {
      if (mine === generation) pick.busy = false;
    }
  };

  const done = new Promise<void>((resolve) => {
    pick.onDidChangeValue((v) => void update(v));
    pick.onDidAccept(() => {
      const [item] = pick.selectedItems;
      pick.hide();
      if (item?.paperId) void deps.openPaper(item.paperId);
      else if (item?.online) void deps.searchOnline(item.online);
    });
    pick.onDidHide(() => {
      pick.dispose();
      resolve();
    });
  });
  pick.value = initial;
  pick.show();
  await update(initial);
  return done;
}
