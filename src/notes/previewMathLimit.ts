import type MarkdownIt from 'markdown-it';
import { countText } from '../core/countText';

/** markdown-it's token (its own module is ESM-only for types). */
type Token = ReturnType<MarkdownIt['parse']>[number];

/**
 * The longest formula VS Code's Markdown preview may hand to KaTeX. The preview renders in the extension host,
 * which every extension shares, and KaTeX takes about 70 µs a character on this machine's kind (a 96,000-character
 * formula blocked the host for 35–63 s in the preview): 10,000 characters stay near half a second, and the longest
 * formula of a real note (an aligned derivation) is a few thousand.
 */
export const MAX_PREVIEW_FORMULA_CHARS = 10_000;

/** Why the formula is shown as its source: said beside it, as a TeX comment so that a copy stays valid TeX. */
export const PREVIEW_FORMULA_NOTE = `% not rendered in the preview: longer than ${countText(MAX_PREVIEW_FORMULA_CHARS)} characters`;

/**
 * A core rule that turns every overlong formula that a math plugin parsed (VS Code's built-in math extension makes
 * `math_inline`, `math_block`, `math_inline_block` and their `_in_html_block` variants) into code showing its
 * source. A core rule runs after all parsing and before any rendering, so it holds whichever extension's plugin
 * the preview applied first.
 */
export function previewMathLimitPlugin(md: MarkdownIt): void {
  md.core.ruler.push('attractor_math_limit', (state) => {
    for (const token of state.tokens) {
      if (isOverlongMath(token)) refuse(token, 'code_block');
      if (!token.children) continue;
      const children: Token[] = [];
      for (const child of token.children) {
        children.push(child);
        if (!isOverlongMath(child)) continue;
        refuse(child, 'code_inline');
        const note = new state.Token('text', '', 0);
        note.content = ` (${PREVIEW_FORMULA_NOTE.slice(2)})`;
        children.push(note);
      }
      token.children = children;
    }
    return true;
  });
}

function isOverlongMath(token: Token): boolean {
  return token.type.startsWith('math_') && token.content.length > MAX_PREVIEW_FORMULA_CHARS;
}

function refuse(token: Token, type: 'code_block' | 'code_inline'): void {
  const display = token.type !== 'math_inline' && token.type !== 'math_inline_in_html_block';
  const source = display ? `$$${token.content}$$` : `$${token.content}$`;
  token.type = type;
  token.tag = 'code';
  token.content = type === 'code_block' ? `${source}\n${PREVIEW_FORMULA_NOTE}\n` : source;
}
