import katex from 'katex';
import MarkdownIt from 'markdown-it';
import { mathPlugin } from './mathPlugin';
import { isSafeLink } from './untrustedMarkdown';

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
 * The Markdown renderer for abstracts: raw HTML is escaped, links are only made from explicit Markdown syntax
 * and only to http, https and mailto, and math goes through KaTeX.
 */
export function createAbstractRenderer(): MarkdownIt {
  const md = new MarkdownIt({ html: false, linkify: false, typographer: false });
  // markdown-it's own check only blocks javascript:, vbscript:, file: and most data:; vscode: and command:
  // links would pass. Abstracts only ever need web and mail links.
  md.validateLink = isSafeLink;
  md.use(mathPlugin, renderTex);
  return md;
}
