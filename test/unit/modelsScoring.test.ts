import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { advance, iterate } from '../../src/core/integrate';
import { offThread, scoreJob, type ScoreJob } from '../../src/models/offThread';
import { truthForRun, truthFrom } from '../../src/models/groundTruthComparison';
import { polynomialRk4 } from '../../src/systems/polynomial';
import { findSystem } from '../../src/systems/systems';

const lorenz = findSystem('lorenz63')!;
const map = polynomialRk4(lorenz.field, lorenz.dt);
const start = advance(map, lorenz.initialState, 1_000);

describe('scores and eigenvalues off the host thread', () => {
  const job: ScoreJob = {
    truth: iterate(map, start, 3_000),
    model: iterate(map, advance(map, start, 5), 3_000),
    options: { dt: lorenz.dt, lyapunovMax: lorenz.lyapunovMax },
    scaleOf: 'lorenz63',
  };

  it('scores in a worker thread what the measures give on this thread', async () => {
    // the worker is the compiled module beside offThread (dist/ in the bundle, out/src/models/ here)
    assert.ok(existsSync(join(__dirname, '..', '..', 'src', 'models', 'jobWorker.js')));
    const inline = scoreJob(job);
    const off = await offThread('scores', job);
    assert.deepEqual(off, inline);
    assert.ok(inline.scores.stateSpaceDivergence > 0 && inline.scores.spectralDistance > 0);
    // the papers' protocol: VPT from the forecast, D_stsp and D_H from the other run
    const papers = await offThread('scores', { ...job, forecast: job.truth });
    assert.equal(papers.validPrediction.neverExceeded, true);
    assert.equal(papers.scores.stateSpaceDivergence, inline.scores.stateSpaceDivergence);
  });

  it("reports the worker's failure with its reason", async () => {
    await assert.rejects(offThread('scores', { ...job, scaleOf: 'nowhere' }), /no reference system nowhere/);
  });

  it('finds eigenvalues in the worker thread: closed forms of a rotation-scaling and a triangular matrix', async () => {
    // [[a, −b], [b, a]] has a ± ib; an upper-triangular matrix its diagonal (here 60 × 60, past the size the
    // analysis sends off the host's thread)
    const n = 60;
    const tri = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = i; j < n; j++) tri[i * n + j] = i === j ? (i + 1) / 10 : Math.sin(i + 3 * j);
    const [rot] = await offThread('eigenvalues', { matrices: [Float64Array.of(0.3, -0.8, 0.8, 0.3)], n: 2 });
    const sorted = [...rot].sort((a, b) => a.im - b.im);
    assert.ok(Math.abs(sorted[0].re - 0.3) < 1e-12 && Math.abs(sorted[0].im + 0.8) < 1e-12, JSON.stringify(rot));
    assert.ok(Math.abs(sorted[1].re - 0.3) < 1e-12 && Math.abs(sorted[1].im - 0.8) < 1e-12, JSON.stringify(rot));
    const [diag] = await offThread('eigenvalues', { matrices: [tri], n });
    const re = diag.map((e) => e.re).sort((a, b) => a - b);
    assert.ok(
      diag.every((e) => e.im === 0),
      'real',
    );
    re.forEach((v, i) => assert.ok(Math.abs(v - (i + 1) / 10) < 1e-8, `λ${i + 1} = ${v}`));
  });

  it('integrates the truth in chunks to the same rows as one run', async () => {
    const steps = 2_503;
    const data = new Float32Array(steps * 3);
    data.set(start);
    const chunked = await truthForRun(lorenz, { data, steps, members: 1, width: 3, timeStep: lorenz.dt });
    const whole = truthFrom(lorenz, Array.from(data.subarray(0, 3)), steps, lorenz.dt);
    assert.equal(chunked.length, steps);
    assert.deepEqual(chunked.data, whole.data);
  });
});
