import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { onnx } from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { inspectOnnx } from '../../src/models/onnxFile';
import {
  ROLLOUT_INPUTS,
  ROLLOUT_OUTPUTS,
  buildRolloutGraph,
  decodeFullModel,
  type RolloutGraphOptions,
} from '../../src/models/rolloutGraph';
import { ModelRuntime, type RolloutChunk } from '../../src/models/runtime';
import { recognise, type Signature } from '../../src/models/signature';
import { esnMap, lorenzFlow, lorenzRk4, pytorchLinearMap } from '../fixtures/models/models';

function signatureOf(bytes: Uint8Array): Signature {
  const r = recognise(inspectOnnx(bytes));
  assert.ok(r.ok, r.ok ? '' : r.reason);
  return r.signature;
}

async function rollout(bytes: Uint8Array, x0: number[], steps: number, options: RolloutGraphOptions) {
  const sig = signatureOf(bytes);
  const built = buildRolloutGraph(decodeFullModel(bytes), sig, options);
  const session = await ort.InferenceSession.create(built.bytes);
  const K = built.stepsPerIteration;
  const T = sig.elemType === 'float64' ? Float64Array : Float32Array;
  const feeds: Record<string, ort.Tensor> = {
    [ROLLOUT_INPUTS.x0]: new ort.Tensor(
      sig.elemType,
      T.from(x0),
      sig.batch === 'none' ? [x0.length] : [x0.length / sig.dim, sig.dim],
    ),
    [ROLLOUT_INPUTS.iterations]: new ort.Tensor('int64', BigInt64Array.of(BigInt(steps / K)), []),
  };
  if (sig.kind === 'flow') feeds[ROLLOUT_INPUTS.dt] = new ort.Tensor(sig.elemType, T.of(0.01), []);
  const out = await session.run(feeds);
  return { built, trajectory: out[ROLLOUT_OUTPUTS.trajectory], last: out[ROLLOUT_OUTPUTS.last] };
}

function close(a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(a.length, b.length, `${what}: lengths`);
  for (let i = 0; i < a.length; i++)
    assert.ok(Math.abs(a[i] - b[i]) <= tol * (1 + Math.abs(b[i])), `${what}[${i}]: ${a[i]} vs ${b[i]}`);
}

