import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { Library } from '../library/library';
import { buildSegment } from './indexSegment';
import { decodeSnapshot, openSnapshot } from './indexSnapshot';
import type { IndexWorkerInput, IndexWorkerOutput } from './indexWorker';
import { SearchIndex } from './searchIndex';
import { nextTurn } from '../../core/turns';

/** Papers per segment built on the extension host's thread: a few milliseconds each, the loop yielded between. */
const CHUNK = 250;
/** Segments past the main one are folded in by a new build in the worker once they hold this many papers… */
const COMPACT_AT = 1000;
/** …or this share of the library, or there are this many of them (each query visits every segment). */
const COMPACT_SHARE = 0.02;
const MAX_SEGMENTS = 24;
/** More changes than this since the snapshot (or the last build): a new build is cheaper than catching up. */
const REBUILD_AT = 20_000;

export interface LazySearchOptions {
  /** Where the main segment's snapshot is kept (beside the library database); without it, no snapshot. */
  readonly snapshotFile?: string;
  /** The worker script; default: indexWorker.js beside this module (dist/ in the bundle). */
  readonly workerFile?: string;
  /** Told when the worker could not build and the index was built on this thread instead. */
  readonly onWarning?: (message: string) => void;
}

/** Where the index came from when it was first needed (for the log and the bench). */
export type IndexOrigin = 'snapshot' | 'worker' | 'thread';

interface State {
  readonly index: SearchIndex;
  /** The last paper change the index includes. */
  seq: number;
}

type DbLibrary = Library & Required<Pick<Library, 'changesSince' | 'libraryId' | 'file'>>;

/**
 * The search index of a library, made on the first search (never at activation). On a library database it is
 * kept up to date change by change: the papers added, changed or removed since (the database's change log) are
 * applied as a small segment, work proportional to their number (a star, a collection or an opened paper is no
 * paper change). Its main segment is built in a worker thread, saved as a snapshot beside the database, and
 * loaded from there by the next window, which then applies only the changes since. When the small segments
 * grow, a new main segment is built in the worker and swapped in. A library in memory is indexed as a whole,
 * again when its papers change. Queries wait for one another's updates (one queue), never for a worker build
 * in progress but the first.
 */
export class LazySearch {
  private state: State | undefined;
  private memory: { version: number; index: SearchIndex } | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private compaction: Promise<void> | undefined;
  private readonly workers = new Set<Worker>();
  private disposed = false;
  origin: IndexOrigin | undefined;

  constructor(
    private readonly library: () => Promise<Library>,
    private readonly opts: LazySearchOptions = {},
  ) {}

