import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { inspectOnnx } from '../../src/models/onnxFile';
import { ModelRuntime } from '../../src/models/runtime';
import { recognise } from '../../src/models/signature';

const modelsDir = join(__dirname, '..', '..', '..', 'media', 'models');

describe('model runtime: large batches in bounded calls', function () {
  this.timeout(60_000);

  it('splits a large evaluate of a symbolic-batch model into onnxruntime calls of bounded size, same numbers', async () => {
    // onnxruntime-node runs a session on the calling thread (the extension host's): the Newton stencils of the
    // zoo's ESN, 10 seeds × (2·203 + 1) rows, were one call of ~480 ms before
    const file = join(modelsDir, 'lorenz63-esn.onnx');
    const bytes = readFileSync(file);
    const r = recognise(inspectOnnx(new Uint8Array(bytes)));
    assert.ok(r.ok);
    const sig = r.signature;
    assert.equal(sig.batch, 'symbolic');
    const rowsPerCall: number[] = [];
    const runtime = new ModelRuntime({ info: () => undefined, warn: () => undefined }, async () => ({
      ...ort,
      InferenceSession: {
        create: async (...args: Parameters<typeof ort.InferenceSession.create>) => {
          const session = await ort.InferenceSession.create(...args);
          return new Proxy(session, {
            get(target, key, receiver) {
              if (key !== 'run') return Reflect.get(target, key, receiver) as unknown;
              return (feeds: Record<string, ort.Tensor>) => {
                rowsPerCall.push(Number(feeds[sig.stateInput].dims[0]));
                return target.run(feeds);
              };
            },
          });
        },
      } as unknown as typeof ort.InferenceSession,
    }));
    try {
      const d = sig.dim;
      const count = 10 * (2 * d + 1);
      const points = new Float64Array(count * d);
      const x0 = sig.metadata.initialState!;
      for (let i = 0; i < count; i++)
        for (let j = 0; j < d; j++) points[i * d + j] = x0[j] + 0.01 * Math.sin(i + 7 * j);
      const out = await runtime.evaluate(file, sig, points, count, 2);
      assert.ok(rowsPerCall.length > 2, `split into ${rowsPerCall.length} calls`);
      assert.ok(Math.max(...rowsPerCall) < count, `the largest call ${Math.max(...rowsPerCall)} rows of ${count}`);
      assert.equal(
        rowsPerCall.reduce((a, b) => a + b, 0),
        2 * count,
      );

      // the same two steps of the whole batch in one call of a plain session
      const plain = await ort.InferenceSession.create(bytes);
      let x: ort.Tensor = new ort.Tensor('float32', Float32Array.from(points), [count, d]);
      for (let s = 0; s < 2; s++) x = (await plain.run({ [sig.stateInput]: x }))[sig.stateOutput];
      const want = x.data as Float32Array;
      let worst = 0;
      for (let i = 0; i < count * d; i++) worst = Math.max(worst, Math.abs(out[i] - want[i]) / (1 + Math.abs(want[i])));
      assert.ok(worst < 1e-5, `largest relative difference ${worst}`);
    } finally {
      runtime.dispose();
    }
  });
});
