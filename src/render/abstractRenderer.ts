import katex from 'katex';
import MarkdownIt from 'markdown-it';
import { mathPlugin } from './mathPlugin';

/** Text from the network is untrusted: KaTeX may not emit links, classes or styles from the source. */
const KATEX_OPTIONS: katex.KatexOptions = {
  throwOnError: false,
  trust: false,
  strict: 'ignore',
  output: 'htmlAndMathml',
  maxSize: 50,
  maxExpand: 1000,
};

export function renderTex(tex: string, displayMode: boolean): string {
  return katex.renderToString(tex, { ...KATEX_OPTIONS, displayMode });
}

/**
 * The Markdown renderer for abstracts and notes: raw HTML is escaped, links are only made from explicit
 * Markdown syntax with markdown-it's safe-URL check, and math goes through KaTeX.
 */
export function createAbstractRenderer(): MarkdownIt {
  const md = new MarkdownIt({ html: false, linkify: false, typographer: false });
  md.use(mathPlugin, renderTex);
  return md;
}
