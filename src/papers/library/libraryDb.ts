import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type Database from 'libsql';
import { parseArxivId } from '../arxivId';
import { citeKey } from '../bibtex';
import { normalizeDoi } from '../doi';
import type { Paper } from '../paper';
import {
  mergePaper,
  titleKey,
  type DaySummary,
  type FeedPage,
  type FeedSummary,
  type Library,
  type LibraryChange,
  type RemovedPaper,
} from './library';
import { CITE_COLUMNS_SCHEMA, DB_SCHEMA, MIGRATIONS } from './schemaDb';
import { LIBRARY_SCHEMA, type Collection, type DayListing, type LibraryData, type SearchResults } from './schema';

type Db = Database.Database;
type Row = unknown[];

const RECENT_LIMIT = 30;
/** How long a write waits for another window's transaction to finish before failing. */
const BUSY_TIMEOUT_MS = 5000;
/** The change log kept for search indexes catching up; an index further behind rebuilds. */
const CHANGE_LOG_KEEP = 20_000;

/** The database was written by a newer Attractor: it is refused and left as it is. */
export class NewerLibraryError extends Error {
  constructor(
    readonly file: string,
    readonly schema: number,
  ) {
    super(
      `the paper library ${basename(file)} has schema ${schema}, newer than this version of Attractor reads ` +
        `(${DB_SCHEMA}); update Attractor to use it (the file was left untouched)`,
    );
    this.name = 'NewerLibraryError';
  }
}

export type DbOpenEvent =
  /** The database could not be read; it was renamed to `setAsideAs` (never deleted) and a new one started. */
  | { readonly kind: 'setAside'; readonly reason: string; readonly setAsideAs: string }
  /** A v1 library.json was imported; it is kept as `backup`. */
  | { readonly kind: 'imported'; readonly papers: number; readonly backup: string };

export interface DbOpenOptions {
  /** The v1 JSON library to import into a new database (then renamed to a backup beside it). */
  readonly jsonFile?: string;
  /** The first content of a new library when there is nothing to import. */
  readonly seed: () => Promise<LibraryData>;
  /** Reads the v1 JSON file; undefined when it is missing or was set aside. */
  readonly readJson: (file: string) => Promise<LibraryData | undefined>;
  readonly now?: Date;
}

const isCorrupt = (err: unknown) => {
  const code = (err as { code?: unknown }).code;
  return code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT';
};

/** One value of a one-row, one-column query. */
function scalar(db: Db, sql: string): unknown {
  return (db.prepare(sql).raw().get() as Row | undefined)?.[0];
}

/**
 * Opens (creating, migrating or importing as needed) the library database. A file that is not a readable
 * database is set aside and a new one started; one from a newer schema throws NewerLibraryError untouched.
 */
