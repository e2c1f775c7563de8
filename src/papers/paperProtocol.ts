/**
 * The messages between the paper panel and its webview. Imported by both sides (no vscode, no DOM);
 * whatever arrives is validated before use, since the webview renders untrusted text.
 */
import { isRecord } from '../core/validate';

/** What the webview shows. `abstractHtml` is produced by the host's sanitising renderer. */
export interface PaperView {
  readonly id: string;
  readonly title: string;
  readonly authors: string;
  readonly date: string;
  readonly abstractHtml: string;
  /** The abstract exactly as the source gave it, shown as text on request ("Show Original"). */
  readonly originalAbstract: string;
  /** Whether the paper has an arXiv id (its arXiv and Hugging Face pages exist); otherwise those buttons search. */
  readonly hasArxivId: boolean;
}

export type HostToPaperWebview =
  | { readonly type: 'render'; readonly paper: PaperView }
  | { readonly type: 'error'; readonly message: string }
  /** A short, muted line under the actions: what an action did or why it could not. */
  | { readonly type: 'status'; readonly message: string }
  /** Send the current selection back as `annotateSelection` (the panel's context menu, Annotate Selection). */
  | { readonly type: 'requestSelection' };

export type PaperWebviewToHost =
  | { readonly type: 'ready' }
  | { readonly type: 'copyAbstract' }
  | { readonly type: 'copyBibtex' }
  | { readonly type: 'openArxiv' }
  | { readonly type: 'openHuggingFace' }
  | { readonly type: 'annotate' }
  /** The passage the user selected in the rendered abstract; math is given as its TeX source in `$…$`. */
  | { readonly type: 'annotateSelection'; readonly text: string };

/** Persisted by the webview (`setState`) so the panel comes back after a window reload. */
export interface PaperPanelState {
  readonly paperId: string;
  readonly showOriginal?: boolean;
}

/** The longest selection the webview may send; an abstract is far shorter. */
export const MAX_SELECTION_CHARS = 20_000;

const SIMPLE_MESSAGES: ReadonlySet<string> = new Set<PaperWebviewToHost['type']>([
  'ready',
  'copyAbstract',
  'copyBibtex',
  'openArxiv',
  'openHuggingFace',
  'annotate',
]);

export function parsePaperWebviewToHost(value: unknown): PaperWebviewToHost | undefined {
  if (!isRecord(value) || typeof value.type !== 'string') return undefined;
  if (value.type === 'annotateSelection') {
    const { text } = value;
    if (typeof text !== 'string' || text.trim() === '' || text.length > MAX_SELECTION_CHARS) return undefined;
    return { type: 'annotateSelection', text };
  }
  if (!SIMPLE_MESSAGES.has(value.type)) return undefined;
  return { type: value.type as Exclude<PaperWebviewToHost['type'], 'annotateSelection'> } as PaperWebviewToHost;
}

export function parsePaperPanelState(value: unknown): PaperPanelState | undefined {
  if (
    !isRecord(value) ||
    typeof value.paperId !== 'string' ||
    value.paperId.length === 0 ||
    value.paperId.length > 200
  ) {
    return undefined;
  }
  return value.showOriginal === true ? { paperId: value.paperId, showOriginal: true } : { paperId: value.paperId };
}

export function parseHostToPaperWebview(value: unknown): HostToPaperWebview | undefined {
  if (!isRecord(value)) return undefined;
  if ((value.type === 'error' || value.type === 'status') && typeof value.message === 'string') {
    return { type: value.type, message: value.message };
  }
  if (value.type === 'requestSelection') return { type: 'requestSelection' };
  if (value.type !== 'render' || !isRecord(value.paper)) return undefined;
  const p = value.paper;
  const fields = ['id', 'title', 'authors', 'date', 'abstractHtml', 'originalAbstract'] as const;
  if (!fields.every((f) => typeof p[f] === 'string') || typeof p.hasArxivId !== 'boolean') return undefined;
  return {
    type: 'render',
    paper: {
      id: p.id as string,
      title: p.title as string,
      authors: p.authors as string,
      date: p.date as string,
      abstractHtml: p.abstractHtml as string,
      originalAbstract: p.originalAbstract as string,
      hasArxivId: p.hasArxivId,
    },
  };
}
