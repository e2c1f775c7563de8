/** Messages between the extension host and the render worker. */

export interface RenderRequest {
  readonly id: number;
  readonly markdown: string;
}

export type RenderWorkerMessage =
  { readonly type: 'ready' } | { readonly type: 'rendered'; readonly id: number; readonly html: string };

export function parseRenderRequest(raw: unknown): RenderRequest | undefined {
  const m = raw as Partial<RenderRequest> | null;
  return typeof m === 'object' && m !== null && typeof m.id === 'number' && typeof m.markdown === 'string'
    ? { id: m.id, markdown: m.markdown }
    : undefined;
}

export function parseRenderWorkerMessage(raw: unknown): RenderWorkerMessage | undefined {
  const m = raw as { type?: unknown; id?: unknown; html?: unknown } | null;
  if (typeof m !== 'object' || m === null) return undefined;
  if (m.type === 'ready') return { type: 'ready' };
  if (m.type === 'rendered' && typeof m.id === 'number' && typeof m.html === 'string')
    return { type: 'rendered', id: m.id, html: m.html };
  return undefined;
}
