/**
 * KaTeX macros from the user's settings (`attractor.math.macros`, VS Code's `markdown.math.macros`): read,
 * bounded and merged here; whether each one renders is checked by KaTeX in the render worker (`macroCheck`).
 * These are the user's own settings, so they are trusted to be meant, but still bounded: a typo or a loop must
 * not cost more than a formula from the network may. No KaTeX here.
 */
import { definesMacros } from './untrustedTex';

export const ATTRACTOR_MACROS_SETTING = 'attractor.math.macros';
export const MARKDOWN_MACROS_SETTING = 'markdown.math.macros';
export type MacroSetting = typeof ATTRACTOR_MACROS_SETTING | typeof MARKDOWN_MACROS_SETTING;

/** More than any preamble of a paper needs; each macro is test-rendered once when the settings change. */
export const MAX_MACROS = 200;
/** The longest expansion: a macro longer than this is a formula, and formulas are capped at 2,000 characters. */
export const MAX_EXPANSION_CHARS = 500;

/** `\R`, `\norm`: a backslash and letters (KaTeX's own names also allow `@`, which TeX keeps for internals). */
const MACRO_NAME = /^\\[A-Za-z]{1,40}$/;

export interface MathMacro {
  readonly name: string;
  readonly expansion: string;
  readonly setting: MacroSetting;
}

export interface MacroProblem {
  readonly setting: MacroSetting;
  readonly name: string;
  readonly reason: string;
}

export interface MacroSet {
  readonly macros: readonly MathMacro[];
  readonly problems: readonly MacroProblem[];
}

/** One setting's value as macros: anything that is not a name mapped to a bounded string is left out, with why. */
export function readMacroSetting(setting: MacroSetting, value: unknown): MacroSet {
  if (value === undefined || value === null) return { macros: [], problems: [] };
  if (typeof value !== 'object' || Array.isArray(value))
    return {
      macros: [],
      problems: [{ setting, name: '(the setting)', reason: 'is not an object of macro name → expansion' }],
    };
  const macros: MathMacro[] = [];
  const problems: MacroProblem[] = [];
  for (const [name, expansion] of Object.entries(value as Record<string, unknown>)) {
    const reason = !MACRO_NAME.test(name)
      ? 'is not a macro name (a backslash and up to 40 letters, like "\\\\R")'
      : typeof expansion !== 'string'
        ? 'has an expansion that is not a string'
        : expansion.length > MAX_EXPANSION_CHARS
          ? `expands to more than ${MAX_EXPANSION_CHARS} characters`
          : definesMacros(expansion)
            ? 'defines macros itself (\\def, \\newcommand, …), which Attractor does not render'
            : macros.length >= MAX_MACROS
              ? `is past the first ${MAX_MACROS} macros`
              : undefined;
    if (reason) problems.push({ setting, name, reason });
    else macros.push({ name, expansion: expansion as string, setting });
  }
  return { macros, problems };
}

/**
 * Both settings as one set: `markdown.math.macros` first, `attractor.math.macros` over it (the more specific
 * setting wins a name both define), at most `MAX_MACROS` in all.
 */
export function mergeMacroSettings(markdownMath: unknown, attractorMath: unknown): MacroSet {
  const fromMarkdown = readMacroSetting(MARKDOWN_MACROS_SETTING, markdownMath);
  const fromAttractor = readMacroSetting(ATTRACTOR_MACROS_SETTING, attractorMath);
  const byName = new Map<string, MathMacro>();
  for (const m of [...fromMarkdown.macros, ...fromAttractor.macros]) {
    byName.delete(m.name);
    byName.set(m.name, m);
  }
  const all = [...byName.values()];
  const problems = [...fromMarkdown.problems, ...fromAttractor.problems];
  for (const m of all.slice(MAX_MACROS))
    problems.push({ setting: m.setting, name: m.name, reason: `is past the first ${MAX_MACROS} macros` });
  return { macros: all.slice(0, MAX_MACROS), problems };
}

/** The `macros` option KaTeX takes. */
export function katexMacros(macros: readonly MathMacro[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of macros) out[m.name] = m.expansion;
  return out;
}

/** How many arguments KaTeX gives a macro: the highest `#n` of its expansion (`##` is a literal `#`). */
export function macroArity(expansion: string): number {
  let arity = 0;
  for (const m of expansion.matchAll(/(#+)(\d?)/g)) {
    if (m[1].length % 2 === 1 && m[2]) arity = Math.max(arity, Number(m[2]));
  }
  return arity;
}

/** A use of the macro that gives it every argument it takes: what the worker test-renders. */
export function sampleUse(macro: MathMacro): string {
  return macro.name + '{x}'.repeat(macroArity(macro.expansion));
}

/** A stable text of the set, to tell whether the settings really changed. */
export function macroSetKey(set: MacroSet): string {
  return JSON.stringify([set.macros, set.problems]);
}

/** One line per problem, for the warning: ``\foo` in `attractor.math.macros` does not parse (…)`. */
export function describeProblem(p: MacroProblem): string {
  return `${p.name} in ${p.setting} ${p.reason}`;
}

const nameUse = (name: string) => new RegExp(`\\${name}(?![A-Za-z])`);

/**
 * `\def` lines for the macros a formula uses (and the macros those use), for renderers that take no macros
 * option from us: VS Code's Markdown preview renders notes with its own KaTeX and `markdown.math.macros` only.
 */
export function texPrelude(tex: string, macros: readonly MathMacro[]): string {
  const used = new Set<MathMacro>();
  const pending = [tex];
  while (pending.length) {
    const text = pending.pop() ?? '';
    for (const m of macros)
      if (!used.has(m) && nameUse(m.name).test(text)) {
        used.add(m);
        pending.push(m.expansion);
      }
  }
  let prelude = '';
  for (const m of used) {
    const params = Array.from({ length: macroArity(m.expansion) }, (_, i) => `#${i + 1}`).join('');
    prelude += `\\def${m.name}${params}{${m.expansion}}`;
  }
  return prelude;
}

/** The token types of math in markdown-it plugins (ours and `@vscode/markdown-it-katex`: `math_inline`, `math_block`, …). */
const isMathToken = (type: string) => type.startsWith('math_');

interface MarkdownToken {
  readonly type: string;
  content: string;
  readonly children: MarkdownToken[] | null;
}

/**
 * A markdown-it core rule (push it last): each formula gets the `\def`s of the macros it uses from
 * `macros()` in front, so whatever KaTeX renders it (VS Code's preview) expands them.
 */
export function prependMacroDefinitions(tokens: readonly MarkdownToken[], macros: readonly MathMacro[]): void {
  if (!macros.length) return;
  for (const token of tokens) {
    if (isMathToken(token.type)) token.content = texPrelude(token.content, macros) + token.content;
    if (token.children) prependMacroDefinitions(token.children, macros);
  }
}
