import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BibParseError, mergeBib, parseBib } from '../../src/cite/bibFile';
import { planBibliography } from '../../src/cite/bibliographyPlan';
import { CitationFinder, citationHoverMarkdown, resolveCitation } from '../../src/cite/citationFinder';
import { findCitations, type CitationRef } from '../../src/cite/citationRefs';
import { commentSpans, inComment } from '../../src/cite/commentSpans';
import { citedKeys, citeKeyPrefix } from '../../src/cite/citedKeys';
import { toBibtex } from '../../src/papers/bibtex';
import { PaperLibrary, titleKey } from '../../src/papers/library/library';
import { openLibraryDb } from '../../src/papers/library/libraryDb';
import { CITE_COLUMNS_SCHEMA, MIGRATIONS } from '../../src/papers/library/schemaDb';
import type { Paper } from '../../src/papers/paper';
import { parseArxivAtom } from '../../src/papers/sources/arxiv';
import { jatsToText, parseCrossrefWork } from '../../src/papers/sources/crossref';
import { arxivEntry, arxivFeed, crossrefWork } from './papersFixtures';

const GTF: Paper = {
  id: '2306.04406',
  arxivId: '2306.04406',
  title: 'Generalized Teacher Forcing for Learning Chaotic Dynamics',
  abstract: 'Chaotic dynamical systems (DS) are ubiquitous in nature and society.',
  authors: ['Florian Hess', 'Zahra Monfared', 'Manuel Brenner', 'Daniel Durstewitz'],
  authorCount: 4,
  published: '2023-06-07',
  categories: ['cs.LG'],
};
const VLACHAS: Paper = {
  id: '1910.05266',
  arxivId: '1910.05266',
  title:
    'Backpropagation Algorithms and Reservoir Computing in Recurrent Neural Networks for the Forecasting of Complex Spatiotemporal Dynamics',
  abstract: 'We examine the efficiency of Recurrent Neural Networks.',
  authors: ['Pantelis R. Vlachas', 'Jaideep Pathak'],
  authorCount: 2,
  published: '2019-10-09',
  journalRef: 'Neural Networks 126 (2020) 191-217',
  links: { doi: 'https://doi.org/10.1016/j.neunet.2020.02.016' },
};

function refsOf(line: string): CitationRef[] {
  return findCitations(line).map((c) => c.ref);
}

