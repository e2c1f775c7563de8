/** Canned Hugging Face and arXiv answers for the papers tests (shapes as in the public APIs). */

export interface HfPaperSpec {
  id: string;
  title: string;
  summary?: string;
  authors?: string[];
  upvotes?: number;
  publishedAt?: string;
  githubRepo?: string;
  projectPage?: string;
}

export function hfPaper(p: HfPaperSpec): Record<string, unknown> {
  return {
    id: p.id,
    title: p.title,
    summary: p.summary ?? `Abstract of ${p.title}.`,
    authors: (p.authors ?? ['Ada Lovelace', 'Alan Turing']).map((name) => ({ name, hidden: false })),
    publishedAt: p.publishedAt ?? '2025-10-28T17:59:59.000Z',
    upvotes: p.upvotes ?? 7,
    ...(p.githubRepo ? { githubRepo: p.githubRepo } : {}),
    ...(p.projectPage ? { projectPage: p.projectPage } : {}),
    discussionId: 'x',
  };
}

/** A daily listing entry: `{ paper, title, summary, publishedAt, … }`. */
export function hfDailyEntry(p: HfPaperSpec): Record<string, unknown> {
  const paper = hfPaper(p);
  return {
    paper,
    title: paper.title,
    summary: paper.summary,
    publishedAt: '2025-10-29T12:00:00.000Z',
    numComments: 2,
    thumbnail: 'https://example.invalid/t.png',
  };
}

export const DAILY = [
  hfDailyEntry({
    id: '2510.11111',
    title: 'Koopman Operators for Chaotic Flows',
    upvotes: 42,
    githubRepo: 'https://github.com/example/koopman',
  }),
  hfDailyEntry({ id: '2510.22222', title: 'Neural ODEs Meet Lorenz-63', authors: ['Grace Hopper'] }),
];

export interface ArxivEntrySpec {
  id: string; // with version
  title: string;
  summary?: string;
  authors?: string[];
  published?: string;
  primary?: string;
  doi?: string;
  journalRef?: string;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function arxivEntry(e: ArxivEntrySpec): string {
  const authors = (e.authors ?? ['Edward N. Lorenz'])
    .map((a) => `    <author>\n      <name>${esc(a)}</name>\n    </author>`)
    .join('\n');
  return `  <entry>
    <id>http://arxiv.org/abs/${e.id}</id>
    <updated>2023-06-09T10:00:00Z</updated>
    <published>${e.published ?? '2023-06-07T13:40:12Z'}</published>
    <title>${esc(e.title).replace(/ /, '\n      ')}</title>
    <summary>  ${esc(e.summary ?? `We study ${e.title}.\nWith $\\sigma = 10$ and wrapped lines.`)}
</summary>
${authors}
    ${e.doi ? `<arxiv:doi xmlns:arxiv="http://arxiv.org/schemas/atom">${e.doi}</arxiv:doi>` : ''}
    ${e.journalRef ? `<arxiv:journal_ref xmlns:arxiv="http://arxiv.org/schemas/atom">${esc(e.journalRef)}</arxiv:journal_ref>` : ''}
    <link href="http://arxiv.org/abs/${e.id}" rel="alternate" type="text/html"/>
    <link title="pdf" href="http://arxiv.org/pdf/${e.id}" rel="related" type="application/pdf"/>
    <arxiv:primary_category xmlns:arxiv="http://arxiv.org/schemas/atom" term="${e.primary ?? 'math.DS'}" scheme="http://arxiv.org/schemas/atom"/>
    <category term="${e.primary ?? 'math.DS'}" scheme="http://arxiv.org/schemas/atom"/>
    <category term="cs.LG" scheme="http://arxiv.org/schemas/atom"/>
  </entry>`;
}

export function arxivFeed(entries: string[], total = entries.length): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <link href="http://arxiv.org/api/query?search_query%3Dall%3Akoopman" rel="self" type="application/atom+xml"/>
  <title type="html">ArXiv Query: search_query=all:koopman</title>
  <id>http://arxiv.org/api/x</id>
  <updated>2025-10-29T00:00:00-04:00</updated>
  <opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">${total}</opensearch:totalResults>
  <opensearch:startIndex xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">0</opensearch:startIndex>
  <opensearch:itemsPerPage xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">${entries.length}</opensearch:itemsPerPage>
${entries.join('\n')}
</feed>
`;
}

export const ARXIV_ERROR = `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title type="html">ArXiv Query: search_query=&amp;id_list=1234.bad</title>
  <id>http://arxiv.org/api/x</id>
  <opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">1</opensearch:totalResults>
  <entry>
    <id>http://arxiv.org/api/errors#incorrect_id_format_for_1234.bad</id>
    <title>Error</title>
    <summary>incorrect id format for 1234.bad</summary>
    <updated>2025-10-29T00:00:00-04:00</updated>
    <link href="http://arxiv.org/api/errors#incorrect_id_format_for_1234.bad" rel="alternate" type="text/html"/>
    <author>
      <name>arXiv api core</name>
    </author>
  </entry>
</feed>
`;

/** The title of a default-library paper, as arXiv would list it (for matching a local paper to its arXiv id). */
export const SEED_TITLE = 'Limits and Powers of Koopman Learning';

export interface CrossrefWorkSpec {
  doi: string;
  title: string;
  /** `[given, family]` pairs. */
  authors?: [string, string][];
  /** `[year, month, day]`, as Crossref's `date-parts`. */
  published?: number[];
  journal?: string;
  /** JATS, as Crossref gives abstracts. */
  abstract?: string;
}

/** A Crossref `GET /works/{doi}` answer, shaped as api.crossref.org sends it (the fields Attractor reads). */
export function crossrefWork(w: CrossrefWorkSpec): Record<string, unknown> {
  return {
    status: 'ok',
    'message-type': 'work',
    'message-version': '1.0.0',
    message: {
      DOI: w.doi,
      type: 'journal-article',
      title: [w.title],
      author: (w.authors ?? []).map(([given, family], i) => ({
        given,
        family,
        sequence: i === 0 ? 'first' : 'additional',
        affiliation: [],
      })),
      ...(w.published ? { published: { 'date-parts': [w.published] }, issued: { 'date-parts': [w.published] } } : {}),
      ...(w.journal ? { 'container-title': [w.journal] } : {}),
      ...(w.abstract ? { abstract: w.abstract } : {}),
    },
  };
}
