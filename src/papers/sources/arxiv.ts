import { formatArxivRef, parseArxivId } from '../arxivId';
import type { Paper } from '../paper';
import { SourceError } from '../../core/httpErrors';
import type { HttpClient } from '../../core/http';
import {
  cleanText,
  isoDay,
  MAX_ABSTRACT_CHARS,
  MAX_TITLE_CHARS,
  sourcePaper,
  type PaperSource,
  type SourcePage,
  type SourceResult,
} from './source';
import { doiUrl } from '../../core/paperUrls';
import { isRecord } from '../../core/validate';

type Node = Record<string, unknown>;
const asArray = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Text of an element read by fast-xml-parser: a string, or `#text` beside attributes. */
function textOf(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (isRecord(v) && typeof v['#text'] === 'string') return v['#text'];
  return undefined;
}

export type ArxivFeed = SourcePage;

/**
 * Reads an arXiv API Atom feed with a real XML parser (loaded on first use). An error entry (title `Error`,
 * id under `/api/errors`) becomes a SourceError of kind `api`; a feed with no entries is an empty result.
 */
export async function parseArxivAtom(xml: string, host: string): Promise<ArxivFeed> {
  const { XMLParser, XMLValidator } = await import('fast-xml-parser');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new SourceError('parse', host, `malformed Atom: ${valid.err.msg} (line ${valid.err.line})`);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    processEntities: true,
    htmlEntities: true,
    isArray: (name) => ['entry', 'author', 'link', 'category'].includes(name),
  });
  const doc = parser.parse(xml) as Node;
  const feed = doc.feed;
  if (!isRecord(feed)) throw new SourceError('parse', host, 'not an Atom feed (no <feed> element)');
  const entries = asArray(feed.entry);
  const warnings: string[] = [];
  const papers: Paper[] = [];
  for (const entry of entries) {
    if (!isRecord(entry)) continue;
    const idText = textOf(entry.id) ?? '';
    if (/\/api\/errors/.test(idText) || (textOf(entry.title) ?? '').trim() === 'Error') {
      const summary = cleanText(textOf(entry.summary) ?? 'unknown error', 500).text;
      throw new SourceError('api', host, summary);
    }
    const paper = readEntry(entry, warnings);
    if (paper) papers.push(paper);
  }
  const total = Number(textOf(feed['opensearch:totalResults']));
  return { papers, warnings, entries: entries.length, ...(Number.isFinite(total) ? { totalResults: total } : {}) };
}

function readEntry(entry: Node, warnings: string[]): Paper | undefined {
  const idText = textOf(entry.id) ?? '';
  const m = /arxiv\.org\/abs\/(.+)$/.exec(idText.trim());
  const ref = m ? parseArxivId(m[1]) : parseArxivId(idText);
  const title = cleanText(textOf(entry.title), MAX_TITLE_CHARS);
  if (!ref || !title.text) {
    warnings.push(
      `skipped an entry without ${ref ? 'a title' : 'a readable arXiv id'} (${JSON.stringify(idText.slice(0, 100))})`,
    );
    return undefined;
  }
  const abstract = cleanText(textOf(entry.summary), MAX_ABSTRACT_CHARS);
  if (abstract.cut) warnings.push(`shortened the abstract of ${ref.id} to ${MAX_ABSTRACT_CHARS} characters`);
  const authors = asArray(entry.author).flatMap((a) => {
    const name = cleanText(isRecord(a) ? textOf(a.name) : textOf(a), 300).text;
    return name ? [name] : [];
  });
  const primary = isRecord(entry['arxiv:primary_category'])
    ? textOf(entry['arxiv:primary_category']['@_term'])
    : undefined;
  const categories = [primary, ...asArray(entry.category).map((c) => (isRecord(c) ? textOf(c['@_term']) : undefined))]
    .filter((c): c is string => typeof c === 'string' && /^[\w.-]{1,40}$/.test(c))
    .filter((c, i, all) => all.indexOf(c) === i);
  const published = isoDay(textOf(entry.published)) ?? isoDay(textOf(entry.updated));
  const doi = cleanText(textOf(entry['arxiv:doi']), 200).text;
  const journalRef = cleanText(textOf(entry['arxiv:journal_ref']), 300).text;
  const extra = {
    ...(journalRef ? { journalRef } : {}),
    ...(categories.length ? { categories } : {}),
    ...(doi ? { links: { doi: doiUrl(doi) } } : {}),
  };
  return sourcePaper(ref, { title: title.text, abstract: abstract.text, authors, published }, 'arxiv', extra, warnings);
}

export interface ArxivOptions {
  /** Base URL; the API lives at `/api/query`. */
  readonly endpoint: string;
  /** A client whose attempts go through a 3 s RateQueue. */
  readonly http: HttpClient;
}

/** The arXiv API: `search_query` and `id_list`. */
export class ArxivSource implements PaperSource {
  readonly label = 'arXiv';

  constructor(private readonly opts: ArxivOptions) {}

  search(query: string, limit: number): Promise<SourceResult> {
    const q = /\b(?:ti|au|abs|cat|all|co|jr|rn|id):/.test(query) ? query : `all:${query}`;
    return this.query(
      `search_query=${encodeURIComponent(q)}&start=0&max_results=${limit}&sortBy=relevance&sortOrder=descending`,
    );
  }

  async byArxivId(id: string): Promise<SourceResult> {
    const ref = parseArxivId(id);
    if (!ref) throw new SourceError('notFound', this.host, `"${id}" is not an arXiv id`);
    return this.byIds([formatArxivRef(ref)]);
  }

  /** A feed's page: newest submissions first, as arXiv's listings are ordered. */
  page(query: string, start: number, max: number): Promise<SourcePage> {
    return this.query(
      `search_query=${encodeURIComponent(query)}&start=${start}&max_results=${max}&sortBy=submittedDate&sortOrder=descending`,
    );
  }

  byIds(ids: readonly string[]): Promise<SourceResult> {
    return this.query(`id_list=${ids.map(encodeURIComponent).join(',')}&max_results=${ids.length}`);
  }

  private get host(): string {
    return new URL(this.opts.endpoint).host;
  }

  private async query(params: string): Promise<ArxivFeed> {
    const url = `${this.opts.endpoint.replace(/\/+$/, '')}/api/query?${params}`;
    const res = await this.opts.http.get(url);
    // arXiv reports a malformed query as HTTP 400 with an Atom error entry: read it for its message.
    if (res.status === 400 && res.text.includes('<feed')) return parseArxivAtom(res.text, this.host);
    if (res.status < 200 || res.status >= 300)
      throw new SourceError('http', this.host, `HTTP ${res.status}`, { status: res.status });
    return parseArxivAtom(res.text, this.host);
  }
}
