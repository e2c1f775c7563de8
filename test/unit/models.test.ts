import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { onnx } from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { ModelFileError, ModelRunError } from '../../src/models/modelErrors';
import { inspectOnnx } from '../../src/models/onnxFile';
import { ROLLOUT_INPUTS, ROLLOUT_OUTPUTS, buildRolloutGraph, decodeFullModel } from '../../src/models/rolloutGraph';
import { ModelRuntime, type RolloutChunk, type RolloutRequest } from '../../src/models/runtime';
import { parseDynamicsMetadata, recognise, type Signature } from '../../src/models/signature';
import {
  DIVERGING_STEP,
  divergingMap,
  esnMap,
  loopRollout,
  lorenzFlow,
  lstmStep,
  lorenzRk4,
  naiveLorenzRk4Map,
  nonMatching,
  pytorchLinearMap,
  pytorchMap,
  slowMap,
  unsupportedOperator,
} from '../fixtures/models/models';

function signatureOf(bytes: Uint8Array, answer?: 'map' | 'flow'): Signature {
  const r = recognise(inspectOnnx(bytes), answer);
  assert.ok(r.ok, r.ok ? '' : r.reason);
  return r.signature;
}

const quietLog = { info: () => undefined, warn: () => undefined };

describe('models: reading .onnx files', () => {
  it('reads a PyTorch-style export: names, symbolic dims, ops, parameters, producer', () => {
    const info = inspectOnnx(pytorchMap());
    assert.equal(info.producerName, 'pytorch');
    assert.equal(info.irVersion, 8);
    assert.deepEqual(info.opsets, [{ domain: '', version: 17 }]);
    assert.deepEqual(info.inputs, [{ name: 'input.1', elemType: 'float32', shape: ['batch_size', 3] }]);
    assert.deepEqual(info.outputs, [{ name: '13', elemType: 'float32', shape: ['batch_size', 3] }]);
    assert.deepEqual(info.opCounts, { Gemm: 2, Tanh: 1, Mul: 1, Add: 1 });
    assert.equal(info.parameterCount, 16 * 3 + 16 + 3 * 16 + 3 + 1);
    assert.equal(info.initializerCount, 5);
  });

  it('counts nodes inside Loop bodies separately', () => {
    const info = inspectOnnx(loopRollout());
    assert.deepEqual(info.opCounts, { Loop: 1 });
    assert.equal(info.subgraphNodeCount, 3);
  });

  it('tells empty, text, random and truncated files apart', () => {
    const problem = (bytes: Uint8Array) => {
      try {
        inspectOnnx(bytes);
        return 'read';
      } catch (err) {
        assert.ok(err instanceof ModelFileError, String(err));
        return err.problem;
      }
    };
    assert.equal(problem(new Uint8Array(0)), 'empty');
    assert.equal(problem(new TextEncoder().encode('{"not": "a model"}\n')), 'notOnnx');
    const noise = Uint8Array.from({ length: 4096 }, (_, i) => (i * 2654435761) >>> 24);
    assert.equal(problem(noise), 'notOnnx');
    assert.equal(problem(pytorchMap().subarray(0, 300)), 'truncated');
  });

  it('skips initializer data: a 4 MB weight does not slow reading', () => {
    const bytes = slowMap(2, 1000);
    const started = performance.now();
    const info = inspectOnnx(bytes);
    assert.equal(info.parameterCount, 3000 + 1_000_000 + 3000);
    assert.ok(performance.now() - started < 1000);
  });
});

