import { arxivAbsUrl, doiUrl } from '../core/paperUrls';
import { describeAuthors, type Paper } from '../papers/paper';
import { citeKey } from '../papers/bibtex';
import { formatDay } from '../papers/dayGroups';
import { markdownText } from '../render/untrustedMarkdown';
import { citationAt, type CitationMatch, type CitationRef } from './citationRefs';
import { commentSpans, inComment, type CommentSpans } from './commentSpans';

/** The library lookups a citation needs, each one indexed row (the SQLite library answers them). */
export interface CitationLookup {
  get(idOrArxivId: string): Paper | undefined;
  byDoi(doi: string): Paper | undefined;
  byCiteKey(key: string): Paper[];
}

/** The paper a reference names, if the library has it (an ambiguous cite key names none). */
export function resolveCitation(lookup: CitationLookup, ref: CitationRef): Paper | undefined {
  if (ref.kind === 'arxiv') return lookup.get(ref.id);
  if (ref.kind === 'doi') return lookup.byDoi(ref.doi);
  const direct = lookup.get(ref.key);
  if (direct) return direct;
  const byKey = lookup.byCiteKey(ref.key);
  return byKey.length === 1 ? byKey[0] : undefined;
}

/** A document as the finder reads it (a vscode.TextDocument fits). */
export interface CitationDocument {
  readonly uri: { toString(): string };
  readonly version: number;
  readonly languageId: string;
  getText(): string;
  lineAt(line: number): { readonly text: string };
  offsetAt(position: { line: number; character: number }): number;
}

const CACHED_DOCUMENTS = 8;

/**
 * Finds the citation under the cursor, only in comments, docstrings or prose. The line is read first (most
 * hovers end there); the document's comment spans are computed only when there is a reference under the cursor,
 * and kept per document version, so hovering again costs a line scan and a binary search.
 */
export class CitationFinder {
  private readonly spans = new Map<string, { version: number; languageId: string; spans: CommentSpans }>();

  at(doc: CitationDocument, position: { line: number; character: number }): CitationMatch | undefined {
    const match = citationAt(doc.lineAt(position.line).text, position.character);
    if (!match) return undefined;
    // The position as given (VS Code's offsetAt accepts only its own Position objects), less its column.
    const lineStart = doc.offsetAt(position) - position.character;
    return inComment(this.spansOf(doc), lineStart + match.start, lineStart + match.end) ? match : undefined;
  }

  private spansOf(doc: CitationDocument): CommentSpans {
    const key = doc.uri.toString();
    const cached = this.spans.get(key);
    if (cached && cached.version === doc.version && cached.languageId === doc.languageId) return cached.spans;
    const spans = commentSpans(doc.getText(), doc.languageId);
    this.spans.delete(key);
    this.spans.set(key, { version: doc.version, languageId: doc.languageId, spans });
    while (this.spans.size > CACHED_DOCUMENTS) this.spans.delete(this.spans.keys().next().value!);
    return spans;
  }

  forget(uri: { toString(): string }): void {
    this.spans.delete(uri.toString());
  }
}

const ABSTRACT_CHARS = 400;
const AUTHORS_SHOWN = 3;

/** The commands a citation hover's links run; the hover trusts these and no others. */
export const HOVER_COMMANDS = ['attractor.openPaper', 'attractor.addPaper', 'attractor.addPaperByDoi'] as const;

function commandLink(label: string, command: (typeof HOVER_COMMANDS)[number], arg: string): string {
  return `[${label}](command:${command}?${encodeURIComponent(JSON.stringify([arg]))})`;
}

function authorsLine(paper: Paper): string {
  if (paper.authors.length === 0) return describeAuthors(paper);
  const shown = paper.authors.slice(0, AUTHORS_SHOWN).join(', ');
  return paper.authors.length > AUTHORS_SHOWN ? `${shown} et al.` : shown;
}

/** The abstract's first lines, cut at a word near ABSTRACT_CHARS. */
export function abstractStart(abstract: string): string {
  const text = abstract.replace(/\s+/g, ' ').trim();
  if (text.length <= ABSTRACT_CHARS) return text;
  const cut = text.slice(0, ABSTRACT_CHARS);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), ABSTRACT_CHARS - 40)).trimEnd()}…`;
}

function refText(ref: CitationRef): string {
  if (ref.kind === 'arxiv') return `arXiv:${ref.id}${ref.version ? `v${ref.version}` : ''}`;
  return ref.kind === 'doi' ? `doi:${ref.doi}` : ref.key;
}

/** What Crossref said about a DOI outside the library: its work, that it knows none, or why it was not asked. */
export type CrossrefAnswer = { readonly paper: Paper | undefined } | { readonly error: string };

/**
 * The hover's Markdown: every piece of network text goes through `markdownText` (escaped, no HTML, no links),
 * and the only links are the trusted commands with a JSON argument and https links Attractor builds.
 * Undefined when there is nothing to say (an unknown `[[key]]`).
 */
export function citationHoverMarkdown(
  ref: CitationRef,
  paper: Paper | undefined,
  crossref?: CrossrefAnswer,
): string | undefined {
  if (paper) {
    const lines = [
      `**${markdownText(paper.title)}**`,
      markdownText(`${authorsLine(paper)} · ${formatDay(paper.published)} · @${citeKey(paper)}`),
    ];
    if (paper.journalRef) lines.push(`_${markdownText(paper.journalRef)}_`);
    if (paper.abstract) lines.push(markdownText(abstractStart(paper.abstract)));
    lines.push(commandLink('Open Paper', 'attractor.openPaper', paper.id));
    return lines.join('\n\n');
  }
  if (ref.kind === 'arxiv') {
    const id = `${ref.id}${ref.version ? `v${ref.version}` : ''}`;
    return [
      `${markdownText(refText(ref))} is not in the library yet.`,
      `${commandLink('Add to Library and Open', 'attractor.addPaper', id)} · [arXiv](${arxivAbsUrl(encodeURI(id))})`,
    ].join('\n\n');
  }
  if (ref.kind === 'doi') {
    const resolver = `[doi.org](${doiUrl(ref.doi)})`;
    const work = crossref && 'paper' in crossref ? crossref.paper : undefined;
    if (work) {
      const lines = [
        `**${markdownText(work.title)}**`,
        markdownText(`${authorsLine(work)} · ${formatDay(work.published)}`),
      ];
      if (work.journalRef) lines.push(`_${markdownText(work.journalRef)}_`);
      if (work.abstract) lines.push(markdownText(abstractStart(work.abstract)));
      lines.push(
        `${markdownText(refText(ref))} is not in the library yet (from Crossref).`,
        `${commandLink('Add to Library and Open', 'attractor.addPaperByDoi', ref.doi)} · ${resolver}`,
      );
      return lines.join('\n\n');
    }
    const why =
      crossref === undefined
        ? ''
        : 'error' in crossref
          ? ` Crossref could not be asked: ${markdownText(crossref.error)}`
          : ' Crossref does not know it.';
    return [`${markdownText(refText(ref))} is not in the library.${why}`, `[Open doi.org](${doiUrl(ref.doi)})`].join(
      '\n\n',
    );
  }
  return undefined;
}
