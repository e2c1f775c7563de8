import * as assert from 'node:assert/strict';
import { createAbstractRenderer } from '../../src/render/abstractRenderer';

const md = createAbstractRenderer();
const render = (text: string) => md.render(text);

describe('abstract renderer', () => {
  it('renders all four math delimiters with KaTeX', () => {
    for (const text of ['a $x_t$ b', 'a \\(x_t\\) b', 'a $$x_t$$ b', 'a \\[x_t\\] b', '$$\nx_t\n$$']) {
      assert.match(render(text), /class="katex/, text);
    }
    assert.match(render('a $$x$$ b'), /katex-display/);
  });

  it('leaves prices and lone dollars as text', () => {
    assert.doesNotMatch(render('costs $5 and $10'), /katex/);
    assert.doesNotMatch(render('a $ b'), /katex/);
  });

  it('escapes raw HTML and refuses script links', () => {
    const html = render('<script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1))');
    assert.doesNotMatch(html, /<script|<img/);
    assert.doesNotMatch(html, /href="javascript/);
  });

  it('renders KaTeX with trust off: no links, classes or raw HTML from TeX', () => {
    const html = render('$\\href{javascript:alert(1)}{x}$ $\\url{https://e.org}$ $\\htmlClass{evil}{y}$');
    assert.doesNotMatch(html, /<a /);
    assert.doesNotMatch(html, /class="evil"/);
  });

  it('shows bad TeX as a visible error instead of throwing', () => {
    assert.match(render('$\\frac{1}{$ and $x^{$'), /katex-error|\$/);
  });
});
