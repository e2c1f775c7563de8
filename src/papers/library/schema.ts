import type { Paper, PaperLinks, PaperSourceName } from '../paper';
import { isRecord } from '../../core/validate';

/** The library file's schema version. Bump it with a migration in `readLibraryData`. */
export const LIBRARY_SCHEMA = 1;

export interface Collection {
  readonly id: string;
  readonly name: string;
  readonly paperIds: readonly string[];
}

/** The papers featured on one day, in the source's order. */
export interface DayListing {
  /** ISO `YYYY-MM-DD`. */
  readonly date: string;
  readonly paperIds: readonly string[];
  /** When it was fetched (ISO time); absent for the default library. */
  readonly fetchedAt?: string;
}

export interface SearchResults {
  readonly query: string;
  readonly at: string;
  readonly paperIds: readonly string[];
}

export interface RecentEntry {
  readonly id: string;
  readonly at: string;
}

/** What `library.json` holds. */
export interface LibraryData {
  readonly schema: number;
  readonly papers: readonly Paper[];
  readonly days: readonly DayListing[];
  readonly stars: readonly string[];
  readonly collections: readonly Collection[];
  readonly recent: readonly RecentEntry[];
  readonly search?: SearchResults;
}

export class LibraryFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LibraryFormatError';
  }
}

const str = (v: unknown): v is string => typeof v === 'string';
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter(str) : []);
const SOURCES: readonly PaperSourceName[] = ['seed', 'huggingface', 'arxiv', 'crossref'];

function readPaper(v: unknown): Paper | undefined {
  if (!isRecord(v) || !str(v.id) || !v.id || !str(v.title) || !str(v.abstract) || !str(v.published)) return undefined;
  const authors = strings(v.authors);
  const links = isRecord(v.links)
    ? (Object.fromEntries(
        Object.entries(v.links).filter(([k, x]) => ['github', 'project', 'doi'].includes(k) && str(x)),
      ) as PaperLinks)
    : undefined;
  return {
    id: v.id,
    ...(str(v.arxivId) ? { arxivId: v.arxivId } : {}),
    ...(typeof v.arxivVersion === 'number' ? { arxivVersion: v.arxivVersion } : {}),
    title: v.title,
    abstract: v.abstract,
    authors,
    authorCount: typeof v.authorCount === 'number' ? v.authorCount : authors.length,
    published: v.published,
    ...(typeof v.upvotes === 'number' ? { upvotes: v.upvotes } : {}),
    ...(Array.isArray(v.categories) ? { categories: strings(v.categories) } : {}),
    ...(links && Object.keys(links).length ? { links } : {}),
    ...(Array.isArray(v.sources)
      ? { sources: strings(v.sources).filter((s): s is PaperSourceName => SOURCES.includes(s as PaperSourceName)) }
      : {}),
  };
}

/**
 * Checks a parsed library file. A file that is not a library at all (wrong shape, newer schema) throws
 * LibraryFormatError so the caller sets it aside; single bad records are dropped and counted.
 */
export function readLibraryData(json: unknown): { data: LibraryData; dropped: number } {
  if (!isRecord(json)) throw new LibraryFormatError('the file is not a JSON object');
  if (typeof json.schema !== 'number') throw new LibraryFormatError('the file has no schema version');
  if (json.schema > LIBRARY_SCHEMA) {
    throw new LibraryFormatError(
      `the file has schema ${json.schema}, newer than this version of Attractor reads (${LIBRARY_SCHEMA})`,
    );
  }
  if (!Array.isArray(json.papers)) throw new LibraryFormatError('the file has no list of papers');
  let dropped = 0;
  const papers: Paper[] = [];
  for (const p of json.papers) {
    const paper = readPaper(p);
    if (paper) papers.push(paper);
    else dropped++;
  }
  const days = (Array.isArray(json.days) ? json.days : []).flatMap((d): DayListing[] =>
    isRecord(d) && str(d.date) && /^\d{4}-\d{2}-\d{2}$/.test(d.date)
      ? [{ date: d.date, paperIds: strings(d.paperIds), ...(str(d.fetchedAt) ? { fetchedAt: d.fetchedAt } : {}) }]
      : [],
  );
  const collections = (Array.isArray(json.collections) ? json.collections : []).flatMap((c): Collection[] =>
    isRecord(c) && str(c.id) && str(c.name) ? [{ id: c.id, name: c.name, paperIds: strings(c.paperIds) }] : [],
  );
  const recent = (Array.isArray(json.recent) ? json.recent : []).flatMap((r): RecentEntry[] =>
    isRecord(r) && str(r.id) && str(r.at) ? [{ id: r.id, at: r.at }] : [],
  );
  const s = json.search;
  const search =
    isRecord(s) && str(s.query) && str(s.at) ? { query: s.query, at: s.at, paperIds: strings(s.paperIds) } : undefined;
  return {
    data: {
      schema: LIBRARY_SCHEMA,
      papers,
      days,
      stars: strings(json.stars),
      collections,
      recent,
      ...(search ? { search } : {}),
    },
    dropped,
  };
}

export function emptyLibraryData(): LibraryData {
  return { schema: LIBRARY_SCHEMA, papers: [], days: [], stars: [], collections: [], recent: [] };
}
