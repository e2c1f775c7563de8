/**
 * Model previews: plain JS vs onnxruntime per-step calls vs the Loop rollout Attractor builds, for Lorenz-63
 * (analytic, as ONNX) and ESN-sized learned maps (hidden 100 and 500), N = 10^3..10^5 steps, B = 1 and 64; chunk
 * sizes; module load and session creation; first points and 10^5-step previews of the zoo; peak memory. Everything
 * compared within this run. Slow combinations are estimated from a short run and skipped when they would take
 * more than a few seconds (shown as "skip (≈ N s)").
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { inspectOnnx } from '../../src/models/onnxFile';
import { ROLLOUT_INPUTS, ROLLOUT_OUTPUTS, buildRolloutGraph, decodeFullModel } from '../../src/models/rolloutGraph';
import { ModelRuntime, SESSION_OPTIONS, type RolloutRequest } from '../../src/models/runtime';
import { recognise, type Signature } from '../../src/models/signature';
import { LORENZ, esnMap, lorenzFlow, naiveLorenzRk4Map } from '../fixtures/models/models';
import { median } from './stats';

const root = path.join(__dirname, '..', '..', '..');
const DT = 0.01;
const SKIP_ABOVE_MS = 4000;
const quiet = { info: () => undefined, warn: () => undefined };
/** The runtime's own session options (one thread, no spinning), so every ORT column measures what previews use. */
const sessionOptions = SESSION_OPTIONS;

function signatureOf(bytes: Uint8Array): Signature {
  const r = recognise(inspectOnnx(bytes));
  if (!r.ok) throw new Error(r.reason);
  return r.signature;
}

function fmt(msValue: number | undefined): string {
  if (msValue === undefined) return '—';
  return msValue >= 100 ? `${msValue.toFixed(0)} ms` : `${msValue.toFixed(1)} ms`;
}

async function timed(fn: () => Promise<unknown> | unknown, reps: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return median(times);
}

/** Times `run(n)` at N, or skips when a run at a tenth of `probe` steps predicts more than SKIP_ABOVE_MS. */
async function measure(
  run: (n: number) => Promise<unknown> | unknown,
  n: number,
): Promise<{ ms?: number; estimate?: number }> {
  const probe = Math.max(10, Math.min(n, 200));
  const probeMs = await timed(() => run(probe), 1);
  const estimate = (probeMs / probe) * n;
  if (estimate > SKIP_ABOVE_MS) return { estimate };
  return { ms: await timed(() => run(n), n <= 10_000 ? 3 : 1) };
}

function cell(m: { ms?: number; estimate?: number }): string {
  return m.ms !== undefined ? fmt(m.ms) : `skip (≈ ${(m.estimate! / 1000).toFixed(0)} s)`;
}

const pad = (s: string, n: number) => s.padEnd(n);

// ---- plain JS references ----------------------------------------------------------------------------------------

function lorenzJs(n: number, B: number): Float64Array {
  const { sigma, rho, beta } = LORENZ;
  const x = new Float64Array(3 * B).fill(1);
  const k = new Float64Array(12);
  const f = (a: number, b: number, c: number, o: number) => {
    k[o] = sigma * (b - a);
    k[o + 1] = a * (rho - c) - b;
    k[o + 2] = a * b - beta * c;
  };
  const out = new Float64Array(3 * B);
  for (let t = 0; t < n; t++) {
    for (let s = 0; s < B; s++) {
      const i = 3 * s;
      const [a, b, c] = [x[i], x[i + 1], x[i + 2]];
      f(a, b, c, 0);
      f(a + (DT / 2) * k[0], b + (DT / 2) * k[1], c + (DT / 2) * k[2], 3);
      f(a + (DT / 2) * k[3], b + (DT / 2) * k[4], c + (DT / 2) * k[5], 6);
      f(a + DT * k[6], b + DT * k[7], c + DT * k[8], 9);
      for (let j = 0; j < 3; j++) x[i + j] += (DT / 6) * (k[j] + 2 * k[3 + j] + 2 * k[6 + j] + k[9 + j]);
    }
    out.set(x);
  }
  return out;
}