  index(): Promise<SearchIndex> {
    const run = this.queue.then(() => this.refresh());
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Stops a build in progress (the extension is going away). */
  dispose(): void {
    this.disposed = true;
    for (const w of this.workers) void w.terminate();
  }

  /** Resolves once a compaction in progress (if any) has been swapped in: for tests and the bench. */
  async settled(): Promise<void> {
    await this.compaction;
    await this.queue;
  }

  private async refresh(): Promise<SearchIndex> {
    const library = await this.library();
    if (!library.changesSince || !this.opts.snapshotFile || !library.file || !library.libraryId) {
      return this.inMemory(library);
    }
    const db = library as DbLibrary;
    if (!this.state) {
      this.state = await this.fromSnapshot(db);
      this.origin = this.state ? 'snapshot' : undefined;
      if (!this.state) ({ state: this.state, origin: this.origin } = await this.build(db, true));
    }
    await this.catchUp(db);
    this.maybeCompact(db);
    return this.state.index;
  }

  private inMemory(library: Library): SearchIndex {
    if (this.memory?.version !== library.papersVersion) {
      const version = library.papersVersion;
      this.memory = { version, index: new SearchIndex(library.all()) };
      this.origin = 'thread';
    }
    return this.memory.index;
  }

  /**
   * The main segment from the snapshot file, its postings left in the file (read a word at a time by queries:
   * the extension host holds the vocabulary and ids, not the 65 MB of postings of 100,000 papers).
   */
  private async fromSnapshot(library: DbLibrary, seq?: number): Promise<State | undefined> {
    try {
      const { info, segment } = await openSnapshot(this.opts.snapshotFile!);
      // Another database's, or one ahead of this one (the database was replaced): built again. After a build,
      // only the snapshot of that build (another window may have written a newer one meanwhile: equally good).
      if (info.libraryId !== library.libraryId || info.seq > library.papersVersion) return undefined;
      if (seq !== undefined && info.seq < seq) return undefined;
      return { index: new SearchIndex([segment], (ids) => library.papersOf(ids)), seq: info.seq };
    } catch {
      return undefined; // none yet, or unreadable: a cache, built again and overwritten
    }
  }

  /** A new main segment of every paper, built in the worker (or, if that fails and `fallback`, here). */
  private async build(library: DbLibrary, fallback: boolean): Promise<{ state: State; origin: IndexOrigin }> {
    const lookup = (ids: readonly string[]) => library.papersOf(ids);
    try {
      for (let attempt = 1; ; attempt++) {
        const out = await this.runWorker({ dbFile: library.file, snapshotFile: this.opts.snapshotFile! });
        if (!out.ok) throw new Error(out.error);
        if (!out.saved) {
          const { segment } = decodeSnapshot(new Uint8Array(out.bytes));
          return { state: { index: new SearchIndex([segment], lookup), seq: out.seq }, origin: 'worker' };
        }
        // The snapshot the worker saved, read as a new window reads it.
        const saved = await this.fromSnapshot(library, out.seq);
        if (saved) return { state: saved, origin: 'worker' };
        // Another window's older build replaced it in the meantime: built once more.
        if (attempt === 2) throw new Error('the saved search index could not be read back');
      }
    } catch (err) {
      if (!fallback || this.disposed) throw err;
      this.opts.onWarning?.(`the search index was built on the extension host's thread: ${String(err)}`);
      const seq = library.papersVersion;
      return { state: { index: new SearchIndex([buildSegment(library.all())], lookup), seq }, origin: 'thread' };
    }
  }

  private async runWorker(input: IndexWorkerInput): Promise<IndexWorkerOutput> {
    const { Worker } = await import('node:worker_threads');
    const worker = new Worker(this.opts.workerFile ?? join(__dirname, 'indexWorker.js'), { workerData: input });
    this.workers.add(worker);
    try {
      return await new Promise<IndexWorkerOutput>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
        worker.once('exit', (code) => reject(new Error(`the index worker stopped (exit code ${code})`)));
      });
    } finally {
      this.workers.delete(worker);
      void worker.terminate();
    }
  }

  /** Applies the papers added, changed or removed since the index's change, a chunk at a time. */
  private async catchUp(library: DbLibrary): Promise<void> {
    let changes = library.changesSince(this.state!.seq);
    if (!changes || changes.ids.length > REBUILD_AT) {
      // The log no longer reaches back that far, or catching up would cost more than a build.
      ({ state: this.state, origin: this.origin } = await this.build(library, true));
      changes = library.changesSince(this.state.seq);
      if (!changes) return;
    }
    const state = this.state!;
    for (let i = 0; i < changes.ids.length; i += CHUNK) {
      if (i > 0) await nextTurn();
      const ids = changes.ids.slice(i, i + CHUNK);
      const found = library.papersOf(ids);
      const present = new Set(found.map((p) => p.id));
      state.index.update(
        found,
        ids.filter((id) => !present.has(id)),
      );
    }
    state.seq = changes.upto;
  }

  private maybeCompact(library: DbLibrary): void {
    const { index } = this.state!;
    const due =
      index.deltaSize >= Math.max(COMPACT_AT, COMPACT_SHARE * index.size) || index.segmentCount > MAX_SEGMENTS;
    if (this.compaction || !due || this.disposed) return;
    this.compaction = this.build(library, false)
      .then(({ state }) => {
        // Swapped in on the queue, so no query sees it half caught up; changes made meanwhile are applied on top.
        this.queue = this.queue.then(async () => {
          this.state = state;
          await this.catchUp(library);
        });
        return this.queue;
      })
      .then(
        () => undefined,
        () => undefined, // kept as it is; tried again after the next change
      )
      .finally(() => (this.compaction = undefined));
  }
}
