/**
 * Dynamics insight: equilibria of a d = 3 flow (the zoo's SINDy Lorenz-63) by Newton through onnxruntime, all
 * seeds' finite-difference stencils in one call per iteration (goal ≤ 500 ms), beside the same search with one
 * call per seed; subregion colouring of a 10^5-step run of the zoo's PLRNN (100 hidden units, 200 ReLUs; goal
 * ≤ 300 ms on top of the run), beside the run itself; the exact search of that PLRNN for fixed points and cycles
 * up to period 8 (goal ≤ 2 s), beside Newton through onnxruntime on the same model. Every figure is measured here.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { onnx } from 'onnx-proto';
import { analyseDynamics, analysisSeeds } from '../../src/models/insight/analysis';
import { newtonSearch, type BatchEvaluate } from '../../src/models/insight/newton';
import { recognisePiecewiseLinear } from '../../src/models/insight/piecewiseLinear';
import { analyseModel } from '../../src/models/insight/analysisRunner';
import type { AnalysisView } from '../../src/models/insight/analysisProtocol';
import { exactSearch, regionVisits, regionVisitsChunked } from '../../src/models/insight/plrnnSearch';
import { inspectOnnx } from '../../src/models/onnxFile';
import { ModelRuntime } from '../../src/models/runtime';
import { recognise, type Signature } from '../../src/models/signature';
import { median, ms } from './stats';

const models = path.join(__dirname, '..', '..', '..', 'media', 'models');

async function time(f: () => unknown, rounds = 5): Promise<number> {
  const out: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t = performance.now();
    await f();
    out.push(performance.now() - t);
  }
  return median(out);
}

/** The longest the event loop went without a turn while `f` ran (a 1 ms interval timer's largest gap). */
async function longestBlock(f: () => unknown): Promise<number> {
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
  }, 1);
  try {
    await f();
    worst = Math.max(worst, performance.now() - last);
  } finally {
    clearInterval(timer);
  }
  return worst;
}

function load(name: string): { file: string; bytes: Uint8Array; sig: Signature } {
  const file = path.join(models, `${name}.onnx`);
  const bytes = new Uint8Array(fs.readFileSync(file));
  const r = recognise(inspectOnnx(bytes));
  if (!r.ok) throw new Error(r.reason);
  return { file, bytes, sig: r.signature };
}

