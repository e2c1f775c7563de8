import { createHash } from 'node:crypto';
import { inferListingYear, parseListingDate, toIsoDate } from './listingDate';
import type { Paper } from './paper';

/** The default library: the Daily Papers page as scraped (title, abstract, author count, printed date). */
interface SeedEntry {
  readonly title: string;
  readonly abstract: string;
  readonly authors: number;
  readonly date: string;
}

export class ListingFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ListingFormatError';
  }
}

/** Ids for papers without an arXiv id: stable across runs, derived from the normalised title. */
export function localPaperId(title: string): string {
  const normalised = title.toLowerCase().replace(/\s+/g, ' ').trim();
  return `local:${createHash('sha256').update(normalised).digest('hex').slice(0, 12)}`;
}

function asSeedEntry(value: unknown, index: number): SeedEntry {
  const v = value as Partial<Record<keyof SeedEntry, unknown>> | null;
  const where = `entry ${index + 1}`;
  if (typeof v !== 'object' || v === null) throw new ListingFormatError(`${where} is not an object`);
  if (typeof v.title !== 'string' || !v.title.trim()) throw new ListingFormatError(`${where} has no title`);
  if (typeof v.abstract !== 'string') throw new ListingFormatError(`${where} ("${v.title}") has no abstract`);
  if (typeof v.date !== 'string') throw new ListingFormatError(`${where} ("${v.title}") has no date`);
  const authors = typeof v.authors === 'number' && Number.isFinite(v.authors) ? Math.max(0, Math.round(v.authors)) : 0;
  return { title: v.title.trim(), abstract: v.abstract, date: v.date, authors };
}

/**
 * Reads a scraped listing. A date that cannot be read is reported, not dropped silently: the entry
 * is kept under the listing's first day of the year so it stays visible.
 */
export function parseSeedListing(json: unknown, currentYear: number): Paper[] {
  if (!Array.isArray(json)) throw new ListingFormatError('the listing is not a JSON array of papers');
  const entries = json.map(asSeedEntry);
  const dates = entries.map((e) => parseListingDate(e.date));
  const listingYear = inferListingYear(dates, currentYear);
  return entries.map((entry, i) => ({
    id: localPaperId(entry.title),
    title: entry.title,
    abstract: entry.abstract,
    authors: [],
    authorCount: entry.authors,
    published: toIsoDate(dates[i] ?? { month: 1, day: 1 }, listingYear),
  }));
}