export async function openLibraryDb(
  file: string,
  opts: DbOpenOptions,
): Promise<{ library: LibraryDb; events: DbOpenEvent[] }> {
  await mkdir(dirname(file), { recursive: true });
  // The native binding loads on the first use of the library, never at activation.
  const { default: Sqlite } = await import('libsql');
  const events: DbOpenEvent[] = [];
  const probe = (): { db: Db; version: number } => {
    const db = new Sqlite(file);
    try {
      const version = Number(scalar(db, 'PRAGMA user_version'));
      scalar(db, 'SELECT count(*) FROM sqlite_master');
      return { db, version };
    } catch (err) {
      db.close();
      throw err;
    }
  };
  let opened: { db: Db; version: number };
  try {
    opened = probe();
  } catch (err) {
    if (!isCorrupt(err)) throw err;
    const stamp = (opts.now ?? new Date()).toISOString().replace(/[:.]/g, '-');
    const setAsideAs = join(dirname(file), `${basename(file, '.db')}.corrupt-${stamp}.db`);
    await rename(file, setAsideAs);
    for (const suffix of ['-wal', '-shm'])
      if (existsSync(file + suffix)) await rename(file + suffix, setAsideAs + suffix);
    events.push({ kind: 'setAside', reason: (err as Error).message, setAsideAs });
    opened = probe();
  }
  const { db } = opened;
  if (opened.version > DB_SCHEMA) {
    db.close();
    throw new NewerLibraryError(file, opened.version);
  }
  // WAL: readers never block the writer, and a commit is one append. synchronous=NORMAL keeps every committed
  // transaction through a crash of the process (the WAL is written before COMMIT returns); only a power
  // loss can take the last ones.
  db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = NORMAL');
  db.exec('PRAGMA foreign_keys = ON');
  if (opened.version < DB_SCHEMA) {
    // What a new database starts with is prepared before the write transaction (it may read files).
    const json = opened.version === 0 && opts.jsonFile ? await opts.readJson(opts.jsonFile) : undefined;
    const initial = opened.version === 0 ? (json ?? (await opts.seed())) : undefined;
    let importedPapers = -1;
    transaction(db, () => {
      // Another window may have created or migrated it meanwhile: decide inside the write lock.
      const version = Number(scalar(db, 'PRAGMA user_version'));
      if (version > DB_SCHEMA) throw new NewerLibraryError(file, version);
      for (let v = version; v < DB_SCHEMA; v++) db.exec(MIGRATIONS[v]);
      if (version > 0 && version < CITE_COLUMNS_SCHEMA) fillCiteColumns(db);
      if (version === 0 && initial) {
        importData(db, initial);
        if (json) importedPapers = initial.papers.length;
      }
      db.exec(`PRAGMA user_version = ${DB_SCHEMA}`);
    });
    if (importedPapers >= 0 && opts.jsonFile) {
      const backup = join(dirname(opts.jsonFile), `${basename(opts.jsonFile, '.json')}.v1-backup.json`);
      await rename(opts.jsonFile, backup);
      events.push({ kind: 'imported', papers: importedPapers, backup });
    }
  }
  return { library: new LibraryDb(db, file), events };
}

/** Runs `fn` as one write transaction, taking the write lock first (so a read-then-write never deadlocks). */
function transaction<T>(db: Db, fn: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = fn();
    db.exec('COMMIT');
    return result;
  } catch (err) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw err;
  }
}

/** The cite key and DOI columns of a paper's row (derived from its data, for indexed lookups). */
function citeColumns(p: Paper): [string, string | null] {
  return [citeKey(p), p.links?.doi ? normalizeDoi(p.links.doi) : null];
}

/** Fills the cite key and DOI of rows written before those columns existed (once, while migrating). */
function fillCiteColumns(db: Db): void {
  const update = db.prepare('UPDATE papers SET cite_key = ?, doi = ? WHERE id = ?');
  for (const [id, data] of db.prepare('SELECT id, data FROM papers WHERE cite_key IS NULL').raw().all() as Row[])
    update.run(...citeColumns(JSON.parse(data as string) as Paper), id);
}

