/**
 * Whether each configured macro renders: KaTeX renders one use of it (every argument given) with the others
 * defined, so a macro that does not parse, loops (KaTeX stops after `maxExpand` expansions) or uses a bad
 * macro is found once, when the settings change, instead of breaking formulas on every render. Runs in the
 * render worker, where KaTeX is loaded.
 */
import katex from 'katex';
import { KATEX_OPTIONS } from './abstractRenderer';
import { katexMacros, sampleUse, type MacroProblem, type MathMacro } from './mathMacros';

/** The most HTML one use of a macro may render to; a real macro renders to a few kB at most. */
export const MAX_MACRO_OUTPUT_CHARS = 100_000;
/** A macro that fails takes its users down with it in the next round; chains longer than this are cut. */
const MAX_ROUNDS = 8;

export interface MacroCheck {
  readonly accepted: readonly MathMacro[];
  readonly rejected: readonly MacroProblem[];
}

function whyNot(macro: MathMacro, macros: Record<string, string>): string | undefined {
  let html: string;
  try {
    html = katex.renderToString(sampleUse(macro), { ...KATEX_OPTIONS, throwOnError: true, macros: { ...macros } });
  } catch (err) {
    if (err instanceof RangeError) return 'nests too deeply';
    const message = (err instanceof Error ? err.message : String(err)).replace(/^KaTeX parse error: /, '');
    return /too many expansions/i.test(message)
      ? `loops (KaTeX stopped after ${KATEX_OPTIONS.maxExpand} expansions)`
      : `does not render: ${message.slice(0, 200)}`;
  }
  return html.length > MAX_MACRO_OUTPUT_CHARS ? 'expands to too much (over 100 kB of HTML for one use)' : undefined;
}

export function checkMacros(macros: readonly MathMacro[]): MacroCheck {
  let accepted = [...macros];
  const rejected: MacroProblem[] = [];
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const defined = katexMacros(accepted);
    const failed = new Map<MathMacro, string>();
    for (const m of accepted) {
      const reason = whyNot(m, defined);
      if (reason) failed.set(m, reason);
    }
    if (failed.size === 0) return { accepted, rejected };
    for (const [m, reason] of failed) rejected.push({ setting: m.setting, name: m.name, reason });
    accepted = accepted.filter((m) => !failed.has(m));
  }
  for (const m of accepted)
    rejected.push({ setting: m.setting, name: m.name, reason: 'depends on a long chain of bad macros' });
  return { accepted: [], rejected };
}