/** The ESN fixture's step in plain JS (dense matvec, as naive code would write it). */
function esnJs(H: number): (n: number, B: number) => void {
  const model = decodeFullModel(esnMap(H));
  const weights = (name: string) => {
    const raw = model.graph!.initializer!.find((t) => t.name === name)!.rawData!;
    const copy = new Uint8Array(raw.length);
    copy.set(raw);
    return new Float32Array(copy.buffer);
  };
  const W = weights('Wt');
  const b = weights('b');
  return (n, B) => {
    let r = new Float64Array(H * B).map((_, i) => Math.sin(i));
    let next = new Float64Array(H * B);
    for (let t = 0; t < n; t++) {
      for (let s = 0; s < B; s++) {
        for (let j = 0; j < H; j++) {
          let acc = b[j];
          for (let i = 0; i < H; i++) acc += r[s * H + i] * W[i * H + j];
          next[s * H + j] = Math.tanh(acc);
        }
      }
      [r, next] = [next, r];
    }
  };
}

// ---- onnxruntime paths ------------------------------------------------------------------------------------------

/** Per-step `run()` calls from JS on the model itself. */
async function perStep(bytes: Uint8Array, inputName: string, outputName: string, d: number) {
  const session = await ort.InferenceSession.create(bytes, sessionOptions);
  return async (n: number, B: number) => {
    let x: Float32Array = new Float32Array(d * B).map((_, i) => 1 + 0.01 * i);
    for (let t = 0; t < n; t++)
      x = (await session.run({ [inputName]: new ort.Tensor('float32', x, [B, d]) }))[outputName].data as Float32Array;
  };
}

/** Attractor's Loop rollout, one runtime call for n steps. */
async function loop(bytes: Uint8Array, options: { stepsPerIteration?: number; foldOutputLayer?: boolean } = {}) {
  const sig = signatureOf(bytes);
  const built = buildRolloutGraph(decodeFullModel(bytes), sig, options);
  const session = await ort.InferenceSession.create(built.bytes, sessionOptions);
  const K = built.stepsPerIteration;
  const run = async (n: number, B: number) => {
    const feeds: Record<string, ort.Tensor> = {
      [ROLLOUT_INPUTS.x0]: new ort.Tensor(
        'float32',
        new Float32Array(sig.dim * B).map((_, i) => 1 + 0.01 * (i % 7)),
        [B, sig.dim],
      ),
      [ROLLOUT_INPUTS.iterations]: new ort.Tensor('int64', BigInt64Array.of(BigInt(Math.ceil(n / K))), []),
    };
    if (sig.kind === 'flow') feeds[ROLLOUT_INPUTS.dt] = new ort.Tensor('float32', Float32Array.of(DT), []);
    const out = await session.run(feeds);
    return out[ROLLOUT_OUTPUTS.trajectory].dims;
  };
  return { run, built };
}

// ---- memory (each in its own process: maxRSS is a high-water mark) ----------------------------------------------