/** Writes a whole library (the v1 import, the seed) into an empty schema. */
function importData(db: Db, data: LibraryData): void {
  const insert = db.prepare(
    'INSERT OR REPLACE INTO papers (id, arxiv_id, title_key, data, cite_key, doi) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const known = new Set<string>();
  for (const p of data.papers) {
    insert.run(p.id, p.arxivId ?? null, titleKey(p.title), JSON.stringify(p), ...citeColumns(p));
    known.add(p.id);
  }
  const day = db.prepare('INSERT OR REPLACE INTO days (date, fetched_at) VALUES (?, ?)');
  const dayPaper = db.prepare('INSERT OR IGNORE INTO day_papers (date, paper_id) VALUES (?, ?)');
  for (const d of data.days) {
    day.run(d.date, d.fetchedAt ?? null);
    for (const id of d.paperIds) if (known.has(id)) dayPaper.run(d.date, id);
  }
  db.exec('UPDATE days SET paper_count = (SELECT count(*) FROM day_papers p WHERE p.date = days.date)');
  const star = db.prepare('INSERT OR IGNORE INTO stars (paper_id) VALUES (?)');
  for (const id of data.stars) if (known.has(id)) star.run(id);
  const collection = db.prepare('INSERT OR IGNORE INTO collections (id, name) VALUES (?, ?)');
  const member = db.prepare('INSERT OR IGNORE INTO collection_papers (collection_id, paper_id) VALUES (?, ?)');
  for (const c of data.collections) {
    collection.run(c.id, c.name);
    for (const id of c.paperIds) if (known.has(id)) member.run(c.id, id);
  }
  // Recent is newest first; rows are read newest (largest rowid) first, so insert oldest first.
  const recent = db.prepare('INSERT OR IGNORE INTO recent (paper_id, at) VALUES (?, ?)');
  for (const r of [...data.recent].reverse()) if (known.has(r.id)) recent.run(r.id, r.at);
  if (data.search) {
    db.prepare('INSERT INTO search (id, query, at) VALUES (1, ?, ?)').run(data.search.query, data.search.at);
    const hit = db.prepare('INSERT OR IGNORE INTO search_papers (paper_id) VALUES (?)');
    for (const id of data.search.paperIds) if (known.has(id)) hit.run(id);
  }
}

const parse = (row: Row | undefined): Paper | undefined => (row ? (JSON.parse(row[0] as string) as Paper) : undefined);

/**
 * The library in SQLite: nothing is held in memory but prepared statements; every change is one transaction,
 * committed before the method returns, so two windows (two extension hosts on one file) never overwrite each
 * other's changes. `poll()` tells listeners when another connection committed something.
 */
export class LibraryDb implements Library {
  private readonly statements = new Map<string, Database.Statement>();
  private readonly listeners = new Set<(change: LibraryChange) => void>();
  private dataVersion: number;
  /** Bumped by this connection's writes to day listings; with data_version it keys the cached daily count. */
  private dayWrites = 0;
  private dailyCount: { key: string; value: number } | undefined;

  constructor(
    private readonly db: Db,
    /** The database file (a search index worker opens it too). */
    readonly file: string,
  ) {
    this.dataVersion = this.readDataVersion();
  }

  /** The database's own id (a search index snapshot is for this database only). */
  get libraryId(): string {
    return String(this.row("SELECT value FROM meta WHERE key = 'library_id'")?.[0]);
  }

  private stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      if (s.reader) s.raw();
      this.statements.set(sql, s);
    }
    return s;
  }

  private rows(sql: string, ...params: unknown[]): Row[] {
    return this.stmt(sql).all(...params) as Row[];
  }

  private row(sql: string, ...params: unknown[]): Row | undefined {
    return this.stmt(sql).get(...params) as Row | undefined;
  }

  private run(sql: string, ...params: unknown[]): number {
    return this.stmt(sql).run(...params).changes;
  }

  private readDataVersion(): number {
    return Number(this.row('PRAGMA data_version')?.[0]);
  }

  onChange(listener: (change: LibraryChange) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  private emit(change: LibraryChange): void {
    for (const l of this.listeners) l(change);
  }

  /** One write transaction; listeners hear of the change once it is committed. */
  private write<T>(change: LibraryChange | undefined, fn: () => T): T {
    const result = transaction(this.db, fn);
    if (change) this.emit(change);
    return result;
  }

  /**
   * Whether another connection (another window) committed since the last poll; if so, listeners hear
   * 'papers' (everything may have changed). Cheap: one pragma.
   */
  poll(): boolean {
    const v = this.readDataVersion();
    if (v === this.dataVersion) return false;
    this.dataVersion = v;
    this.emit('papers');
    return true;
  }

  close(): void {
    this.db.close();
  }

  // ---- papers -----------------------------------------------------------------------------------------------

  get size(): number {
    return Number(this.row('SELECT count(*) FROM papers')?.[0]);
  }

  get papersVersion(): number {
    return Number(this.row('SELECT coalesce(max(seq), 0) FROM paper_changes')?.[0]);
  }

  /** Papers added, changed or removed after change `since`, and the latest change; undefined if the log no longer reaches back that far. */
  changesSince(since: number): { ids: string[]; upto: number } | undefined {
    const upto = this.papersVersion;
    if (since >= upto) return { ids: [], upto };
    const oldest = Number(this.row('SELECT coalesce(min(seq), 0) FROM paper_changes')?.[0]);
    if (since < oldest - 1) return undefined;
    const ids = this.rows('SELECT DISTINCT paper_id FROM paper_changes WHERE seq > ? AND seq <= ?', since, upto);
    return { ids: ids.map((r) => r[0] as string), upto };
  }

  all(): Paper[] {
    return this.rows('SELECT data FROM papers ORDER BY rowid').map((r) => parse(r)!);
  }

  /** Every paper's id, in library order. */
  ids(): string[] {
    return this.rows('SELECT id FROM papers ORDER BY rowid').map((r) => r[0] as string);
  }

  private byId(id: string): Paper | undefined {
    return parse(this.row('SELECT data FROM papers WHERE id = ?', id));
  }

  private byArxiv(arxivId: string): Paper | undefined {
    return parse(this.row('SELECT data FROM papers WHERE arxiv_id = ? ORDER BY rowid DESC LIMIT 1', arxivId));
  }

  get(idOrArxivId: string): Paper | undefined {
    const direct = this.byId(idOrArxivId);
    if (direct) return direct;
    const ref = parseArxivId(idOrArxivId.replace(/^arxiv:/i, ''));
    return ref ? this.byArxiv(ref.id) : undefined;
  }

  papersOf(ids: readonly string[]): Paper[] {
    return ids.flatMap((id) => this.byId(id) ?? []);
  }

  byDoi(doi: string): Paper | undefined {
    return parse(this.row('SELECT data FROM papers WHERE doi = ? ORDER BY rowid LIMIT 1', normalizeDoi(doi)));
  }

  byCiteKey(key: string): Paper[] {
    return this.rows('SELECT data FROM papers WHERE cite_key = ? ORDER BY rowid', key).map((r) => parse(r)!);
  }

  citeKeysStartingWith(prefix: string, limit: number): Paper[] {
    // A range over the index (LIKE would not use it: keys are case-sensitive here).
    return this.rows(
      'SELECT data FROM papers WHERE cite_key >= ? AND cite_key < ? ORDER BY cite_key LIMIT ?',
      prefix,
      `${prefix}\uffff`,
      limit,
    ).map((r) => parse(r)!);
  }

  /** The stored paper a source's paper is the same as: by arXiv id, else a local paper with the same title. */
  private match(incoming: Paper): Paper | undefined {
    if (incoming.arxivId) {
      const found = this.byArxiv(incoming.arxivId);
      if (found) return found;
    }
    const byTitle = parse(
      this.row('SELECT data FROM papers WHERE title_key = ? ORDER BY rowid LIMIT 1', titleKey(incoming.title)),
    );
    const candidate = byTitle ?? this.byId(incoming.id);
    if (!candidate) return undefined;
    return !candidate.arxivId || !incoming.arxivId || candidate.arxivId === incoming.arxivId ? candidate : undefined;
  }

  private put(paper: Paper): void {
    this.run(
      `INSERT INTO papers (id, arxiv_id, title_key, data, cite_key, doi) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET arxiv_id = excluded.arxiv_id, title_key = excluded.title_key, data = excluded.data,
         cite_key = excluded.cite_key, doi = excluded.doi`,
      paper.id,
      paper.arxivId ?? null,
      titleKey(paper.title),
      JSON.stringify(paper),
      ...citeColumns(paper),
    );
    this.logChange(paper.id);
  }

  private logChange(id: string): void {
    const seq = Number(this.stmt('INSERT INTO paper_changes (paper_id) VALUES (?)').run(id).lastInsertRowid);
    if (seq % 1000 === 0) this.run('DELETE FROM paper_changes WHERE seq <= ?', seq - CHANGE_LOG_KEEP);
  }

  private mergeQuietly(incoming: readonly Paper[]): Paper[] {
    const stored = new Map<string, Paper>();
    for (const paper of incoming) {
      const existing = this.match(paper);
      const next = existing ? mergePaper(existing, paper) : paper;
      if (!existing || JSON.stringify(existing) !== JSON.stringify(next)) this.put(next);
      stored.set(next.id, next); // a Map keeps first-seen order, as the in-memory library returns them
    }
    return [...stored.values()];
  }

  merge(incoming: readonly Paper[]): Paper[] {
    if (incoming.length === 0) return [];
    return this.write('papers', () => this.mergeQuietly(incoming));
  }

  // ---- days -------------------------------------------------------------------------------------------------

  setDay(date: string, papers: readonly Paper[], fetchedAt?: string): Paper[] {
    return this.write('days', () => {
      const stored = this.mergeQuietly(papers);
      this.run('DELETE FROM day_papers WHERE date = ?', date);
      this.run(
        'INSERT INTO days (date, fetched_at) VALUES (?, ?) ON CONFLICT (date) DO UPDATE SET fetched_at = excluded.fetched_at',
        date,
        fetchedAt ?? null,
      );
      for (const p of stored) this.run('INSERT OR IGNORE INTO day_papers (date, paper_id) VALUES (?, ?)', date, p.id);
      this.run(
        'UPDATE days SET paper_count = (SELECT count(*) FROM day_papers WHERE date = ?) WHERE date = ?',
        date,
        date,
      );
      this.dayWrites++;
      return stored;
    });
  }

  day(date: string): DayListing | undefined {
    const d = this.row('SELECT date, fetched_at FROM days WHERE date = ?', date);
    if (!d) return undefined;
    const ids = this.rows('SELECT paper_id FROM day_papers WHERE date = ? ORDER BY rowid', date).map(
      (r) => r[0] as string,
    );
    return { date, paperIds: ids, ...(d[1] ? { fetchedAt: d[1] as string } : {}) };
  }

  dayListings(): DayListing[] {
    return this.daySummaries().map((d) => this.day(d.date)!);
  }

  daySummaries(): DaySummary[] {
    return this.rows('SELECT date, fetched_at, paper_count FROM days ORDER BY date DESC').map(
      ([date, fetchedAt, count]) => ({
        date: date as string,
        count: Number(count),
        ...(fetchedAt ? { fetchedAt: fetchedAt as string } : {}),
      }),
    );
  }

  /** Counting distinct papers reads every listing row: the count is kept until the listings change (here or in another window). */
  dailyPaperCount(): number {
    const key = `${this.readDataVersion()}:${this.dayWrites}`;
    if (this.dailyCount?.key !== key)
      this.dailyCount = { key, value: Number(this.row('SELECT count(DISTINCT paper_id) FROM day_papers')?.[0]) };
    return this.dailyCount.value;
  }

  // ---- feeds ------------------------------------------------------------------------------------------------

  setFeedPage(feedId: string, papers: readonly Paper[], page: FeedPage): Paper[] {
    return this.write('feeds', () => {
      const stored = this.mergeQuietly(papers);
      this.run('INSERT OR IGNORE INTO feeds (id) VALUES (?)', feedId);
      if (page.first) {
        this.run(
          'UPDATE feeds SET fetch_seq = fetch_seq + 1, next_start = ?, fetched_at = ?, total = ? WHERE id = ?',
          page.entries,
          page.fetchedAt,
          page.total ?? null,
          feedId,
        );
        const seq = Number(this.row('SELECT fetch_seq FROM feeds WHERE id = ?', feedId)?.[0]);
        const before = new Map(
          this.rows('SELECT paper_id, seen_seq FROM feed_papers WHERE feed_id = ?', feedId).map(
            ([id, s]) => [id as string, Number(s)] as const,
          ),
        );
        this.run('DELETE FROM feed_papers WHERE feed_id = ?', feedId);
        for (const p of stored)
          this.run(
            'INSERT OR IGNORE INTO feed_papers (feed_id, paper_id, seen_seq) VALUES (?, ?, ?)',
            feedId,
            p.id,
            before.get(p.id) ?? seq,
          );
      } else {
        this.run(
          'UPDATE feeds SET next_start = next_start + ?, total = coalesce(?, total) WHERE id = ?',
          page.entries,
          page.total ?? null,
          feedId,
        );
        for (const p of stored)
          this.run('INSERT OR IGNORE INTO feed_papers (feed_id, paper_id, seen_seq) VALUES (?, ?, 0)', feedId, p.id);
      }
      return stored;
    });
  }

  feedSummary(feedId: string): FeedSummary | undefined {
    const f = this.row(
      `SELECT fetched_at, total, next_start,
         (SELECT count(*) FROM feed_papers p WHERE p.feed_id = feeds.id),
         (SELECT count(*) FROM feed_papers p WHERE p.feed_id = feeds.id AND p.seen_seq > feeds.visited_seq)
       FROM feeds WHERE id = ?`,
      feedId,
    );
    if (!f) return undefined;
    const [fetchedAt, total, nextStart, count, newCount] = f;
    return {
      id: feedId,
      count: Number(count),
      newCount: Number(newCount),
      nextStart: Number(nextStart),
      ...(fetchedAt ? { fetchedAt: fetchedAt as string } : {}),
      ...(total !== null && total !== undefined ? { total: Number(total) } : {}),
    };
  }

  feedPaperIds(feedId: string): string[] {
    return this.rows('SELECT paper_id FROM feed_papers WHERE feed_id = ? ORDER BY rowid', feedId).map(
      (r) => r[0] as string,
    );
  }

  markFeedSeen(feedId: string): void {
    const changed = transaction(this.db, () =>
      this.run('UPDATE feeds SET visited_seq = fetch_seq WHERE id = ? AND visited_seq <> fetch_seq', feedId),
    );
    if (changed) this.emit('feeds');
  }

  removeFeed(feedId: string): void {
    const changed = transaction(this.db, () => this.run('DELETE FROM feeds WHERE id = ?', feedId));
    if (changed) this.emit('feeds');
  }

  // ---- search -----------------------------------------------------------------------------------------------

  setSearch(query: string, papers: readonly Paper[], at = new Date()): Paper[] {
    return this.write('search', () => {
      const stored = this.mergeQuietly(papers);
      this.run('INSERT OR REPLACE INTO search (id, query, at) VALUES (1, ?, ?)', query, at.toISOString());
      this.run('DELETE FROM search_papers');
      for (const p of stored) this.run('INSERT OR IGNORE INTO search_papers (paper_id) VALUES (?)', p.id);
      return stored;
    });
  }

  get search(): SearchResults | undefined {
    const s = this.row('SELECT query, at FROM search WHERE id = 1');
    if (!s) return undefined;
    const ids = this.rows('SELECT paper_id FROM search_papers ORDER BY rowid').map((r) => r[0] as string);
    return { query: s[0] as string, at: s[1] as string, paperIds: ids };
  }

  clearSearch(): void {
    this.write('search', () => {
      this.run('DELETE FROM search');
      this.run('DELETE FROM search_papers');
    });
  }

  // ---- stars ------------------------------------------------------------------------------------------------

  isStarred(id: string): boolean {
    return this.row('SELECT 1 FROM stars WHERE paper_id = ?', id) !== undefined;
  }

  setStarred(id: string, starred: boolean): void {
    const changed = transaction(this.db, () =>
      starred
        ? this.run('INSERT OR IGNORE INTO stars (paper_id) SELECT id FROM papers WHERE id = ?', id)
        : this.run('DELETE FROM stars WHERE paper_id = ?', id),
    );
    if (changed) this.emit('stars');
  }

  starred(): Paper[] {
    return this.rows('SELECT p.data FROM stars s JOIN papers p ON p.id = s.paper_id ORDER BY s.rowid').map((r) =>
      parse(r)!,
    );
  }

  // ---- collections ------------------------------------------------------------------------------------------

  get collections(): readonly Collection[] {
    const members = new Map<string, string[]>();
    for (const [c, p] of this.rows('SELECT collection_id, paper_id FROM collection_papers ORDER BY rowid')) {
      const list = members.get(c as string) ?? [];
      list.push(p as string);
      members.set(c as string, list);
    }
    return this.rows('SELECT id, name FROM collections ORDER BY rowid').map(([id, name]) => ({
      id: id as string,
      name: name as string,
      paperIds: members.get(id as string) ?? [],
    }));
  }

  collection(id: string): Collection | undefined {
    const c = this.row('SELECT id, name FROM collections WHERE id = ?', id);
    if (!c) return undefined;
    const ids = this.rows('SELECT paper_id FROM collection_papers WHERE collection_id = ? ORDER BY rowid', id);
    return { id, name: c[1] as string, paperIds: ids.map((r) => r[0] as string) };
  }

  collectionsOf(paperId: string): Collection[] {
    return this.rows(
      `SELECT c.id FROM collections c WHERE EXISTS
         (SELECT 1 FROM collection_papers m WHERE m.collection_id = c.id AND m.paper_id = ?) ORDER BY c.rowid`,
      paperId,
    ).flatMap((r) => this.collection(r[0] as string) ?? []);
  }

  createCollection(name: string): Collection {
    const collection: Collection = { id: `c-${randomUUID().slice(0, 8)}`, name: name.trim(), paperIds: [] };
    this.write('collections', () =>
      this.run('INSERT INTO collections (id, name) VALUES (?, ?)', collection.id, collection.name),
    );
    return collection;
  }

  renameCollection(id: string, name: string): void {
    const changed = transaction(this.db, () =>
      this.run('UPDATE collections SET name = ? WHERE id = ? AND name <> ?', name.trim(), id, name.trim()),
    );
    if (changed) this.emit('collections');
  }

  deleteCollection(id: string): void {
    const changed = transaction(this.db, () => this.run('DELETE FROM collections WHERE id = ?', id));
    if (changed) this.emit('collections');
  }

  addToCollection(collectionId: string, paperId: string): void {
    const changed = transaction(this.db, () =>
      this.run(
        `INSERT OR IGNORE INTO collection_papers (collection_id, paper_id)
         SELECT c.id, p.id FROM collections c, papers p WHERE c.id = ? AND p.id = ?`,
        collectionId,
        paperId,
      ),
    );
    if (changed) this.emit('collections');
  }

  removeFromCollection(collectionId: string, paperId: string): void {
    const changed = transaction(this.db, () =>
      this.run('DELETE FROM collection_papers WHERE collection_id = ? AND paper_id = ?', collectionId, paperId),
    );
    if (changed) this.emit('collections');
  }

  // ---- recent -----------------------------------------------------------------------------------------------

  touchRecent(id: string, at = new Date()): void {
    const changed = transaction(this.db, () => {
      if (!this.row('SELECT 1 FROM papers WHERE id = ?', id)) return false;
      this.run('DELETE FROM recent WHERE paper_id = ?', id);
      this.run('INSERT INTO recent (paper_id, at) VALUES (?, ?)', id, at.toISOString());
      this.run(
        `DELETE FROM recent WHERE rowid NOT IN (SELECT rowid FROM recent ORDER BY rowid DESC LIMIT ${RECENT_LIMIT})`,
      );
      return true;
    });
    if (changed) this.emit('recent');
  }

  recent(): Paper[] {
    return this.rows('SELECT p.data FROM recent r JOIN papers p ON p.id = r.paper_id ORDER BY r.rowid DESC').map((r) =>
      parse(r)!,
    );
  }

  // ---- removal ----------------------------------------------------------------------------------------------

  snapshot(id: string): RemovedPaper | undefined {
    const paper = this.byId(id);
    if (!paper) return undefined;
    return {
      paper,
      starred: this.isStarred(id),
      days: this.rows('SELECT date FROM day_papers WHERE paper_id = ? ORDER BY date DESC', id).map(
        (r) => r[0] as string,
      ),
      collections: this.rows('SELECT collection_id FROM collection_papers WHERE paper_id = ? ORDER BY rowid', id).map(
        (r) => r[0] as string,
      ),
    };
  }

  restore(removed: RemovedPaper): void {
    this.write('papers', () => {
      const [paper] = this.mergeQuietly([removed.paper]);
      for (const date of removed.days)
        if (
          this.run(
            'INSERT OR IGNORE INTO day_papers (date, paper_id) SELECT date, ? FROM days WHERE date = ?',
            paper.id,
            date,
          )
        )
          this.run('UPDATE days SET paper_count = paper_count + 1 WHERE date = ?', date);
      this.dayWrites++;
      if (removed.starred) this.run('INSERT OR IGNORE INTO stars (paper_id) VALUES (?)', paper.id);
      for (const c of removed.collections)
        this.run(
          'INSERT OR IGNORE INTO collection_papers (collection_id, paper_id) SELECT id, ? FROM collections WHERE id = ?',
          paper.id,
          c,
        );
    });
  }

  /** Removes a paper and (by the schema's cascades) its day listings, star, collections, recent and search rows. */
  remove(id: string): boolean {
    const removed = transaction(this.db, () => {
      this.run(
        'UPDATE days SET paper_count = paper_count - 1 WHERE date IN (SELECT date FROM day_papers WHERE paper_id = ?)',
        id,
      );
      const n = this.run('DELETE FROM papers WHERE id = ?', id);
      if (n) this.logChange(id);
      this.dayWrites++;
      return n > 0;
    });
    if (removed) this.emit('papers');
    return removed;
  }

  /** The whole library as the v1 file held it (export, tests). */
  toData(): LibraryData {
    const search = this.search;
    return {
      schema: LIBRARY_SCHEMA,
      papers: this.all(),
      days: this.dayListings(),
      stars: this.starred().map((p) => p.id),
      collections: this.collections,
      recent: this.rows('SELECT paper_id, at FROM recent ORDER BY rowid DESC').map(([id, at]) => ({
        id: id as string,
        at: at as string,
      })),
      ...(search ? { search } : {}),
    };
  }
}
