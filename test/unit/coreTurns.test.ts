import assert from 'node:assert/strict';
import { countText } from '../../src/core/countText';
import { nextTurn, timeSlice } from '../../src/core/turns';

describe('core: counts and turns', () => {
  it('writes whole numbers as toLocaleString("en-US") does', () => {
    for (const n of [0, 7, 999, 1000, 12_345, 100_000, 1_234_567, 2 ** 31, -4096, 1e15])
      assert.equal(countText(n), n.toLocaleString('en-US'), String(n));
    assert.equal(countText(1234.6), '1,235');
    assert.equal(countText(Number.NaN), 'NaN');
  });

  it('timeSlice yields a turn only once its slice has gone by, so timers run inside a long loop', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      const breathe = timeSlice(5);
      assert.equal(await breathe(), false, 'no yield before the slice is used');
      let yields = 0;
      let longest = 0;
      let last = performance.now();
      const end = last + 60;
      while (performance.now() < end) {
        if (await breathe()) {
          yields++;
          longest = Math.max(longest, performance.now() - last);
          last = performance.now();
        }
      }
      assert.ok(yields >= 3, `${yields} yields in 60 ms`);
      assert.ok(ticks > 0, 'the interval timer ran during the loop');
      assert.ok(longest < 60, `longest slice ${longest.toFixed(1)} ms`);
    } finally {
      clearInterval(timer);
    }
    await nextTurn();
  });
});
