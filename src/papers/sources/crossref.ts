import { SourceError } from '../../core/httpErrors';
import type { HttpClient } from '../../core/http';
import { doiUrl } from '../../core/paperUrls';
import { isRecord } from '../../core/validate';
import { normalizeDoi } from '../doi';
import type { Paper } from '../paper';
import { localPaperId } from '../seedListing';
import { cleanText, MAX_ABSTRACT_CHARS, MAX_TITLE_CHARS } from './source';

/**
 * Crossref's REST API, for DOIs outside the library: `GET {endpoint}/works/{doi}`. A paper read from it has no
 * arXiv id, so it gets a local id from its title and keeps its DOI (the library finds it by DOI from then on).
 */

export interface CrossrefOptions {
  /** Base URL; works live at `/works/{doi}`. */
  readonly endpoint: string;
  readonly http: HttpClient;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/**
 * A JATS abstract (`<jats:p>…</jats:p>`, inline `<jats:italic>`, MathML) as plain text: tags dropped, the
 * heading Crossref puts first ("Abstract") dropped, entities decoded. Never HTML: the result is text that the
 * hover escapes like any network text.
 */
export function jatsToText(jats: string): string {
  const decoded = jats
    .replace(/<(?:jats:)?title\b[^>]*>[\s\S]*?<\/(?:jats:)?title>/gi, ' ')
    // Block ends become spaces so paragraphs do not run together.
    .replace(/<\/?(?:jats:)?(?:p|sec|list-item|break)\b[^>]*>/gi, ' ')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
      if (name[0] !== '#') return ENTITIES[name.toLowerCase()] ?? whole;
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
    });
  return cleanText(decoded, MAX_ABSTRACT_CHARS).text;
}

/** Crossref's `{"date-parts": [[2020, 1, 5]]}` as `2020-01-05` (month and day default to 1). */
function dateOf(value: unknown): string | undefined {
  if (!isRecord(value) || !Array.isArray(value['date-parts'])) return undefined;
  const parts = value['date-parts'][0];
  if (!Array.isArray(parts) || typeof parts[0] !== 'number' || !Number.isInteger(parts[0])) return undefined;
  const [y, m = 1, d = 1] = parts.map(Number);
  if (!(y > 0 && y < 10000 && m >= 1 && m <= 12 && d >= 1 && d <= 31)) return undefined;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

const firstString = (v: unknown): unknown => (Array.isArray(v) ? v.find((s) => typeof s === 'string') : v);

/** A Crossref work answer (`{"message": {...}}`) as a paper; undefined when it has no title. */
export function parseCrossrefWork(body: unknown, doi: string): Paper | undefined {
  const work = isRecord(body) && isRecord(body.message) ? body.message : undefined;
  if (!work) return undefined;
  const title = cleanText(jatsToText(String(firstString(work.title) ?? '')), MAX_TITLE_CHARS).text;
  if (!title) return undefined;
  const authors = (Array.isArray(work.author) ? work.author : []).flatMap((a) => {
    if (!isRecord(a)) return [];
    const name =
      typeof a.name === 'string' ? a.name : [a.given, a.family].filter((s) => typeof s === 'string').join(' ');
    const clean = cleanText(name, 300).text;
    return clean ? [clean] : [];
  });
  const published =
    dateOf(work.published) ??
    dateOf(work['published-print']) ??
    dateOf(work['published-online']) ??
    dateOf(work.issued) ??
    dateOf(work.created);
  const journal = cleanText(firstString(work['container-title']), 300).text;
  const abstract = typeof work.abstract === 'string' ? jatsToText(work.abstract) : '';
  const own = typeof work.DOI === 'string' && work.DOI.trim() ? work.DOI : doi;
  return {
    id: localPaperId(title),
    title,
    abstract,
    authors,
    authorCount: authors.length,
    published: published ?? '1970-01-01',
    ...(journal ? { journalRef: journal } : {}),
    links: { doi: doiUrl(normalizeDoi(own)) },
    sources: ['crossref'],
  };
}

export class CrossrefSource {
  readonly label = 'Crossref';

  constructor(private readonly opts: CrossrefOptions) {}

  private get host(): string {
    return new URL(this.opts.endpoint).host;
  }

  /** The work a DOI names; undefined when Crossref does not know it (HTTP 404). */
  async byDoi(doi: string): Promise<Paper | undefined> {
    const clean = normalizeDoi(doi);
    const url = `${this.opts.endpoint.replace(/\/+$/, '')}/works/${encodeURIComponent(clean)}`;
    const res = await this.opts.http.get(url, { headers: { accept: 'application/json' } });
    if (res.status === 404) return undefined;
    if (res.status < 200 || res.status >= 300)
      throw new SourceError('http', this.host, `HTTP ${res.status}`, { status: res.status });
    let body: unknown;
    try {
      body = JSON.parse(res.text);
    } catch {
      throw new SourceError('parse', this.host, 'the answer is not JSON');
    }
    return parseCrossrefWork(body, clean);
  }
}
