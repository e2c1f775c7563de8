/**
 * Where the comments (and docstrings) of a source file are, for any language, cheaply: one pass over the text
 * with a small table of comment and string delimiters per language family. Strings are skipped so that an id
 * inside a string literal of code is not taken for a citation; triple-quoted strings (Python, Julia docstrings)
 * count as comments. Prose languages (Markdown, Quarto, LaTeX, plain text) are prose everywhere.
 */

interface Syntax {
  readonly line: readonly string[];
  /** [open, close]; nested when the language nests them (Julia `#= =#`, Haskell `{- -}`). */
  readonly block: readonly (readonly [string, string])[];
  readonly nested?: boolean;
  /** String delimiters, longest first; triple ones may span lines, others end at the line's end. */
  readonly strings: readonly string[];
  /** String delimiters whose contents count as comments (docstrings). */
  readonly docstrings?: readonly string[];
}

const C_LIKE: Syntax = { line: ['//'], block: [['/*', '*/']], strings: ['"', "'"] };
const JS_LIKE: Syntax = { line: ['//'], block: [['/*', '*/']], strings: ['"', "'", '`'] };
const HASH: Syntax = { line: ['#'], block: [], strings: ['"', "'"] };
const PYTHON: Syntax = {
  line: ['#'],
  block: [],
  strings: ['"""', "'''", '"', "'"],
  docstrings: ['"""', "'''"],
};
// `'` is not a string in Julia (transpose, `'a'` chars are one character) nor in MATLAB (transpose).
const JULIA: Syntax = {
  line: ['#'],
  block: [['#=', '=#']],
  nested: true,
  strings: ['"""', '"'],
  docstrings: ['"""'],
};
const MATLAB: Syntax = { line: ['%'], block: [['%{', '%}']], strings: ['"'] };
const PERCENT: Syntax = { line: ['%'], block: [], strings: ['"'] };
const LUA: Syntax = { line: ['--'], block: [['--[[', ']]']], strings: ['"', "'"] };
const HASKELL: Syntax = { line: ['--'], block: [['{-', '-}']], nested: true, strings: ['"'] };
const SQL: Syntax = { line: ['--'], block: [['/*', '*/']], strings: ["'", '"'] };
const RUST: Syntax = { line: ['//'], block: [['/*', '*/']], nested: true, strings: ['"'] };
const FORTRAN: Syntax = { line: ['!'], block: [], strings: ['"', "'"] };
/** Unknown languages: the common line and block comments, double-quoted strings. */
const FALLBACK: Syntax = { line: ['#', '//'], block: [['/*', '*/']], strings: ['"'] };

const PROSE = new Set(['markdown', 'quarto', 'rmd', 'latex', 'tex', 'context', 'plaintext', 'restructuredtext']);

const BY_LANGUAGE: Record<string, Syntax> = {
  python: PYTHON,
  julia: JULIA,
  c: C_LIKE,
  cpp: C_LIKE,
  'cuda-cpp': C_LIKE,
  csharp: C_LIKE,
  java: C_LIKE,
  go: { ...C_LIKE, strings: ['"', "'", '`'] },
  kotlin: C_LIKE,
  scala: C_LIKE,
  swift: C_LIKE,
  dart: C_LIKE,
  'objective-c': C_LIKE,
  glsl: C_LIKE,
  hlsl: C_LIKE,
  jsonc: C_LIKE,
  php: { ...C_LIKE, line: ['//', '#'] },
  javascript: JS_LIKE,
  javascriptreact: JS_LIKE,
  typescript: JS_LIKE,
  typescriptreact: JS_LIKE,
  rust: RUST,
  r: HASH,
  shellscript: HASH,
  ruby: HASH,
  perl: HASH,
  yaml: HASH,
  toml: HASH,
  makefile: HASH,
  dockerfile: HASH,
  powershell: HASH,
  elixir: HASH,
  nim: HASH,
  coffeescript: HASH,
  cmake: HASH,
  matlab: MATLAB,
  octave: MATLAB,
  erlang: PERCENT,
  prolog: PERCENT,
  bibtex: PERCENT,
  lua: LUA,
  haskell: HASKELL,
  sql: SQL,
  fortran: FORTRAN,
  'fortran-modern': FORTRAN,
  FortranFreeForm: FORTRAN,
};

/** Comment spans as sorted, disjoint [start, end) offset pairs; `'all'` for prose. */
export type CommentSpans = 'all' | Int32Array;

export function isProse(languageId: string): boolean {
  return PROSE.has(languageId);
}

/** Finds the comments of a whole text (about 1 ms per 200 KB: one pass, one comparison per character). */
export function commentSpans(text: string, languageId: string): CommentSpans {
  if (isProse(languageId)) return 'all';
  const syntax = BY_LANGUAGE[languageId] ?? FALLBACK;
  // The first character of every delimiter, so most characters cost one Set lookup.
  const starts = new Set<number>();
  for (const d of [...syntax.line, ...syntax.block.map((b) => b[0]), ...syntax.strings]) starts.add(d.charCodeAt(0));
  const spans: number[] = [];
  const n = text.length;
  let i = 0;
  outer: while (i < n) {
    const c = text.charCodeAt(i);
    if (!starts.has(c)) {
      i++;
      continue;
    }
    for (const [open, close] of syntax.block) {
      if (text.startsWith(open, i)) {
        const end = blockEnd(text, i + open.length, open, close, syntax.nested === true);
        spans.push(i, end);
        i = end;
        continue outer;
      }
    }
    for (const l of syntax.line) {
      if (text.startsWith(l, i)) {
        let end = text.indexOf('\n', i);
        if (end < 0) end = n;
        spans.push(i, end);
        i = end;
        continue outer;
      }
    }
    for (const q of syntax.strings) {
      if (text.startsWith(q, i)) {
        const end = stringEnd(text, i + q.length, q);
        if (syntax.docstrings?.includes(q)) spans.push(i, end);
        i = end;
        continue outer;
      }
    }
    i++;
  }
  return Int32Array.from(spans);
}

function blockEnd(text: string, from: number, open: string, close: string, nested: boolean): number {
  let depth = 1;
  let i = from;
  while (i < text.length) {
    if (text.startsWith(close, i)) {
      i += close.length;
      if (--depth === 0) return i;
    } else if (nested && text.startsWith(open, i)) {
      i += open.length;
      depth++;
    } else i++;
  }
  return text.length;
}

/** After the opening quote: the offset after the closing one. Backslash escapes; short strings end at the line. */
function stringEnd(text: string, from: number, quote: string): number {
  const multiline = quote.length === 3 || quote === '`';
  let i = from;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\') i += 2;
    else if (text.startsWith(quote, i)) return i + quote.length;
    else if (c === '\n' && !multiline) return i;
    else i++;
  }
  return text.length;
}

/** Whether [start, end) lies inside one comment span (binary search). */
export function inComment(spans: CommentSpans, start: number, end = start): boolean {
  if (spans === 'all') return true;
  let lo = 0;
  let hi = spans.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = spans[2 * mid];
    const e = spans[2 * mid + 1];
    if (end <= s) hi = mid - 1;
    else if (start >= e) lo = mid + 1;
    else return start >= s && end <= e;
  }
  return false;
}
