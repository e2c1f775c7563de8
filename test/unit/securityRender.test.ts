/**
 * An abstract must not freeze the extension host: macro definitions are refused, formulas and output are
 * capped, delimiters are found in one pass, and rendering runs in a worker that is stopped at a time limit.
 */
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { createAbstractRenderer } from '../../src/render/abstractRenderer';
import { LazyRenderer } from '../../src/render/lazyRenderer';
import { repairHfTex } from '../../src/render/texRepair';
import { MAX_FORMULA_CHARS, MAX_OUTPUT_CHARS, texRefusal } from '../../src/render/untrustedTex';
import { dangerousLinks, dangerousMarkup, FUZZ_SEED, fuzzAbstracts } from '../fixtures/fuzzAbstracts';
import { DEF_ABSTRACT, DEF_ABSTRACT_LONG, DEF_FORMULA } from '../fixtures/hostileText';

const md = createAbstractRenderer();
const katexSpans = (html: string) => (html.match(/class="katex"/g) ?? []).length;

describe('security: an abstract cannot freeze the extension host', () => {
  it('refuses every macro definition: the formula is shown as escaped source with a note', () => {
    for (const tex of [
      '\\def\\a{x}\\a',
      '\\gdef\\a{x}',
      '\\edef\\a{x}',
      '\\xdef\\a{x}',
      '\\let\\a=\\frac',
      '\\global\\let\\a\\b',
      '\\futurelet\\a\\b\\c',
      '\\newcommand{\\a}[1]{#1#1}',
      '\\renewcommand\\a{y}',
      '\\providecommand{\\a}{y}',
      '\\DeclareMathOperator*{\\argmax}{arg\\,max}',
    ]) {
      const html = md.render(`a $${tex}$ b`);
      assert.equal(katexSpans(html), 0, tex);
      assert.match(html, /class="tex-refused"/, tex);
      assert.match(html, /not rendered: it defines macros/, tex);
      assert.ok(html.includes(`<code>$${tex.replace(/&/g, '&#38;').replace(/</g, '&#60;')}$</code>`), html);
    }
  });

  it('renders commands whose names only start like one (\\left, \\lesssim, \\operatorname, \\delta)', () => {
    const html = md.render('$\\left( x \\right) \\lesssim \\operatorname{tr} \\delta \\leq \\letterspace$');
    assert.doesNotMatch(html, /tex-refused/);
    assert.equal(katexSpans(html), 1);
    assert.equal(texRefusal('\\define'), undefined);
  });

  it('the 766-character \\def abstract renders as text with the formula refused, small', () => {
    assert.equal(DEF_FORMULA.length, 766);
    const html = md.render(repairHfTex(DEF_ABSTRACT));
    assert.match(html, /^<p>We study the Lorenz system <span class="tex-refused">/);
    assert.ok(html.length < 2 * DEF_ABSTRACT.length, `${html.length} characters`);
    const long = md.render(repairHfTex(DEF_ABSTRACT_LONG));
    assert.equal((long.match(/class="tex-refused"/g) ?? []).length, 14);
    assert.ok(long.length < 2 * DEF_ABSTRACT_LONG.length, `${long.length} characters`);
  });

  it(`renders formulas up to ${MAX_FORMULA_CHARS} characters and refuses longer ones`, () => {
    const formula = (n: number) => `x${'+x'.repeat((n - 1) / 2)}`;
    assert.equal(formula(MAX_FORMULA_CHARS - 1).length, MAX_FORMULA_CHARS - 1);
    assert.equal(katexSpans(md.render(`$${formula(MAX_FORMULA_CHARS - 1)}$`)), 1);
    const refused = md.render(`$${formula(MAX_FORMULA_CHARS + 1)}$`);
    assert.equal(katexSpans(refused), 0);
    assert.match(refused, /not rendered: longer than 2,000 characters/);
  });

  it(`keeps an abstract's output under ${MAX_OUTPUT_CHARS} characters: later formulas are refused`, () => {
    // Each formula is under the length cap and renders to some 300 kB; five of them would pass the cap.
    const nested = `${'\\sqrt{'.repeat(280)}x${'}'.repeat(280)}`;
    const html = md.render(Array.from({ length: 5 }, () => `$${nested}$`).join(' and '));
    assert.ok(html.length <= MAX_OUTPUT_CHARS, `${html.length} characters`);
    assert.ok(katexSpans(html) >= 1, 'the first formulas render');
    assert.match(html, /not rendered: the abstract has too much math/);
  });

  it('shows text too long to render as escaped plain text with a note, under the cap', () => {
    const html = md.render('<b>&</b> '.repeat(50_000));
    assert.ok(html.length <= MAX_OUTPUT_CHARS, `${html.length} characters`);
    assert.match(html, /^<p class="render-note">This text is too long to render; shown as plain text\.<\/p>/);
    assert.doesNotMatch(html, /<b>/);
  });

  it('finds closing delimiters as before: escaped dollars skipped, \\) and \\] taken as written', () => {
    const cases: [string, RegExp][] = [
      ['$a\\$b$', /<annotation encoding="application\/x-tex">a\\\$b<\/annotation>/],
      ['x $$a\\$b$$ y', /<annotation encoding="application\/x-tex">a\\\$b<\/annotation>/],
      ['\\(\\{x\\}\\)', /<annotation encoding="application\/x-tex">\\\{x\\\}<\/annotation>/],
      ['\\(x\\) and \\(y\\)', /x<\/annotation>[\s\S]*y<\/annotation>/],
      ['$$\nx\n$$\n\n$$\ny\n$$', /x\n?<\/annotation>[\s\S]*y\n?<\/annotation>/],
      ['> $$\n> x\n> $$', /<blockquote>[\s\S]*katex-display[\s\S]*x<\/annotation>/],
    ];
    for (const [text, expected] of cases) assert.match(md.render(text), expected, text);
    assert.doesNotMatch(md.render('\\('.repeat(2000)), /katex/);
    assert.doesNotMatch(md.render('\\[x\n'.repeat(2000)), /katex/);
  });
});

