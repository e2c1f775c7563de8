/**
 * Hugging Face listings strip `$` and backslashes from TeX (`Lambda_rm MSR=1.11pm0.11`, `10~M_odot`,
 * `R\"ossler`). These rules put the math back as `$…$` Markdown, conservatively: each rule matches only a
 * shape that ordinary prose does not have ("5 pm", "sigma-algebra", "learning times" stay as they are).
 * Text that already carries `$` or `\(` kept its TeX and is returned unchanged.
 */

const GREEK = [
  'alpha',
  'beta',
  'gamma',
  'delta',
  'epsilon',
  'varepsilon',
  'zeta',
  'eta',
  'theta',
  'vartheta',
  'iota',
  'kappa',
  'lambda',
  'mu',
  'nu',
  'xi',
  'pi',
  'rho',
  'sigma',
  'tau',
  'upsilon',
  'phi',
  'varphi',
  'chi',
  'psi',
  'omega',
];
const GREEK_UPPER = ['Gamma', 'Delta', 'Theta', 'Lambda', 'Xi', 'Pi', 'Sigma', 'Upsilon', 'Phi', 'Psi', 'Omega'];
const GREEK_NAME = new RegExp(`^(?:${[...GREEK, ...GREEK_UPPER].join('|')})$`);
/** Subscripts that were symbol commands (`M_odot` is `M_\odot`, the solar mass). */
const SYMBOL_SUBSCRIPTS: Readonly<Record<string, string>> = {
  odot: '\\odot',
  sun: '\\odot',
  star: '\\star',
  ast: '\\ast',
};
const ACCENTS: Readonly<Record<string, string>> = {
  '"': '\u0308',
  "'": '\u0301',
  '`': '\u0300',
  '^': '\u0302',
  '~': '\u0303',
};

/** A math fragment is kept out of later rules by a placeholder of private-use characters (no digits or letters). */
const MARK = '\uE000';
const placeholder = (n: number) => `${MARK}${String.fromCharCode(0xe100 + n)}`;

function texSymbol(name: string): string {
  return GREEK_NAME.test(name) ? `\\${name}` : name;
}

/** A base of one letter is a variable (`G_F`); longer ones are names or units (`Li_2`, `yr^{-1}`). */
function texBase(base: string): string {
  if (/^\d+$/.test(base) || base.length === 1) return base;
  return GREEK_NAME.test(base) ? `\\${base}` : `\\mathrm{${base}}`;
}

function plusMinus(text: string): string {
  return text.replace(/\s?pm\s?/g, '\\pm ').replace(/\s+$/, '');
}

type Rule = readonly [pattern: RegExp, replace: (math: (tex: string) => string, ...groups: string[]) => string];

const NUMBER = String.raw`\d+(?:\.\d+)?`;

/** Code points that lost their `\u` and survive as `x2013` between numbers. */
const LOST_CODE_POINTS: Readonly<Record<string, string>> = { '2013': '\u2013', '2014': '\u2014', '2212': '\u2212' };
/** Relations whose backslash was stripped, glued to the number that follows (`approx10`). */
const GLUED_RELATIONS = ['approx', 'sim', 'leq', 'geq', 'lesssim', 'gtrsim', 'propto'];
const GREEK_ALTERNATION = [...GREEK, ...GREEK_UPPER].join('|');

