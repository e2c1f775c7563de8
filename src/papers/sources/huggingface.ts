import { parseArxivId } from '../arxivId';
import type { Paper, PaperLinks } from '../paper';
import { SourceError } from '../../core/httpErrors';
import type { BearerAuth, HttpClient } from '../../core/http';
import {
  cleanText,
  isoDay,
  MAX_ABSTRACT_CHARS,
  MAX_TITLE_CHARS,
  safeUrl,
  sourcePaper,
  type PaperSource,
  type SourceResult,
} from './source';
import { isRecord } from '../../core/validate';

/**
 * Reads one Hugging Face paper: either a daily/search entry (`{ paper: {…}, title, summary, publishedAt }`) or
 * the `paper` object alone. Every field is optional; an entry without an arXiv id or a title is skipped.
 */
export function readHfPaper(value: unknown, fallbackDay: string | undefined, warnings: string[]): Paper | undefined {
  if (!isRecord(value)) {
    warnings.push('an entry is not an object');
    return undefined;
  }
  const paper = isRecord(value.paper) ? value.paper : value;
  const ref = typeof paper.id === 'string' ? parseArxivId(paper.id) : undefined;
  const title = cleanText(paper.title ?? value.title, MAX_TITLE_CHARS);
  if (!ref || !title.text) {
    warnings.push(`skipped an entry without ${ref ? 'a title' : 'an arXiv id'} (${JSON.stringify(paper.id ?? null)})`);
    return undefined;
  }
  const abstract = cleanText(paper.summary ?? value.summary, MAX_ABSTRACT_CHARS, false);
  if (abstract.cut) warnings.push(`shortened the abstract of ${ref.id} to ${MAX_ABSTRACT_CHARS} characters`);
  if (title.cut) warnings.push(`shortened the title of ${ref.id}`);
  const authors = Array.isArray(paper.authors)
    ? paper.authors.flatMap((a) => {
        const name = cleanText(isRecord(a) ? a.name : a, 300).text;
        return name ? [name] : [];
      })
    : [];
  const published = isoDay(paper.publishedAt) ?? isoDay(value.publishedAt) ?? fallbackDay;
  const links: PaperLinks = { github: safeUrl(paper.githubRepo), project: safeUrl(paper.projectPage) };
  const upvotes =
    typeof paper.upvotes === 'number' && Number.isFinite(paper.upvotes)
      ? Math.max(0, Math.round(paper.upvotes))
      : undefined;
  const extra = {
    ...(upvotes !== undefined ? { upvotes } : {}),
    ...(links.github || links.project ? { links: stripUndefined(links) } : {}),
  };
  return sourcePaper(
    ref,
    { title: title.text, abstract: abstract.text, authors, published },
    'huggingface',
    extra,
    warnings,
  );
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** A JSON array of entries (daily listing, search). */
export function parseHfList(text: string, host: string, fallbackDay?: string): SourceResult {
  const json = parseJson(text, host);
  const list = Array.isArray(json) ? json : isRecord(json) && Array.isArray(json.papers) ? json.papers : undefined;
  if (!list) throw new SourceError('parse', host, 'expected a JSON array of papers');
  const warnings: string[] = [];
  const papers = list.flatMap((entry) => readHfPaper(entry, fallbackDay, warnings) ?? []);
  return { papers, warnings };
}

function parseJson(text: string, host: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new SourceError('parse', host, `invalid JSON: ${(err as Error).message}`);
  }
}

export interface HuggingFaceOptions {
  readonly endpoint: string;
  readonly http: HttpClient;
  /**
   * The optional token (from SecretStorage) with the origin it is bound to, read per request so setting or
   * clearing it applies at once. The HTTP client sends it only to that origin.
   */
  readonly auth?: () => Promise<BearerAuth | undefined>;
}

/** Hugging Face Daily Papers, paper search and paper by id. */
export class HuggingFaceSource implements PaperSource {
  readonly label = 'Hugging Face';

  constructor(private readonly opts: HuggingFaceOptions) {}

  async daily(date: string): Promise<SourceResult> {
    const res = await this.request(`/api/daily_papers?date=${encodeURIComponent(date)}&limit=100`);
    return parseHfList(res.text, this.host, date);
  }

  async search(query: string, limit: number): Promise<SourceResult> {
    const res = await this.request(`/api/papers/search?q=${encodeURIComponent(query)}&limit=${limit}`);
    const result = parseHfList(res.text, this.host);
    return { papers: result.papers.slice(0, limit), warnings: result.warnings };
  }

  async byArxivId(id: string): Promise<SourceResult> {
    const ref = parseArxivId(id);
    if (!ref) throw new SourceError('notFound', this.host, `"${id}" is not an arXiv id`);
    const res = await this.request(`/api/papers/${encodeURIComponent(ref.id)}`, true);
    if (res.status === 404) return { papers: [], warnings: [] };
    const warnings: string[] = [];
    const paper = readHfPaper(parseJson(res.text, this.host), undefined, warnings);
    return { papers: paper ? [paper] : [], warnings };
  }

  private get host(): string {
    return new URL(this.opts.endpoint).host;
  }

  private async request(path: string, allowNotFound = false) {
    const auth = await this.opts.auth?.();
    const url = `${this.opts.endpoint.replace(/\/+$/, '')}${path}`;
    const res = await this.opts.http.get(url, { auth });
    if (res.status === 404 && allowNotFound) return res;
    if (res.status === 401 || res.status === 403) {
      throw new SourceError('http', this.host, `HTTP ${res.status}`, { status: res.status });
    }
    if (res.status < 200 || res.status >= 300)
      throw new SourceError('http', this.host, `HTTP ${res.status}`, { status: res.status });
    return res;
  }
}