describe('security: rendering runs in a worker with a time limit', function () {
  this.timeout(20_000);

  it('renders in the worker exactly what the renderer renders', async () => {
    const renderer = new LazyRenderer();
    try {
      for (const text of ['Lorenz $\\sigma = 10$ and $$\\dot x = \\sigma (y - x)$$', DEF_ABSTRACT, '[c](command:x)'])
        assert.equal(await renderer.render(text), md.render(text));
    } finally {
      renderer.dispose();
    }
  });

  it('stops a render past the time limit and shows the text escaped with a note; the next render works', async () => {
    const problems: string[] = [];
    const hanging = new LazyRenderer({
      timeLimitMs: 300,
      workerFile: join(__dirname, '..', 'fixtures', 'hangingRenderWorker.js'),
      onProblem: (m) => problems.push(m),
    });
    try {
      const html = await hanging.render('<b>x</b> $y$');
      assert.equal(
        html,
        '<p class="render-note">Rendering took longer than 0.3 s and was stopped; the text is shown as plain text.</p>\n' +
          '<p class="render-plain">&#60;b&#62;x&#60;/b&#62; $y$</p>\n',
      );
      assert.equal(problems.length, 1);
      // The stopped worker is replaced: the next render times out again, instead of waiting forever.
      assert.match(await hanging.render('z'), /render-note/);
    } finally {
      hanging.dispose();
    }
  });
});

describe('security: renderer fuzz', function () {
  this.timeout(120_000);
  // KaTeX warns on the console about characters it has no metrics for (random text has many).
  const warn = console.warn;
  before(() => {
    console.warn = () => undefined;
  });
  after(() => {
    console.warn = warn;
  });

  it('10,000 seeded random and hostile abstracts: no exception, no output over the cap, no link that runs something', () => {
    let longest = 0;
    for (const [i, text] of fuzzAbstracts(FUZZ_SEED, 10_000).entries()) {
      let html: string;
      try {
        html = md.render(repairHfTex(text));
      } catch (err) {
        assert.fail(`abstract ${i} threw ${String(err)}: ${JSON.stringify(text.slice(0, 300))}`);
      }
      longest = Math.max(longest, html.length);
      assert.ok(html.length <= MAX_OUTPUT_CHARS, `abstract ${i}: ${html.length} characters`);
      assert.deepEqual(dangerousLinks(html), [], `abstract ${i}: ${JSON.stringify(text.slice(0, 300))}`);
      assert.deepEqual(dangerousMarkup(html), [], `abstract ${i}: ${JSON.stringify(text.slice(0, 300))}`);
    }
    assert.ok(longest > 0);
  });

  it('the link and markup checks find what they are for', () => {
    assert.deepEqual(dangerousMarkup('<p>&lt;script&gt; onerror=x</p><img src="x" onerror="y"><script>'), [
      '<img src="x" onerror="y">',
      '<script>',
    ]);
    assert.deepEqual(
      dangerousLinks('<a href="java&#x09;script&colon;x">a</a> <img src=\'data:x\'> <a href="https://x">'),
      ['java&#x09;script&colon;x', 'data:x'],
    );
  });
});
