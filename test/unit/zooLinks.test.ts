import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CompletedRun } from '../../src/models/comparisons';
import { parseSeedListing } from '../../src/papers/seedListing';
import { parseCatalog } from '../../src/zoo/catalog';
import { decimateReference } from '../../src/models/referenceTrack';
import { MAX_REFERENCE_VALUES, parseHostToPreview } from '../../src/models/previewProtocol';
import { compareRunWithTruth, compareWithTruth, groundTruthComparison } from '../../src/models/groundTruthComparison';
import { iterate } from '../../src/core/integrate';
import { polynomialRk4 } from '../../src/systems/polynomial';
import { modelsForPaper, paperForModel } from '../../src/zoo/modelPapers';
import { findSystem } from '../../src/systems/systems';

const root = join(__dirname, '..', '..', '..');
const catalog = parseCatalog(JSON.parse(readFileSync(join(root, 'media', 'models', 'index.json'), 'utf8')));
const library = parseSeedListing(
  JSON.parse(readFileSync(join(root, 'media', 'library', 'default-listing.json'), 'utf8')),
  2026,
);

describe('zoo ↔ papers and the preview comparison', () => {
  it('finds the zoo models of default-library papers, and each model its library paper', () => {
    const byTitle = (t: string) => library.find((p) => p.title.startsWith(t))!;
    const names = (t: string) =>
      modelsForPaper(catalog, byTitle(t))
        .map((m) => m.name)
        .sort();
    assert.deepEqual(names('Generalized Teacher Forcing'), ['lorenz63-plrnn']);
    assert.deepEqual(names('Limits and Powers of Koopman'), ['vanderpol-edmd']);
    assert.deepEqual(names('SINDy-RL'), ['lorenz63-sindy']);
    assert.ok(names('Chaos as an interpretable benchmark').includes('lorenz63-rk4-rollout'));
    assert.deepEqual(names('Information Theory and Statistical Mechanics'), []);
    const plrnn = catalog.models.find((m) => m.name === 'lorenz63-plrnn')!;
    assert.equal(paperForModel(plrnn, library)?.id, byTitle('Generalized Teacher Forcing').id);
    assert.match(paperForModel(plrnn, library)!.id, /^local:[0-9a-f]{12}$/);
    // an arXiv id matches too, whatever the title's spelling
    assert.deepEqual(
      modelsForPaper(catalog, { id: '2306.04406', arxivId: '2306.04406', title: 'GTF' }).map((m) => m.name),
      ['lorenz63-plrnn'],
    );
  });

  it('scores a preview run of the true system as perfect and a wrong one as poor', async () => {
    const lorenz = findSystem('lorenz63')!;
    const x0 = [1, 2, 20];
    const steps = 3000;
    const burnIn = 100;
    const all = iterate(polynomialRk4(lorenz.field, lorenz.dt), x0, steps + burnIn);
    const data = Float32Array.from(all.data.subarray(burnIn * 3));
    const run = (d: Float32Array): CompletedRun => ({
      file: 'x.onnx',
      signature: {} as CompletedRun['signature'],
      metadata: { system: 'lorenz63', problems: [] },
      params: { initialState: x0, steps: steps + burnIn, dt: lorenz.dt, members: 1, perturbation: 0, burnIn },
      steps,
      members: 1,
      width: 3,
      timeStep: lorenz.dt,
      data: d,
    });
    const good = await compareRunWithTruth(run(data), lorenz, { lambdaMax: 0.9 });
    const value = (t: typeof good, name: string) => t.rows.find((r) => r.name === name)!.value;
    // the truth starts from the run's float32 state and parts from it after ~15 time units: small, not 0 (with
    // 3000 points in 27,000 cells and α = 1e-5, cells the truth visits once and the run never weigh heavily)
    assert.ok(Number(value(good, 'D_stsp')) < 1.5 && Number(value(good, 'D_H')) < 0.05);
    assert.ok(parseFloat(value(good, 'Valid prediction time')) > 5);
    assert.match(value(good, 'Valid prediction time'), /Lyapunov times/);
    // a zoo model's card carries its QR spectrum: the λmax row shows it beside the system's
    const carded = await compareRunWithTruth(run(data), lorenz, {
      lambdaMax: 0.9016,
      exponents: [0.9013, -0.0002, -14.56],
      kaplanYorke: 2.062,
    });
    const lambdaRow = carded.rows.find((r) => r.name === 'λmax')!;
    assert.equal(lambdaRow.value, '0.902');
    assert.match(
      lambdaRow.note!,
      /model spectrum \(QR, build time, first 3\) 0\.901, -0\.000, -14\.560, Kaplan–Yorke dimension 2\.062.*system spectrum \(QR\) 0\.9046, -0\.0003, -14\.5710, Kaplan–Yorke dimension 2\.062/,
    );
    const stuck = await compareRunWithTruth(run(new Float32Array(data.length).fill(5)), lorenz);
    assert.ok(Number(value(stuck, 'D_stsp')) > 10 * Number(value(good, 'D_stsp')));
    assert.equal(value(stuck, 'D_H'), '—', 'a constant run has no spectrum');
    assert.match(stuck.rows.find((r) => r.name === 'D_H')!.note!, /^—: component 1 of the model is constant/);
    assert.equal(value(stuck, 'λmax'), '—');
    assert.equal(value(stuck, 'PE'), '—', 'no model to run in this test');
    assert.match(stuck.rows.find((r) => r.name === 'λmax')!.note!, /model: —: the model cannot be run again here/);
    const comparison = groundTruthComparison();
    assert.equal(comparison.appliesTo({ file: 'x.onnx', metadata: { system: 'lorenz63', problems: [] } }), true);
    assert.equal(comparison.appliesTo({ file: 'x.onnx', metadata: { problems: [] } }), false);
    assert.ok(await comparison.compare(run(data), { cancelled: false }));
  });
});