describe('cite: references in text', () => {
  const positives: [string, CitationRef, string][] = [
    ['see arXiv:2306.04406 for details', { kind: 'arxiv', id: '2306.04406' }, 'arXiv:2306.04406'],
    ['ARXIV: 2306.04406v2', { kind: 'arxiv', id: '2306.04406', version: 2 }, 'ARXIV: 2306.04406v2'],
    ['# 2306.04406v2 trained here', { kind: 'arxiv', id: '2306.04406', version: 2 }, '2306.04406v2'],
    ['(1910.05266)', { kind: 'arxiv', id: '1910.05266' }, '1910.05266'],
    ['Vlachas 0712.1234.', { kind: 'arxiv', id: '0712.1234' }, '0712.1234'],
    ['https://arxiv.org/abs/2306.04406', { kind: 'arxiv', id: '2306.04406' }, 'https://arxiv.org/abs/2306.04406'],
    [
      'arxiv.org/pdf/2306.04406v3.pdf',
      { kind: 'arxiv', id: '2306.04406', version: 3 },
      'arxiv.org/pdf/2306.04406v3.pdf',
    ],
    [
      'http://export.arxiv.org/abs/math/0211159',
      { kind: 'arxiv', id: 'math/0211159' },
      'http://export.arxiv.org/abs/math/0211159',
    ],
    ['arXiv:hep-th/9901001v1', { kind: 'arxiv', id: 'hep-th/9901001', version: 1 }, 'arXiv:hep-th/9901001v1'],
    [
      'doi 10.1103/PhysRevE.101.012345.',
      { kind: 'doi', doi: '10.1103/PhysRevE.101.012345' },
      '10.1103/PhysRevE.101.012345',
    ],
    ['doi:10.1038/nature14539', { kind: 'doi', doi: '10.1038/nature14539' }, 'doi:10.1038/nature14539'],
    [
      'https://doi.org/10.1016/j.physd.2020.132541,',
      { kind: 'doi', doi: '10.1016/j.physd.2020.132541' },
      'https://doi.org/10.1016/j.physd.2020.132541',
    ],
    [
      '(see 10.1002/(SICI)1097-0258(19980815)17:15)',
      { kind: 'doi', doi: '10.1002/(SICI)1097-0258(19980815)17:15' },
      '10.1002/(SICI)1097-0258(19980815)17:15',
    ],
    // arXiv's own DOIs name the arXiv paper.
    ['doi:10.48550/arXiv.2306.04406', { kind: 'arxiv', id: '2306.04406' }, 'doi:10.48550/arXiv.2306.04406'],
    [
      'https://doi.org/10.48550/ARXIV.2306.04406v2.',
      { kind: 'arxiv', id: '2306.04406', version: 2 },
      'https://doi.org/10.48550/ARXIV.2306.04406v2',
    ],
    ['[[arXiv:2306.04406]]', { kind: 'arxiv', id: '2306.04406' }, '[[arXiv:2306.04406]]'],
    ['[[hess2023generalized]]', { kind: 'key', key: 'hess2023generalized' }, '[[hess2023generalized]]'],
  ];
  for (const [line, ref, text] of positives) {
    it(`reads ${JSON.stringify(line)}`, () => {
      const found = findCitations(line);
      assert.equal(found.length, 1, JSON.stringify(found));
      assert.deepEqual(found[0].ref, ref);
      assert.equal(line.slice(found[0].start, found[0].end), text);
    });
  }

  const negatives = [
    'x = 3.14159',
    'version 1.2.3 and 2.71828',
    '192.168.1.1',
    '12306.04406', // part of a longer number
    '2306.044061',
    '2313.04406', // month 13
    '2306.04406.1', // a dotted version number
    '1501.1234', // 4 digits after 2015
    '1412.12345', // 5 digits before 2015
    '0612.1234', // before the new style
    'path/to/2306.04406',
    'v2306.04406',
    'math/0211159', // old style needs a prefix or link
    'https://example.com/abs/2306.04406',
    '10.1234', // no suffix
    '10.12/abc', // registrant too short
    'sha 10.12345/', // empty suffix
    '[[not a key with spaces]]',
    'an email a10.1234/x@y.org', // inside a word
  ];
  for (const line of negatives) {
    it(`finds nothing in ${JSON.stringify(line)}`, () => assert.deepEqual(refsOf(line), []));
  }

  it('reads several on a line, a link once (not again as a bare id)', () => {
    assert.deepEqual(refsOf('# arXiv:2306.04406 and https://arxiv.org/abs/1910.05266 and doi:10.1038/nature14539'), [
      { kind: 'arxiv', id: '2306.04406' },
      { kind: 'arxiv', id: '1910.05266' },
      { kind: 'doi', doi: '10.1038/nature14539' },
    ]);
  });
});

