import * as assert from 'assert';
import { checkMacros } from '../../src/render/macroCheck';
import { createAbstractRenderer } from '../../src/render/abstractRenderer';
import { LazyRenderer } from '../../src/render/lazyRenderer';
import {
  katexMacros,
  macroArity,
  MAX_EXPANSION_CHARS,
  MAX_MACROS,
  mergeMacroSettings,
  readMacroSetting,
  sampleUse,
  prependMacroDefinitions,
  texPrelude,
  type MathMacro,
} from '../../src/render/mathMacros';

const A = 'attractor.math.macros';
const M = 'markdown.math.macros';
const macro = (name: string, expansion: string): MathMacro => ({ name, expansion, setting: A });

describe('math macros: reading and merging the settings', () => {
  it('keeps names mapped to strings and says why each other entry is left out', () => {
    const set = readMacroSetting(A, {
      '\\R': '\\mathbb{R}',
      R: '\\mathbb{R}',
      '\\x1': 'x',
      '\\n': 3,
      '\\long': 'x'.repeat(MAX_EXPANSION_CHARS + 1),
      '\\d': '\\def\\y{z}',
    });
    assert.deepEqual(set.macros, [macro('\\R', '\\mathbb{R}')]);
    assert.deepEqual(
      set.problems.map((p) => [p.name, p.reason.split(' ').slice(0, 3).join(' ')]),
      [
        ['R', 'is not a'],
        ['\\x1', 'is not a'],
        ['\\n', 'has an expansion'],
        ['\\long', 'expands to more'],
        ['\\d', 'defines macros itself'],
      ],
    );
    assert.deepEqual(readMacroSetting(A, undefined), { macros: [], problems: [] });
    assert.equal(readMacroSetting(A, ['\\R']).problems.length, 1);
  });

  it('caps the count at MAX_MACROS across both settings', () => {
    const name = (i: number) =>
      `\\m${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}`;
    const many = Object.fromEntries(Array.from({ length: MAX_MACROS + 5 }, (_, i) => [name(i), 'x']));
    const set = mergeMacroSettings(undefined, many);
    assert.equal(set.macros.length, MAX_MACROS);
    assert.equal(set.problems.length, 5);
    assert.ok(set.problems.every((p) => /past the first 200/.test(p.reason)));
  });

  it('attractor.math.macros wins a name markdown.math.macros also defines; each macro names its setting', () => {
    const set = mergeMacroSettings({ '\\R': '\\mathbf{R}', '\\C': '\\mathbb{C}' }, { '\\R': '\\mathbb{R}' });
    assert.deepEqual(katexMacros(set.macros), { '\\C': '\\mathbb{C}', '\\R': '\\mathbb{R}' });
    assert.deepEqual(
      set.macros.map((m) => [m.name, m.setting]),
      [
        ['\\C', M],
        ['\\R', A],
      ],
    );
  });

  it('counts arguments as KaTeX does (## is a literal #)', () => {
    assert.equal(macroArity('\\mathbb{R}'), 0);
    assert.equal(macroArity('\\left\\lVert #1 \\right\\rVert_{#2}'), 2);
    assert.equal(macroArity('##1'), 0);
    assert.equal(sampleUse(macro('\\ip', '\\langle #1, #2 \\rangle')), '\\ip{x}{x}');
  });
});

