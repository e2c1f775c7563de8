import type MarkdownIt from 'markdown-it';

type StateBlock = MarkdownIt.StateBlock;
type StateInline = MarkdownIt.StateInline;

/** Turns TeX into HTML; must never throw (errors become visible markup). */
export type TexRenderer = (tex: string, displayMode: boolean) => string;

interface Delimiter {
  readonly open: string;
  readonly close: string;
  readonly display: boolean;
}

/** Longest openers first, so `$$` is not read as an empty `$…$`. */
const INLINE_DELIMITERS: readonly Delimiter[] = [
  { open: '$$', close: '$$', display: true },
  { open: '\\[', close: '\\]', display: true },
  { open: '\\(', close: '\\)', display: false },
  { open: '$', close: '$', display: false },
];

const BLOCK_DELIMITERS = INLINE_DELIMITERS.filter((d) => d.display);

function isWhitespace(ch: string | undefined): boolean {
  return ch === undefined || /\s/.test(ch);
}

/** Index of the closing delimiter, skipping backslash-escaped characters; -1 when there is none. */
function findClose(src: string, from: number, close: string): number {
  for (let i = from; i <= src.length - close.length; i++) {
    if (src.startsWith(close, i)) return i;
    if (src[i] === '\\' && close !== '\\)' && close !== '\\]') i++;
  }
  return -1;
}

/**
 * Single dollars follow Pandoc's rule so prices and shell variables stay text: the opener is not followed
 * by a space, the closer is not preceded by a space nor followed by a digit.
 */
function acceptsSingleDollar(src: string, start: number, end: number): boolean {
  return !isWhitespace(src[start + 1]) && !isWhitespace(src[end - 1]) && !/\d/.test(src[end + 1] ?? '');
}

function mathInline(state: StateInline, silent: boolean): boolean {
  const { src, pos } = state;
  const ch = src[pos];
  if (ch !== '$' && ch !== '\\') return false;
  for (const d of INLINE_DELIMITERS) {
    if (!src.startsWith(d.open, pos)) continue;
    const contentStart = pos + d.open.length;
    const end = findClose(src, contentStart, d.close);
    if (end <= contentStart) return false;
    if (d.open === '$' && !acceptsSingleDollar(src, pos, end)) return false;
    if (!silent) {
      const token = state.push(d.display ? 'math_display' : 'math_inline', 'math', 0);
      token.content = src.slice(contentStart, end);
      token.markup = d.open;
    }
    state.pos = end + d.close.length;
    return true;
  }
  return false;
}

/** `$$ … $$` or `\[ … \]` starting a line, possibly across several lines. */
function mathBlock(state: StateBlock, startLine: number, endLine: number, silent: boolean): boolean {
  const lineText = (line: number) => state.src.slice(state.bMarks[line] + state.tShift[line], state.eMarks[line]);
  const first = lineText(startLine);
  const d = BLOCK_DELIMITERS.find((x) => first.startsWith(x.open));
  if (!d || state.sCount[startLine] - state.blkIndent >= 4) return false;

  let content: string;
  let last = startLine;
  const rest = first.slice(d.open.length);
  const sameLineClose = rest.trimEnd().endsWith(d.close) ? rest.trimEnd().length - d.close.length : -1;
  if (sameLineClose >= 0) {
    if (rest.trimEnd().length > sameLineClose + d.close.length) return false;
    content = rest.slice(0, sameLineClose);
  } else {
    const lines = [rest];
    for (last = startLine + 1; last < endLine; last++) {
      const text = lineText(last);
      const trimmed = text.trimEnd();
      if (trimmed.endsWith(d.close)) {
        lines.push(trimmed.slice(0, -d.close.length));
        break;
      }
      lines.push(text);
    }
    if (last >= endLine) return false;
    content = lines.join('\n');
  }
  if (silent) return true;
  const token = state.push('math_block', 'math', 0);
  token.block = true;
  token.content = content.trim();
  token.markup = d.open;
  token.map = [startLine, last + 1];
  state.line = last + 1;
  return true;
}

/** markdown-it plugin: `$…$`, `\(…\)` inline; `$$…$$`, `\[…\]` display, inline or as blocks. */
export function mathPlugin(md: MarkdownIt, renderTex: TexRenderer): void {
  // Before 'escape', or markdown-it would eat the backslash of `\(`.
  md.inline.ruler.before('escape', 'math_inline', mathInline);
  md.block.ruler.before('fence', 'math_block', mathBlock, { alt: ['paragraph', 'reference', 'blockquote', 'list'] });
  md.renderer.rules.math_inline = (tokens, idx) => renderTex(tokens[idx].content, false);
  md.renderer.rules.math_display = (tokens, idx) => renderTex(tokens[idx].content, true);
  md.renderer.rules.math_block = (tokens, idx) => `${renderTex(tokens[idx].content, true)}\n`;
}
