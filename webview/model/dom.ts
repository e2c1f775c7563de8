/** The two element builders the preview's sections share (the webview builds its DOM by hand, never from HTML). */

/** An element with attributes and text content (text, never markup: card and run text is untrusted). */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  text?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

/** A `vscode-button` (from @vscode-elements/elements), secondary unless told otherwise. */
export function button(id: string, label: string, secondary = true): HTMLElement {
  const b = document.createElement('vscode-button');
  b.id = id;
  b.textContent = label;
  if (secondary) b.setAttribute('secondary', '');
  return b;
}