const RULES: readonly Rule[] = [
  // `1.00x201312.14`: an en dash (or em dash, minus) lost as its code point, between numbers.
  [/(\d)x(2013|2014|2212)(\d)/g, (_m, a, cp, b) => `${a}${LOST_CODE_POINTS[cp]}${b}`],
  // ``word'' and `word': TeX quotes (a backtick would otherwise open a Markdown code span).
  [/(^|[\s(])``([^`'\n]{1,80})''/g, (_m, pre, q) => `${pre}\u201c${q}\u201d`],
  [/(^|[\s(])`([^`'\n]{1,80})'(?=[\s.,;:)]|$)/g, (_m, pre, q) => `${pre}\u2018${q}\u2019`],
  // `R\"ossler`, `Schr\"odinger`: accent commands on one letter.
  [/\\(["'`^~])\{?([A-Za-z])\}?/g, (_m, accent, letter) => `${letter}${ACCENTS[accent]}`.normalize('NFC')],
  [/\\textbf\{([^{}]*)\}|\{\\bf\s+([^{}]*)\}/g, (_m, a, b) => `**${a ?? b}**`],
  [/\\(?:emph|textit)\{([^{}]*)\}|\{\\(?:emph|em|it)\s+([^{}]*)\}/g, (_m, a, b) => `*${a ?? b}*`],
  [/\\([%&#])/g, (_m, ch) => ch],
  // `10~M_odot`: a TeX tie after a number is a non-breaking space.
  [/(\d)~(?=\S)/g, (_m, d) => `${d}\u00a0`],
  // `Lambda_rm MSR=1.11pm0.11`: `\Lambda_{\rm MSR}` with an optional relation and value.
  [
    new RegExp(String.raw`\b([A-Za-z]|[A-Z]?[a-z]+)_rm ([A-Za-z]+)(\s?[=<>]\s?${NUMBER}(?:\s?pm\s?${NUMBER})?)?`, 'g'),
    (math, base, label, rel) =>
      base.length > 1 && !GREEK_NAME.test(base)
        ? `${base}_rm ${label}${rel ?? ''}`
        : math(`${texSymbol(base)}_{\\rm ${label}}${plusMinus(rel ?? '')}`),
  ],
  // `3.42 pm 0.10`, `1.11pm0.11`: ± between numbers, one of them with decimals ("5 pm 6" stays text).
  [
    new RegExp(String.raw`(?<![\w.])(${NUMBER}) ?pm ?(${NUMBER})(?![\w.])`, 'g'),
    (math, a, b) => (a.includes('.') || b.includes('.') ? math(`${a}\\pm ${b}`) : `${a} pm ${b}`),
  ],
  // `1sigma`, `3times10`, `30times larger`: a number glued to a Greek letter or an operator name.
  [
    /(?<![\w.])(\d+(?:\.\d+)?)(sigma|times)(\d*)(?![\w])/g,
    (math, n, op, rest) => math(`${n}\\${op}${rest ? ` ${rest}` : ''}`),
  ],
  // `approx10`, `leq0.5`: a relation glued to a number is never a word.
  [
    new RegExp(String.raw`(?<![\w\\])(${GLUED_RELATIONS.join('|')})(${NUMBER})(?![\w])`, 'g'),
    (math, rel, n) => math(`\\${rel} ${n}`),
  ],
  // `alpha_1`, `sigma^2`, `lambda_{max}`: a Greek name with a sub- or superscript ("sigma" alone stays a word).
  [
    new RegExp(String.raw`(?<![\w\\])(${GREEK_ALTERNATION})([_^])(\{[-+]?[0-9A-Za-z]{1,6}\}|[0-9A-Za-z])(?![\w])`, 'g'),
    (math, name, op, script) => math(`\\${name}${op}${script}`),
  ],
  // `km,s^{-1}`: a unit product whose thin space `\,` lost its backslash.
  [/\b([a-z]{1,3}),([a-z]{1,3})\^\{([-+]?\d+)\}/g, (math, u, v, e) => math(`\\mathrm{${u}\\,${v}}^{${e}}`)],
  // `10^{-6}`, `yr^{-1}`: a braced exponent.
  [/(?<![\w\\])(\d+|[A-Za-z]{1,3})\^\{([-+]?[0-9A-Za-z]{1,4})\}/g, (math, base, e) => math(`${texBase(base)}^{${e}}`)],
  // `M_odot`, `Li_2`, `G_F`: a short base with a short subscript (snake_case words are longer and stay).
  [
    /(?<![\w\\])([A-Za-z]{1,3})_(odot|sun|star|ast|[A-Za-z0-9]{1,2})(?![\w])/g,
    (math, base, sub) => math(`${texBase(base)}_${SYMBOL_SUBSCRIPTS[sub] ?? (sub.length > 1 ? `{${sub}}` : sub)}`),
  ],
];

export function repairHfTex(text: string): string {
  if (/\$|\\\(|\\\[/.test(text)) return text;
  const fragments: string[] = [];
  const math = (tex: string) => {
    fragments.push(tex);
    return placeholder(fragments.length - 1);
  };
  let out = text;
  for (const [pattern, replace] of RULES) {
    out = out.replace(pattern, (...args: unknown[]) => {
      const groups = args.slice(1, -2).map((g) => (typeof g === 'string' ? g : undefined)) as string[];
      return replace(math, ...groups);
    });
  }
  return out.replace(
    new RegExp(`${MARK}([\\ue100-\\uefff])`, 'g'),
    (_m, c: string) => `$${fragments[c.charCodeAt(0) - 0xe100]}$`,
  );
}