describe('math macros: checked by KaTeX', () => {
  it('accepts macros that render, with arguments and using each other', () => {
    const ok = [
      macro('\\R', '\\mathbb{R}'),
      macro('\\norm', '\\left\\lVert #1 \\right\\rVert'),
      macro('\\Rn', '\\R^n'),
    ];
    assert.deepEqual(checkMacros(ok), { accepted: ok, rejected: [] });
  });

  it('rejects a macro that does not parse, one that loops and one that uses a rejected one; keeps the rest', () => {
    const check = checkMacros([
      macro('\\R', '\\mathbb{R}'),
      macro('\\bad', '\\frac{'),
      macro('\\loop', '\\loop x'),
      macro('\\usesbad', '\\bad y'),
    ]);
    assert.deepEqual(
      check.accepted.map((m) => m.name),
      ['\\R'],
    );
    const reasons = new Map(check.rejected.map((p) => [p.name, p.reason]));
    assert.match(reasons.get('\\bad') ?? '', /^does not render/);
    assert.match(reasons.get('\\loop') ?? '', /^loops/);
    assert.ok(reasons.has('\\usesbad'));
  });

  it('a rendered abstract expands the accepted macros and still refuses a \\def in the text', () => {
    const md = createAbstractRenderer();
    const without = md.render('State space $\\Rset^3$.');
    md.useMacros(katexMacros(checkMacros([macro('\\Rset', '\\mathbb{R}')]).accepted));
    const html = md.render('State space $\\Rset^3$ and $\\def\\x{y}\\x$.');
    // KaTeX shows an undefined control sequence as its name in red.
    assert.match(without, /mathcolor="#cc0000"><mtext>\\Rset/, 'without the macro \\Rset is undefined');
    assert.doesNotMatch(html, /#cc0000/);
    assert.match(html, /mathbb|<mi mathvariant="double-struck">R<\/mi>/);
    assert.match(html, /tex-refused/);
    // A formula cannot leave a macro behind for the next render.
    assert.doesNotMatch(md.render('$\\x$'), /<mi>y<\/mi>/);
  });
});

describe('math macros: in the render worker', function () {
  this.timeout(20_000);

  it('renders with the macros set, reports the bad one on each check and renders again after a change', async () => {
    const renderer = new LazyRenderer();
    const checks: string[][] = [];
    renderer.onDidCheckMacros((c) => checks.push(c.rejected.map((p) => p.name)));
    let changes = 0;
    renderer.onDidChangeMacros(() => changes++);
    try {
      renderer.setMacros([macro('\\Rset', '\\mathbb{R}'), macro('\\bad', '\\frac{')]);
      renderer.setMacros([macro('\\Rset', '\\mathbb{R}'), macro('\\bad', '\\frac{')]);
      assert.equal(changes, 1, 'the same macros again are no change');
      const html = await renderer.render('$\\Rset^n$ and $\\bad$ and $x^2$');
      assert.match(html, /double-struck/);
      assert.match(html, /mathcolor="#cc0000"><mtext>\\bad/);
      assert.deepEqual(checks, [['\\bad']]);
      assert.deepEqual(
        (await renderer.checkMacros()).rejected.map((p) => p.name),
        ['\\bad'],
      );
      assert.equal(checks.length, 1, 'checked once for these macros');
      renderer.setMacros([]);
      assert.doesNotMatch(await renderer.render('$\\Rset$'), /double-struck/);
    } finally {
      renderer.dispose();
    }
  });
});

describe('math macros: for the Markdown preview', () => {
  it('puts the \\def of each macro a formula uses (and those they use) in front of it', () => {
    const macros = [macro('\\Rset', '\\mathbb{R}'), macro('\\Rn', '\\Rset^{#1}'), macro('\\unused', 'u')];
    assert.equal(texPrelude('x \\in \\Rn{3}', macros), '\\def\\Rn#1{\\Rset^{#1}}\\def\\Rset{\\mathbb{R}}');
    assert.equal(texPrelude('\\Rsetx', macros), '', 'a longer name is another command');
    const tokens = [
      { type: 'inline', content: '', children: [{ type: 'math_inline', content: '\\Rset', children: null }] },
      { type: 'math_block', content: 'y', children: null },
    ];
    prependMacroDefinitions(tokens, macros);
    assert.equal(tokens[0].children?.[0].content, '\\def\\Rset{\\mathbb{R}}\\Rset');
    assert.equal(tokens[1].content, 'y');
  });
});
