import katex from 'katex';
import MarkdownIt from 'markdown-it';
import { mathPlugin } from './mathPlugin';
import { isSafeLink } from './untrustedMarkdown';
import { MAX_OUTPUT_CHARS, plainTextHtml, refusedTexHtml, texRefusal } from './untrustedTex';

/** Text from the network is untrusted: KaTeX may not emit links, classes or styles from the source. */
export const KATEX_OPTIONS: katex.KatexOptions = {
  throwOnError: false,
  trust: false,
  strict: 'ignore',
  output: 'htmlAndMathml',
  maxSize: 50,
  maxExpand: 1000,
};

/**
 * What one render has spent of its output budget, and the user's macros (checked by `macroCheck`); markdown-it
 * hands this `env` to every math rule.
 */
interface RenderBudget {
  mathChars: number;
  readonly macros?: Readonly<Record<string, string>>;
}

function isBudget(env: unknown): env is RenderBudget {
  return typeof env === 'object' && env !== null && typeof (env as RenderBudget).mathChars === 'number';
}

/**
 * One formula to HTML, never throwing: macro definitions and overlong formulas are shown as their source,
 * and once an abstract's math has used the output budget the rest is too. KaTeX reports bad TeX itself
 * (`throwOnError: false`), but deep nesting overflows the stack with a RangeError: shown as the source too.
 */
export function renderTex(tex: string, displayMode: boolean, env?: unknown): string {
  const budget = isBudget(env) ? env : { mathChars: 0 };
  const refusal = budget.mathChars > MAX_OUTPUT_CHARS ? 'budget' : texRefusal(tex);
  if (refusal) return refusedTexHtml(tex, displayMode, refusal);
  let html: string;
  try {
    // A copy per formula: KaTeX writes into its `macros` object, and no formula may leave a macro for the next.
    const macros = budget.macros && { ...budget.macros };
    html = katex.renderToString(tex, { ...KATEX_OPTIONS, displayMode, macros });
  } catch {
    html = refusedTexHtml(tex, displayMode, 'nesting');
  }
  budget.mathChars += html.length;
  return budget.mathChars > MAX_OUTPUT_CHARS ? refusedTexHtml(tex, displayMode, 'budget') : html;
}

/** Renders untrusted Markdown with math to HTML no longer than `MAX_OUTPUT_CHARS`; never throws. */
export interface AbstractRenderer {
  render(markdown: string): string;
  /** The macros every later render defines (already checked: see `macroCheck`). */
  useMacros(macros: Readonly<Record<string, string>>): void;
}

/**
 * The Markdown renderer for abstracts: raw HTML is escaped, links are only made from explicit Markdown syntax
 * and only to http, https and mailto, and math goes through KaTeX within the limits of `untrustedTex`.
 */
export function createAbstractRenderer(): AbstractRenderer {
  const md = new MarkdownIt({ html: false, linkify: false, typographer: false });
  // markdown-it's own check only blocks javascript:, vbscript:, file: and most data:; vscode: and command:
  // links would pass. Abstracts only ever need web and mail links.
  md.validateLink = isSafeLink;
  md.use(mathPlugin, renderTex);
  let macros: Readonly<Record<string, string>> | undefined;
  return {
    useMacros(next) {
      macros = Object.keys(next).length ? { ...next } : undefined;
    },
    render(markdown) {
      let html: string;
      try {
        html = md.render(markdown, { mathChars: 0, macros } satisfies RenderBudget);
      } catch (err) {
        return plainTextHtml(
          markdown,
          `This text could not be rendered (${String(err).slice(0, 200)}); shown as plain text.`,
        );
      }
      return html.length > MAX_OUTPUT_CHARS
        ? plainTextHtml(markdown, 'This text is too long to render; shown as plain text.')
        : html;
    },
  };
}
