import { arxivAbsUrl } from '../core/paperUrls';
import type MarkdownIt from 'markdown-it';

/**
 * `[[arXiv:2306.04406]]`-style paper links in notes. Pure: the VS Code side supplies a resolver that knows the
 * library and the notes. Used by the Markdown preview plugin, hovers, completion and Go to Definition.
 */

export type PaperRef =
  | { readonly kind: 'arxiv'; readonly arxivId: string }
  /** A library id (`local:…`) or a cite key; only meaningful if the resolver knows it. */
  | { readonly kind: 'key'; readonly key: string };

/** New-style (`2306.04406`, `2306.04406v2`) and old-style (`hep-th/9901001`) arXiv identifiers. */
const ARXIV_ID = String.raw`(?:\d{4}\.\d{4,5}|[a-z][a-z-]*(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?`;
const ARXIV_REF = new RegExp(`^arxiv:\\s*(${ARXIV_ID})$`, 'i');
const KEY_REF = /^[A-Za-z][\w:.+/-]{0,99}$/;

export function parsePaperRef(inner: string): PaperRef | undefined {
  const text = inner.trim();
  const arxiv = ARXIV_REF.exec(text);
  if (arxiv) return { kind: 'arxiv', arxivId: arxiv[1] };
  return KEY_REF.test(text) ? { kind: 'key', key: text } : undefined;
}

export interface PaperLinkOccurrence {
  /** Offsets of the whole `[[…]]`. */
  readonly start: number;
  readonly end: number;
  readonly inner: string;
  readonly ref: PaperRef;
}

/** The paper links on one line of text (or any text without newlines inside links). */
export function findPaperLinks(text: string): PaperLinkOccurrence[] {
  const found: PaperLinkOccurrence[] = [];
  for (const m of text.matchAll(/\[\[([^[\]\n]{1,120})\]\]/g)) {
    const ref = parsePaperRef(m[1]);
    if (ref) found.push({ start: m.index, end: m.index + m[0].length, inner: m[1], ref });
  }
  return found;
}

/** The link at a character offset, if any. */
export function paperLinkAt(line: string, offset: number): PaperLinkOccurrence | undefined {
  return findPaperLinks(line).find((l) => offset >= l.start && offset <= l.end);
}

export interface ResolvedPaperLink {
  readonly title: string;
  readonly href: string;
}

export type PaperLinkResolver = (ref: PaperRef) => ResolvedPaperLink | undefined;

/**
 * markdown-it plugin: a resolvable `[[…]]` becomes a link titled with the paper's title. An arXiv reference the
 * library does not know still links to arXiv, shown as its id; other unknown `[[…]]` stay text (wiki links of
 * other extensions keep working). The link goes through markdown-it's link tokens, so its URL passes the same
 * safety check as any Markdown link and its text is escaped.
 */
export function paperLinksPlugin(md: MarkdownIt, resolve: PaperLinkResolver): void {
  md.inline.ruler.before('link', 'attractor_paper_link', (state, silent) => {
    const { src, pos } = state;
    if (src.charCodeAt(pos) !== 0x5b /* [ */ || src.charCodeAt(pos + 1) !== 0x5b) return false;
    const close = src.indexOf(']]', pos + 2);
    if (close < 0 || close - pos > 124) return false;
    const inner = src.slice(pos + 2, close);
    if (/[[\]\n]/.test(inner)) return false;
    const ref = parsePaperRef(inner);
    if (!ref) return false;
    const target =
      resolve(ref) ??
      (ref.kind === 'arxiv' ? { title: `arXiv:${ref.arxivId}`, href: arxivAbsUrl(ref.arxivId) } : undefined);
    if (!target) return false;
    const href = md.normalizeLink(target.href);
    if (!md.validateLink(href)) return false;
    if (!silent) {
      const open = state.push('link_open', 'a', 1);
      open.attrs = [
        ['href', href],
        ['title', inner.trim()],
        ['class', 'attractor-paper-link'],
      ];
      open.markup = '[[';
      const text = state.push('text', '', 0);
      text.content = target.title;
      state.push('link_close', 'a', -1).markup = ']]';
    }
    state.pos = close + 2;
    return true;
  });
}