describe('models: unrolled Loop rollouts (several steps per iteration)', function () {
  this.timeout(60_000);

  it('a flow unrolled K = 2, 5, 16, 32 gives the K = 1 trajectory [N, B, d] and last state (float32, B = 2)', async () => {
    const x0 = [1, 1, 1, -3, 2, 20];
    const one = await rollout(lorenzFlow(), x0, 160, { stepsPerIteration: 1 });
    assert.deepEqual(one.trajectory.dims, [160, 2, 3]);
    for (const K of [2, 5, 16, 32]) {
      const steps = K === 5 ? 160 - (160 % 5) : 160;
      const r = await rollout(lorenzFlow(), x0, steps, { stepsPerIteration: K });
      assert.equal(r.built.stepsPerIteration, K);
      assert.deepEqual(r.trajectory.dims, [steps, 2, 3]);
      close(
        r.trajectory.data as Float32Array,
        (one.trajectory.data as Float32Array).subarray(0, steps * 6),
        1e-5,
        `K=${K}`,
      );
      close(
        r.last.data as Float32Array,
        (r.trajectory.data as Float32Array).subarray((steps - 1) * 6),
        0,
        `K=${K} last`,
      );
    }
  });

  it('carrying the Pad in the Loop state changes nothing but the node count (float64 matches a JS RK4 to 1e-9)', async () => {
    const bytes = lorenzFlow({ type: 'float64' });
    const carried = await rollout(bytes, [1, 1, 1], 96, { stepsPerIteration: 16 });
    const plain = await rollout(bytes, [1, 1, 1], 96, { carryPad: false, stepsPerIteration: 16 });
    assert.equal(carried.built.nodesPerStep, plain.built.nodesPerStep - 4);
    assert.deepEqual(carried.trajectory.dims, [96, 1, 3]);
    assert.deepEqual(carried.last.dims, [1, 3]);
    close(carried.trajectory.data as Float64Array, plain.trajectory.data as Float64Array, 1e-12, 'carried vs plain');
    let x = [1, 1, 1];
    const expected: number[] = [];
    for (let t = 0; t < 96; t++) expected.push(...(x = lorenzRk4(x, 0.01)));
    close(carried.trajectory.data as Float64Array, expected, 1e-9, 'vs JS RK4');
  });

  it('a transposed output layer (Gemm transB = 1) folds and carries the Pad too', async () => {
    const decoded = decodeFullModel(lorenzFlow({ type: 'float64' }));
    const g = decoded.graph!;
    const W = g.initializer!.find((t) => t.name === 'W')!;
    const raw = new Uint8Array(W.rawData!.length);
    raw.set(W.rawData!);
    const w = new Float64Array(raw.buffer);
    const wt = new Float64Array(15);
    for (let i = 0; i < 5; i++) for (let j = 0; j < 3; j++) wt[j * 5 + i] = w[i * 3 + j];
    W.dims = [3, 5];
    W.rawData = new Uint8Array(wt.buffer);
    const mm = g.node!.find((n) => n.opType === 'MatMul')!;
    mm.opType = 'Gemm';
    mm.attribute = [onnx.AttributeProto.create({ name: 'transB', type: onnx.AttributeProto.AttributeType.INT, i: 1 })];
    const bytes = onnx.ModelProto.encode(decoded).finish();
    const r = await rollout(bytes, [1, 1, 1], 40, { stepsPerIteration: 8 });
    assert.equal(r.built.nodesPerStep, 13);
    let x = [1, 1, 1];
    const expected: number[] = [];
    for (let t = 0; t < 40; t++) expected.push(...(x = lorenzRk4(x, 0.01)));
    close(r.trajectory.data as Float64Array, expected, 1e-9, 'transB');
  });

  it('rank-1 states and sliced observations reshape correctly when unrolled', async () => {
    const bytes = pytorchLinearMap(17);
    const one = await rollout(bytes, [1, 0], 24, { stepsPerIteration: 1 });
    const eight = await rollout(bytes, [1, 0], 24, { stepsPerIteration: 8 });
    assert.deepEqual(eight.trajectory.dims, [24, 2]);
    assert.deepEqual([...(eight.trajectory.data as Float32Array)], [...(one.trajectory.data as Float32Array)]);
    const esn = esnMap(12, 7, 2);
    const x0 = Array.from({ length: 24 }, (_, i) => i / 40);
    const e1 = await rollout(esn, x0, 30, { stepsPerIteration: 1 });
    const e6 = await rollout(esn, x0, 30, { stepsPerIteration: 6 });
    assert.deepEqual(e6.trajectory.dims, [30, 2, 2]);
    assert.deepEqual(e6.last.dims, [2, 12]);
    assert.deepEqual([...(e6.trajectory.data as Float32Array)], [...(e1.trajectory.data as Float32Array)]);
  });

  it('the runtime delivers exactly N steps when N is not a multiple of K, matching K = 1 and the per-step path', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attractor-unrolled-'));
    const runtime = new ModelRuntime({ info: () => undefined, warn: () => undefined });
    try {
      const file = path.join(dir, 'lorenz.onnx');
      fs.writeFileSync(file, lorenzFlow());
      const sig = signatureOf(lorenzFlow());
      const run = async (extra: { stepsPerIteration?: number; chunkSteps?: number; path?: 'perStep' }) => {
        const chunks: RolloutChunk[] = [];
        const r = await runtime.rollout(
          file,
          {
            signature: sig,
            initialStates: [
              [1, 1, 1],
              [2, 1, 0],
            ],
            steps: 203,
            dt: 0.01,
            ...extra,
          },
          (c) => void chunks.push(c),
        );
        return { r, rows: chunks.flatMap((c) => [...c.data]), steps: chunks.reduce((s, c) => s + c.steps, 0) };
      };
      const auto = await run({ chunkSteps: 64 });
      const one = await run({ stepsPerIteration: 1, chunkSteps: 64 });
      const perStep = await run({ path: 'perStep' });
      assert.ok(
        auto.r.stepsPerIteration > 1 && 203 % auto.r.stepsPerIteration !== 0,
        `K = ${auto.r.stepsPerIteration}`,
      );
      for (const x of [auto, one, perStep]) {
        assert.equal(x.r.steps, 203);
        assert.equal(x.steps, 203);
        assert.equal(x.rows.length, 203 * 2 * 3);
      }
      close(auto.rows, one.rows, 1e-5, 'auto K vs K = 1');
      close(auto.rows.slice(0, 60 * 6), perStep.rows.slice(0, 60 * 6), 1e-3, 'Loop vs per-step');
    } finally {
      runtime.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
