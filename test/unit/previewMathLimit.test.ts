import * as assert from 'node:assert/strict';
import katex from 'katex';
import MarkdownIt from 'markdown-it';
import { mathPlugin } from '../../src/render/mathPlugin';
import { MAX_PREVIEW_FORMULA_CHARS, previewMathLimitPlugin } from '../../src/notes/previewMathLimit';

/** A markdown-it like the preview's: a math plugin that makes `math_*` tokens (ours, named like VS Code's) and the limit. */
function render(text: string): string {
  const md = new MarkdownIt({ html: false });
  md.use(mathPlugin, (tex: string, displayMode: boolean) =>
    katex.renderToString(tex, { displayMode, throwOnError: false }),
  );
  md.use(previewMathLimitPlugin);
  return md.render(text);
}

describe('formula length limit of the Markdown preview', () => {
  const long = `${'x^{2}+'.repeat(Math.ceil(MAX_PREVIEW_FORMULA_CHARS / 6))}1`;

  it('shows an overlong inline formula as its source with a note, and renders the short one beside it', () => {
    const html = render(`A $a^2$ and $${long}$ end.`);
    assert.equal((html.match(/class="katex"/g) ?? []).length, 1, 'only the short formula went to KaTeX');
    assert.ok(html.includes(`<code>$${long}$</code> (not rendered in the preview: longer than 10,000 characters)`));
    assert.ok(html.includes(' end.'));
  });

  it('shows an overlong display formula as a code block whose last line is a TeX comment', () => {
    const html = render(`$$\n${long}\n$$\n`);
    assert.doesNotMatch(html, /katex/);
    assert.match(
      html,
      /<pre><code>\$\$[^<]*\$\$\n% not rendered in the preview: longer than 10,000 characters\n<\/code><\/pre>/,
    );
  });

  it('leaves a formula at the limit alone', () => {
    const atLimit = 'x'.repeat(MAX_PREVIEW_FORMULA_CHARS);
    assert.match(render(`$${atLimit}$`), /class="katex"/);
  });
});
