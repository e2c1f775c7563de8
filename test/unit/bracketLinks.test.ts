import * as assert from 'node:assert/strict';
import MarkdownIt from 'markdown-it';
import {
  findPaperLinks,
  paperLinkAt,
  paperLinksPlugin,
  parsePaperRef,
  type PaperLinkResolver,
} from '../../src/notes/bracketLinks';

const resolver: PaperLinkResolver = (ref) => {
  if (ref.kind === 'arxiv' && ref.arxivId === '2306.04406')
    return { title: 'Reconstructing <Chaos> & Co', href: 'https://arxiv.org/abs/2306.04406' };
  if (ref.kind === 'key' && ref.key === 'local:abc123')
    return { title: 'A seed paper', href: '/papers/local-abc123-0000.md' };
  if (ref.kind === 'key' && ref.key === 'evil') return { title: 'x', href: 'javascript:alert(1)' };
  return undefined;
};

function render(text: string): string {
  const md = new MarkdownIt({ html: false });
  md.use(paperLinksPlugin, resolver);
  return md.render(text);
}

describe('paper links', () => {
  it('parses arXiv ids, old-style ids and keys', () => {
    assert.deepEqual(parsePaperRef('arXiv:2306.04406'), { kind: 'arxiv', arxivId: '2306.04406' });
    assert.deepEqual(parsePaperRef('arxiv: 2306.04406v2'), { kind: 'arxiv', arxivId: '2306.04406v2' });
    assert.deepEqual(parsePaperRef('arXiv:hep-th/9901001'), { kind: 'arxiv', arxivId: 'hep-th/9901001' });
    assert.deepEqual(parsePaperRef('local:abc123'), { kind: 'key', key: 'local:abc123' });
    assert.equal(parsePaperRef('two words'), undefined);
    assert.equal(parsePaperRef('<script>'), undefined);
  });

  it('finds links on a line and the one under the cursor', () => {
    const line = 'see [[arXiv:2306.04406]] and [[local:abc123]].';
    assert.deepEqual(
      findPaperLinks(line).map((l) => l.inner),
      ['arXiv:2306.04406', 'local:abc123'],
    );
    assert.equal(paperLinkAt(line, 10)?.inner, 'arXiv:2306.04406');
    assert.equal(paperLinkAt(line, 2), undefined);
  });

  it('renders a known paper as a link titled with the paper, escaped', () => {
    const html = render('Read [[arXiv:2306.04406]] today.');
    assert.match(
      html,
      /<a href="https:\/\/arxiv\.org\/abs\/2306\.04406" title="arXiv:2306\.04406" class="attractor-paper-link">Reconstructing &lt;Chaos&gt; &amp; Co<\/a>/,
    );
  });

  it('links a library id to its note', () => {
    assert.match(render('[[local:abc123]]'), /<a href="\/papers\/local-abc123-0000\.md"[^>]*>A seed paper<\/a>/);
  });

  it('links unknown arXiv ids to arXiv and leaves other unknown links as text', () => {
    assert.match(
      render('[[arXiv:2401.00001]]'),
      /<a href="https:\/\/arxiv\.org\/abs\/2401\.00001"[^>]*>arXiv:2401\.00001<\/a>/,
    );
    assert.equal(render('[[Some wiki page]] [[unknown]]'), '<p>[[Some wiki page]] [[unknown]]</p>\n');
  });

  it('never emits a javascript: link or raw HTML', () => {
    const html = render('[[evil]] [[arXiv:<img src=x onerror=alert(1)>]] [[<script>alert(1)</script>]]');
    assert.doesNotMatch(html, /javascript:|<img|<script/);
  });

  it('leaves ordinary Markdown links alone', () => {
    assert.equal(render('[a](https://e.org) [b]'), '<p><a href="https://e.org">a</a> [b]</p>\n');
  });
});
