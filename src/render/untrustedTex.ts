/**
 * Limits on TeX from the network (abstracts, titles, model doc strings) before KaTeX sees it. KaTeX's
 * `maxExpand` counts expansions, not the tokens an expansion copies: `\def\a#1{#1#1}` nested a few times renders
 * 766 characters into 5 MB of HTML, so a formula that defines macros is never rendered.
 */
import { countText } from '../core/countText';

/**
 * The longest formula rendered. arXiv limits an abstract to 1,920 characters, so no formula of a real
 * abstract is longer (the default library's longest is 30 after TeX repair); a longer one is an attack or
 * garbage. At this length KaTeX's output stays under about 400 kB (deeply nested `\sqrt`, the worst found).
 */
export const MAX_FORMULA_CHARS = 2_000;

/**
 * The most HTML one abstract may produce (math and text together). The default library's largest abstract
 * renders to 7.4 kB; an abstract that is all math up to arXiv's 1,920 characters stays well under 400 kB.
 * Past this the webview message and the DOM get slow, and no real abstract comes near it.
 */
export const MAX_OUTPUT_CHARS = 1_000_000;

/**
 * Commands that define or rebind macros, so that later text expands into more than was written. A command
 * name ends at the first non-letter (`\define` or `\letter` are other names), and `\DeclareMathOperator*`
 * is the same command as without the star.
 */
const MACRO_DEFINITION =
  /\\(?:def|gdef|edef|xdef|let|futurelet|global|long|newcommand|renewcommand|providecommand|DeclareMathOperator|DeclarePairedDelimiter|newenvironment|renewenvironment)(?![A-Za-z])/;

/** Whether TeX defines or rebinds macros (user-configured macros may not either: their expansions are not checked here). */
export function definesMacros(tex: string): boolean {
  return MACRO_DEFINITION.test(tex);
}

/** Why a formula is shown as source: checked before rendering (macro, length) or found while rendering. */
export type TexRefusal = 'macro' | 'length' | 'budget' | 'nesting';

/** Why a formula is not rendered, or undefined when it may be. */
export function texRefusal(tex: string): TexRefusal | undefined {
  if (tex.length > MAX_FORMULA_CHARS) return 'length';
  if (definesMacros(tex)) return 'macro';
  return undefined;
}

const REFUSAL_NOTES: Readonly<Record<TexRefusal, string>> = {
  macro: 'not rendered: it defines macros',
  length: `not rendered: longer than ${countText(MAX_FORMULA_CHARS)} characters`,
  budget: 'not rendered: the abstract has too much math',
  nesting: 'not rendered: nested too deeply',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A refused formula as its escaped source (with its delimiters) and a short note saying why. */
export function refusedTexHtml(tex: string, displayMode: boolean, reason: TexRefusal): string {
  const source = displayMode ? `$$${tex}$$` : `$${tex}$`;
  return `<span class="tex-refused"><code>${escapeHtml(source)}</code> <small>(${REFUSAL_NOTES[reason]})</small></span>`;
}

/** The whole text shown as escaped plain text with a note: when rendering failed, took too long or grew too big. */
export function plainTextHtml(text: string, note: string): string {
  // The note and at most a tenth of the cap of source (each character escapes to at most 5) stay under the cap.
  const shown = text.length > MAX_OUTPUT_CHARS / 10 ? `${text.slice(0, MAX_OUTPUT_CHARS / 10)}…` : text;
  return `<p class="render-note">${escapeHtml(note)}</p>\n<p class="render-plain">${escapeHtml(shown)}</p>\n`;
}