async function memoryChild(mode: string): Promise<void> {
  const bytes = lorenzFlow();
  const N = 100_000;
  const B = 64;
  const base = process.memoryUsage().rss;
  if (mode === 'oneshot') {
    const { run } = await loop(bytes);
    await run(N, B);
  } else {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attractor-bench-'));
    const file = path.join(dir, 'lorenz.onnx');
    fs.writeFileSync(file, bytes);
    const runtime = new ModelRuntime(quiet);
    const x0 = Array.from({ length: B }, (_, i) => [1 + 0.001 * i, 1, 1]);
    await runtime.rollout(
      file,
      { signature: signatureOf(bytes), initialStates: x0, steps: N, dt: DT },
      () => undefined,
    );
    runtime.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(JSON.stringify({ baseMb: base / 2 ** 20, peakMb: process.resourceUsage().maxRSS / 1024 }));
}

async function main(): Promise<void> {
  const memoryMode = process.argv.find((a) => a.startsWith('--memory='))?.slice('--memory='.length);
  if (memoryMode) return memoryChild(memoryMode);

  console.log('Model previews (onnxruntime-node 1.30.0, CPU, float32). Times are medians; compare within this run.');
  // memory first: children inherit the parent's high-water mark (ru_maxrss survives fork and exec)
  const mem = (mode: string) =>
    JSON.parse(
      execFileSync(process.execPath, [__filename, `--memory=${mode}`], { cwd: root, encoding: 'utf8' })
        .trim()
        .split('\n')
        .pop()!,
    ) as { baseMb: number; peakMb: number };
  const chunked = mem('chunked');
  const oneshot = mem('oneshot');
  console.log(`\nPeak memory, Lorenz flow, B=64, N=10^5 (a 77 MB float32 trajectory), fresh process each:`);
  console.log(`  chunked (the preview's runtime)   peak RSS ${chunked.peakMb.toFixed(0)} MB`);
  console.log(`  one Loop call for all 10^5 steps  peak RSS ${oneshot.peakMb.toFixed(0)} MB`);

  console.log('');

  // module load and session creation
  const loadMs = median(
    [0, 1, 2].map(() =>
      Number(
        execFileSync(
          process.execPath,
          ['-e', "const t=performance.now();require('onnxruntime-node');console.log(performance.now()-t)"],
          { cwd: root, encoding: 'utf8' },
        ),
      ),
    ),
  );
  const sessionMs = async (bytes: Uint8Array) => timed(() => ort.InferenceSession.create(bytes, sessionOptions), 5);
  const esn500 = esnMap(500, 7, 3);
  console.log('Startup');
  console.log(`  load onnxruntime-node (fresh process)        ${fmt(loadMs)}`);
  console.log(
    `  session: Lorenz flow / its Loop rollout       ${fmt(await sessionMs(lorenzFlow()))} / ${fmt(await sessionMs(buildRolloutGraph(decodeFullModel(lorenzFlow()), signatureOf(lorenzFlow())).bytes))}`,
  );
  console.log(
    `  session: ESN H=500 / its Loop rollout         ${fmt(await sessionMs(esn500))} / ${fmt(await sessionMs(buildRolloutGraph(decodeFullModel(esn500), signatureOf(esn500)).bytes))}`,
  );
  const readMs = await timed(() => recognise(inspectOnnx(esn500)), 5);
  console.log(`  read + recognise a 1 MB model (onnx-proto)    ${fmt(readMs)}\n`);

  // Lorenz-63
  const naive = naiveLorenzRk4Map(DT);
  const naivePerStep = await perStep(naive, 'x', 'x_next', 3);
  const naiveLoop = await loop(naive);
  const compact = await loop(lorenzFlow());
  const compactUnfolded = await loop(lorenzFlow(), { foldOutputLayer: false, stepsPerIteration: 1 });
  console.log(
    `Lorenz-63, RK4 dt = ${DT}: plain JS | ORT per-step run() of a naive ${naiveLoop.built.nodesPerStep}-node RK4 step | that graph in Attractor's Loop (K=${naiveLoop.built.stepsPerIteration}) |`,
  );
  console.log(
    `  Attractor's Loop of a 4-node flow (Pad·Gather·ReduceProd·MatMul): RK4 stages unfolded K=1 (${compactUnfolded.built.nodesPerStep} nodes/step) | folded into Gemms, Pad carried in the state, RK4 combination one Concat + Gemm, K=${compact.built.stepsPerIteration} (${compact.built.nodesPerStep} nodes/step)`,
  );
  console.log(
    `  ${pad('N', 7)} ${pad('B', 3)} ${pad('JS', 10)} ${pad('per-step', 16)} ${pad('naive Loop', 16)} ${pad('Loop K=1', 12)} ${pad('Loop folded', 12)} µs/step: per-step  naive Loop  folded`,
  );
  const perStepUs: Record<string, number> = {};
  for (const B of [1, 64]) {
    for (const N of [1_000, 10_000, 100_000]) {
      const js = await measure((n) => lorenzJs(n, B), N);
      const ps = await measure((n) => naivePerStep(n, B), N);
      const nl = await measure((n) => naiveLoop.run(n, B), N);
      const cu = await measure((n) => compactUnfolded.run(n, B), N);
      const cf = await measure((n) => compact.run(n, B), N);
      const us = (m: { ms?: number; estimate?: number }) => (((m.ms ?? m.estimate!) / N) * 1000).toFixed(1);
      if (N === 10_000)
        Object.assign(perStepUs, {
          [`ps${B}`]: (ps.ms ?? ps.estimate!) / N,
          [`nl${B}`]: (nl.ms ?? nl.estimate!) / N,
          [`cf${B}`]: (cf.ms ?? cf.estimate!) / N,
        });
      console.log(
        `  ${pad(N.toExponential(0), 7)} ${pad(String(B), 3)} ${pad(cell(js), 10)} ${pad(cell(ps), 16)} ${pad(cell(nl), 16)} ${pad(cell(cu), 12)} ${pad(cell(cf), 12)} ${us(ps).padStart(8)}  ${us(nl).padStart(10)}  ${us(cf).padStart(6)}`,
      );
    }
  }

  // ESN
  console.log('\nESN map r′ = tanh(W r + b), Loop emitting 3 observed values per step (dynamics.observed):');
  console.log(
    `  ${pad('H', 4)} ${pad('N', 7)} ${pad('B', 3)} ${pad('naive JS', 14)} ${pad('ORT per-step', 14)} ${pad('ORT Loop', 12)} Loop vs per-step   Loop vs JS`,
  );
  const goals: string[] = [];
  for (const H of [100, 500]) {
    const bytes = esnMap(H, 7, 3);
    const js = esnJs(H);
    const ps = await perStep(bytes, 'r', 'r_next', H);
    const lp = await loop(bytes);
    for (const B of [1, 64]) {
      for (const N of [1_000, 10_000, 100_000]) {
        const a = await measure((n) => js(n, B), N);
        const b = await measure((n) => ps(n, B), N);
        const c = await measure((n) => lp.run(n, B), N);
        const val = (m: { ms?: number; estimate?: number }) => m.ms ?? m.estimate!;
        const r1 = val(b) / val(c);
        const r2 = val(a) / val(c);
        const est = (m: { ms?: number }) => (m.ms === undefined ? '≈' : '');
        console.log(
          `  ${pad(String(H), 4)} ${pad(N.toExponential(0), 7)} ${pad(String(B), 3)} ${pad(cell(a), 14)} ${pad(cell(b), 14)} ${pad(cell(c), 12)} ${`${est(b)}${r1.toFixed(1)}×`.padStart(16)} ${`${est(a)}${r2.toFixed(0)}×`.padStart(12)}`,
        );
        if (H === 500 && B === 1 && N === 10_000) {
          goals.push(
            `learned, H=500, B=1, N=10^4: Loop ${r1.toFixed(1)}× faster than per-step (goal ≥ 2×) ${r1 >= 2 ? '✓' : '✗'}; ${r2.toFixed(0)}× faster than naive JS (goal ≥ 20×) ${r2 >= 20 ? '✓' : '✗'}`,
          );
        }
      }
    }
  }

  // chunk sizes (the runtime as the preview uses it)
  console.log('\nChunk size (ModelRuntime.rollout, B=1, the preview\'s path; "adaptive" targets ~100 ms per chunk):');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attractor-bench-'));
  const runtime = new ModelRuntime(quiet);
  const lorenzFile = path.join(dir, 'lorenz.onnx');
  fs.writeFileSync(lorenzFile, lorenzFlow());
  const esnFile = path.join(dir, 'esn500.onnx');
  fs.writeFileSync(esnFile, esn500);
  const chunkRow = async (label: string, file: string, bytes: Uint8Array, steps: number, x0: number[]) => {
    const sig = signatureOf(bytes);
    const parts: string[] = [];
    for (const chunkSteps of [100, 1_000, 10_000, undefined]) {
      const req: RolloutRequest = { signature: sig, initialStates: [x0], steps, dt: DT, chunkSteps };
      await runtime.rollout(file, req, () => undefined);
      let first = 0;
      let chunks = 0;
      const total = await timed(async () => {
        const r = await runtime.rollout(file, req, () => undefined);
        first = r.firstChunkMs;
        chunks = r.chunks;
      }, 3);
      parts.push(`${chunkSteps ?? 'adaptive'}: ${fmt(total)} (${chunks} chunks, first ${fmt(first)})`);
    }
    console.log(`  ${pad(label, 24)} ${parts.join(' · ')}`);
  };
  await chunkRow('Lorenz flow, N=10^5', lorenzFile, lorenzFlow(), 100_000, [1, 1, 1]);
  await chunkRow(
    'ESN H=500, N=10^4',
    esnFile,
    esn500,
    10_000,
    Array.from({ length: 500 }, (_, i) => Math.sin(i)),
  );

  // the zoo, as the preview runs it: cold (first run creates the session) and 10^5 steps
  const zoo = path.join(root, 'media', 'models');
  const zooFiles = fs.existsSync(zoo)
    ? fs
        .readdirSync(zoo)
        .filter((f) => f.endsWith('.onnx'))
        .sort()
    : [];
  if (zooFiles.length > 0) {
    console.log(`\nZoo models (media/models/), 10^5-step preview each, fresh runtime (session creation included):`);
    let worst = 0;
    let worstFirst = 0;
    const zooRuntime = new ModelRuntime(quiet);
    await zooRuntime.runtime();
    for (const f of zooFiles) {
      const file = path.join(zoo, f);
      const { info } = await zooRuntime.inspect(file);
      const r = recognise(info);
      if (!r.ok) {
        console.log(`  ${pad(f, 30)} not recognised: ${r.reason.slice(0, 80)}`);
        continue;
      }
      const s = r.signature;
      const x0 = s.metadata.initialState ?? Array.from({ length: s.dim }, () => 0.1);
      const res = await zooRuntime.rollout(
        file,
        { signature: s, initialStates: [x0], steps: 100_000, dt: s.metadata.dt ?? DT },
        () => undefined,
      );
      worst = Math.max(worst, res.elapsedMs);
      worstFirst = Math.max(worstFirst, res.firstChunkMs);
      console.log(
        `  ${pad(f, 30)} ${pad(s.kind, 8)} ${pad(res.path + (res.path === 'loop' ? ` K=${res.stepsPerIteration}` : ''), 10)} ${fmt(res.elapsedMs).padStart(9)}  first points ${fmt(res.firstChunkMs)}`,
      );
    }
    zooRuntime.dispose();
    goals.push(
      `zoo: slowest 10^5-step preview ${fmt(worst)} (goal ≤ 2 s) ${worst <= 2000 ? '✓' : '✗'}; slowest first chunk ${fmt(worstFirst)} (goal ≤ 200 ms incl. the webview) ${worstFirst <= 200 ? '✓' : '✗'}`,
    );
  }
  runtime.dispose();
  fs.rmSync(dir, { recursive: true, force: true });

  const tiny = perStepUs.ps1 / perStepUs.cf1;
  const tinyLoop = perStepUs.nl1 / perStepUs.cf1;
  goals.unshift(
    `tiny analytic (Lorenz, B=1, N=10^4): ${(perStepUs.cf1 * 1000).toFixed(1)} µs/step folded Loop vs ${(perStepUs.ps1 * 1000).toFixed(1)} µs naive per-step (${tiny.toFixed(1)}×) and ${(perStepUs.nl1 * 1000).toFixed(1)} µs naive graph in a Loop (${tinyLoop.toFixed(1)}×) (goal ≥ 3×) ${tiny >= 3 ? '✓' : '✗'} / ${tinyLoop >= 3 ? '✓' : '✗'}`,
  );
  console.log('\nGoals');
  for (const g of goals) console.log(`  ${g}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
