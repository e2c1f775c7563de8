import { loadLibraryFile, serializeLibrary, writeFileAtomic } from './library/libraryFile';
import { PaperLibrary, seedLibrary } from './library/library';
import type { Paper } from './paper';

/** Something about the library file the user must hear about. */
export type LibraryNotice =
  | { readonly kind: 'setAside'; readonly reason: string; readonly setAsideAs: string }
  | { readonly kind: 'dropped'; readonly count: number }
  | { readonly kind: 'saveFailed'; readonly error: unknown };

export interface PaperStoreOptions {
  /** The library file (extension global storage); without one the library lives in memory only. */
  readonly file?: string;
  /** The first content of a new library: the bundled default listing. */
  readonly seed: () => Promise<Paper[]>;
  /** Changes are written this long after the last one, in one atomic write. */
  readonly saveDelayMs?: number;
}

/**
 * The user's paper library, loaded on first use (never at activation) and shared by the tree, the commands
 * and the panels. Concurrent callers share one load. Every change is saved atomically shortly after it happens.
 */
export class PaperStore {
  private loading: Promise<PaperLibrary> | undefined;
  private saveTimer: NodeJS.Timeout | undefined;
  private saving: Promise<void> = Promise.resolve();
  private readonly noticeListeners = new Set<(n: LibraryNotice) => void>();
  private readonly pendingNotices: LibraryNotice[] = [];

  constructor(private readonly opts: PaperStoreOptions) {}

  /** Notices (a file set aside, records dropped, a failed save); ones raised before anyone listened are replayed. */
  onNotice(listener: (n: LibraryNotice) => void): { dispose(): void } {
    this.noticeListeners.add(listener);
    for (const n of this.pendingNotices.splice(0)) listener(n);
    return { dispose: () => this.noticeListeners.delete(listener) };
  }

  private notice(n: LibraryNotice): void {
    if (this.noticeListeners.size === 0) this.pendingNotices.push(n);
    for (const l of this.noticeListeners) l(n);
  }

  library(): Promise<PaperLibrary> {
    this.loading ??= this.open().then(
      (library) => {
        library.onChange(() => this.scheduleSave(library));
        return library;
      },
      (err: unknown) => {
        this.loading = undefined; // a later call retries instead of repeating the failure forever
        throw err;
      },
    );
    return this.loading;
  }

  private async open(): Promise<PaperLibrary> {
    const { file } = this.opts;
    if (!file) return seedLibrary(await this.opts.seed());
    const loaded = await loadLibraryFile(file);
    if (loaded.status === 'ok') {
      if (loaded.dropped > 0) this.notice({ kind: 'dropped', count: loaded.dropped });
      return new PaperLibrary(loaded.data);
    }
    if (loaded.status === 'setAside')
      this.notice({ kind: 'setAside', reason: loaded.reason, setAsideAs: loaded.setAsideAs });
    const library = seedLibrary(await this.opts.seed());
    await this.write(library);
    return library;
  }

  async all(): Promise<readonly Paper[]> {
    return (await this.library()).all();
  }

  /** By stable id or arXiv id. */
  async get(id: string): Promise<Paper | undefined> {
    return (await this.library()).get(id);
  }

  private scheduleSave(library: PaperLibrary): void {
    if (!this.opts.file) return;
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => void this.save(library), this.opts.saveDelayMs ?? 150);
  }

  private save(library: PaperLibrary): Promise<void> {
    this.saveTimer = undefined;
    // Writes run one after another; each writes the library as it is when its turn comes.
    this.saving = this.saving
      .then(() => this.write(library))
      .catch((error: unknown) => this.notice({ kind: 'saveFailed', error }));
    return this.saving;
  }

  private async write(library: PaperLibrary): Promise<void> {
    if (this.opts.file) await writeFileAtomic(this.opts.file, serializeLibrary(library.toData()));
  }

  /** Writes pending changes now (deactivation, tests). */
  async flush(): Promise<void> {
    if (this.saveTimer && this.loading) {
      clearTimeout(this.saveTimer);
      await this.save(await this.loading);
    }
    await this.saving;
  }

  dispose(): void {
    void this.flush();
  }
}