describe('zoo: the valid prediction time after a burn-in', () => {
  it('starts the truth from the model state after the burn-in, so a burn-in does not zero the VPT', async () => {
    const lorenz = findSystem('lorenz63')!;
    const x0 = [1, 2, 20];
    const burnIn = 2000;
    const steps = 5000;
    // a "model": the true system whose initial state is off by 1e-4, so that after 20 time units of burn-in it is
    // somewhere else on the attractor than a truth run separately from x0 would be
    const map = polynomialRk4(lorenz.field, lorenz.dt);
    const all = iterate(map, [x0[0] + 1e-4, x0[1], x0[2]], steps + burnIn);
    const detached = iterate(map, x0, steps + burnIn);
    let apart = 0;
    for (let j = 0; j < 3; j++) apart += (all.data[burnIn * 3 + j] - detached.data[burnIn * 3 + j]) ** 2;
    assert.ok(Math.sqrt(apart) > 1, 'the two runs have parted by the end of the burn-in');
    const run: CompletedRun = {
      file: 'x.onnx',
      signature: {} as CompletedRun['signature'],
      metadata: { system: 'lorenz63', problems: [] },
      params: { initialState: x0, steps: steps + burnIn, dt: lorenz.dt, members: 1, perturbation: 0, burnIn },
      steps,
      members: 1,
      width: 3,
      timeStep: lorenz.dt,
      data: Float32Array.from(all.data.subarray(burnIn * 3)),
    };
    const table = await compareRunWithTruth(run, lorenz);
    const vpt = table.rows.find((r) => r.name === 'Valid prediction time')!;
    // float32 rounding (1e-7 relative) grows to NRMSE 0.5 in about 15 time units: well over 5 Lyapunov times
    assert.ok(parseFloat(vpt.value) > 5, vpt.value);
    assert.match(vpt.tooltip ?? '', /Vlachas et al\. 2020/);
    assert.match(table.title, /started from the model's state after the burn-in/);
    const stsp = table.rows.find((r) => r.name === 'D_stsp')!;
    assert.match(stsp.note ?? '', /binning, 30 bins × 3 dims/);
  });
});

describe('zoo: the truth overlay sent with the metrics', () => {
  it('decimates the true trajectory to a bounded track aligned with the run, and the webview validates it', async () => {
    const lorenz = findSystem('lorenz63')!;
    const steps = 100_000;
    const all = iterate(polynomialRk4(lorenz.field, lorenz.dt), [1, 2, 20], steps);
    const run: CompletedRun = {
      file: 'x.onnx',
      signature: {} as CompletedRun['signature'],
      metadata: { system: 'lorenz63', problems: [] },
      params: { initialState: [1, 2, 20], steps, dt: lorenz.dt, members: 1, perturbation: 0, burnIn: 0 },
      steps,
      members: 1,
      width: 3,
      timeStep: lorenz.dt,
      data: Float32Array.from(all.data),
    };
    const { table, reference } = await compareWithTruth(run, lorenz);
    assert.deepEqual(
      table.rows.map((r) => r.name),
      ['Valid prediction time', 'D_stsp', 'D_H', 'PE', 'λmax'],
    );
    assert.ok(reference);
    assert.ok(reference.data.length <= MAX_REFERENCE_VALUES, `${reference.data.length} values`);
    assert.equal(reference.width, 3);
    assert.equal(reference.rows, Math.ceil(steps / reference.stride));
    // row i of the track is the run's row i·stride: the truth equals this run (it is the true system) until
    // float32 rounding of the starting state has grown (after ≈ 10 time units)
    for (const i of [0, 1, Math.floor(300 / reference.stride)]) {
      for (let j = 0; j < 3; j++)
        assert.ok(Math.abs(reference.data[i * 3 + j] - run.data[i * reference.stride * 3 + j]) < 1e-3, `row ${i}`);
    }
    const message = { type: 'metrics', runId: 3, table, reference };
    const parsed = parseHostToPreview(message);
    assert.equal(parsed?.type === 'metrics' && parsed.reference?.rows, reference.rows);
    assert.equal(
      parseHostToPreview({ ...message, reference: { ...reference, rows: reference.rows + 1 } }),
      undefined,
      'rows × width must match the data',
    );
    const huge = {
      label: 'x',
      stride: 1,
      rows: MAX_REFERENCE_VALUES,
      width: 2,
      data: new Float32Array(MAX_REFERENCE_VALUES * 2),
    };
    assert.equal(parseHostToPreview({ ...message, reference: huge }), undefined, 'a track over the bound is refused');
    assert.equal(parseHostToPreview({ type: 'metrics', runId: 3, table })?.type, 'metrics', 'the overlay is optional');
  });

  it('decimateReference keeps every stride-th row and never exceeds the bound', () => {
    const data = Float32Array.from({ length: 7 * 2 }, (_, i) => i);
    assert.deepEqual(decimateReference('t', data, 7, 2, 8), {
      label: 't',
      stride: 2,
      rows: 4,
      width: 2,
      data: Float32Array.of(0, 1, 4, 5, 8, 9, 12, 13),
    });
    assert.equal(decimateReference('t', data, 7, 2, 100).stride, 1);
  });
});
