import * as assert from 'node:assert/strict';
import type { Paper } from '../../src/papers/paper';
import { SearchIndex } from '../../src/papers/search/searchIndex';
import { STOP_WORDS, tokenize } from '../../src/papers/search/tokenize';

/** A deterministic corpus with a few very common words (in most papers) and a long tail. */
function corpus(n: number, seed = 7): Paper[] {
  let s = seed;
  const random = () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
  const common = 'neural dynamics chaotic attractor koopman operator learning model data system'.split(' ');
  const tail = Array.from({ length: 400 }, (_, i) => `w${i.toString(36)}x${'abcdefgh'[i % 8]}`);
  const word = () =>
    random() < 0.5 ? common[Math.floor(random() * common.length)] : tail[Math.floor(tail.length * random() ** 2)];
  const words = (k: number) => Array.from({ length: k }, word).join(' ');
  return Array.from({ length: n }, (_, i) => ({
    id: `p${i}`,
    arxivId: `2401.${String(10000 + i)}`,
    title: words(3 + Math.floor(random() * 6)),
    abstract: words(20 + Math.floor(random() * 60)),
    authors: [`A. ${['Hess', 'Brenner', 'Koppe'][i % 3]}`],
    authorCount: 1,
    published: '2024-01-01',
  }));
}

/** BM25 written out plainly, every document scored: exact words only, all required. */
function bruteForce(papers: readonly Paper[]): (query: string, limit: number) => { id: string; score: number }[] {
  const K1 = 1.2;
  const B = 0.75;
  const tfs = papers.map((p) => {
    const tf = new Map<string, number>();
    const fields: [string, number][] = [
      [p.title, 3],
      [p.authors.join(' '), 2],
      [p.arxivId ?? '', 3],
      [p.abstract, 1],
    ];
    for (const [text, w] of fields)
      for (const t of tokenize(text)) if (!STOP_WORDS.has(t)) tf.set(t, (tf.get(t) ?? 0) + w);
    return tf;
  });
  const lens = tfs.map((tf) => [...tf.values()].reduce((a, b) => a + b, 0));
  const avg = lens.reduce((a, b) => a + b, 0) / papers.length;
  return (query, limit) => {
    const words = [...new Set(tokenize(query).filter((t) => !STOP_WORDS.has(t)))];
    const df = (t: string) => tfs.filter((tf) => tf.has(t)).length;
    const idf = new Map(words.map((t) => [t, Math.log(1 + (papers.length - df(t) + 0.5) / (df(t) + 0.5))]));
    const scored: { id: string; score: number; d: number }[] = [];
    tfs.forEach((tf, d) => {
      if (!words.every((t) => tf.has(t))) return;
      const norm = K1 * (1 - B + (B * lens[d]) / avg);
      const score = words.reduce((s, t) => s + (idf.get(t)! * tf.get(t)! * (K1 + 1)) / (tf.get(t)! + norm), 0);
      scored.push({ id: papers[d].id, score, d });
    });
    return scored
      .sort((a, b) => b.score - a.score || a.d - b.d)
      .slice(0, limit)
      .map(({ id, score }) => ({ id, score }));
  };
}

describe('papers: search pruning', () => {
  const papers = corpus(3000);
  const index = new SearchIndex(papers);
  const brute = bruteForce(papers);

  it('gives the same top results as a brute-force BM25', () => {
    const queries = [
      'neural',
      'koopman operator',
      'chaotic attractor dynamics',
      'neural model data system learning',
      'w1xb',
      'neural w3xd',
      'w5xf w0xa',
      'hess neural',
    ];
    for (const q of queries) {
      for (const limit of [1, 5, 50]) {
        const expected = brute(q, limit);
        const all = brute(q, papers.length);
        const got = index.search(q, { limit, prefix: false });
        assert.ok(expected.length > 0, q);
        assert.equal(got.length, expected.length, `${q} (${limit})`);
        got.forEach((h, i) => {
          // Same scores rank by rank (float32 postings: a relative error of 1e-5); where two papers score
          // the same, either may come first.
          assert.ok(
            Math.abs(h.score - expected[i].score) <= 1e-5 * expected[i].score,
            `${q} #${i}: ${h.score} vs ${expected[i].score}`,
          );
          const own = all.find((e) => e.id === h.paper.id);
          assert.ok(
            own && Math.abs(own.score - h.score) <= 1e-5 * own.score,
            `${q}: ${h.paper.id} is a match with its own score`,
          );
        });
      }
    }
  });

  it('finds exactly what scoring every posting finds, for prefixes and typos too', () => {
    const queries = [
      'n',
      'ne',
      'neur',
      'neural',
      'neural ',
      'koopman op',
      'chaotc',
      'atractor dynamics',
      'w1',
      'w1x',
      'dynamics w',
      'data model learning system neural koopman chaotic attractor',
    ];
    for (const q of queries) {
      for (const limit of [1, 3, 20, 100]) {
        const pruned = index.search(q, { limit }).map((h) => [h.paper.id, h.score]);
        const exhaustive = index.searchExhaustive(q, { limit }).map((h) => [h.paper.id, h.score]);
        assert.deepEqual(pruned, exhaustive, `${q} (${limit})`);
        assert.ok(pruned.length > 0, q);
      }
    }
  });

  it('answers repeated and interleaved queries the same (cached expansions, scratch space reset)', () => {
    const a = index.search('neural dyn', { limit: 10 });
    index.search('koopman', { limit: 10 });
    index.search('zzzz', { limit: 10 });
    assert.deepEqual(index.search('neural dyn', { limit: 10 }), a);
    assert.deepEqual(index.search('neural', { limit: 0 }), []);
    assert.equal(
      index.search('neural', { limit: Infinity }).length,
      index.searchExhaustive('neural', { limit: Infinity }).length,
    );
    assert.deepEqual(new SearchIndex([]).search('neural'), []);
  });

  it('tokenizes ASCII text as the Unicode path does', () => {
    const unicode = (text: string) =>
      text
        .normalize('NFKD')
        .replace(/[\u0300-\u036f]/g, '')
        .toLowerCase()
        .match(/\d{4}\.\d{4,5}|[a-z]+\/\d{7}|[\p{L}\p{N}]+/gu) ?? [];
    for (const text of [
      'Koopman-VAE: 2306.04406v2, math/0211159 & hep-th/9901001!',
      'A_B c--d 12.3456 1234.56789 e9',
      ' \t',
      'x86_64 MATH/0211159',
    ]) {
      assert.deepEqual(tokenize(text), unicode(text), text);
    }
    assert.deepEqual(tokenize('Schrödinger ĳ'), ['schrodinger', 'ij']);
  });
});