describe('cite: comments', () => {
  function commented(text: string, languageId: string, needle: string): boolean {
    const at = text.indexOf(needle);
    assert.ok(at >= 0, needle);
    return inComment(commentSpans(text, languageId), at, at + needle.length);
  }
  const python = [
    'import torch',
    '# Hess et al. arXiv:2306.04406',
    'url = "see 1910.05266"  # trailing 2002.00001',
    'def f():',
    '    """Docstring citing 2306.04406v2',
    '    over lines 1910.05266v1."""',
    "    s = '# not a comment 2101.00001'",
    '    return 1',
  ].join('\n');
  it('Python: line comments and docstrings, not strings', () => {
    assert.ok(commented(python, 'python', 'arXiv:2306.04406'));
    assert.ok(commented(python, 'python', '2002.00001'));
    assert.ok(commented(python, 'python', '2306.04406v2'));
    assert.ok(commented(python, 'python', '1910.05266v1'));
    assert.ok(!commented(python, 'python', '"see 1910.05266"'));
    assert.ok(!commented(python, 'python', '2101.00001'));
    assert.ok(!commented(python, 'python', 'import torch'));
  });
  const julia = [
    "x = A' * b # transpose, then arXiv:2306.04406",
    '#= block #= nested =# still 1910.05266 =#',
    'y = "2002.00001"',
    '"""',
    'Docstring: 2101.00001',
    '"""',
    'function f end',
  ].join('\n');
  it('Julia: # and nested #= =#, docstrings, a transpose is no string', () => {
    assert.ok(commented(julia, 'julia', 'arXiv:2306.04406'));
    assert.ok(commented(julia, 'julia', '1910.05266'));
    assert.ok(commented(julia, 'julia', '2101.00001'));
    assert.ok(!commented(julia, 'julia', '2002.00001'));
    assert.ok(!commented(julia, 'julia', 'function f end'));
  });
  it('C++ and TypeScript: // and /* */, strings and template strings skipped', () => {
    const cpp = 'int x = 1; // arXiv:2306.04406\n/* block\n 1910.05266 */ const char* s = "2002.00001 // no";';
    assert.ok(commented(cpp, 'cpp', 'arXiv:2306.04406'));
    assert.ok(commented(cpp, 'cpp', '1910.05266'));
    assert.ok(!commented(cpp, 'cpp', '2002.00001'));
    const ts = 'const u = `2101.00001\n// 2102.00002`; // 2103.00003';
    assert.ok(!commented(ts, 'typescript', '2101.00001'));
    assert.ok(!commented(ts, 'typescript', '2102.00002'));
    assert.ok(commented(ts, 'typescript', '2103.00003'));
  });
  it('MATLAB, Lua, Haskell, SQL and an unknown language', () => {
    assert.ok(commented("a = b'; % 2306.04406", 'matlab', '2306.04406'));
    assert.ok(commented('x = 1 -- 2306.04406', 'lua', '2306.04406'));
    assert.ok(commented('--[[ 2306.04406\n]] x = "1910.05266"', 'lua', '2306.04406'));
    assert.ok(!commented('--[[ 2306.04406\n]] x = "1910.05266"', 'lua', '1910.05266'));
    assert.ok(commented('{- {- 2306.04406 -} -}', 'haskell', '2306.04406'));
    assert.ok(commented("select 1 -- 2306.04406\n/* 1910.05266 */ '2002.00001'", 'sql', '1910.05266'));
    assert.ok(commented('x: 1 # 2306.04406', 'made-up-language', '2306.04406'));
    assert.ok(!commented('x = "2306.04406"', 'made-up-language', '2306.04406'));
  });
  it('Markdown, Quarto and LaTeX are prose everywhere', () => {
    for (const lang of ['markdown', 'quarto', 'latex'])
      assert.ok(commented('As in "2306.04406", we', lang, '2306.04406'));
  });
  it('finds the citation under the cursor only in a comment, and caches the spans per version', () => {
    const lines = python.split('\n');
    let reads = 0;
    const doc = {
      uri: 'file:///a.py',
      version: 1,
      languageId: 'python',
      getText: () => (reads++, python),
      lineAt: (line: number) => ({ text: lines[line] }),
      offsetAt: (p: { line: number; character: number }) =>
        lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character,
    };
    const finder = new CitationFinder();
    assert.deepEqual(finder.at(doc, { line: 1, character: 20 })?.ref, { kind: 'arxiv', id: '2306.04406' });
    assert.equal(finder.at(doc, { line: 2, character: 15 }), undefined, 'inside a string');
    assert.deepEqual(finder.at(doc, { line: 2, character: 38 })?.ref, { kind: 'arxiv', id: '2002.00001' });
    assert.equal(finder.at(doc, { line: 0, character: 3 }), undefined, 'no reference on the line');
    assert.equal(reads, 1);
  });
});

describe('cite: hover text and lookups', () => {
  const lib = new PaperLibrary();
  lib.merge([GTF, VLACHAS]);
  it('resolves arXiv ids, DOIs (any case, as a link) and cite keys through the library', () => {
    assert.equal(resolveCitation(lib, { kind: 'arxiv', id: '2306.04406', version: 3 })?.id, GTF.id);
    assert.equal(resolveCitation(lib, { kind: 'doi', doi: '10.1016/J.NEUNET.2020.02.016' })?.id, VLACHAS.id);
    assert.equal(resolveCitation(lib, { kind: 'key', key: 'hess2023generalized' })?.id, GTF.id);
    assert.equal(resolveCitation(lib, { kind: 'key', key: 'nobody2020' }), undefined);
  });
  it('escapes network text and links only the trusted commands', () => {
    const hostile: Paper = { ...GTF, title: '<img src=x onerror=alert(1)> [x](command:workbench.action.quit)' };
    const md = citationHoverMarkdown({ kind: 'arxiv', id: GTF.id }, hostile)!;
    assert.doesNotMatch(md, /<img/);
    assert.doesNotMatch(md, /\]\(command:workbench/);
    assert.match(md, /\[Open Paper\]\(command:attractor\.openPaper\?%5B%222306\.04406%22%5D\)/);
    assert.match(md, /Florian Hess, Zahra Monfared, Manuel Brenner et al\\\. · Jun 7, 2023 · @hess2023img/);
    const missing = citationHoverMarkdown({ kind: 'arxiv', id: '2401.00001', version: 2 }, undefined)!;
    assert.match(missing, /\[Add to Library and Open\]\(command:attractor\.addPaper\?%5B%222401\.00001v2%22%5D\)/);
    assert.equal(citationHoverMarkdown({ kind: 'key', key: 'unknown' }, undefined), undefined);
    assert.match(
      citationHoverMarkdown({ kind: 'doi', doi: '10.1002/(SICI)1097' }, undefined)!,
      /\[Open doi\.org\]\(https:\/\/doi\.org\/10\.1002\/%28SICI%291097\)/,
    );
  });
});

