import * as assert from 'node:assert/strict';
import { formatArxivRef, parseArxivId, parseArxivInput } from '../../src/papers/arxivId';

describe('papers: arXiv ids and Add Paper input', () => {
  it('reads new- and old-style ids with versions', () => {
    assert.deepEqual(parseArxivId('2306.04406'), { id: '2306.04406' });
    assert.deepEqual(parseArxivId('2306.04406v2'), { id: '2306.04406', version: 2 });
    assert.deepEqual(parseArxivId('0704.0001'), { id: '0704.0001' });
    assert.deepEqual(parseArxivId('math/0211159'), { id: 'math/0211159' });
    assert.deepEqual(parseArxivId('math.DS/0211159v3'), { id: 'math.DS/0211159', version: 3 });
    assert.equal(parseArxivId('2313.04406'), undefined, 'month 13');
    assert.equal(parseArxivId('230.04406'), undefined);
    assert.equal(formatArxivRef({ id: '2306.04406', version: 2 }), '2306.04406v2');
  });

  it('accepts every form the issue lists', () => {
    const expected = { id: '2306.04406' };
    assert.deepEqual(parseArxivInput('2306.04406'), expected);
    assert.deepEqual(parseArxivInput('  arXiv:2306.04406v2 '), { id: '2306.04406', version: 2 });
    assert.deepEqual(parseArxivInput('arxiv: 2306.04406'), expected);
    assert.deepEqual(parseArxivInput('https://arxiv.org/abs/2306.04406'), expected);
    assert.deepEqual(parseArxivInput('https://arxiv.org/abs/2306.04406v3'), { id: '2306.04406', version: 3 });
    assert.deepEqual(parseArxivInput('https://arxiv.org/pdf/2306.04406'), expected);
    assert.deepEqual(parseArxivInput('https://arxiv.org/pdf/2306.04406v2.pdf'), { id: '2306.04406', version: 2 });
    assert.deepEqual(parseArxivInput('http://export.arxiv.org/abs/math/0211159'), { id: 'math/0211159' });
    assert.deepEqual(parseArxivInput('https://huggingface.co/papers/2306.04406'), expected);
  });

  it('rejects anything else', () => {
    for (const bad of [
      '',
      'koopman',
      'https://example.com/abs/2306.04406',
      'https://arxiv.org/list/math.DS',
      'arXiv:',
      'javascript:alert(1)',
      '<script>2306.04406</script>',
    ]) {
      assert.equal(parseArxivInput(bad), undefined, bad);
    }
  });
});
