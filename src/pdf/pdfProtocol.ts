/**
 * The messages between the PDF editor and its webview. Imported by both sides (no vscode, no DOM); whatever
 * arrives is validated before use: the PDF comes from the network, and its text reaches the host as a selection.
 */
import { isRecord } from '../core/validate';

/** A passage of the PDF annotated in the paper's note, shown highlighted on its page. */
export interface PdfHighlight {
  /** 1-based page number. */
  readonly page: number;
  /** The text as it was selected, whitespace collapsed. */
  readonly quote: string;
  /** The first comment, shown as the highlight's tooltip. */
  readonly comment: string;
}

export type HostToPdfWebview =
  /** The file's bytes (the webview has no access to the file itself) and what is annotated on it. */
  | {
      readonly type: 'load';
      readonly data: Uint8Array;
      readonly highlights: readonly PdfHighlight[];
      /** Whether Annotate Selection has a paper's note to write to (a workspace PDF may belong to no paper). */
      readonly canAnnotate: boolean;
    }
  | { readonly type: 'highlights'; readonly highlights: readonly PdfHighlight[] }
  /** A short line in the toolbar: what an action did or why it could not. */
  | { readonly type: 'status'; readonly message: string }
  /** Send the current selection back as `annotateSelection` (the editor's context menu, the keybinding). */
  | { readonly type: 'requestSelection' };

export type PdfWebviewToHost =
  | { readonly type: 'ready' }
  | { readonly type: 'annotateSelection'; readonly page: number; readonly text: string }
  /** pdf.js could not open the file (not a PDF, damaged, encrypted): said in the editor and logged. */
  | { readonly type: 'failed'; readonly message: string };

/** Persisted by the webview (`setState`): the page it showed, restored when the editor comes back. */
export interface PdfEditorState {
  readonly page: number;
  readonly scale?: number;
}

/** The longest selection the webview may send: a few pages of text. */
export const MAX_PDF_SELECTION_CHARS = 20_000;
/** More pages than any PDF has: a page number beyond this is not one. */
const MAX_PAGE = 1_000_000;
const MAX_HIGHLIGHTS = 10_000;

const isPage = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= MAX_PAGE;

export function parsePdfWebviewMessage(value: unknown): PdfWebviewToHost | undefined {
  if (!isRecord(value)) return undefined;
  if (value.type === 'ready') return { type: 'ready' };
  if (value.type === 'annotateSelection') {
    const { page, text } = value;
    if (!isPage(page) || typeof text !== 'string' || text.trim() === '' || text.length > MAX_PDF_SELECTION_CHARS)
      return undefined;
    return { type: 'annotateSelection', page, text };
  }
  if (value.type === 'failed' && typeof value.message === 'string')
    return { type: 'failed', message: value.message.slice(0, 500) };
  return undefined;
}

function parseHighlights(value: unknown): PdfHighlight[] | undefined {
  if (!Array.isArray(value) || value.length > MAX_HIGHLIGHTS) return undefined;
  const out: PdfHighlight[] = [];
  for (const h of value) {
    if (!isRecord(h) || !isPage(h.page) || typeof h.quote !== 'string' || typeof h.comment !== 'string')
      return undefined;
    out.push({ page: h.page, quote: h.quote, comment: h.comment });
  }
  return out;
}

export function parsePdfHostMessage(value: unknown): HostToPdfWebview | undefined {
  if (!isRecord(value)) return undefined;
  if (value.type === 'load') {
    const highlights = parseHighlights(value.highlights);
    // VS Code hands typed arrays over as they were sent or as their ArrayBuffer, depending on the host.
    const data =
      value.data instanceof Uint8Array
        ? value.data
        : value.data instanceof ArrayBuffer
          ? new Uint8Array(value.data)
          : undefined;
    if (!data || !highlights || typeof value.canAnnotate !== 'boolean') return undefined;
    return { type: 'load', data, highlights, canAnnotate: value.canAnnotate };
  }
  if (value.type === 'highlights') {
    const highlights = parseHighlights(value.highlights);
    return highlights ? { type: 'highlights', highlights } : undefined;
  }
  if (value.type === 'status' && typeof value.message === 'string') return { type: 'status', message: value.message };
  if (value.type === 'requestSelection') return { type: 'requestSelection' };
  return undefined;
}

export function parsePdfEditorState(value: unknown): PdfEditorState | undefined {
  if (!isRecord(value) || !isPage(value.page)) return undefined;
  const scale = typeof value.scale === 'number' && value.scale > 0.1 && value.scale <= 10 ? value.scale : undefined;
  return scale === undefined ? { page: value.page } : { page: value.page, scale };
}

/** Whitespace collapsed: how a quote is compared with the text of a page (pdf.js splits lines into spans). */
export function collapseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * Which of a page's text spans (pdf.js's text layer, in reading order) hold `quote`: the first occurrence,
 * compared without whitespace, since pdf.js breaks lines and words into spans as the PDF's drawing commands go
 * and the selection's text puts newlines where the spans do not. Empty when the quote is not on the page.
 */
export function spansHoldingQuote(spanTexts: readonly string[], quote: string): number[] {
  const wanted = quote.replace(/\s+/g, '');
  if (!wanted) return [];
  let joined = '';
  const owner: number[] = [];
  spanTexts.forEach((text, i) => {
    const bare = text.replace(/\s+/g, '');
    joined += bare;
    for (let k = 0; k < bare.length; k++) owner.push(i);
  });
  const at = joined.indexOf(wanted);
  if (at < 0) return [];
  const first = owner[at];
  const last = owner[at + wanted.length - 1];
  const out: number[] = [];
  for (let i = first; i <= last; i++) if (spanTexts[i].trim()) out.push(i);
  return out;
}
