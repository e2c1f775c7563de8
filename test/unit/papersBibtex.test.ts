import * as assert from 'node:assert/strict';
import { citeKey, escapeBibtex, splitName, toBibtex, toBibtexFile } from '../../src/papers/bibtex';
import type { Paper } from '../../src/papers/paper';

const paper: Paper = {
  id: '2306.04406',
  arxivId: '2306.04406',
  arxivVersion: 2,
  title: 'Generalized Teacher Forcing for Learning Chaotic Dynamics',
  abstract: '…',
  authors: ['Florian Hess', 'Zahra Monfared', 'Manuel Brenner', 'Daniel Durstewitz'],
  authorCount: 4,
  published: '2023-06-07',
  categories: ['cs.LG', 'math.DS'],
};

describe('papers: BibTeX', () => {
  it('writes an arXiv @misc entry with eprint fields', () => {
    assert.equal(
      toBibtex(paper),
      [
        '@misc{hess2023generalized,',
        '  title         = {{Generalized Teacher Forcing for Learning Chaotic Dynamics}},',
        '  author        = {Hess, Florian and Monfared, Zahra and Brenner, Manuel and Durstewitz, Daniel},',
        '  year          = {2023},',
        '  eprint        = {2306.04406},',
        '  archivePrefix = {arXiv},',
        '  primaryClass  = {cs.LG},',
        '  url           = {https://arxiv.org/abs/2306.04406}',
        '}',
      ].join('\n'),
    );
  });

  it('makes stable, ASCII cite keys', () => {
    assert.equal(citeKey(paper), 'hess2023generalized');
    assert.equal(
      citeKey({ ...paper, authors: ['Erwin Schrödinger'], title: 'The Entropy of $\\alpha$-Flows' }),
      'schrodinger2023entropy',
    );
    assert.equal(citeKey({ ...paper, authors: ['Ludwig van der Berg'] }), 'berg2023generalized');
    assert.equal(citeKey({ ...paper, authors: [] }), 'anon2023generalized');
    assert.equal(citeKey(paper), citeKey({ ...paper }));
  });

  it('splits names with particles and commas', () => {
    assert.deepEqual(splitName('Jane Q. van der Berg'), { first: 'Jane Q.', last: 'van der Berg' });
    assert.deepEqual(splitName('Curie, Marie'), { first: 'Marie', last: 'Curie' });
    assert.deepEqual(splitName('Plato'), { first: '', last: 'Plato' });
  });

  it('escapes special characters but keeps inline math', () => {
    assert.equal(
      escapeBibtex('50% of R&D_costs #1 {x} ~ ^ \\'),
      '50\\% of R\\&D\\_costs \\#1 \\{x\\} \\textasciitilde{} \\textasciicircum{} \\textbackslash{}',
    );
    assert.equal(escapeBibtex('Rates $\\lambda_{max}$ & more'), 'Rates $\\lambda_{max}$ \\& more');
    assert.equal(escapeBibtex('a lone $ sign'), 'a lone \\$ sign');
    assert.ok(!toBibtex({ ...paper, title: 'A <script>alert(1)</script> & B' }).includes(' & '));
  });

  it('writes a local paper without arXiv fields, and unique keys in a file', () => {
    const local: Paper = {
      id: 'local:abc',
      title: 'On Neural Differential Equations',
      abstract: '',
      authors: [],
      authorCount: 1,
      published: '2022-02-04',
    };
    const entry = toBibtex(local);
    assert.match(entry, /^@misc\{anon2022neural,/);
    assert.ok(!entry.includes('eprint'));
    assert.match(entry, /note {10}= \{Listed in Hugging Face Daily Papers/);
    const file = toBibtexFile([
      paper,
      { ...paper, id: 'x', arxivId: '2306.00001' },
      { ...paper, id: 'y', arxivId: '2306.00002' },
    ]);
    assert.deepEqual(
      [...file.matchAll(/@misc\{([^,]+),/g)].map((m) => m[1]),
      ['hess2023generalized', 'hess2023generalizeda', 'hess2023generalizedb'],
    );
    assert.equal((file.match(/^@misc/gm) ?? []).length, 3);
    assert.equal((file.match(/\{/g) ?? []).length, (file.match(/\}/g) ?? []).length, 'braces balance');
  });
});
