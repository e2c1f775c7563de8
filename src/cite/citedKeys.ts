/**
 * Cite keys as LaTeX and Pandoc (Markdown, Quarto) write them: `\cite{a,b}`, `\citep[p.~3]{a}`, `\textcite{a}`,
 * `\nocite{a}`…; `[@a]`, `[see @a, p. 3; @b]`, `@a says`.
 */

/** Characters of a Pandoc citation key (Pandoc's manual: letters, digits, `_`, and internal `:.#$%&-+?<>~/`). */
const PANDOC_KEY = String.raw`[\w][\w:.#$%&+?<>~/-]*`;
const PANDOC = new RegExp(String.raw`(?<![\w@\\])-?@(${PANDOC_KEY})`, 'g');
/** Quarto's cross-reference prefixes: `@fig-x` is a figure, not a citation. */
const CROSSREF = /^(?:fig|tbl|sec|eq|lst|thm|lem|cor|prp|cnj|def|exm|exr|sol|rem|alg|apx)-/;
const LATEX = /\\[A-Za-z]*cite[A-Za-z]*\*?(?:\s*\[[^\]]*\]){0,2}\s*\{([^}]*)\}/g;

export type CiteLanguage = 'latex' | 'pandoc';

export function citeLanguageOf(languageId: string, fileName: string): CiteLanguage | undefined {
  if (languageId === 'latex' || languageId === 'tex' || /\.tex$/i.test(fileName)) return 'latex';
  if (languageId === 'markdown' || languageId === 'quarto' || /\.(?:md|qmd|rmd)$/i.test(fileName)) return 'pandoc';
  return undefined;
}

/** LaTeX comments (an unescaped `%` to the end of the line) are not read: a commented-out cite is not a cite. */
function stripTexComments(text: string): string {
  return text.replace(/(^|[^\\])%.*$/gm, '$1');
}

/** Keys cited in a text, each once, in order of first use. */
export function citedKeys(text: string, language: CiteLanguage): string[] {
  const keys = new Set<string>();
  if (language === 'latex') {
    for (const m of stripTexComments(text).matchAll(LATEX))
      for (const k of m[1].split(',')) if (k.trim()) keys.add(k.trim());
  } else {
    // Code spans and fences hold code, not citations (`user@host`, decorators).
    const prose = text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '');
    for (const m of prose.matchAll(PANDOC)) {
      const key = m[1].replace(/[.:?]+$/, ''); // a key ends before the sentence's punctuation
      if (!CROSSREF.test(key)) keys.add(key);
    }
  }
  return [...keys];
}

/** When the cursor is where a cite key is typed: the part of the key typed so far. */
export function citeKeyPrefix(lineBefore: string, language: CiteLanguage): string | undefined {
  if (language === 'latex') {
    const m = /\\[A-Za-z]*cite[A-Za-z]*\*?(?:\s*\[[^\]]*\]){0,2}\s*\{([^}]*)$/.exec(lineBefore);
    return m ? m[1].slice(m[1].lastIndexOf(',') + 1).trimStart() : undefined;
  }
  const m = new RegExp(String.raw`(?<![\w@\\])-?@((?:${PANDOC_KEY})?)$`).exec(lineBefore);
  return m ? m[1] : undefined;
}
