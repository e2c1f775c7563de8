import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { rolloutSimulator, type CompletedRun } from '../../src/models/comparisons';
import { inspectOnnx } from '../../src/models/onnxFile';
import { ModelRuntime, RESTART_BATCH } from '../../src/models/runtime';
import { recognise } from '../../src/models/signature';
import { groundTruthComparison, papersProtocolRun } from '../../src/models/groundTruthComparison';
import { LAST_BATCH, MAX_BATCH, predictionError, runLyapunov, type Simulate } from '../../src/metrics/modelRuns';
import { kaplanYorkeDimension, largestLyapunov, lyapunovSpectrum } from '../../src/metrics/lyapunov';
import { advance, iterate } from '../../src/core/integrate';
import { polynomialRk4 } from '../../src/systems/polynomial';
import type { DiscreteMap, Trajectory } from '../../src/core/trajectory';
import { findSystem, QR_SPECTRA, REFERENCE_SYSTEMS } from '../../src/systems/systems';

const lorenz = findSystem('lorenz63')!;
const lorenzMap = () => polynomialRk4(lorenz.field, lorenz.dt);

/** A JS map run like the preview runs a model: batched states, float32 rows after 1..steps steps. */
function simulator(map: DiscreteMap, calls: { n: number; maxBatch: number }): Simulate {
  return (states, steps) => {
    calls.n++;
    calls.maxBatch = Math.max(calls.maxBatch, states.length);
    const out = new Float32Array(steps * states.length * map.dim);
    states.forEach((s, m) => {
      let a = Float64Array.from(s);
      let b = new Float64Array(map.dim);
      for (let t = 0; t < steps; t++) {
        map.step(a, b);
        [a, b] = [b, a];
        for (let j = 0; j < map.dim; j++) out[(t * states.length + m) * map.dim + j] = a[j];
      }
    });
    return Promise.resolve(out);
  };
}

