import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../../src/core/atomicWrite';

describe('core: atomic write', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'attractor-atomic-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const temps = () => readdirSync(dir).filter((f) => f.endsWith('.tmp'));

  it('replaces a file whole, creating its folder, and leaves no temp file', async () => {
    const file = join(dir, 'a', 'b.txt');
    assert.equal(await writeFileAtomic(file, 'one'), 'written');
    assert.equal(await writeFileAtomic(file, Uint8Array.of(0x74, 0x77, 0x6f)), 'written');
    assert.equal(readFileSync(file, 'utf8'), 'two');
    assert.deepEqual(readdirSync(join(dir, 'a')), ['b.txt']);
  });

  it('with overwrite: false, never replaces an existing file (one the user wrote meanwhile) and says so', async () => {
    const file = join(dir, 'note.md');
    writeFileSync(file, 'mine');
    assert.equal(await writeFileAtomic(file, 'generated', { overwrite: false }), 'exists');
    assert.equal(readFileSync(file, 'utf8'), 'mine');
    assert.deepEqual(temps(), []);
    const fresh = join(dir, 'new.md');
    assert.equal(await writeFileAtomic(fresh, 'generated', { overwrite: false }), 'written');
    assert.equal(readFileSync(fresh, 'utf8'), 'generated');
    assert.deepEqual(temps(), []);
  });

  it('of two writers racing for a new file, exactly one creates it', async () => {
    const file = join(dir, 'race.md');
    const results = await Promise.all(['a', 'b', 'c', 'd'].map((t) => writeFileAtomic(file, t, { overwrite: false })));
    assert.equal(results.filter((r) => r === 'written').length, 1);
    assert.ok(['a', 'b', 'c', 'd'].includes(readFileSync(file, 'utf8')));
    assert.deepEqual(temps(), []);
  });
});
