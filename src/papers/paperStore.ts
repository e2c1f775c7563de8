import { loadLibraryFile } from './library/libraryFile';
import { PaperLibrary, seedLibrary, type Library } from './library/library';
import type { LibraryDb } from './library/libraryDb';
import type { LibraryData } from './library/schema';
import type { Paper } from './paper';

/** Something about the library's files the user must hear about. */
export type LibraryNotice =
  | { readonly kind: 'setAside'; readonly reason: string; readonly setAsideAs: string }
  | { readonly kind: 'dropped'; readonly count: number }
  | { readonly kind: 'imported'; readonly papers: number; readonly backup: string };

export interface PaperStoreOptions {
  /** The library database (extension global storage); without one the library lives in memory only. */
  readonly file?: string;
  /** A v1 `library.json` imported into a new database on first start, then kept beside it as a backup. */
  readonly legacyFile?: string;
  /** The first content of a new library: the bundled default listing. */
  readonly seed: () => Promise<Paper[]>;
  /** While watching, how often another window's changes are looked for. */
  readonly pollMs?: number;
}

/**
 * The user's paper library, opened on first use (never at activation) and shared by the tree, the commands
 * and the panels. Concurrent callers share one open. With a file it is a SQLite database that several
 * windows share: each change is committed when it is made, and `watch` picks up other windows' changes.
 */
export class PaperStore {
  private loading: Promise<Library> | undefined;
  private db: LibraryDb | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private watching = false;
  private disposed = false;
  private readonly noticeListeners = new Set<(n: LibraryNotice) => void>();
  private readonly pendingNotices: LibraryNotice[] = [];

  constructor(private readonly opts: PaperStoreOptions) {}

  /** Notices (a file set aside, records dropped, an import); ones raised before anyone listened are replayed. */
  onNotice(listener: (n: LibraryNotice) => void): { dispose(): void } {
    this.noticeListeners.add(listener);
    for (const n of this.pendingNotices.splice(0)) listener(n);
    return { dispose: () => this.noticeListeners.delete(listener) };
  }

  private notice(n: LibraryNotice): void {
    if (this.noticeListeners.size === 0) this.pendingNotices.push(n);
    for (const l of this.noticeListeners) l(n);
  }

  library(): Promise<Library> {
    this.loading ??= this.open().catch((err: unknown) => {
      this.loading = undefined; // a later call retries instead of repeating the failure forever
      throw err;
    });
    return this.loading;
  }

  private async open(): Promise<Library> {
    const { file } = this.opts;
    const seed = async () => seedLibrary(await this.opts.seed()).toData();
    if (!file) return new PaperLibrary(await seed());
    const { openLibraryDb } = await import('./library/libraryDb.js');
    const { library, events } = await openLibraryDb(file, {
      ...(this.opts.legacyFile ? { jsonFile: this.opts.legacyFile } : {}),
      seed,
      readJson: (json) => this.readLegacy(json),
    });
    for (const e of events) this.notice(e);
    if (this.disposed) {
      library.close();
      throw new Error('the paper library was closed');
    }
    this.db = library;
    this.schedulePoll();
    return library;
  }

  private async readLegacy(file: string): Promise<LibraryData | undefined> {
    const loaded = await loadLibraryFile(file);
    if (loaded.status === 'missing') return undefined;
    if (loaded.status === 'setAside') {
      this.notice({ kind: 'setAside', reason: loaded.reason, setAsideAs: loaded.setAsideAs });
      return undefined;
    }
    if (loaded.dropped > 0) this.notice({ kind: 'dropped', count: loaded.dropped });
    // Through the in-memory model: references to papers that are gone are dropped as on every load.
    return new PaperLibrary(loaded.data).toData();
  }

  /** Looks for other windows' changes every `pollMs` while `on` (the Papers view is visible). */
  watch(on: boolean): void {
    this.watching = on;
    this.schedulePoll();
    // Shown again: catch up at once rather than on the next tick.
    try {
      if (on) this.db?.poll();
    } catch {
      // Looked at again on the next tick.
    }
  }

  private schedulePoll(): void {
    clearInterval(this.pollTimer);
    this.pollTimer = undefined;
    if (!this.watching || !this.db) return;
    const db = this.db;
    this.pollTimer = setInterval(() => {
      try {
        db.poll();
      } catch {
        // A busy or closing database is looked at again on the next tick.
      }
    }, this.opts.pollMs ?? 1000);
    this.pollTimer.unref();
  }

  /** Looks for other windows' changes now; true if there were any. */
  async poll(): Promise<boolean> {
    await this.library();
    return this.db?.poll() ?? false;
  }

  async all(): Promise<readonly Paper[]> {
    return (await this.library()).all();
  }

  /** By stable id or arXiv id. */
  async get(id: string): Promise<Paper | undefined> {
    return (await this.library()).get(id);
  }

  /** Every change is committed when it is made; kept so callers can wait for an open in progress. */
  async flush(): Promise<void> {
    await this.loading?.catch(() => undefined);
  }

  dispose(): void {
    this.disposed = true;
    clearInterval(this.pollTimer);
    this.db?.close();
    this.db = undefined;
  }
}