describe('models: recognising map, flow and rollout', () => {
  it('a PyTorch map without metadata: a map by shape, flagged to ask once', () => {
    const s = signatureOf(pytorchMap());
    assert.equal(s.kind, 'map');
    assert.equal(s.source, 'shapes');
    assert.equal(s.ambiguous, true);
    assert.equal(s.stateInput, 'input.1');
    assert.equal(s.stateOutput, '13');
    assert.equal(s.dim, 3);
    assert.equal(s.batch, 'symbolic');
    const answered = signatureOf(pytorchMap(), 'flow');
    assert.equal(answered.kind, 'flow');
    assert.equal(answered.ambiguous, false);
  });

  it('a rank-1 state [d] named onnx::Gemm_0, opset 13', () => {
    const s = signatureOf(pytorchLinearMap(13));
    assert.equal(s.stateInput, 'onnx::Gemm_0');
    assert.equal(s.batch, 'none');
    assert.equal(s.opset, 13);
  });

  it('a flow from its metadata, with dt, state names and initial state', () => {
    const s = signatureOf(lorenzFlow());
    assert.equal(s.kind, 'flow');
    assert.equal(s.source, 'metadata');
    assert.equal(s.metadata.dt, 0.01);
    assert.deepEqual(s.metadata.stateNames, ['x', 'y', 'z']);
    assert.deepEqual(s.metadata.initialState, [1, 1, 1]);
    assert.equal(s.metadata.system, 'lorenz63');
  });

  it('a rollout with a Loop by its shapes', () => {
    const s = signatureOf(loopRollout());
    assert.equal(s.kind, 'rollout');
    assert.equal(s.stepsInput, 'steps');
    assert.equal(s.stateOutput, 'trajectory');
    assert.equal(s.dim, 2);
  });

  it('says plainly that a classifier is not a dynamics model, without advice that cannot help', () => {
    const r = recognise(inspectOnnx(nonMatching()));
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : r.reason, /^This is not a dynamics model:/);
    assert.match(r.ok ? '' : r.reason, /2 inputs .*"a".*"b"/);
    assert.doesNotMatch(r.ok ? '' : r.reason, /dynamics\.kind/);
  });

  it('tells a two-input LSTM step to export its state as one tensor or as a rollout', () => {
    const r = recognise(inspectOnnx(lstmStep()));
    assert.equal(r.ok, false);
    const reason = r.ok ? '' : r.reason;
    assert.match(reason, /one input \[B, d\]/);
    assert.match(reason, /export a rollout/);
    assert.doesNotMatch(reason, /dynamics\.kind/);
  });

  it('parses metadata in JSON or comma form and reports what it cannot read', () => {
    const m = parseDynamicsMetadata({
      'dynamics.kind': 'FLOW',
      'dynamics.initial_state': '1, 2,3',
      'dynamics.dt': '-1',
      'dynamics.state_names': '["a","b"]',
    });
    assert.equal(m.kind, 'flow');
    assert.deepEqual(m.initialState, [1, 2, 3]);
    assert.deepEqual(m.stateNames, ['a', 'b']);
    assert.equal(m.dt, undefined);
    assert.equal(m.problems.length, 1);
  });
});

async function runLoop(
  bytes: Uint8Array,
  sig: Signature,
  x0: number[],
  iterations: number,
  dt: number,
  K?: number,
  foldOutputLayer?: boolean,
) {
  const built = buildRolloutGraph(decodeFullModel(bytes), sig, { stepsPerIteration: K, foldOutputLayer });
  const session = await ort.InferenceSession.create(built.bytes);
  const T = sig.elemType === 'float64' ? Float64Array : Float32Array;
  const feeds: Record<string, ort.Tensor> = {
    [ROLLOUT_INPUTS.x0]: new ort.Tensor(
      sig.elemType,
      T.from(x0),
      sig.batch === 'none' ? [x0.length] : [x0.length / sig.dim, sig.dim],
    ),
    [ROLLOUT_INPUTS.iterations]: new ort.Tensor('int64', BigInt64Array.of(BigInt(iterations)), []),
  };
  if (sig.kind === 'flow') feeds[ROLLOUT_INPUTS.dt] = new ort.Tensor(sig.elemType, T.of(dt), []);
  const out = await session.run(feeds);
  return { built, trajectory: out[ROLLOUT_OUTPUTS.trajectory], last: out[ROLLOUT_OUTPUTS.last] };
}

