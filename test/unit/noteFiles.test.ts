import * as assert from 'node:assert/strict';
import { annotationsFileName, noteFileName, noteStem, parseNotesFolder } from '../../src/notes/noteFileName';
import { notePaperId, parseFrontmatter, renderNote } from '../../src/notes/noteDocument';
import type { Paper } from '../../src/papers/paper';
import { abstractAsMarkdown } from '../../src/render/abstractMarkdown';

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*\.md$/;
const RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i;

describe('note file names', () => {
  it('keeps arXiv ids as they are', () => {
    assert.equal(noteFileName('2306.04406'), '2306.04406.md');
    assert.equal(noteFileName('2306.04406v2'), '2306.04406v2.md');
  });

  it('never leaves the folder, never uses a reserved or hidden name, and stays short', () => {
    const hostile = [
      '../../etc/passwd',
      '..',
      '.',
      '',
      'CON',
      'con',
      'nul.txt',
      'LPT1',
      'a/b\\c',
      '.hidden',
      'x'.repeat(500),
      'local:3f2a9c01bb7e',
      'hep-th/9901001',
      '<script>',
      'a\u0000b',
      ' ',
      '…',
      'COM1.tar',
    ];
    for (const id of hostile) {
      const name = noteFileName(id);
      assert.match(name, SAFE_NAME, `${JSON.stringify(id)} → ${name}`);
      assert.doesNotMatch(name, RESERVED, `${JSON.stringify(id)} → ${name}`);
      assert.ok(!name.includes('..') && !name.includes('/') && !name.includes('\\'), name);
      assert.ok(name.length <= 100, name);
    }
  });

  it('is stable and tells different ids apart', () => {
    assert.equal(noteStem('local:3f2a9c01bb7e'), noteStem('local:3f2a9c01bb7e'));
    assert.notEqual(noteStem('../../etc/passwd'), noteStem('etc/passwd'));
    assert.notEqual(noteStem('etc-passwd'), noteStem('etc/passwd'));
    assert.notEqual(noteStem('a'.repeat(300)), noteStem(`${'a'.repeat(299)}b`));
    assert.match(noteStem('local:3f2a9c01bb7e'), /^local-3f2a9c01bb7e-[0-9a-f]{8}$/);
    assert.match(noteStem('CON'), /^paper-CON-[0-9a-f]{8}$/);
  });

  it('puts annotations next to the note', () => {
    assert.equal(annotationsFileName('2306.04406.md'), '2306.04406.annotations.json');
  });

  it('accepts only folders inside the workspace', () => {
    assert.deepEqual(parseNotesFolder('papers/'), { segments: ['papers'] });
    assert.deepEqual(parseNotesFolder('./notes/papers'), { segments: ['notes', 'papers'] });
    for (const bad of ['../outside', '/etc', 'C:/x', 'a/../../b', 'CON', 'a:b'])
      assert.ok('error' in parseNotesFolder(bad), bad);
  });
});

const PAPER: Paper = {
  id: 'local:3f2a9c01bb7e',
  title: 'Structure: "Dynamics" of # Westerlund 1 <img src=x onerror=alert(1)>',
  abstract:
    'A ratio of Lambda_rm MSR=1.11pm0.11, only above 1 by 1sigma.\n\nSecond paragraph with G_F and <script>alert(1)</script>.',
  authors: ['Ada Lovelace', "O'Brien: Jr."],
  authorCount: 2,
  published: '2025-06-30',
};

describe('note documents', () => {
  const note = renderNote(PAPER);

  it('writes frontmatter that reads back exactly', () => {
    const fm = parseFrontmatter(note);
    assert.ok(fm);
    assert.equal(fm.id, PAPER.id);
    assert.equal(fm.arxiv, null);
    assert.equal(fm.title, PAPER.title);
    assert.deepEqual(fm.authors, PAPER.authors);
    assert.equal(fm.date, '2025-06-30');
    assert.deepEqual(fm.links, [
      'https://huggingface.co/papers?q=Structure%3A%20%22Dynamics%22%20of%20%23%20Westerlund%201%20%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E',
    ]);
    assert.deepEqual(fm.tags, ['paper']);
    assert.equal(notePaperId(note), PAPER.id);
  });

  it('lists arXiv links when the paper has an arXiv id', () => {
    const fm = parseFrontmatter(renderNote({ ...PAPER, id: '2306.04406', arxivId: '2306.04406' }));
    assert.equal(fm?.arxiv, '2306.04406');
    assert.deepEqual(fm?.links, [
      'https://arxiv.org/abs/2306.04406',
      'https://arxiv.org/pdf/2306.04406',
      'https://huggingface.co/papers/2306.04406',
    ]);
  });

  it('quotes the abstract with repaired math in dollars and raw HTML escaped', () => {
    assert.match(note, /^> A ratio of \$\\Lambda_\{\\rm MSR\}=1\.11\\pm 0\.11\$, only above 1 by \$1\\sigma\$\.$/m);
    assert.match(note, /^>$/m);
    assert.match(note, /^> Second paragraph with \$G_F\$ and &lt;script>alert\(1\)&lt;\/script>\.$/m);
    assert.match(note, /^# Structure: "Dynamics" of # Westerlund 1 &lt;img src=x onerror=alert\(1\)>$/m);
    assert.match(note, /\n## Notes\n/);
  });

  it('reads hand-written frontmatter: plain, single-quoted and flow lists', () => {
    const fm = parseFrontmatter(
      "---\nid: 2306.04406 # mine\ntitle: 'It''s'\ntags: [a, \"b c\"]\nlinks:\n  arxiv: x\n---\nbody",
    );
    assert.equal(fm?.id, '2306.04406');
    assert.equal(fm?.title, "It's");
    assert.deepEqual(fm?.tags, ['a', 'b c']);
    assert.equal(parseFrontmatter('no frontmatter'), undefined);
    assert.equal(notePaperId('---\ntitle: x\n---\n'), undefined);
  });

  it('copies an abstract as Markdown with dollar math', () => {
    assert.equal(abstractAsMarkdown('a \\(x\\) and \\[y\\] and 1sigma'), 'a $x$ and $$y$$ and 1sigma');
    assert.equal(abstractAsMarkdown('about 1sigma here'), 'about $1\\sigma$ here');
  });
});