async function main() {
  const runtime = new ModelRuntime({ info: () => undefined, warn: () => undefined });
  try {
    // ---- a d = 3 flow through onnxruntime -------------------------------------------------------------------
    const flow = load('lorenz63-sindy');
    const x0 = flow.sig.metadata.initialState!;
    const dt = flow.sig.metadata.dt ?? 0.01;
    const steps = 2000;
    const rows = new Float64Array(steps * 3);
    const first = await runtime.rollout(
      flow.file,
      { signature: flow.sig, initialStates: [x0], steps, dt, chunkSteps: steps },
      (c) => rows.set(c.data.subarray(0, steps * 3)),
    );
    void first;
    const { seeds, extent } = analysisSeeds(rows, steps, 3, 32);
    const batched: BatchEvaluate = (p, n, k) => runtime.evaluate(flow.file, flow.sig, p, n, k);
    const perSeed: BatchEvaluate = async (p, n, k) => {
      // the baseline: one runtime call per point (as a d-call finite-difference loop would make)
      const out = new Float64Array(n * 3);
      for (let i = 0; i < n; i++)
        out.set(await runtime.evaluate(flow.file, flow.sig, p.subarray(i * 3, i * 3 + 3), 1, k), i * 3);
      return out;
    };
    const opts = { kind: 'flow' as const, dim: 3, seeds, extent, precision: 'float32' as const };
    await newtonSearch(batched, opts); // warm-up: the session is built
    let found = 0;
    let calls = 0;
    const tb = await time(async () => {
      const r = await newtonSearch(batched, opts);
      found = r.points.length;
      calls = r.calls;
    });
    const ts = await time(() => newtonSearch(perSeed, opts), 1);
    console.log(
      `Equilibria of a d = 3 flow (lorenz63-sindy) by Newton through onnxruntime, ${seeds.length} seeds, median of 5`,
    );
    console.log(`  one call per iteration (2d+1)·seeds   ${ms(tb)}  (goal ≤ 500 ms; ${found} found, ${calls} calls)`);
    console.log(`  baseline: one call per point          ${ms(ts)}`);
    console.log(`  longest event-loop block              ${ms(await longestBlock(() => newtonSearch(batched, opts)))}`);

    // ---- the zoo PLRNN: colouring and exact search ---------------------------------------------------------
    const pl = load('lorenz63-plrnn');
    const pw = recognisePiecewiseLinear(onnx.ModelProto.decode(pl.bytes), pl.sig.stateInput, pl.sig.stateOutput, 3);
    if (!pw.ok) throw new Error(pw.reason);
    const N = 100_000;
    const run = new Float32Array(N * 3);
    const runMs = await time(
      () =>
        runtime.rollout(
          pl.file,
          { signature: pl.sig, initialStates: [pl.sig.metadata.initialState!], steps: N, dt: 1 },
          (c) => run.set(c.data, c.start * 3),
        ),
      3,
    );
    let regions = 0;
    const colourMs = await time(() => (regions = regionVisits(pw.map, run, N).regions.length));
    console.log(`\nlorenz63-plrnn (clipped shallow PLRNN, d = 3, 100 hidden units = ${pw.map.H} ReLUs)`);
    console.log(`  the run: 10^5 steps in onnxruntime         ${ms(runMs)}  (baseline)`);
    console.log(
      `  subregion of every row, visit counts       ${ms(colourMs)}  (goal ≤ 300 ms on top; ${regions} subregions)`,
    );
    const colourBlock = await longestBlock(() => regionVisitsChunked(pw.map, run, N));
    console.log(`  longest event-loop block, chunked colouring ${ms(colourBlock)}`);
    const tail = run.subarray((N - 3000) * 3);
    const s = analysisSeeds(tail, 3000, 3, 32);
    let solved = 0;
    let points = 0;
    const exactMs = await time(async () => {
      const r = await exactSearch(pw.map, { seeds: s.seeds, maxPeriod: 8 });
      solved = r.solved;
      points = r.points.length;
    }, 3);
    console.log(
      `  exact search, periods 1–8 (SCYFI)          ${ms(exactMs)}  (goal ≤ 2 s; ${solved} systems solved, ${points} found)`,
    );
    console.log(
      `  longest event-loop block, exact search     ${ms(await longestBlock(() => exactSearch(pw.map, { seeds: s.seeds, maxPeriod: 8 })))}`,
    );
    const newtonMs = await time(
      () =>
        analyseDynamics({
          kind: 'map',
          dim: 3,
          precision: 'float32',
          rows: tail,
          steps: 3000,
          timeStep: 1,
          evaluate: (p, n, k) => runtime.evaluate(pl.file, pl.sig, p, n, k),
          maxPeriod: 8,
        }),
      1,
    );
    console.log(`  baseline: Newton through onnxruntime, 1–8  ${ms(newtonMs)}`);

    // ---- what the analysis finds on every zoo map and flow (the rollouts repeat the RK4 maps' dynamics) -------
    console.log("\nZoo findings (Analyse from the model's own states; λ per unit time, model | system)");
    const names = fs
      .readdirSync(models)
      .filter((f) => f.endsWith('.onnx') && !f.includes('rollout'))
      .map((f) => f.replace(/\.onnx$/, ''))
      .sort();
    for (const name of names) {
      const m = load(name);
      const dt = m.sig.metadata.dt ?? 0.01;
      const t0 = performance.now();
      let view: AnalysisView | undefined;
      const block = await longestBlock(async () => {
        view = await analyseModel(runtime, {
          file: m.file,
          fileName: name,
          signature: m.sig,
          initialState: m.sig.metadata.initialState!,
          dt,
          timeStep: dt,
          signal: { cancelled: false },
          onProgress: () => undefined,
        });
      });
      const v = view!;
      const points = v.rows
        .filter((r) => r.type !== '″')
        .map((r) => `${r.what}: ${r.coordinates.replace(/, … \d+ values/, ', …')} ${r.type}, ${r.unstable} unstable`);
      const spec = v.spectrum?.rows ?? [];
      const col = (k: 'model' | 'system') => spec.map((r) => `${r.name} ${r[k]}`).join(', ');
      console.log(`\n  ${name} (${v.kind}, ${v.method}, ${ms(performance.now() - t0)}, longest block ${ms(block)})`);
      for (const p of points.slice(0, 8)) console.log(`    ${p}`);
      if (points.length > 8) console.log(`    … ${points.length - 8} more`);
      if (points.length === 0) console.log('    no fixed point or cycle found');
      for (const line of v.lines.filter((l) => /Closed orbit|Subregions/.test(l))) console.log(`    ${line}`);
      console.log(`    model:  ${col('model')}`);
      console.log(`    system: ${col('system')}`);
    }
  } finally {
    runtime.dispose();
  }
}

void main();