describe('models: the Loop rollout graph', () => {
  it('wraps a PyTorch map: the Loop gives exactly the per-step trajectory, for K = 1 and K = 4', async () => {
    const bytes = pytorchMap();
    const sig = signatureOf(bytes);
    const direct = await ort.InferenceSession.create(bytes);
    let x: Float32Array = Float32Array.from([0.5, -0.2, 0.1, 1, 2, 3]);
    const expected: number[] = [];
    for (let t = 0; t < 12; t++) {
      x = (await direct.run({ 'input.1': new ort.Tensor('float32', x, [2, 3]) }))['13'].data as Float32Array;
      expected.push(...x);
    }
    for (const K of [1, 4]) {
      const { built, trajectory, last } = await runLoop(bytes, sig, [0.5, -0.2, 0.1, 1, 2, 3], 12 / K, 0, K);
      assert.equal(built.stepsPerIteration, K);
      assert.deepEqual(trajectory.dims, [12, 2, 3]);
      assert.deepEqual([...(trajectory.data as Float32Array)], expected);
      assert.deepEqual([...(last.data as Float32Array)], expected.slice(-6));
    }
  });

  for (const fold of [true, false]) {
    it(`integrates a flow with RK4 inside the Loop, ${fold ? 'step sizes folded into the output MatMul' : 'plain stages'} (float64 matches a JS RK4 to 1e-9)`, async () => {
      const bytes = lorenzFlow({ type: 'float64' });
      const sig = signatureOf(bytes);
      const dt = 0.01;
      const { trajectory, built } = await runLoop(bytes, sig, [1, 1, 1], 50, dt, 2, fold);
      // 4 stages × the field's nodes (3 feature nodes + the MatMul, folded into one Gemm per stage; the Pad carried
      // in the Loop state) + the combination (Concat + Gemm)
      assert.equal(built.nodesPerStep, fold ? 4 * 2 + 5 : 4 * 4 + 9);
      let x = [1, 1, 1];
      const data = trajectory.data as Float64Array;
      for (let t = 0; t < 100; t++) {
        x = lorenzRk4(x, dt);
        for (let i = 0; i < 3; i++)
          assert.ok(Math.abs(data[t * 3 + i] - x[i]) < 1e-9, `step ${t + 1}: ${data[t * 3 + i]} vs ${x[i]}`);
      }
    });
  }

  for (const opset of [13, 21]) {
    it(`builds from opset ${opset} models (rank-1 state)`, async () => {
      const bytes = pytorchLinearMap(opset);
      const { trajectory } = await runLoop(bytes, signatureOf(bytes), [1, 0], 30, 0, 1);
      assert.deepEqual(trajectory.dims, [30, 2]);
      const r = Math.hypot((trajectory.data as Float32Array)[58], (trajectory.data as Float32Array)[59]);
      assert.ok(Math.abs(r - 0.999 ** 30) < 1e-5);
    });
  }

  it('picks several steps per iteration only for small graphs', () => {
    const small = buildRolloutGraph(decodeFullModel(lorenzFlow()), signatureOf(lorenzFlow()));
    const esn = buildRolloutGraph(decodeFullModel(esnMap(20)), signatureOf(esnMap(20)));
    const naive = buildRolloutGraph(decodeFullModel(naiveLorenzRk4Map(0.01)), signatureOf(naiveLorenzRk4Map(0.01)));
    assert.equal(small.nodesPerStep, 13);
    assert.equal(small.stepsPerIteration, 19);
    assert.equal(esn.stepsPerIteration, 32);
    assert.equal(naive.stepsPerIteration, 4);
  });
});

