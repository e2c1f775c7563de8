import * as assert from 'node:assert/strict';
import { IndexSegment, MemoryPostings } from '../../src/papers/search/indexSegment';
import { decodeSnapshot, encodeSnapshot } from '../../src/papers/search/indexSnapshot';
import { PackedStrings } from '../../src/papers/search/packedStrings';

const sign = (x: number) => (x < 0 ? -1 : x > 0 ? 1 : 0);

describe('papers: search index, packed strings', () => {
  const strings = ['', 'a', 'ab', 'abc', 'b', 'é', 'z\ud800', '\u{1f600}x', 'ﬁ', 'local:x y'];

  it('gives back every string and compares as < on strings does', () => {
    const packed = PackedStrings.from(strings);
    assert.equal(packed.length, strings.length);
    strings.forEach((s, i) => {
      assert.equal(packed.get(i), s);
      for (const t of [...strings, 'a\uffff', 'abcd'])
        assert.equal(sign(packed.compare(i, t)), s < t ? -1 : s > t ? 1 : 0, `${s} vs ${t}`);
      assert.ok(packed.equals(i, s));
      assert.equal(packed.startsWith(i, s.slice(0, 1)), s.startsWith(s.slice(0, 1)));
    });
    assert.ok(!packed.startsWith(1, 'ab'));
  });

  it('round-trips through a snapshot, lone surrogates included', () => {
    const ids = PackedStrings.from(['p\ud800', 'p1', 'é2']);
    const terms = PackedStrings.from(['alpha', 'beta']);
    const offsets = Int32Array.from([0, 2, 3]);
    const segment = new IndexSegment(
      { ids, terms, offsets, avgLen: 3.5, byId: Int32Array.from([1, 0, 2]) },
      new MemoryPostings(offsets, Int32Array.from([0, 2, 1]), Float32Array.from([2, 1, 0.5])),
    );
    const bytes = encodeSnapshot(segment, { libraryId: 'lib', seq: 7 });
    const { info, segment: back } = decodeSnapshot(bytes);
    assert.deepEqual(info, { libraryId: 'lib', seq: 7 });
    const a = back.arrays();
    assert.deepEqual(
      [0, 1, 2].map((d) => back.idOf(d)),
      ['p\ud800', 'p1', 'é2'],
    );
    assert.equal(a.terms.text, terms.text);
    assert.deepEqual([...a.offsets, ...a.docs, ...a.weights, ...a.byId], [0, 2, 3, 0, 2, 1, 2, 1, 0.5, 1, 0, 2]);
    assert.equal(a.avgLen, 3.5);
    assert.throws(() => decodeSnapshot(bytes.subarray(0, bytes.length - 4)), /truncated/);
  });
});
