/**
 * The library database's schema, as a list of migrations: `MIGRATIONS[i]` takes a database from version i to
 * i + 1 (`PRAGMA user_version`). A database of a version above `DB_SCHEMA` was written by a newer Attractor
 * and is refused untouched. Add a version by appending a migration; never edit a released one.
 *
 * Ordered lists (stars, collection members, day listings, recent papers) keep their order in the rowid:
 * a row inserted later gets a larger rowid, so "order by rowid" is insertion order and moving an entry to the
 * end is a delete and an insert.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE papers (
    id TEXT PRIMARY KEY NOT NULL,
    arxiv_id TEXT,
    title_key TEXT NOT NULL,
    data TEXT NOT NULL
  );
  CREATE INDEX papers_arxiv ON papers(arxiv_id) WHERE arxiv_id IS NOT NULL;
  CREATE INDEX papers_title ON papers(title_key);
  -- paper_count: the listing's size, kept with it, so the tree's day rows never count 100,000 rows.
  CREATE TABLE days (date TEXT PRIMARY KEY NOT NULL, fetched_at TEXT, paper_count INTEGER NOT NULL DEFAULT 0);
  CREATE TABLE day_papers (
    date TEXT NOT NULL REFERENCES days(date) ON DELETE CASCADE,
    paper_id TEXT NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
    UNIQUE (date, paper_id)
  );
  CREATE INDEX day_papers_paper ON day_papers(paper_id);
  CREATE TABLE stars (paper_id TEXT NOT NULL UNIQUE REFERENCES papers(id) ON DELETE CASCADE);
  CREATE TABLE collections (id TEXT NOT NULL UNIQUE, name TEXT NOT NULL);
  CREATE TABLE collection_papers (
    collection_id TEXT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    paper_id TEXT NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
    UNIQUE (collection_id, paper_id)
  );
  CREATE INDEX collection_papers_paper ON collection_papers(paper_id);
  CREATE TABLE recent (paper_id TEXT NOT NULL UNIQUE REFERENCES papers(id) ON DELETE CASCADE, at TEXT NOT NULL);
  CREATE TABLE search (id INTEGER PRIMARY KEY CHECK (id = 1), query TEXT NOT NULL, at TEXT NOT NULL);
  CREATE TABLE search_papers (paper_id TEXT NOT NULL UNIQUE REFERENCES papers(id) ON DELETE CASCADE);
  -- One row per paper added, changed or removed, newest last: the search index catches up from it.
  CREATE TABLE paper_changes (seq INTEGER PRIMARY KEY AUTOINCREMENT, paper_id TEXT NOT NULL);
  `,
  // The database's own id: a search index snapshot names the database it was built from, so one left from a
  // database that was set aside (its change numbers start again) is never taken for the new one's.
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
  INSERT INTO meta (key, value) VALUES ('library_id', lower(hex(randomblob(16))));
  `,
  // Citations look papers up by cite key and DOI (a hover, a completion, a .bib sync), one indexed row at a time.
  // Both are derived from the paper's data, filled in for existing rows when the migration runs (libraryDb.ts).
  `
  ALTER TABLE papers ADD COLUMN cite_key TEXT;
  ALTER TABLE papers ADD COLUMN doi TEXT;
  CREATE INDEX papers_cite_key ON papers(cite_key);
  CREATE INDEX papers_doi ON papers(doi) WHERE doi IS NOT NULL;
  `,
  // arXiv feeds: a listing per feed (its id is the query it fetches). fetch_seq counts refreshes; a paper's
  // seen_seq is the refresh that first listed it (0 for later pages), so the papers new since the user last
  // looked are those with seen_seq > visited_seq.
  `
  CREATE TABLE feeds (
    id TEXT PRIMARY KEY NOT NULL,
    fetched_at TEXT,
    total INTEGER,
    next_start INTEGER NOT NULL DEFAULT 0,
    fetch_seq INTEGER NOT NULL DEFAULT 0,
    visited_seq INTEGER NOT NULL DEFAULT 0
  );
  CREATE TABLE feed_papers (
    feed_id TEXT NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
    paper_id TEXT NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
    seen_seq INTEGER NOT NULL,
    UNIQUE (feed_id, paper_id)
  );
  CREATE INDEX feed_papers_paper ON feed_papers(paper_id);
  `,
];

/** The first schema with the cite_key and doi columns (rows from before it are filled in on migration). */
export const CITE_COLUMNS_SCHEMA = 3;

export const DB_SCHEMA = MIGRATIONS.length;
