import { arxivAbsUrl, arxivPdfUrl, huggingFacePaperUrl, huggingFaceSearchUrl } from '../core/paperUrls';
import type { Paper } from '../papers/paper';
import { abstractAsMarkdown } from '../render/abstractMarkdown';
import { neutraliseLinks } from '../render/untrustedMarkdown';

/**
 * The note file of a paper: YAML frontmatter, the abstract as a quote and a section for the user's notes.
 * Every string in the frontmatter is written as a double-quoted scalar (JSON string syntax is valid YAML), so
 * titles with colons, quotes or `#` cannot break it.
 */

export interface NoteFrontmatter {
  readonly id: string;
  readonly arxiv?: string;
  readonly title: string;
  readonly authors: readonly string[];
  readonly date: string;
  readonly links: readonly string[];
  readonly tags: readonly string[];
}

export function noteLinks(paper: Paper): string[] {
  if (paper.arxivId) {
    // Unversioned: a note links to the paper, whichever version is current.
    return [arxivAbsUrl(paper.arxivId), arxivPdfUrl(paper.arxivId), huggingFacePaperUrl(paper.arxivId)];
  }
  return [huggingFaceSearchUrl(paper.title)];
}

export function frontmatterOf(paper: Paper): NoteFrontmatter {
  return {
    id: paper.id,
    arxiv: paper.arxivId,
    title: paper.title,
    authors: paper.authors,
    date: paper.published,
    links: noteLinks(paper),
    tags: ['paper'],
  };
}

/**
 * A double-quoted scalar. `(` and `<` are written as `\u0028` and `\u003c` (valid in YAML and JSON, read back
 * exactly): a title from the network then makes no Markdown link or autolink in the file, even for a reader
 * that does not know frontmatter.
 */
const yamlString = (s: string) => JSON.stringify(s).replace(/\(/g, '\\u0028').replace(/</g, '\\u003c');
const yamlList = (items: readonly string[]) =>
  items.length === 0 ? ' []' : `\n${items.map((i) => `  - ${yamlString(i)}`).join('\n')}`;

export function renderFrontmatter(fm: NoteFrontmatter): string {
  return [
    '---',
    `id: ${yamlString(fm.id)}`,
    `arxiv: ${fm.arxiv ? yamlString(fm.arxiv) : 'null'}`,
    `title: ${yamlString(fm.title)}`,
    `authors:${yamlList(fm.authors)}`,
    `date: ${yamlString(fm.date)}`,
    `links:${yamlList(fm.links)}`,
    `tags:${yamlList(fm.tags)}`,
    '---',
  ].join('\n');
}

/** Each paragraph of the abstract as a quote; blank lines stay inside the quote. */
export function quoteBlock(markdown: string): string {
  return markdown
    .trim()
    .split('\n')
    .map((line) => (line.trim() ? `> ${line.trimEnd()}` : '>'))
    .join('\n');
}

export function renderNote(paper: Paper): string {
  // Title and abstract come from the network: no raw HTML, and no link a Ctrl+Click would run (command:, vscode:).
  const title = neutraliseLinks(paper.title.replace(/\s+/g, ' ').trim());
  const abstract = quoteBlock(neutraliseLinks(abstractAsMarkdown(paper.abstract)));
  return `${renderFrontmatter(frontmatterOf(paper))}

# ${title}

## Abstract

${abstract}

## Notes

`;
}

// ---- reading ----------------------------------------------------------------------------------------------------

export type FrontmatterValue = string | null | readonly string[];

/** The frontmatter block at the start of a Markdown file, with the offsets where its body ends. */
export function frontmatterBlock(text: string): { yaml: string; end: number } | undefined {
  const m = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/.exec(text);
  return m ? { yaml: m[1], end: m[0].length } : undefined;
}

function scalar(raw: string): string | null {
  const v = raw.trim();
  if (v === '' || v === 'null' || v === '~') return null;
  if (v.startsWith('"')) {
    try {
      return JSON.parse(v) as string;
    } catch {
      return v.slice(1, v.endsWith('"') ? -1 : undefined);
    }
  }
  if (v.startsWith("'")) return v.slice(1, v.endsWith("'") ? -1 : undefined).replace(/''/g, "'");
  return v.replace(/\s+#.*$/, '');
}

function flowList(raw: string): string[] {
  const inner = raw.trim().slice(1, -1).trim();
  if (!inner) return [];
  return inner
    .split(',')
    .map((s) => scalar(s) ?? '')
    .filter((s) => s !== '');
}

/**
 * Reads the top-level keys of a note's frontmatter: scalars, block lists (`- item`) and flow lists (`[a, b]`).
 * A subset of YAML, enough for what Attractor writes and for hand-edited notes; anything else is skipped.
 */
export function parseFrontmatter(text: string): Record<string, FrontmatterValue> | undefined {
  const block = frontmatterBlock(text);
  if (!block) return undefined;
  const out: Record<string, FrontmatterValue> = {};
  let listKey: string | undefined;
  for (const line of block.yaml.split(/\r?\n/)) {
    const item = /^\s+-\s+(.*)$/.exec(line);
    if (item && listKey) {
      const current = out[listKey];
      out[listKey] = [...(Array.isArray(current) ? current : []), scalar(item[1]) ?? ''];
      continue;
    }
    const kv = /^([A-Za-z_][\w-]*):(?:\s+(.*))?$/.exec(line);
    if (!kv) {
      if (!/^\s/.test(line)) listKey = undefined;
      continue;
    }
    const [, key, value = ''] = kv;
    listKey = undefined;
    if (value.trim() === '') {
      out[key] = [];
      listKey = key;
    } else if (value.trim().startsWith('[')) out[key] = flowList(value);
    else out[key] = scalar(value);
  }
  return out;
}

/** The paper id a note belongs to, from its frontmatter. */
export function notePaperId(text: string): string | undefined {
  const id = parseFrontmatter(text)?.id;
  return typeof id === 'string' && id.length > 0 ? id : undefined;
}
