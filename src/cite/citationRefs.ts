import { findPaperLinks } from '../notes/bracketLinks';

/**
 * Paper references as researchers write them in code comments and prose: arXiv ids (`arXiv:2306.04406`, bare
 * `2306.04406v2`, abs/pdf/html links), DOIs (`10.1103/…`, `doi:…`, doi.org links) and `[[…]]` paper links.
 * Pure and line-based: a hover reads one line, never the document.
 */

export type CitationRef =
  | { readonly kind: 'arxiv'; readonly id: string; readonly version?: number }
  | { readonly kind: 'doi'; readonly doi: string }
  /** A `[[…]]` link to a library id or cite key. */
  | { readonly kind: 'key'; readonly key: string };

export interface CitationMatch {
  /** Offsets in the line: the whole reference as written (prefix or URL included). */
  readonly start: number;
  readonly end: number;
  readonly ref: CitationRef;
}

// New-style ids: YYMM.NNNN until 2014, YYMM.NNNNN from 2015 (arXiv's own rule), so `1501.1234` or `1412.12345`
// are not ids. Old-style ids (`math/0211159`) are too ambiguous bare (any path), so they need a prefix or a URL.
const NEW_ID = String.raw`\d{4}\.\d{4,5}`;
const OLD_ID = String.raw`[a-z][a-z-]*(?:\.[A-Z]{2})?/\d{7}`;
const VERSION = String.raw`(?:v(\d{1,3}))?`;
/** A bare id must not be part of a longer number, path or word (`12306.04406`, `x/2306.04406`, `2306.04406.1`). */
const BARE = new RegExp(String.raw`(?<![\w./:-])(${NEW_ID})${VERSION}(?![\w]|\.\d)`, 'g');
const PREFIXED = new RegExp(String.raw`(?<![\w])arxiv:\s?(${NEW_ID}|${OLD_ID})${VERSION}(?![\w]|\.\d)`, 'gi');
const URL = new RegExp(
  String.raw`(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html)/(${NEW_ID}|${OLD_ID})${VERSION}(?:\.pdf)?(?![\w]|\.\d)`,
  'gi',
);
/**
 * DOIs: `10.` a registrant of 4–9 digits (sub-registrants allowed), `/`, then a suffix without spaces. As a bare
 * DOI must start at a word boundary; `doi:` and doi.org links are read too. Trailing punctuation of the sentence
 * (`.`, `,`, `;`, `:`, quotes, unbalanced closing brackets) is not part of it.
 */
const DOI = /(?:(?:https?:\/\/)?(?:dx\.)?doi\.org\/|\bdoi:\s?|(?<![\w./-]))(10\.\d{4,9}(?:\.\d+)*\/[^\s"'<>{}`]+)/gi;

const ARXIV_DOI = new RegExp(String.raw`^10\.48550/arxiv\.(${NEW_ID}(?:v\d{1,3})?|${OLD_ID}(?:v\d{1,3})?)$`, 'i');

function validNewId(id: string): boolean {
  const yy = Number(id.slice(0, 2));
  const mm = Number(id.slice(2, 4));
  if (mm < 1 || mm > 12) return false;
  const digits = id.length - 5;
  // 07.04 started the new style with 4 digits; 15.01 moved to 5.
  if (digits === 4) return yy > 7 || (yy === 7 && mm >= 4) ? yy < 15 : false;
  return yy >= 15;
}

function arxivRef(id: string, version: string | undefined): CitationRef | undefined {
  if (/^\d/.test(id) && !validNewId(id)) return undefined;
  return version ? { kind: 'arxiv', id, version: Number(version) } : { kind: 'arxiv', id };
}

/** Drops what ends the sentence rather than the DOI: trailing punctuation and closing brackets opened outside it. */
export function trimDoi(raw: string): string {
  let doi = raw;
  for (;;) {
    const last = doi[doi.length - 1];
    if (/[.,;:!?]/.test(last)) doi = doi.slice(0, -1);
    else if (last === ')' || last === ']') {
      const open = last === ')' ? '(' : '[';
      if (doi.split(open).length >= doi.split(last).length) break;
      doi = doi.slice(0, -1);
    } else break;
  }
  return doi;
}

/** Every reference on a line, in order, none overlapping (a link's id is not read again as a bare id). */
export function findCitations(line: string): CitationMatch[] {
  // Cheap exit for the common line: every form has a digit and a dot, seven digits after a slash, or `[[`.
  if (!/\d\.|\[\[|\/\d{7}/.test(line)) return [];
  const found: CitationMatch[] = [];
  const add = (start: number, end: number, ref: CitationRef | undefined) => {
    if (ref && !found.some((f) => start < f.end && end > f.start)) found.push({ start, end, ref });
  };
  for (const link of findPaperLinks(line)) {
    const ref: CitationRef =
      link.ref.kind === 'key'
        ? { kind: 'key', key: link.ref.key }
        : (arxivRef(...splitVersion(link.ref.arxivId)) ?? { kind: 'key', key: link.inner.trim() });
    add(link.start, link.end, ref);
  }
  for (const m of line.matchAll(URL)) add(m.index, m.index + m[0].length, arxivRef(m[1], m[2]));
  for (const m of line.matchAll(PREFIXED)) add(m.index, m.index + m[0].length, arxivRef(m[1], m[2]));
  for (const m of line.matchAll(DOI)) {
    const doi = trimDoi(m[1]);
    if (!/\/./.test(doi)) continue;
    const start = m.index;
    // arXiv's own DOIs (10.48550/arXiv.2306.04406) name an arXiv paper: read as its id, from the library or arXiv.
    const arxiv = ARXIV_DOI.exec(doi);
    const ref: CitationRef | undefined = arxiv ? arxivRef(...splitVersion(arxiv[1])) : { kind: 'doi', doi };
    add(start, m.index + m[0].length - (m[1].length - doi.length), ref);
  }
  for (const m of line.matchAll(BARE)) add(m.index, m.index + m[0].length, arxivRef(m[1], m[2]));
  return found.sort((a, b) => a.start - b.start);
}

function splitVersion(id: string): [string, string | undefined] {
  const m = /^(.*?)(?:v(\d+))?$/.exec(id)!;
  return [m[1], m[2]];
}

/** The reference under a character offset (either edge included), if any. */
export function citationAt(line: string, offset: number): CitationMatch | undefined {
  return findCitations(line).find((c) => offset >= c.start && offset <= c.end);
}