describe('cite: DOIs outside the library, from Crossref', () => {
  const DOI = '10.1103/PhysRevE.101.012345';
  const answer = crossrefWork({
    doi: DOI,
    title: 'Attractor Reconstruction by <i>Machine</i> Learning',
    authors: [
      ['Zhixin', 'Lu'],
      ['Brian R.', 'Hunt'],
      ['Edward', 'Ott'],
      ['Jaideep', 'Pathak'],
    ],
    published: [2020, 1, 5],
    journal: 'Physical Review E',
    abstract:
      '<jats:title>Abstract</jats:title><jats:p>A <jats:italic>reservoir</jats:italic> computer &amp; its climate:' +
      ' x&lt;y, &#x3bb;&#8201;= 0.9</jats:p><jats:p><script>alert(1)</script>Second paragraph.</jats:p>',
  });

  it('reads a JATS abstract as plain text: no tags, no heading, entities decoded, whitespace collapsed', () => {
    assert.equal(
      jatsToText((answer.message as { abstract: string }).abstract),
      'A reservoir computer & its climate: x<y, \u03bb = 0.9 alert(1)Second paragraph.',
    );
  });

  it('reads a work: title, authors, date, journal, DOI, a local id', () => {
    const paper = parseCrossrefWork(answer, DOI)!;
    assert.equal(paper.title, 'Attractor Reconstruction by Machine Learning');
    assert.deepEqual(paper.authors, ['Zhixin Lu', 'Brian R. Hunt', 'Edward Ott', 'Jaideep Pathak']);
    assert.equal(paper.published, '2020-01-05');
    assert.equal(paper.journalRef, 'Physical Review E');
    assert.equal(paper.links?.doi, 'https://doi.org/10.1103/physreve.101.012345');
    assert.match(paper.id, /^local:[0-9a-f]{12}$/);
    assert.equal(paper.arxivId, undefined);
    // A year alone is January 1; a work without a title is none.
    const yearOnly = crossrefWork({ doi: DOI, title: 'T', published: [1963] });
    assert.equal(parseCrossrefWork(yearOnly, DOI)?.published, '1963-01-01');
    assert.equal(parseCrossrefWork({ message: { DOI } }, DOI), undefined);
    assert.equal(parseCrossrefWork('<html>', DOI), undefined);
  });

  it('hovers the work with a link that adds it by DOI, network text escaped', () => {
    const paper = parseCrossrefWork(answer, DOI)!;
    const md = citationHoverMarkdown({ kind: 'doi', doi: DOI }, undefined, { paper })!;
    assert.match(md, /^\*\*Attractor Reconstruction by Machine Learning\*\*/);
    assert.match(md, /Zhixin Lu, Brian R\\?\. Hunt, Edward Ott et al\\?\. · Jan 5, 2020/);
    assert.doesNotMatch(md, /<script|<jats/);
    assert.ok(
      md.includes(
        `[Add to Library and Open](command:attractor.addPaperByDoi?${encodeURIComponent(JSON.stringify([DOI]))})`,
      ),
      md,
    );
    const unknown = citationHoverMarkdown({ kind: 'doi', doi: DOI }, undefined, { paper: undefined })!;
    assert.match(unknown, /Crossref does not know it/);
    const failed = citationHoverMarkdown({ kind: 'doi', doi: DOI }, undefined, { error: '<b>HTTP 503</b>' })!;
    assert.match(failed, /Crossref could not be asked: /);
    assert.doesNotMatch(failed, /<b>/);
  });
});