describe('metrics that run the model (PE, λmax) and the Lyapunov spectrum', function () {
  this.timeout(60_000);

  it('PE (n = 20) batches the starts as ensemble members and agrees with a per-start loop (GTF prediction_error)', async () => {
    const truth = iterate(lorenzMap(), advance(lorenzMap(), lorenz.initialState, 1000), 3000);
    // the "model": Lorenz with ρ = 28·1.02 (a slightly wrong model)
    const wrongField = { ...lorenz.field, coefficients: lorenz.field.coefficients.slice() };
    const rhoTerm = lorenz.field.terms.findIndex((m) => m[0] === 1 && m[1] === 0 && m[2] === 0);
    wrongField.coefficients[rhoTerm * 3 + 1] *= 1.02;
    const model = polynomialRk4(wrongField, lorenz.dt);
    const calls = { n: 0, maxBatch: 0 };
    const pe = await predictionError(simulator(model, calls), truth, 20);
    assert.equal(pe.starts, 3000 - 20);
    assert.equal(calls.n, Math.ceil(2980 / MAX_BATCH));
    assert.equal(calls.maxBatch, MAX_BATCH);
    // reference: z = X[1:T−n]; z = model(z) n times; mse(z, X[n+1:end]) — one start at a time, float32 rows
    let sum = 0;
    for (let t = 0; t < 2980; t++) {
      const z = advance(model, truth.data.subarray(t * 3, t * 3 + 3), 20);
      for (let j = 0; j < 3; j++) sum += (Math.fround(z[j]) - truth.data[(t + 20) * 3 + j]) ** 2;
    }
    const reference = sum / (2980 * 3);
    assert.ok(Math.abs(pe.value - reference) <= 1e-9 * Math.max(1, reference), `${pe.value} vs ${reference}`);
    assert.ok(pe.value > 1e-3);
    const exact = await predictionError(simulator(lorenzMap(), { n: 0, maxBatch: 0 }), truth, 20);
    assert.ok(exact.value < 1e-9, `the true system scores ~0: ${exact.value}`);
    assert.match((await predictionError(simulator(model, calls), { ...truth, length: 15 }, 20)).reason!, /fewer/);

    // A runner with `last` (large batches, last rows only) gives the same value in ⌈2980/LAST_BATCH⌉ calls.
    const lastCalls = { n: 0, maxBatch: 0, steps: 0 };
    const perStart = simulator(model, { n: 0, maxBatch: 0 });
    const withLast = Object.assign(perStart, {
      last: async (states: Float64Array, count: number, steps: number) => {
        lastCalls.n++;
        lastCalls.maxBatch = Math.max(lastCalls.maxBatch, count);
        lastCalls.steps = steps;
        const out = new Float32Array(count * 3);
        for (let i = 0; i < count; i++) out.set(advance(model, states.subarray(i * 3, i * 3 + 3), steps), i * 3);
        return Promise.resolve(out);
      },
    });
    const batched = await predictionError(withLast, truth, 20);
    assert.equal(batched.starts, 2980);
    assert.equal(lastCalls.n, Math.ceil(2980 / LAST_BATCH));
    assert.equal(lastCalls.steps, 20);
    assert.ok(Math.abs(batched.value - reference) <= 1e-9 * Math.max(1, reference), `${batched.value} vs ${reference}`);
  });

  it('λmax by Benettin on a running model is within 3% of 0.906 for Lorenz-63', async () => {
    const calls = { n: 0, maxBatch: 0 };
    const x0 = Array.from(advance(lorenzMap(), lorenz.initialState, 1000));
    const lambda = await runLyapunov(simulator(lorenzMap(), calls), x0, {
      dt: lorenz.dt,
      steps: 50_000,
      every: 70,
      d0: 8e-3,
      neighbours: 4,
    });
    assert.ok(Math.abs(lambda - 0.906) / 0.906 < 0.03, `λmax = ${lambda}`);
    assert.equal(calls.n, Math.ceil(50_000 / 70));
  });

  it('QR Lyapunov spectrum of Lorenz-63: sums to the trace −(σ + 1 + β) = −13.667, λ1 ≈ 0.906, λ2 ≈ 0', () => {
    const s = lyapunovSpectrum(lorenzMap(), advance(lorenzMap(), lorenz.initialState, 1000), {
      dt: lorenz.dt,
      steps: 100_000,
      transient: 0,
    });
    const [l1, l2, l3] = s.exponents;
    const sum = l1 + l2 + l3;
    assert.ok(Math.abs(sum - -(10 + 1 + 2.667)) < 2e-3, `Σλ = ${sum}`);
    assert.ok(Math.abs(l1 - 0.906) / 0.906 < 0.03, `λ1 = ${l1}`);
    assert.ok(Math.abs(l2) < 0.01, `λ2 = ${l2}`);
    assert.ok(Math.abs(s.kaplanYorke! - (2 + (l1 + l2) / Math.abs(l3))) < 1e-12);
    assert.ok(s.kaplanYorke! > 2.05 && s.kaplanYorke! < 2.07, `D_KY = ${s.kaplanYorke}`);
  });

  it('QR spectrum against closed forms: a linear map (ln|eigenvalues|), Hénon (λ1 + λ2 = ln b), logistic r = 4 (ln 2)', () => {
    // x ↦ A·x with A upper triangular (non-normal): the exponents are ln|A_ii| = ln 1.5, ln 0.8, ln 0.2 at every
    // point, so the fixed point 0 serves as the orbit
    const A = [
      [1.5, 2, 0.3],
      [0, -0.8, 1],
      [0, 0, 0.2],
    ];
    const linear: DiscreteMap = {
      dim: 3,
      observed: 3,
      step: (x, o) => {
        for (let i = 0; i < 3; i++) o[i] = A[i][0] * x[0] + A[i][1] * x[1] + A[i][2] * x[2];
      },
    };
    const lin = lyapunovSpectrum(linear, [0, 0, 0], { dt: 1, steps: 20_000, transient: 0 });
    const expected = [Math.log(1.5), Math.log(0.8), Math.log(0.2)];
    lin.exponents.forEach((l, i) => assert.ok(Math.abs(l - expected[i]) < 1e-3, `λ${i + 1} = ${l}, ${expected[i]}`));
    // D_KY = 2 + (ln 1.5 + ln 0.8)/|ln 0.2|
    assert.ok(Math.abs(lin.kaplanYorke! - (2 + Math.log(1.2) / Math.log(5))) < 1e-3, `D_KY ${lin.kaplanYorke}`);

    // Hénon (a = 1.4, b = 0.3): det J = −b everywhere, so λ1 + λ2 = ln 0.3 on any orbit; λ1 ≈ 0.419 (Sprott 2003)
    const henon: DiscreteMap = {
      dim: 2,
      observed: 2,
      step: (x, o) => {
        o[0] = 1 - 1.4 * x[0] * x[0] + x[1];
        o[1] = 0.3 * x[0];
      },
    };
    const h = lyapunovSpectrum(henon, [0.1, 0.1], { dt: 1, steps: 200_000, transient: 1_000 });
    const [h1, h2] = h.exponents;
    assert.ok(Math.abs(h1 + h2 - Math.log(0.3)) < 1e-6, `λ1 + λ2 = ${h1 + h2}, ln 0.3 = ${Math.log(0.3)}`);
    assert.ok(Math.abs(h1 - 0.4192) / 0.4192 < 0.01, `λ1 = ${h1}`);

    // logistic map at r = 4: conjugate to the tent map, λ = ln 2 (invariant density 1/(π√(x(1−x))))
    const logistic: DiscreteMap = { dim: 1, observed: 1, step: (x, o) => void (o[0] = 4 * x[0] * (1 - x[0])) };
    const g = lyapunovSpectrum(logistic, [0.3], { dt: 1, steps: 200_000, transient: 100 });
    assert.ok(Math.abs(g.exponents[0] - Math.log(2)) / Math.log(2) < 0.01, `λ = ${g.exponents[0]}`);
    // Benettin's λmax on the same maps
    assert.ok(Math.abs(largestLyapunov(henon, [0.1, 0.1], { dt: 1, steps: 200_000 }) - 0.4192) / 0.4192 < 0.01);
    assert.ok(Math.abs(largestLyapunov(linear, [0, 0, 0], { dt: 1, steps: 20_000 }) - Math.log(1.5)) < 1e-3);
  });

  it("every system's reference λmax is within 1% of its converged QR value, which a shorter QR run confirms", () => {
    for (const system of REFERENCE_SYSTEMS) {
      const q = QR_SPECTRA[system.id];
      assert.ok(q, system.id);
      const tol = Math.max(0.01 * Math.abs(q.exponents[0]), 1e-3);
      assert.ok(Math.abs(system.lyapunovMax - q.exponents[0]) <= tol, `${system.id}: ${system.lyapunovMax}`);
      const map = polynomialRk4(system.field, system.dt);
      const short = lyapunovSpectrum(map, advance(map, system.initialState, 5000), {
        dt: system.dt,
        steps: 200_000,
        transient: 0,
      });
      // a 2·10^5-step run is within a few per cent (Dadras converges slowest: 5.7% here)
      const l1 = short.exponents[0];
      assert.ok(
        Math.abs(l1 - q.exponents[0]) <= Math.max(0.07 * q.exponents[0], 0.005),
        `${system.id}: QR 2·10^5 ${l1}`,
      );
      const sum = short.exponents.reduce((a, b) => a + b, 0);
      const recorded = q.exponents.reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(sum - recorded) <= 0.02 * Math.abs(recorded), `${system.id}: Σλ ${sum} vs ${recorded}`);
    }
  });

  it('Kaplan–Yorke dimension: closed-form cases', () => {
    assert.equal(kaplanYorkeDimension([-1, -2]), 0);
    assert.equal(kaplanYorkeDimension([0, -1]), 1);
    assert.equal(kaplanYorkeDimension([1, 0, -2]), 2.5);
    assert.equal(kaplanYorkeDimension([1, 1]), undefined);
  });
});

