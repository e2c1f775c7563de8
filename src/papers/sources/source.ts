import type { ArxivRef } from '../arxivId';
import type { Paper, PaperSourceName } from '../paper';

/**
 * What a paper source can be asked. A source implements the requests it supports and leaves the others out;
 * a third source is one new file implementing this.
 */
export interface PaperSource {
  /** Shown in messages and the log, e.g. `Hugging Face`. */
  readonly label: string;
  /** The papers featured on a day (ISO `YYYY-MM-DD`). */
  daily?(date: string): Promise<SourceResult>;
  /** Free-text (or the source's own query syntax) search. */
  search?(query: string, limit: number): Promise<SourceResult>;
  /** One paper by arXiv id (with or without version); `papers` is empty when the source does not know it. */
  byArxivId?(id: string): Promise<SourceResult>;
  /** One page of a query's results, newest submission first (`start` counts entries from the first). */
  page?(query: string, start: number, max: number): Promise<SourcePage>;
}

export interface SourcePage extends SourceResult {
  /** Entries in the answer, also those skipped (the next page starts after all of them). */
  readonly entries: number;
  /** Results of the whole query, when the source says. */
  readonly totalResults?: number;
}

export interface SourceResult {
  readonly papers: Paper[];
  /** Entries skipped or shortened while reading (for the log; the rest of the answer is used). */
  readonly warnings: string[];
}

/** Longest abstract kept: real ones are under 2,000 characters; a runaway answer must not fill the library. */
export const MAX_ABSTRACT_CHARS = 20_000;
export const MAX_TITLE_CHARS = 1_000;

/** Untrusted text from the network: control characters out, whitespace collapsed, length bounded. */
export function cleanText(value: unknown, maxChars: number, collapse = true): { text: string; cut: boolean } {
  if (typeof value !== 'string') return { text: '', cut: false };
  // eslint-disable-next-line no-control-regex
  let text = value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '');
  text = collapse ? text.replace(/\s+/g, ' ').trim() : text.trim();
  if (text.length <= maxChars) return { text, cut: false };
  return { text: `${text.slice(0, maxChars).trimEnd()}…`, cut: true };
}

/** `2023-06-07T13:40:12.000Z` → `2023-06-07`; undefined when it is not a date. */
export function isoDay(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(value.trim());
  return m ? `${m[1]}-${m[2]}-${m[3]}` : undefined;
}

/** An http(s) link from the network, or undefined (no `javascript:` or other schemes reach a command). */
export function safeUrl(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const url = new URL(value.trim());
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.toString() : undefined;
  } catch {
    return undefined;
  }
}

/** What every source reads for a paper; the rest (links, upvotes, categories) is source-specific. */
export interface PaperCore {
  readonly title: string;
  readonly abstract: string;
  readonly authors: string[];
  readonly published: string | undefined;
}

/** A paper as a source reports it, keyed by its arXiv id; a missing date is logged and kept as the epoch. */
export function sourcePaper(
  ref: ArxivRef,
  core: PaperCore,
  source: PaperSourceName,
  extra: Partial<Paper>,
  warnings: string[],
): Paper {
  if (!core.published) warnings.push(`${ref.id} has no date`);
  return {
    id: ref.id,
    arxivId: ref.id,
    ...(ref.version ? { arxivVersion: ref.version } : {}),
    title: core.title,
    abstract: core.abstract,
    authors: core.authors,
    authorCount: core.authors.length,
    published: core.published ?? '1970-01-01',
    ...extra,
    sources: [source],
  };
}