describe('models: the runtime (chunks, errors, cache)', function () {
  this.timeout(60_000);
  let dir: string;
  let runtime: ModelRuntime;
  const write = (name: string, bytes: Uint8Array) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, bytes);
    return file;
  };
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attractor-models-'));
    runtime = new ModelRuntime(quietLog);
  });
  after(() => {
    runtime.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function collect(file: string, req: Omit<RolloutRequest, 'signature'> & { signature?: Signature }) {
    const { info } = await runtime.inspect(file);
    const r = recognise(info);
    assert.ok(r.ok);
    const chunks: RolloutChunk[] = [];
    const result = await runtime.rollout(file, { signature: r.signature, ...req }, (c) => void chunks.push(c));
    const rows = chunks.flatMap((c) => [...c.data]);
    return { result, chunks, rows };
  }

  it('chunked Loop, unchunked Loop and per-step runs give the same rows', async () => {
    const file = write('map.onnx', pytorchMap());
    const x0 = [
      [0.1, 0.2, 0.3],
      [1, -1, 0.5],
    ];
    const one = await collect(file, { initialStates: x0, steps: 300, dt: 0, chunkSteps: 300 });
    const chunked = await collect(file, { initialStates: x0, steps: 300, dt: 0, chunkSteps: 64, stepsPerIteration: 8 });
    const perStep = await collect(file, { initialStates: x0, steps: 300, dt: 0, path: 'perStep', chunkSteps: 100 });
    assert.equal(one.result.path, 'loop');
    assert.equal(perStep.result.path, 'perStep');
    assert.equal(chunked.chunks.length, 5);
    assert.deepEqual(
      chunked.chunks.map((c) => c.start),
      [0, 64, 128, 192, 256],
    );
    assert.equal(one.rows.length, 300 * 2 * 3);
    assert.deepEqual(chunked.rows, one.rows);
    assert.deepEqual(perStep.rows, one.rows);
  });

  it('runs a flow per step (JS RK4) like the Loop RK4, to float32 precision', async () => {
    const file = write('lorenz.onnx', lorenzFlow());
    const loop = await collect(file, { initialStates: [[1, 1, 1]], steps: 50, dt: 0.01 });
    const perStep = await collect(file, { initialStates: [[1, 1, 1]], steps: 50, dt: 0.01, path: 'perStep' });
    for (let i = 0; i < loop.rows.length; i++)
      assert.ok(Math.abs(loop.rows[i] - perStep.rows[i]) < 1e-3 * (1 + Math.abs(loop.rows[i])));
  });

  it('runs a rollout model in chunks, carrying the last state', async () => {
    const file = write('rollout.onnx', loopRollout());
    const { rows, result } = await collect(file, { initialStates: [[1, 0]], steps: 40, dt: 0, chunkSteps: 16 });
    assert.equal(result.path, 'rollout');
    assert.equal(rows.length, 80);
    assert.ok(Math.abs(rows[78] - Math.cos(40 * 0.05)) < 1e-5);
  });

  it('stops a diverging map at the step where it became infinite, after delivering the rows before', async () => {
    const file = write('diverging.onnx', divergingMap());
    const chunks: RolloutChunk[] = [];
    const sig = signatureOf(divergingMap());
    await assert.rejects(
      runtime.rollout(
        file,
        { signature: sig, initialStates: [[1, 1, 1]], steps: 1000, dt: 0, chunkSteps: 50 },
        (c) => void chunks.push(c),
      ),
      (err: unknown) =>
        err instanceof ModelRunError &&
        err.problem === 'diverged' &&
        err.step === DIVERGING_STEP &&
        /step 81/.test(err.message),
    );
    assert.equal(
      chunks.reduce((s, c) => s + c.steps, 0),
      DIVERGING_STEP - 1,
    );
  });

  it('refuses 10^8 steps with the limit stated, and a wrong-sized initial state', async () => {
    const file = write('map2.onnx', pytorchMap());
    const sig = signatureOf(pytorchMap());
    await assert.rejects(
      runtime.rollout(file, { signature: sig, initialStates: [[0, 0, 0]], steps: 1e8, dt: 0 }, () => undefined),
      /at most 10,000,000 steps/,
    );
    await assert.rejects(
      runtime.rollout(file, { signature: sig, initialStates: [[0, 0]], steps: 10, dt: 0 }, () => undefined),
      (err: unknown) => err instanceof ModelRunError && err.problem === 'shapeMismatch',
    );
  });

  it('says which operator onnxruntime cannot run', async () => {
    const file = write('softplus.onnx', unsupportedOperator());
    const sig = signatureOf(unsupportedOperator());
    await assert.rejects(
      runtime.rollout(file, { signature: sig, initialStates: [[1, 2, 3]], steps: 10, dt: 0 }, () => undefined),
      (err: unknown) =>
        err instanceof ModelRunError && err.problem === 'unsupportedOperator' && /Softplus/.test(err.message),
    );
  });

  it('cancels between chunks', async () => {
    const file = write('cancel.onnx', pytorchMap());
    const signal = { cancelled: false };
    let seen = 0;
    await assert.rejects(
      runtime.rollout(
        file,
        { signature: signatureOf(pytorchMap()), initialStates: [[0, 0, 0]], steps: 100_000, dt: 0, chunkSteps: 100 },
        () => {
          if (++seen === 3) signal.cancelled = true;
        },
        signal,
      ),
      (err: unknown) => err instanceof ModelRunError && err.problem === 'cancelled',
    );
    assert.equal(seen, 3);
  });

  it('sees a changed file: the next run uses the new model', async () => {
    const file = write('changing.onnx', divergingMap());
    const first = await collect(file, { initialStates: [[1, 1, 1]], steps: 2, dt: 0 });
    assert.deepEqual(first.rows.slice(0, 3), [3, 3, 3]);
    fs.writeFileSync(file, pytorchMap());
    fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
    const second = await collect(file, { initialStates: [[1, 1, 1]], steps: 2, dt: 0 });
    assert.notDeepEqual(second.rows.slice(0, 3), [3, 3, 3]);
    fs.rmSync(file);
    await assert.rejects(
      runtime.inspect(file),
      (err: unknown) => err instanceof ModelFileError && err.problem === 'missing',
    );
  });
});