describe('the preview comparison runs the model through onnxruntime (PE, λmax)', function () {
  this.timeout(120_000);

  it('scores a copy of lorenz63-rk4.onnx: PE ≈ 0 from 20-step runs, λmax within 5% of 0.906, run in batches', async () => {
    const bytes = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'media', 'models', 'lorenz63-rk4.onnx'));
    const r = recognise(inspectOnnx(bytes));
    assert.ok(r.ok);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attractor-metrics-'));
    const runtime = new ModelRuntime({ info: () => undefined, warn: () => undefined });
    try {
      const file = path.join(dir, 'my-lorenz.onnx');
      fs.writeFileSync(file, bytes);
      const x0 = r.signature.metadata.initialState!.slice();
      const steps = 3000;
      const burnIn = 300;
      const chunks: Float32Array[] = [];
      await runtime.rollout(file, { signature: r.signature, initialStates: [x0], steps, dt: lorenz.dt }, (c) => {
        chunks.push(c.data);
      });
      const all = Float32Array.from(chunks.flatMap((c) => [...c]));
      const calls = { n: 0 };
      const inner = rolloutSimulator(
        (f, req, onChunk, signal) => runtime.rollout(f, req, onChunk, signal),
        file,
        r.signature,
        lorenz.dt,
        { cancelled: false },
      );
      const run: CompletedRun = {
        file,
        signature: r.signature,
        metadata: r.signature.metadata,
        params: { initialState: x0, steps, dt: lorenz.dt, members: 1, perturbation: 0, burnIn },
        steps: steps - burnIn,
        members: 1,
        width: 3,
        timeStep: lorenz.dt,
        data: all.subarray(burnIn * 3),
        simulate: (states, n) => {
          calls.n++;
          return inner(states, n);
        },
      };
      const result = await groundTruthComparison().compare(run, { cancelled: false });
      const row = (name: string) => result!.table.rows.find((x) => x.name === name)!;
      // the float32 RK4 map against the float64 truth: 20 steps apart by float32 rounding only
      assert.ok(Number(row('PE').value) < 1e-6, `PE ${row('PE').value}`);
      assert.match(row('PE').note!, /from 2680 starts/);
      const lambda = Number(row('λmax').value);
      assert.ok(Math.abs(lambda - 0.906) / 0.906 < 0.05, `λmax ${lambda}`);
      assert.match(row('λmax').note!, /Benettin on the model as it runs/);
      // PE: ⌈2680/64⌉ = 42 calls; λmax: 50,000 steps in calls of ≤ 100 steps
      assert.ok(calls.n >= 42 + 500 && calls.n <= 42 + 1000, `${calls.n} runtime calls`);

      // lastRows (batches of RESTART_BATCH, one runtime call per step, no Loop) ends where the rollout ends
      const count = RESTART_BATCH + 37;
      const starts = new Float64Array(count * 3);
      for (let i = 0; i < count; i++) starts.set(all.subarray((burnIn + i) * 3, (burnIn + i + 1) * 3), i * 3);
      const last = await runtime.lastRows(file, r.signature, starts, count, 20, lorenz.dt);
      assert.equal(last.length, count * 3);
      for (const i of [0, 1, RESTART_BATCH - 1, RESTART_BATCH, count - 1]) {
        const ends: Float32Array[] = [];
        await runtime.rollout(
          file,
          {
            signature: r.signature,
            initialStates: [Array.from(starts.subarray(i * 3, i * 3 + 3))],
            steps: 20,
            dt: lorenz.dt,
          },
          (c) => void ends.push(c.data),
        );
        const end = ends[ends.length - 1];
        assert.deepEqual(
          Array.from(last.subarray(i * 3, i * 3 + 3)),
          Array.from(end.subarray(end.length - 3)),
          `start ${i}`,
        );
      }
      const withLast = rolloutSimulator(
        (f, req, onChunk, signal) => runtime.rollout(f, req, onChunk, signal),
        file,
        r.signature,
        lorenz.dt,
        { cancelled: false },
        (...args) => runtime.lastRows(...args),
      );
      const truthRows: Trajectory = { data: Float64Array.from(all), length: steps, dim: 3 };
      const a = await predictionError(inner, truthRows, 20);
      const b = await predictionError(withLast, truthRows, 20);
      assert.equal(a.starts, b.starts);
      assert.ok(Math.abs(a.value - b.value) <= 1e-9 * Math.max(1e-12, a.value), `PE ${a.value} vs ${b.value}`);
    } finally {
      runtime.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the papers' evaluation protocol (GTF evaluation.jl)", function () {
  this.timeout(60_000);

  it('seeds the model with the first test point, generates ⌊1.25·T⌋ points and drops the first ⌊0.25·T⌋', async () => {
    const T = 1001;
    const truth = iterate(lorenzMap(), advance(lorenzMap(), lorenz.initialState, 1000), T);
    const gen = await papersProtocolRun(simulator(lorenzMap(), { n: 0, maxBatch: 0 }), truth);
    // reference, 1-based as in Julia: X_gen = generate(model, X[1, :], T̃)[floor(0.25T)+1:end, :]
    const Ttilde = Math.floor(1.25 * T);
    const full: number[][] = [Array.from(truth.data.subarray(0, 3))];
    // the simulator iterates in float64 and hands back float32 rows, as onnxruntime would for a float32 model
    let z: ArrayLike<number> = full[0];
    for (let t = 2; t <= Ttilde; t++) {
      z = advance(lorenzMap(), z, 1);
      full.push(Array.from(z, Math.fround));
    }
    const expected = full.slice(Math.floor(0.25 * T)).slice(0, T);
    assert.equal(gen.length, expected.length);
    for (const r of [0, 1, 500, gen.length - 1])
      for (let j = 0; j < 3; j++) assert.ok(Math.abs(gen.data[r * 3 + j] - expected[r][j]) < 1e-4, `row ${r}`);
  });

  it('the metrics table says which protocol produced it', async () => {
    const steps = 2000;
    const all = iterate(lorenzMap(), advance(lorenzMap(), lorenz.initialState, 1000), steps);
    const run: CompletedRun = {
      file: 'x.onnx',
      signature: { dim: 3 } as CompletedRun['signature'],
      metadata: { system: 'lorenz63', problems: [] },
      params: { initialState: [1, 1, 1], steps, dt: lorenz.dt, members: 1, perturbation: 0, burnIn: 0 },
      steps,
      members: 1,
      width: 3,
      timeStep: lorenz.dt,
      data: Float32Array.from(all.data),
      simulate: simulator(lorenzMap(), { n: 0, maxBatch: 0 }),
    };
    const papers = await groundTruthComparison({
      modelLyapunov: () => ({ lambdaMax: 0.9 }),
      protocol: () => 'papers',
    }).compare(run, {
      cancelled: false,
    });
    assert.match(
      papers!.table.title,
      /protocol of Hess et al\. 2023 \(GTF evaluation\.jl\).*2500 points generated, the first 500 dropped/,
    );
    const preview = await groundTruthComparison({ modelLyapunov: () => ({ lambdaMax: 0.9 }) }).compare(run, {
      cancelled: false,
    });
    assert.match(preview!.table.title, /protocol: the preview's run after its burn-in/);
    const stsp = (t: typeof preview) => t!.table.rows.find((r) => r.name === 'D_stsp')!.value;
    assert.notEqual(stsp(papers), stsp(preview));
  });
});
