import type MarkdownIt from 'markdown-it';

type StateBlock = MarkdownIt.StateBlock;
type StateInline = MarkdownIt.StateInline;

/**
 * Turns TeX into HTML; must never throw (errors become visible markup). `env` is the object passed to
 * `md.render`, one per document, so a renderer can keep a budget across the formulas of one text.
 */
export type TexRenderer = (tex: string, displayMode: boolean, env: unknown) => string;

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

/**
 * Where each closing delimiter can close, per inline text: the offsets of every `\\)` and `\\]`, and of every
 * `$` and `$$` not escaped by an odd run of backslashes. A text is scanned once, so a text of 20,000 unclosed
 * `\\(` costs one pass instead of one pass per opener (1.5 s). Keyed by the text itself: markdown-it parses
 * nested inline content (link labels) with a state of its own.
 */
const closers = new WeakMap<StateInline, { readonly src: string; readonly at: Map<string, readonly number[]> }>();

function closerOffsets(src: string, close: string): number[] {
  const found: number[] = [];
  const escapable = close !== '\\)' && close !== '\\]';
  let backslashes = 0;
  for (let i = 0; i <= src.length - close.length; i++) {
    if (src.startsWith(close, i) && !(escapable && backslashes % 2 === 1)) found.push(i);
    backslashes = src[i] === '\\' ? backslashes + 1 : 0;
  }
  return found;
}

/** The first value in a sorted list that is at least `from` (or its index), -1 when there is none. */
function firstAtLeast(offsets: readonly number[], from: number, index = false): number {
  let lo = 0;
  let hi = offsets.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (offsets[mid] < from) lo = mid + 1;
    else hi = mid;
  }
  if (lo >= offsets.length) return -1;
  return index ? lo : offsets[lo];
}

/**
 * Index of the closing delimiter at or after `from`, skipping backslash-escaped `$`; -1 when there is none.
 * `from` follows an opener, so a run of backslashes before a `$` starts inside the searched range.
 */
function findClose(state: StateInline, from: number, close: string): number {
  let cache = closers.get(state);
  if (cache?.src !== state.src) {
    cache = { src: state.src, at: new Map() };
    closers.set(state, cache);
  }
  let offsets = cache.at.get(close);
  if (!offsets) {
    offsets = closerOffsets(state.src, close);
    cache.at.set(close, offsets);
  }
  return firstAtLeast(offsets, from);
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
    const end = findClose(state, contentStart, d.close);
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

/**
 * Per block state, the lines whose end (trailing spaces aside) is each closing delimiter, found in one pass:
 * a block opener that never closes otherwise scans to the end of the text, and markdown-it asks again at every
 * line of a paragraph (the rule can interrupt one), so 5,000 lines of `$$x` took a second.
 */
const closingLines = new WeakMap<StateBlock, { readonly src: string; readonly at: Map<string, readonly number[]> }>();

function linesEndingWith(state: StateBlock, close: string): readonly number[] {
  let cache = closingLines.get(state);
  if (cache?.src !== state.src) {
    cache = { src: state.src, at: new Map() };
    closingLines.set(state, cache);
  }
  let lines = cache.at.get(close);
  if (!lines) {
    const found: number[] = [];
    // Nested blocks (quotes, lists) move a line's start, never its end, so the raw line decides; they also
    // lower lineMax for a while, so every line of the text is looked at.
    for (let line = 0; line < state.eMarks.length; line++) {
      const start = line === 0 ? 0 : state.eMarks[line - 1] + 1;
      if (state.src.slice(start, state.eMarks[line]).trimEnd().endsWith(close)) found.push(line);
    }
    lines = found;
    cache.at.set(close, lines);
  }
  return lines;
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
    const candidates = linesEndingWith(state, d.close);
    last = -1;
    for (let i = firstAtLeast(candidates, startLine + 1, true); i >= 0 && i < candidates.length; i++) {
      if (candidates[i] >= endLine) break;
      if (lineText(candidates[i]).trimEnd().endsWith(d.close)) {
        last = candidates[i];
        break;
      }
    }
    if (last < 0) return false;
    const lines = [rest];
    for (let line = startLine + 1; line < last; line++) lines.push(lineText(line));
    lines.push(lineText(last).trimEnd().slice(0, -d.close.length));
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
  md.renderer.rules.math_inline = (tokens, idx, _o, env) => renderTex(tokens[idx].content, false, env);
  md.renderer.rules.math_display = (tokens, idx, _o, env) => renderTex(tokens[idx].content, true, env);
  md.renderer.rules.math_block = (tokens, idx, _o, env) => `${renderTex(tokens[idx].content, true, env)}\n`;
}