describe('models: dynamics.observed', () => {
  it('emits only the observed components, in the Loop and per step alike', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attractor-observed-'));
    const runtime = new ModelRuntime(quietLog);
    try {
      const bytes = esnMap(12);
      const decoded = decodeFullModel(bytes);
      decoded.metadataProps.push({ key: 'dynamics.observed', value: '2' } as never);
      const withObserved = onnx.ModelProto.encode(decoded).finish();
      const file = path.join(dir, 'esn.onnx');
      fs.writeFileSync(file, withObserved);
      const sig = signatureOf(withObserved);
      const x0 = [Array.from({ length: 12 }, (_, i) => i / 20)];
      const run = async (p: 'loop' | 'perStep') => {
        const chunks: RolloutChunk[] = [];
        await runtime.rollout(
          file,
          { signature: sig, initialStates: x0, steps: 40, dt: 0, path: p },
          (c) => void chunks.push(c),
        );
        assert.ok(chunks.every((c) => c.width === 2));
        return chunks.flatMap((c) => [...c.data]);
      };
      const loop = await run('loop');
      assert.equal(loop.length, 80);
      assert.deepEqual(loop, await run('perStep'));
    } finally {
      runtime.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('models: folding through trailing Identity nodes', () => {
  it('folds a flow whose MatMul output is renamed by an Identity, and still integrates exactly', async () => {
    const decoded = decodeFullModel(lorenzFlow({ type: 'float64' }));
    const g = decoded.graph!;
    g.node!.find((n) => n.opType === 'MatMul')!.output = ['field'];
    g.node!.push(onnx.NodeProto.create({ opType: 'Identity', input: ['field'], output: ['dxdt'], name: 'rename' }));
    const bytes = onnx.ModelProto.encode(decoded).finish();
    const sig = signatureOf(bytes);
    const { trajectory, built } = await runLoop(bytes, sig, [1, 1, 1], 10, 0.01, 1);
    assert.equal(built.nodesPerStep, 4 * 2 + 5);
    let x = [1, 1, 1];
    for (let t = 0; t < 10; t++) x = lorenzRk4(x, 0.01);
    const data = trajectory.data as Float64Array;
    for (let i = 0; i < 3; i++) assert.ok(Math.abs(data[27 + i] - x[i]) < 1e-9);
  });
});