describe('cite: cite keys in LaTeX and Pandoc', () => {
  it('reads \\cite-family commands, not commented-out ones', () => {
    const tex = [
      '\\cite{hess2023generalized} \\citep[p.~3]{a, b} \\textcite*{c}',
      '\\parencite[see][12]{d} % \\cite{commented}',
      '50\\% of \\nocite{e}',
    ].join('\n');
    assert.deepEqual(citedKeys(tex, 'latex'), ['hess2023generalized', 'a', 'b', 'c', 'd', 'e']);
  });
  it('reads Pandoc citations, not e-mails, cross-references or code', () => {
    const md = [
      'As [@hess2023generalized; see @vlachas2019backpropagation, p. 3] show, and @brenner2024almost.',
      'Mail me@example.org, see @fig-lorenz and `@decorator`.',
      '```python',
      '@torch.no_grad',
      '```',
    ].join('\n');
    assert.deepEqual(citedKeys(md, 'pandoc'), [
      'hess2023generalized',
      'vlachas2019backpropagation',
      'brenner2024almost',
    ]);
  });
  it('knows when a key is being typed', () => {
    assert.equal(citeKeyPrefix('as in \\cite{', 'latex'), '');
    assert.equal(citeKeyPrefix('as in \\citep[p.~3]{a, hes', 'latex'), 'hes');
    assert.equal(citeKeyPrefix('as in \\cite{a} and', 'latex'), undefined);
    assert.equal(citeKeyPrefix('as in [@', 'pandoc'), '');
    assert.equal(citeKeyPrefix('as in [@hess; @vla', 'pandoc'), 'vla');
    assert.equal(citeKeyPrefix('me@exa', 'pandoc'), undefined);
  });
});

