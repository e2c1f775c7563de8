import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Paper } from '../../src/papers/paper';
import { boundedDistance, withinOneEdit } from '../../src/papers/search/editDistance';
import { SearchIndex } from '../../src/papers/search/searchIndex';
import { tokenize } from '../../src/papers/search/tokenize';
import { parseSeedListing } from '../../src/papers/seedListing';

const root = join(__dirname, '..', '..', '..');
const seed = parseSeedListing(
  JSON.parse(readFileSync(join(root, 'media', 'library', 'default-listing.json'), 'utf8')),
  2026,
);
const extra: Paper[] = [
  {
    id: '2306.04406',
    arxivId: '2306.04406',
    title: 'Generalized Teacher Forcing for Learning Chaotic Dynamics',
    abstract: 'Reconstruction of chaotic attractors with recurrent networks.',
    authors: ['Florian Hess', 'Daniel Durstewitz'],
    authorCount: 2,
    published: '2023-06-07',
  },
];
const papers = [...seed, ...extra];
const index = new SearchIndex(papers);
const titles = (q: string, limit = 10) => index.search(q, { limit }).map((h) => h.paper.title);

describe('papers: search index', () => {
  it('tokenizes words, folds accents and keeps arXiv ids whole', () => {
    assert.deepEqual(tokenize('Schrödinger Bridges, 2306.04406v2 & math/0211159'), [
      'schrodinger',
      'bridges',
      '2306.04406',
      'v2',
      'math/0211159',
    ]);
  });

  it('finds titles, abstracts, authors and ids', () => {
    assert.equal(titles('koopman')[0] !== undefined, true);
    assert.ok(titles('koopman').includes('Limits and Powers of Koopman Learning'));
    assert.ok(
      titles('koopman').includes('Generative Modeling of Regular and Irregular Time Series Data via Koopman VAEs'),
    );
    assert.deepEqual(titles('durstewitz'), ['Generalized Teacher Forcing for Learning Chaotic Dynamics']);
    assert.deepEqual(titles('2306.04406'), ['Generalized Teacher Forcing for Learning Chaotic Dynamics']);
    assert.ok(titles('Westerlund').includes('Structure and Dynamics of the Young Massive Star Cluster Westerlund 1'));
  });

  it('ranks title matches above abstract-only matches', () => {
    const hits = titles('koopman');
    const inTitle = hits.filter((t) => /koopman/i.test(t));
    assert.deepEqual(hits.slice(0, inTitle.length), inTitle);
  });

  it('matches prefixes while typing', () => {
    assert.ok(titles('koopm').includes('Limits and Powers of Koopman Learning'));
    assert.ok(titles('teacher forc').includes('Generalized Teacher Forcing for Learning Chaotic Dynamics'));
    assert.deepEqual(titles('koopm ', 5).length, 0, 'a finished word is not a prefix');
  });

  it('tolerates typos', () => {
    assert.ok(titles('koopmn').includes('Limits and Powers of Koopman Learning'), 'deletion');
    assert.ok(titles('kooopman').includes('Limits and Powers of Koopman Learning'), 'insertion');
    assert.ok(
      titles('westerlnud').some((t) => t.includes('Westerlund')),
      'transposition',
    );
    assert.ok(titles('attarctor').length > 0);
    assert.ok(
      titles('teacher forcng').includes('Generalized Teacher Forcing for Learning Chaotic Dynamics'),
      'a letter missing in the word being typed',
    );
  });

  it('requires every word', () => {
    const both = titles('koopman vae');
    assert.deepEqual(both, ['Generative Modeling of Regular and Irregular Time Series Data via Koopman VAEs']);
    assert.deepEqual(titles('koopman westerlund'), []);
    assert.deepEqual(titles('zzzzqqq'), []);
    assert.deepEqual(titles(''), []);
  });

  it('finds similar papers locally', () => {
    const koopman = papers.find((p) => p.title === 'Limits and Powers of Koopman Learning')!;
    const similar = index.similar(koopman, 5).map((h) => h.paper.title);
    assert.equal(similar.length, 5);
    assert.ok(!similar.includes(koopman.title), 'not itself');
    assert.ok(
      similar.includes('Generative Modeling of Regular and Irregular Time Series Data via Koopman VAEs'),
      similar.join(' | '),
    );
  });

  it('computes bounded edit distance with transpositions', () => {
    assert.equal(boundedDistance('koopman', 'koopman', 1), 0);
    assert.equal(boundedDistance('koopmn', 'koopman', 1), 1);
    assert.equal(boundedDistance('kopoman', 'koopman', 1), 1);
    assert.equal(boundedDistance('abc', 'xyz', 1), 2);
  });
});

describe('papers: one-edit check', () => {
  it('agrees with the bounded distance', () => {
    const words = ['koopman', 'koopmn', 'kopoman', 'kooopman', 'koopmen', 'koop', 'namqook', 'okopman', 'koopmans'];
    for (const a of words)
      for (const b of words) assert.equal(withinOneEdit(a, b), boundedDistance(a, b, 1) <= 1, `${a} ${b}`);
  });
});
