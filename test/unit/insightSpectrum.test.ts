import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { batchOf, lyapunovSpectrum, lyapunovSpectrumBatched } from '../../src/metrics/lyapunov';
import { analyseDynamics, spectrumTable } from '../../src/models/insight/analysis';
import { parseAnalysisView } from '../../src/models/insight/analysisProtocol';
import { analyseModel } from '../../src/models/insight/analysisRunner';
import { inspectOnnx } from '../../src/models/onnxFile';
import { ModelRuntime } from '../../src/models/runtime';
import { recognise, type Signature } from '../../src/models/signature';
import { advance } from '../../src/core/integrate';
import { polynomialRk4 } from '../../src/systems/polynomial';
import { findSystem } from '../../src/systems/systems';
import { linearModel } from '../fixtures/models/models';

const modelsDir = join(__dirname, '..', '..', '..', 'media', 'models');

/** S·diag(D)·S⁻¹ with S = I + strictly-upper ones (S⁻¹ = I − superdiagonal): eigenvalues D, not a diagonal matrix. */
function similar(D: readonly number[]): number[] {
  const n = D.length;
  const S = (i: number, j: number) => (j >= i ? 1 : 0);
  const Si = (i: number, j: number) => (i === j ? 1 : j === i + 1 ? -1 : 0);
  const M: number[] = [];
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += S(i, k) * D[k] * Si(k, j);
      M.push(s);
    }
  return M;
}

function signatureOf(bytes: Uint8Array): Signature {
  const r = recognise(inspectOnnx(bytes));
  assert.ok(r.ok, r.ok ? '' : r.reason);
  return r.signature;
}

/** The analysis of a model file as the preview makes it (no run: states from the model itself). */
async function analyseFile(runtime: ModelRuntime, file: string, sig: Signature, dt: number) {
  return analyseModel(runtime, {
    file,
    fileName: file.split('/').pop()!,
    signature: sig,
    initialState: sig.metadata.initialState!,
    dt,
    timeStep: dt,
    signal: { cancelled: false },
    onProgress: () => undefined,
  });
}

