/**
 * The reconstruction measures as published (src/metrics): on 10^5-point Lorenz-63 trajectories (3 dims: D_stsp
 * by binning) and on 10^4 points × 10 dims (D_stsp by the GMM), each measure alone and all together (goal ≤ 200 ms
 * each); the n-step prediction error (n = 20) of the zoo's ESN through onnxruntime on 10^4 starts batched as
 * ensemble members (goal ≤ 1 s) beside one runtime call per start; λmax by Benettin through the runtime; the QR
 * spectrum on the JS map. Every figure is measured in this run.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compareTrajectories, spectralDistance, stateSpace, validPredictionTime } from '../../src/metrics/index';
import { lyapunovSpectrum } from '../../src/metrics/lyapunov';
import { drivenStates, predictionError, runLyapunov } from '../../src/metrics/modelRuns';
import { rolloutSimulator } from '../../src/models/comparisons';
import { inspectOnnx } from '../../src/models/onnxFile';
import { ModelRuntime } from '../../src/models/runtime';
import { recognise } from '../../src/models/signature';
import { attractorScale } from '../../src/zoo/attractorScale';
import { advance, iterate } from '../../src/core/integrate';
import { polynomialRk4 } from '../../src/zoo/polynomial';
import type { Trajectory } from '../../src/core/trajectory';
import { findSystem } from '../../src/zoo/systems';
import { median, ms } from './stats';

const N = 100_000;
const ROUNDS = 5;
const lorenz = findSystem('lorenz63')!;
const map = polynomialRk4(lorenz.field, lorenz.dt);
const start = advance(map, lorenz.initialState, 2_000);
const truth = iterate(map, start, N);
const model = iterate(map, advance(map, start, 10_000), N);
const opts = { dt: lorenz.dt, lyapunovMax: lorenz.lyapunovMax, scale: attractorScale(lorenz) };

async function time(f: () => unknown, rounds = ROUNDS): Promise<number> {
  const out: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t = performance.now();
    await f();
    out.push(performance.now() - t);
  }
  return median(out);
}

/** 10 dims from delayed Lorenz coordinates (x(t), y(t), z(t), x(t−7), …): a 10-D series for the GMM variant. */
function tenDims(tr: Trajectory, points: number): Trajectory {
  const data = new Float64Array(points * 10);
  for (let t = 0; t < points; t++)
    for (let j = 0; j < 10; j++) data[t * 10 + j] = tr.data[(t + 30 - 7 * Math.floor(j / 3)) * 3 + (j % 3)];
  return { data, length: points, dim: 10 };
}

