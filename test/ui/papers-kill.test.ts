/**
 * The library survives its extension host being killed: a window's host runs a burst of writes (collections,
 * members, stars, one transaction each), is killed with SIGKILL in the middle of it, and a fresh window (a new
 * extension host on the same global storage) opens the database with every change that had committed.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { startHost, type Host } from '../harness/host';
import { runInHostTests } from '../harness/inHost';
import { waitFor } from '../harness/poll';

describe('papers library: the extension host killed mid-burst (UI)', function () {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attractor-kill-'));
  const log = path.join(dir, 'burst.log');
  const read = path.join(dir, 'read.json');
  let host: Host | undefined;
  before(async function () {
    this.timeout(180_000);
    host = await startHost({
      extension: 'none',
      env: { ATTRACTOR_BURST_LOG: log, ATTRACTOR_BURST_READ: read },
    });
  });
  after(async () => {
    await host?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every committed change, and a fresh window opens the database with all of them', async function () {
    this.timeout(420_000);
    // A retry starts from nothing: the first try's log names a host that is gone.
    fs.rmSync(log, { force: true });
    fs.rmSync(read, { force: true });
    const lines = () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : []);
    let pid = 0;
    // Settles as soon as the signal is sent: the workbench reports the killed host's end as an exit code of its
    // own a moment later, and on a loaded machine that report won the race against a wait for the pid to go.
    const killed = (async () => {
      // Well into the burst: a few hundred changes committed, more going on.
      await waitFor(() => lines().length > 300, { timeout: 240_000, message: 'a burst of writes' });
      pid = Number(lines()[0]);
      process.kill(pid, 'SIGKILL');
    })();
    const testsDir = (name: string) => path.join(__dirname, 'hostKill', name);
    assert.strictEqual(await runInHostTests(host!, testsDir('write'), { stopWhen: killed, timeout: 300_000 }), -1);
    await waitFor(
      () => {
        try {
          process.kill(pid, 0);
          return false;
        } catch {
          return true;
        }
      },
      { message: 'the extension host gone' },
    );
    const committed = lines()
      .slice(1)
      .map((l) => l.split(' '))
      .filter((l) => l.length === 2); // a last line cut by the kill is not a committed change
    assert.ok(committed.length > 300, `${committed.length} changes committed before the kill`);

    assert.strictEqual(await runInHostTests(host!, testsDir('read'), { timeout: 120_000 }), 0);
    const state = JSON.parse(fs.readFileSync(read, 'utf8')) as {
      collections: { name: string; paperIds: string[] }[];
      starred: string[];
    };
    const byName = new Map(state.collections.map((c) => [c.name, c]));
    for (const [i, paper] of committed) {
      assert.deepStrictEqual(byName.get(`burst ${i}`)?.paperIds, [paper], `collection "burst ${i}" with its paper`);
    }
    // Each paper's star is what its last logged change made it, but for the paper of the change after the last
    // logged one (the burst cycles through the library's papers): that change may have committed unlogged.
    const cycle = new Set(committed.map(([, paper]) => paper)).size;
    const unsure = committed[committed.length - cycle]?.[1];
    const lastOf = new Map(committed.map(([i, paper]) => [paper, Number(i)]));
    for (const [paper, i] of lastOf)
      if (paper !== unsure) assert.strictEqual(state.starred.includes(paper), i % 2 === 0, `star of ${paper}`);
  });
});