describe('dynamics insight: the model’s Lyapunov spectrum (QR method)', function () {
  this.timeout(120_000);
  const runtime = new ModelRuntime({ info: () => undefined, warn: () => undefined });
  const dir = mkdtempSync(join(tmpdir(), 'attractor-spectrum-'));
  after(() => {
    runtime.dispose();
    rmSync(dir, { recursive: true, force: true });
  });
  const write = (name: string, bytes: Uint8Array) => {
    const file = join(dir, name);
    writeFileSync(file, bytes);
    return file;
  };

  it('carries tangent vectors through batches with the same QR step as the JS spectrum (Lorenz-63 RK4 map)', async () => {
    const lorenz = findSystem('lorenz63')!;
    const map = polynomialRk4(lorenz.field, lorenz.dt);
    const x0 = advance(map, lorenz.initialState, 1000);
    const sync = lyapunovSpectrum(map, x0, { dt: lorenz.dt, steps: 3000, transient: 0 });
    let calls = 0;
    const step = batchOf(map);
    const batched = await lyapunovSpectrumBatched(
      (p: Float64Array, n: number) => {
        calls++;
        assert.equal(n, 7, 'the state and its 2d neighbours in one batch');
        return step(p, n, 1);
      },
      3,
      x0,
      { dt: lorenz.dt, steps: 3000 },
    );
    assert.equal(calls, 3000, 'one batched evaluation per step');
    sync.exponents.forEach((v, i) => assert.ok(Math.abs(v - batched.exponents[i]) < 1e-9, `λ${i + 1}`));
  });

  it('carries the tangent vectors 10 steps per call: a tenth of the calls, and 10^5 steps give Lorenz-63 within 1%', async () => {
    const lorenz = findSystem('lorenz63')!;
    const map = polynomialRk4(lorenz.field, lorenz.dt);
    const x0 = advance(map, lorenz.initialState, 1000);
    const step = batchOf(map);
    let calls = 0;
    const counted = (p: Float64Array, n: number, steps: number) => {
      calls++;
      return step(p, n, steps);
    };
    const s = await lyapunovSpectrumBatched(counted, 3, x0, {
      dt: lorenz.dt,
      steps: 100_000,
      transient: 1000,
      every: 10,
      precision: 'float32',
    });
    assert.equal(calls, 10_100, 'one call per 10 steps, transient included');
    // closed form: the exponents sum to the trace of the Jacobian, −(σ + 1 + β) = −13.667 (RK4 at this dt: to 1e-3)
    const sum = s.exponents.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum + 13.6667) < 0.01, `sum ${sum}`);
    // λ1 of the published reference (0.9056, Sprott 2003) and this project's 10^6-step QR value 0.9046
    assert.ok(Math.abs(s.exponents[0] - 0.9046) / 0.9046 < 0.01, `λ1 ${s.exponents[0]}`);
    assert.ok(Math.abs(s.exponents[1]) < 0.01, `λ2 ${s.exponents[1]}`);
  });

  it('gives ln|μ_i| for a linear ONNX map with eigenvalues 0.9, 0.5, −0.2 (float32, through onnxruntime)', async () => {
    const mus = [0.9, 0.5, -0.2];
    const bytes = linearModel(similar(mus), 3, 'map', 1);
    const file = write('linear-map.onnx', bytes);
    const sig = signatureOf(bytes);
    const result = await analyseDynamics({
      kind: 'map',
      dim: 3,
      precision: 'float32',
      rows: Float64Array.of(1, 2, 3, 0.5, 1, 2, 0.2, 0.4, 1, 0.1, 0.2, 0.3),
      steps: 4,
      timeStep: 1,
      evaluate: (p, n, k) => runtime.evaluate(file, sig, p, n, k),
      maxPeriod: 1,
    });
    const s = result.spectrum!;
    assert.equal(s.exponents.length, 3);
    mus.forEach((mu, i) =>
      assert.ok(Math.abs(s.exponents[i] - Math.log(Math.abs(mu))) < 2e-3, `λ${i + 1} = ${s.exponents[i]}`),
    );
    assert.equal(s.kaplanYorke, 0, 'a contracting map: D_KY = 0');
  });

  it('gives ln|R(μ_i·dt)|/dt, R the RK4 stability polynomial, for a linear ONNX flow with eigenvalues −0.5, −1, −2', async () => {
    const mus = [-0.5, -1, -2];
    const dt = 0.05;
    const bytes = linearModel(similar(mus), 3, 'flow', dt);
    const file = write('linear-flow.onnx', bytes);
    const sig = signatureOf(bytes);
    assert.equal(sig.kind, 'flow');
    const view = await analyseFile(runtime, file, sig, dt);
    const R = (z: number) => 1 + z + z ** 2 / 2 + z ** 3 / 6 + z ** 4 / 24;
    const rows = view.spectrum!.rows;
    assert.deepEqual(
      rows.map((r) => r.name),
      ['λ1', 'λ2', 'λ3', 'D_KY'],
    );
    mus.forEach((mu, i) => {
      const expected = Math.log(Math.abs(R(mu * dt))) / dt;
      const got = Number(rows[i].model.replace('−', '-'));
      assert.ok(Math.abs(got - expected) < 2e-3, `λ${i + 1}: ${got}, expected ${expected}`);
    });
    assert.equal(rows[3].model, '0');
    assert.match(view.spectrum!.columns[2], /none named/);
  });

  it('the zoo’s Lorenz-63 RK4 map: λ1 ≈ 0.906, λ2 ≈ 0, Σλ = −(σ + 1 + β), D_KY ≈ 2.06, beside the system’s', async () => {
    const file = join(modelsDir, 'lorenz63-rk4.onnx');
    const bytes = new Uint8Array(readFileSync(file));
    const sig = signatureOf(bytes);
    const lorenz = findSystem('lorenz63')!;
    const dt = sig.metadata.dt!;
    const view = await analyseFile(runtime, file, sig, dt);
    const table = view.spectrum!;
    assert.deepEqual(table.columns, ['Lyapunov spectrum', 'model', 'Lorenz-63 (true system)']);
    const num = (t: string) => Number(t.replace(/−/g, '-'));
    const [l1, l2, l3] = table.rows.slice(0, 3).map((r) => num(r.model));
    const { sigma, beta } = lorenz.parameters;
    // the trace of the Jacobian, constant on the whole state space: the sum of the exponents in closed form
    assert.ok(Math.abs(l1 + l2 + l3 + (sigma + 1 + beta)) < 0.05, `Σλ = ${l1 + l2 + l3}`);
    // 10^5 steps carried 10 per call: within 1% of the 10^6-step QR value (4000 single steps gave 0.918)
    assert.ok(Math.abs(l1 - 0.9046) / 0.9046 < 0.01, `λ1 = ${l1} (QR, 10^6 steps: 0.9046; Sprott 2003: 0.9056)`);
    assert.ok(Math.abs(l2) < 0.01, `λ2 = ${l2}`);
    const ky = num(table.rows[3].model);
    assert.ok(Math.abs(ky - 2.062) < 0.03, `D_KY = ${ky}`);
    assert.deepEqual(
      table.rows.map((r) => r.system),
      ['0.9046', '−3.000e−4', '−14.57', '2.062'],
    );
    // kept through the webview's state (JSON) and in the Markdown
    assert.deepEqual(parseAnalysisView(JSON.parse(JSON.stringify(view)))!.spectrum, table);
    assert.match(
      view.markdown,
      /\| Lyapunov spectrum \| model \| Lorenz-63 \(true system\) \|\n\| --- \| --- \| --- \|\n\| λ1 \| /,
    );
    assert.match(view.markdown, /\| D_KY \| [0-9.]+ \| 2\.062 \|/);
  });

  it('stops the spectrum on Cancel', async () => {
    const lorenz = findSystem('lorenz63')!;
    const map = polynomialRk4(lorenz.field, lorenz.dt);
    const signal = { cancelled: false };
    const s = await lyapunovSpectrumBatched(batchOf(map), 3, lorenz.initialState, {
      dt: lorenz.dt,
      steps: 1e7,
      signal,
      onProgress: (done) => {
        if (done > 1000) signal.cancelled = true;
      },
    });
    assert.ok(s.cancelled);
    assert.ok(s.steps < 1e6);
  });

  it('lists no spectrum row for a model without one and no system', () => {
    assert.equal(
      spectrumTable({
        kind: 'map',
        method: 'newton',
        note: '',
        points: [],
        maxPeriod: 1,
        box: { lo: [0], hi: [1] },
        elapsedMs: 0,
        calls: 0,
        cancelled: false,
      }),
      undefined,
    );
  });
});