async function main() {
  console.log(`Measures on ${N.toLocaleString('en')} points × 3 dims (Lorenz-63, two stretches), median of ${ROUNDS}`);
  const all = await time(() => compareTrajectories(truth, model, opts));
  console.log(`  VPT + D_stsp + D_H together        ${ms(all)}  (goal ≤ 200 ms each)`);
  console.log(`  valid prediction time              ${ms(await time(() => validPredictionTime(truth, model, opts)))}`);
  console.log(`  D_stsp, binning 30^3 cells         ${ms(await time(() => stateSpace(truth, model)))}`);
  console.log(
    `  D_H, 3 × 2 spectra of 10^5 points  ${ms(await time(() => spectralDistance(truth, model)))}  (mixed radix: 10^5 = 4²·2·5⁵)`,
  );
  const pow2 = { ...truth, length: 65_536 };
  console.log(
    `  for scale: D_H at 65,536 points    ${ms(await time(() => spectralDistance(pow2, { ...model, length: 65_536 })))}  (radix 2)`,
  );
  const a10 = tenDims(truth, 10_000);
  const b10 = tenDims(model, 10_000);
  console.log(`\nMeasures on 10,000 points × 10 dims, median of ${ROUNDS}`);
  console.log(
    `  D_stsp, GMM (10^4 × 10^3 samples)  ${ms(await time(() => stateSpace(a10, b10)))}  (goal ≤ 200 ms; value ${stateSpace(a10, b10).value.toFixed(3)})`,
  );
  console.log(`  D_H                                ${ms(await time(() => spectralDistance(a10, b10)))}`);
  console.log(
    `  VPT                                ${ms(await time(() => validPredictionTime(a10, b10, { ...opts, scale: new Float64Array(10).fill(8) })))}`,
  );
  console.log(
    `  QR spectrum, Lorenz JS map, 10^5 steps  ${ms(await time(() => lyapunovSpectrum(map, start, { dt: lorenz.dt, steps: 100_000, transient: 0 }), 1))}`,
  );

  // ---- through onnxruntime: the zoo's ESN (state 203: 3 observed + 200 reservoir) -------------------------------
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attractor-metrics-bench-'));
  const runtime = new ModelRuntime({ info: () => undefined, warn: () => undefined });
  try {
    const bytes = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'media', 'models', 'lorenz63-esn.onnx'));
    const file = path.join(dir, 'esn.onnx');
    fs.writeFileSync(file, bytes);
    const r = recognise(inspectOnnx(bytes));
    if (!r.ok) throw new Error(r.reason);
    // emit the whole state, so that the starts are full ESN states (GTF's init_state for this model)
    const sig = { ...r.signature, observationOutput: undefined, observationDim: undefined };
    const simulate = rolloutSimulator(
      (f, req, onChunk, signal) => runtime.rollout(f, req, onChunk, signal),
      file,
      sig,
      lorenz.dt,
      { cancelled: false },
    );
    const x0 = sig.metadata.initialState!;
    const rows = await simulate([x0], 10_020);
    const test: Trajectory = { data: Float64Array.from(rows), length: 10_020, dim: sig.dim };
    await predictionError(simulate, { ...test, length: 200 }, 20); // warm-up: sessions built
    const batched = await time(() => predictionError(simulate, test, 20), 3);
    const pe = await predictionError(simulate, test, 20);
    const single = await time(async () => {
      for (let t = 0; t < 200; t++)
        await simulate([Array.from(test.data.subarray(t * sig.dim, (t + 1) * sig.dim))], 20);
    }, 1);
    console.log(`\nn-step prediction error (n = 20), lorenz63-esn (state ${sig.dim}) in onnxruntime`);
    console.log(
      `  ${pe.starts.toLocaleString('en')} starts, 64 per call       ${ms(batched)}  (goal ≤ 1 s; PE ${pe.value.toExponential(2)})`,
    );
    console.log(
      `  baseline: one call per start       ${ms(single / 200)} per start, measured on 200 starts (${ms(single)})`,
    );
    // As the preview runs it: only the 3 observed values are known; the reservoir is driven by them first.
    const observed: Trajectory = { data: new Float64Array(test.length * 3), length: test.length, dim: 3 };
    for (let t = 0; t < test.length; t++) observed.data.set(test.data.subarray(t * sig.dim, t * sig.dim + 3), t * 3);
    const emit = rolloutSimulator(
      (f, req, onChunk, signal) => runtime.rollout(f, req, onChunk, signal),
      file,
      r.signature,
      lorenz.dt,
      { cancelled: false },
    );
    let driven: Awaited<ReturnType<typeof drivenStates>>;
    const drive = await time(async () => (driven = await drivenStates(simulate, observed, sig.dim)), 3);
    const drivenPe = await predictionError(emit, observed, 20, undefined, driven!);
    const withHidden = await time(() => predictionError(emit, observed, 20, undefined, driven!), 3);
    console.log(
      `  observed x only: reservoir driven over ${observed.length.toLocaleString('en')} rows ${ms(drive)}, then ${drivenPe.starts.toLocaleString('en')} starts ${ms(withHidden)}  (PE ${drivenPe.value.toExponential(2)})`,
    );
    const lor = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'media', 'models', 'lorenz63-rk4.onnx'));
    const lfile = path.join(dir, 'lorenz.onnx');
    fs.writeFileSync(lfile, lor);
    const lr = recognise(inspectOnnx(lor));
    if (!lr.ok) throw new Error(lr.reason);
    const lsim = rolloutSimulator(
      (f, req, onChunk, signal) => runtime.rollout(f, req, onChunk, signal),
      lfile,
      lr.signature,
      lorenz.dt,
      { cancelled: false },
    );
    let lambda = 0;
    const lt = await time(async () => {
      lambda = await runLyapunov(lsim, Array.from(start), {
        dt: lorenz.dt,
        steps: 50_000,
        every: 74,
        d0: 8e-3,
        neighbours: 4,
      });
    }, 1);
    console.log(
      `  λmax Benettin, lorenz63-rk4 via onnxruntime, 5·10^4 steps × 5 members  ${ms(lt)}  (λmax ${lambda.toFixed(3)})`,
    );
  } finally {
    runtime.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
