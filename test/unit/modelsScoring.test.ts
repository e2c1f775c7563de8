import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { advance, iterate } from '../../src/core/integrate';
import { scoreJob, scoreOffThread, type ScoreJob } from '../../src/models/offThreadScores';
import { truthForRun, truthFrom } from '../../src/models/groundTruthComparison';
import { polynomialRk4 } from '../../src/systems/polynomial';
import { findSystem } from '../../src/systems/systems';

const lorenz = findSystem('lorenz63')!;
const map = polynomialRk4(lorenz.field, lorenz.dt);
const start = advance(map, lorenz.initialState, 1_000);

describe('preview scoring off the host thread', () => {
  const job: ScoreJob = {
    truth: iterate(map, start, 3_000),
    model: iterate(map, advance(map, start, 5), 3_000),
    options: { dt: lorenz.dt, lyapunovMax: lorenz.lyapunovMax },
    scaleOf: 'lorenz63',
  };

  it('scores in a worker thread what the measures give on this thread', async () => {
    // the worker is the compiled module beside offThreadScores (dist/ in the bundle, out/src/models/ here)
    assert.ok(existsSync(join(__dirname, '..', '..', 'src', 'models', 'scoreWorker.js')));
    const inline = scoreJob(job);
    const off = await scoreOffThread(job);
    assert.deepEqual(off, inline);
    assert.ok(inline.scores.stateSpaceDivergence > 0 && inline.scores.spectralDistance > 0);
    // the papers' protocol: VPT from the forecast, D_stsp and D_H from the other run
    const papers = await scoreOffThread({ ...job, forecast: job.truth });
    assert.equal(papers.validPrediction.neverExceeded, true);
    assert.equal(papers.scores.stateSpaceDivergence, inline.scores.stateSpaceDivergence);
  });

  it("reports the worker's failure with its reason", async () => {
    await assert.rejects(scoreOffThread({ ...job, scaleOf: 'nowhere' }), /no reference system nowhere/);
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
