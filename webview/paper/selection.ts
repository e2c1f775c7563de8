/**
 * The text of a selection in the rendered abstract, written the way the note's Markdown has it: each formula
 * KaTeX rendered is replaced by its TeX source in `$…$` (KaTeX keeps it in a MathML annotation), so the host
 * can find the passage in the note. A selection that starts or ends inside a formula takes the whole formula.
 */
export function selectedPassage(container: HTMLElement, selection: Selection | null): string | undefined {
  if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return undefined;
  const range = selection.getRangeAt(0).cloneRange();
  if (!container.contains(range.commonAncestorContainer)) return undefined;
  const formulaAround = (node: Node) =>
    (node instanceof Element ? node : node.parentElement)?.closest('.katex-display, .katex');
  const startFormula = formulaAround(range.startContainer);
  const endFormula = formulaAround(range.endContainer);
  if (startFormula && container.contains(startFormula)) range.setStartBefore(startFormula);
  if (endFormula && container.contains(endFormula)) range.setEndAfter(endFormula);

  const fragment = range.cloneContents();
  for (const el of Array.from(fragment.querySelectorAll('.katex-display, .katex'))) {
    if (!fragment.contains(el)) continue; // inside a display formula already replaced
    const display = el.classList.contains('katex-display');
    const tex = el.querySelector('annotation[encoding="application/x-tex"]')?.textContent ?? el.textContent ?? '';
    el.replaceWith(document.createTextNode(display ? `$$${tex}$$` : `$${tex}$`));
  }
  for (const el of Array.from(fragment.querySelectorAll('.katex-error'))) {
    el.replaceWith(document.createTextNode(`$${el.textContent ?? ''}$`));
  }
  const text = (fragment.textContent ?? '').replace(/\s+/g, ' ').trim();
  return text || undefined;
}