describe('cite: the workspace bibliography', () => {
  const HAND = [
    '% My own bibliography.',
    '@string{ nn = "Neural Networks" }',
    '',
    '@Article{Lorenz1963,',
    '  author = {Lorenz, Edward N.},',
    '  title  = {Deterministic Nonperiodic Flow},',
    '  journal= {J. Atmos. Sci.}, year = 1963, note = {a {nested} brace and a @ sign}',
    '}',
    '',
    '@book(strogatz, title = {Nonlinear Dynamics and Chaos})',
    '',
  ].join('\r\n');

  it('parses entries, specials and parenthesised ones', () => {
    const entries = parseBib(HAND);
    assert.deepEqual(
      entries.map((e) => [e.type, e.key, e.owned]),
      [
        ['string', '', undefined],
        ['article', 'Lorenz1963', undefined],
        ['book', 'strogatz', undefined],
      ],
    );
  });

  it('refuses a file whose braces never close, naming the line', () => {
    assert.throws(
      () => parseBib('@misc{a, title={x}}\n\n@article{b,\n title = {open'),
      (e: unknown) => e instanceof BibParseError && e.line === 3,
    );
  });

  it('adds cited library papers and keeps every hand-written byte', () => {
    const lib = new PaperLibrary();
    lib.merge([GTF, VLACHAS]);
    const first = planBibliography(HAND, ['Lorenz1963', 'hess2023generalized', 'unknown2020'], lib);
    assert.deepEqual(first.added, ['hess2023generalized']);
    assert.deepEqual(first.unknown, ['Lorenz1963', 'unknown2020']);
    assert.ok(first.text.startsWith(HAND), 'the hand-written text is a prefix, byte for byte');
    assert.ok(
      first.text.includes(toBibtex(GTF, 'hess2023generalized').replace(/\n/g, '\r\n')),
      'in the file’s line endings',
    );

    // Cited again, with a second paper: the first entry is left as it is, the second appended.
    const second = planBibliography(first.text, ['hess2023generalized', '1910.05266'], lib);
    assert.deepEqual(second.added, ['1910.05266']);
    assert.deepEqual(second.updated, []);
    assert.ok(second.text.startsWith(first.text));
    assert.match(second.text, /@article\{1910\.05266,/);

    // No longer cited: Attractor's entries go, the user's stay byte for byte.
    const third = planBibliography(second.text, [], lib);
    assert.deepEqual(third.removed.sort(), ['1910.05266', 'hess2023generalized']);
    assert.equal(third.text, HAND);
  });

  it('updates its own entry when the paper changes, and leaves one the user edited', () => {
    const lib = new PaperLibrary();
    lib.merge([GTF]);
    const written = planBibliography('', ['hess2023generalized'], lib).text;
    lib.merge([{ ...GTF, journalRef: 'ICML 2023', sources: ['arxiv'] }]);
    const updated = planBibliography(written, ['hess2023generalized'], lib);
    assert.deepEqual(updated.updated, ['hess2023generalized']);
    assert.match(updated.text, /@article\{hess2023generalized,[\s\S]*journal {7}= \{ICML 2023\}/);

    const edited = updated.text.replace('ICML 2023', 'Proc. ICML 2023');
    const kept = planBibliography(edited, ['hess2023generalized'], lib);
    assert.equal(kept.text, edited, 'an edited entry is the user’s');
    assert.deepEqual(kept.handWritten, ['hess2023generalized']);
    assert.equal(planBibliography(edited, [], lib).text, edited, 'and is never removed');
  });

  it('a hand-written entry wins over the library for the same key (any case)', () => {
    const lib = new PaperLibrary();
    lib.merge([GTF]);
    const hand = '@misc{Hess2023Generalized, title = {mine}}\n';
    const merged = mergeBib(hand, [{ key: 'hess2023generalized', paperId: GTF.id, entry: toBibtex(GTF) }]);
    assert.equal(merged.text, hand);
    assert.deepEqual(merged.handWritten, ['hess2023generalized']);
  });
});

describe('cite: BibTeX of published versions', () => {
  it('is an @article with journal and doi when arXiv gives them, keeping the eprint', () => {
    const bib = toBibtex(VLACHAS);
    assert.match(bib, /^@article\{vlachas2019backpropagation,/);
    assert.match(bib, /journal {7}= \{Neural Networks 126 \(2020\) 191-217\}/);
    assert.match(bib, /doi {11}= \{10\.1016\/j\.neunet\.2020\.02\.016\}/);
    assert.match(bib, /eprint {8}= \{1910\.05266\}/);
  });
  it('reads the journal reference and DOI from arXiv’s Atom feed', async () => {
    const feed = arxivFeed([
      arxivEntry({
        id: '1910.05266v2',
        title: 'Backpropagation Algorithms',
        doi: '10.1016/j.neunet.2020.02.016',
        journalRef: 'Neural Networks 126 (2020) 191-217',
      }),
    ]);
    const [paper] = (await parseArxivAtom(feed, 'arxiv.test')).papers;
    assert.equal(paper.journalRef, 'Neural Networks 126 (2020) 191-217');
    assert.match(
      toBibtex(paper),
      /^@article\{lorenz2023backpropagation,[\s\S]*year {10}= \{2020\},\n {2}journal {7}= \{Neural Networks/,
    );
  });
  it('stays @misc for arXiv’s own DOI', () => {
    assert.match(toBibtex({ ...GTF, links: { doi: 'https://doi.org/10.48550/arXiv.2306.04406' } }), /^@misc\{/);
  });
});

describe('cite: lookups in the SQLite library', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'attractor-cite-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const opts = (papers: Paper[]) => ({
    seed: async () => new PaperLibrary().toData(),
    readJson: async () => ({ ...new PaperLibrary().toData(), papers }),
  });

  it('finds papers by DOI and cite key from indexes, also for rows written before those columns', async () => {
    const file = join(dir, 'library.db');
    // A database as the schema before the cite columns left it, with a paper in it.
    const { default: Sqlite } = await import('libsql');
    const old = new Sqlite(file);
    for (const m of MIGRATIONS.slice(0, CITE_COLUMNS_SCHEMA - 1)) old.exec(m);
    old
      .prepare('INSERT INTO papers (id, arxiv_id, title_key, data) VALUES (?, ?, ?, ?)')
      .run(VLACHAS.id, VLACHAS.arxivId, titleKey(VLACHAS.title), JSON.stringify(VLACHAS));
    old.exec(`PRAGMA user_version = ${CITE_COLUMNS_SCHEMA - 1}`);
    old.close();

    const { library } = await openLibraryDb(file, opts([]));
    try {
      library.merge([GTF]);
      assert.equal(library.byDoi('doi:10.1016/J.NEUNET.2020.02.016')?.id, VLACHAS.id);
      assert.equal(library.byDoi('https://doi.org/10.1016/j.neunet.2020.02.016')?.id, VLACHAS.id);
      assert.deepEqual(
        library.byCiteKey('vlachas2019backpropagation').map((p) => p.id),
        [VLACHAS.id],
      );
      assert.deepEqual(
        library.byCiteKey('hess2023generalized').map((p) => p.id),
        [GTF.id],
      );
      assert.deepEqual(
        library.citeKeysStartingWith('', 10).map((p) => p.id),
        [GTF.id, VLACHAS.id],
      );
      assert.deepEqual(
        library.citeKeysStartingWith('vla', 10).map((p) => p.id),
        [VLACHAS.id],
      );
    } finally {
      library.close();
    }
  });
});
