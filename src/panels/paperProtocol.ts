/**
 * The messages between the paper panel and its webview. Imported by both sides (no vscode, no DOM);
 * whatever arrives is validated before use, since the webview renders untrusted text.
 */

/** What the webview shows. `abstractHtml` is produced by the host's sanitising renderer. */
export interface PaperView {
  readonly id: string;
  readonly title: string;
  readonly authors: string;
  readonly date: string;
  readonly abstractHtml: string;
}

export type HostToPaperWebview =
  | { readonly type: 'render'; readonly paper: PaperView }
  | { readonly type: 'error'; readonly message: string };

export type PaperWebviewToHost =
  | { readonly type: 'ready' }
  | { readonly type: 'copyAbstract' }
  | { readonly type: 'searchArxiv' };

/** Persisted by the webview (`setState`) so the panel comes back after a window reload. */
export interface PaperPanelState {
  readonly paperId: string;
}

const WEBVIEW_MESSAGE_TYPES: ReadonlySet<string> = new Set<PaperWebviewToHost['type']>([
  'ready',
  'copyAbstract',
  'searchArxiv',
]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parsePaperWebviewMessage(value: unknown): PaperWebviewToHost | undefined {
  if (!isRecord(value) || typeof value.type !== 'string' || !WEBVIEW_MESSAGE_TYPES.has(value.type)) return undefined;
  return { type: value.type as PaperWebviewToHost['type'] };
}

export function parsePaperPanelState(value: unknown): PaperPanelState | undefined {
  if (!isRecord(value) || typeof value.paperId !== 'string' || value.paperId.length === 0 || value.paperId.length > 200) {
    return undefined;
  }
  return { paperId: value.paperId };
}

export function parseHostMessage(value: unknown): HostToPaperWebview | undefined {
  if (!isRecord(value)) return undefined;
  if (value.type === 'error' && typeof value.message === 'string') return { type: 'error', message: value.message };
  if (value.type !== 'render' || !isRecord(value.paper)) return undefined;
  const p = value.paper;
  const fields = ['id', 'title', 'authors', 'date', 'abstractHtml'] as const;
  if (!fields.every((f) => typeof p[f] === 'string')) return undefined;
  return {
    type: 'render',
    paper: {
      id: p.id as string,
      title: p.title as string,
      authors: p.authors as string,
      date: p.date as string,
      abstractHtml: p.abstractHtml as string,
    },
  };
}
