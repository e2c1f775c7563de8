import { citeKey } from '../papers/bibtex';
import type { Paper } from '../papers/paper';
import type { PaperStore } from '../papers/paperStore';
import type { PaperRef } from './bracketLinks';

/** How long a snapshot of the library serves synchronous lookups (the preview renders synchronously). */
const FRESH_MS = 5_000;

/**
 * A synchronous view of the library for paper links: the Markdown preview's plugin cannot wait for the store,
 * so it reads the last snapshot and a refresh is started in the background when the snapshot is old.
 */
export class PaperDirectory {
  private byId = new Map<string, Paper>();
  private byArxiv = new Map<string, Paper>();
  /** Cite keys that name exactly one paper (an ambiguous key resolves to nothing rather than a guess). */
  private byKey = new Map<string, Paper>();
  private loadedAt = 0;
  private loading: Promise<void> | undefined;

  constructor(
    private readonly store: PaperStore,
    private readonly onLoaded: () => void,
  ) {}

  /** Loads (or reloads) the snapshot; resolves when it is current. */
  refresh(): Promise<void> {
    this.loading ??= this.store
      .all()
      .then((papers) => {
        const first = this.loadedAt === 0;
        this.byId = new Map(papers.map((p) => [p.id, p]));
        this.byArxiv = new Map(papers.filter((p) => p.arxivId).map((p) => [p.arxivId!.toLowerCase(), p]));
        const keys = new Map<string, Paper | null>();
        for (const p of papers) {
          const key = citeKey(p);
          keys.set(key, keys.has(key) ? null : p);
        }
        this.byKey = new Map([...keys].filter((e): e is [string, Paper] => e[1] !== null));
        this.loadedAt = Date.now();
        if (first) this.onLoaded();
      })
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }

  private touch(): void {
    if (Date.now() - this.loadedAt > FRESH_MS) void this.refresh().catch(() => undefined);
  }

  all(): readonly Paper[] {
    this.touch();
    return [...this.byId.values()];
  }

  get(id: string): Paper | undefined {
    this.touch();
    return this.byId.get(id) ?? this.byArxiv.get(id.toLowerCase());
  }

  resolve(ref: PaperRef): Paper | undefined {
    this.touch();
    if (ref.kind === 'arxiv')
      return this.byArxiv.get(ref.arxivId.replace(/v\d+$/, '').toLowerCase()) ?? this.byId.get(ref.arxivId);
    return this.byId.get(ref.key) ?? this.byArxiv.get(ref.key.toLowerCase()) ?? this.byKey.get(ref.key);
  }

  /** What a link to this paper is written as: `arXiv:ID` when it has one, otherwise its library id. */
  static linkTextOf(paper: Paper): string {
    return paper.arxivId ? `arXiv:${paper.arxivId}` : paper.id;
  }
}
