import { paperUrls } from '../core/paperUrls';
import type { Paper } from './paper';

/** Words that do not make a cite key. */
const STOP_WORDS = new Set([
  'a',
  'an',
  'the',
  'on',
  'of',
  'for',
  'and',
  'in',
  'to',
  'with',
  'via',
  'from',
  'towards',
  'toward',
  'is',
  'are',
  'by',
  'at',
  'as',
]);
const PARTICLES = new Set([
  'van',
  'von',
  'der',
  'den',
  'de',
  'del',
  'della',
  'di',
  'da',
  'du',
  'la',
  'le',
  'ten',
  'ter',
  'dos',
  'das',
]);

function ascii(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ß/g, 'ss')
    .replace(/[øØ]/g, 'o')
    .replace(/[łŁ]/g, 'l');
}

/** `Jane Q. van der Berg` → `{ last: 'van der Berg', first: 'Jane Q.' }`; one word is a last name. */
export function splitName(name: string): { first: string; last: string } {
  const trimmed = name.trim().replace(/\s+/g, ' ');
  if (trimmed.includes(',')) {
    const [last, ...rest] = trimmed.split(',');
    return { last: last.trim(), first: rest.join(',').trim() };
  }
  const words = trimmed.split(' ');
  if (words.length === 1) return { first: '', last: words[0] };
  let i = words.length - 1;
  while (i > 1 && PARTICLES.has(words[i - 1].toLowerCase())) i--;
  return { first: words.slice(0, i).join(' '), last: words.slice(i).join(' ') };
}

/**
 * A stable cite key: first author's last name, year, first significant title word (`brenner2024almost`),
 * lower-case ASCII. Papers without authors use `anon`.
 */
export function citeKey(paper: Paper): string {
  const first = paper.authors[0];
  const lastWords = first ? splitName(first).last.split(' ') : ['anon'];
  const last =
    ascii(lastWords[lastWords.length - 1])
      .toLowerCase()
      .replace(/[^a-z]/g, '') || 'anon';
  const year = paper.published.slice(0, 4);
  const word =
    ascii(paper.title)
      .toLowerCase()
      .replace(/\$[^$]*\$/g, ' ')
      .split(/[^a-z0-9]+/)
      .find((w) => w.length > 1 && !STOP_WORDS.has(w)) ?? '';
  return `${last}${/^\d{4}$/.test(year) ? year : ''}${word}`;
}

const SPECIALS: Record<string, string> = {
  '\\': '\\textbackslash{}',
  '{': '\\{',
  '}': '\\}',
  '&': '\\&',
  '%': '\\%',
  $: '\\$',
  '#': '\\#',
  _: '\\_',
  '~': '\\textasciitilde{}',
  '^': '\\textasciicircum{}',
};

/**
 * Escapes text for a BibTeX field. Inline math (`$…$` with balanced braces, as arXiv titles carry it) is kept
 * as TeX; everything else is escaped so that `&`, `%`, `_`, `#`, braces and backslashes come out as written.
 */
export function escapeBibtex(text: string): string {
  const parts = text.split(/(\$[^$]+\$)/);
  return parts
    .map((part, i) => {
      const isMath = i % 2 === 1 && balanced(part);
      return isMath ? part : part.replace(/[\\{}&%$#_~^]/g, (c) => SPECIALS[c]);
    })
    .join('')
    .replace(/\s+/g, ' ')
    .trim();
}

function balanced(text: string): boolean {
  let depth = 0;
  for (const c of text) {
    if (c === '{') depth++;
    else if (c === '}' && --depth < 0) return false;
  }
  return depth === 0;
}

function field(name: string, value: string): string {
  return `  ${name.padEnd(13)} = {${value}},`;
}

/** The DOI of the paper's published version: arXiv's own DOIs (10.48550/arXiv.…) name the preprint, not it. */
export function publishedDoi(paper: Paper): string | undefined {
  const doi = paper.links?.doi?.replace(/^https?:\/\/(?:dx\.)?doi\.org\//i, '');
  if (!doi || /^10\.48550\//.test(doi)) return undefined;
  try {
    return decodeURI(doi);
  } catch {
    return doi;
  }
}

/**
 * One entry. A preprint is `@misc` (the arXiv convention: eprint, archivePrefix, primaryClass, url); when arXiv
 * knows the published version (a journal reference or a DOI) it is an `@article` with `journal` and `doi`,
 * keeping the eprint fields so the preprint stays linked.
 */
export function toBibtex(paper: Paper, key = citeKey(paper)): string {
  const links = paperUrls(paper);
  const doi = publishedDoi(paper);
  const published = Boolean(paper.journalRef || doi);
  const lines = [`@${published ? 'article' : 'misc'}{${key},`, field('title', `{${escapeBibtex(paper.title)}}`)];
  if (paper.authors.length > 0) {
    lines.push(
      field(
        'author',
        paper.authors
          .map((a) => {
            const { first, last } = splitName(a);
            return escapeBibtex(first ? `${last}, ${first}` : last);
          })
          .join(' and '),
      ),
    );
  }
  // The published version's year when its reference names one (the preprint is often a year older).
  const year =
    /\b(?:19|20)\d{2}\b(?!.*\b(?:19|20)\d{2}\b)/.exec(paper.journalRef ?? '')?.[0] ?? paper.published.slice(0, 4);
  if (/^\d{4}$/.test(year)) lines.push(field('year', year));
  if (paper.journalRef) lines.push(field('journal', escapeBibtex(paper.journalRef)));
  if (paper.arxivId) {
    lines.push(field('eprint', paper.arxivId), field('archivePrefix', 'arXiv'));
    if (paper.categories?.[0]) lines.push(field('primaryClass', paper.categories[0]));
  }
  // Verbatim (biblatex reads doi as a URL part: `\_` would break it); braces cannot be in a field's value.
  if (doi) lines.push(field('doi', doi.replace(/[{}\s]/g, '')));
  if (links.arxiv) lines.push(field('url', links.arxiv));
  else lines.push(field('note', 'Listed in Hugging Face Daily Papers; no arXiv id known'));
  lines[lines.length - 1] = lines[lines.length - 1].replace(/,$/, '');
  lines.push('}');
  return lines.join('\n');
}

/** Entries for many papers (a collection), with keys made unique by `a`, `b`, … suffixes in a stable order. */
export function toBibtexFile(papers: readonly Paper[]): string {
  const used = new Map<string, number>();
  const entries = papers.map((paper) => {
    const base = citeKey(paper);
    const n = used.get(base) ?? 0;
    used.set(base, n + 1);
    return toBibtex(
      paper,
      n === 0 ? base : `${base}${String.fromCharCode(97 + ((n - 1) % 26))}${n > 26 ? Math.floor((n - 1) / 26) : ''}`,
    );
  });
  return `${entries.join('\n\n')}\n`;
}
