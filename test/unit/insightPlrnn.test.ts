import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { onnx } from 'onnx-proto';
import { recognisePiecewiseLinear, type PiecewiseLinearMap } from '../../src/models/insight/piecewiseLinear';
import { analyseDynamics, analysisMarkdown } from '../../src/models/insight/analysis';
import { parseAnalysisView } from '../../src/models/insight/analysisProtocol';
import { analyseModel, MAX_ANALYSED_ROWS } from '../../src/models/insight/analysisRunner';
import { exactSearch, piecewiseMap, regionVisits } from '../../src/models/insight/plrnnSearch';
import { inspectOnnx } from '../../src/models/onnxFile';
import { ModelRuntime } from '../../src/models/runtime';
import { recognise } from '../../src/models/signature';
import { floatTensor, model, node, valueInfo, FLOAT, int64Tensor } from '../../src/core/onnxBuild';
import { Rng } from '../../src/core/rng';

import { HAND_PLRNN as HAND, torchShallowPlrnn, type ShallowPlrnn as Shallow } from '../fixtures/models/models';

const modelsDir = join(__dirname, '..', '..', '..', 'media', 'models');

function recogniseBytes(bytes: Uint8Array, input = 'input.1', output = '17', d = 2) {
  return recognisePiecewiseLinear(onnx.ModelProto.decode(bytes), input, output, d);
}

describe('dynamics insight: piecewise-linear models (PLRNN family)', function () {
  this.timeout(60_000);

  it('recognises a PyTorch-style shallow PLRNN export (input.1, dynamic batch, Gemm transB, opset 13)', () => {
    const r = recogniseBytes(torchShallowPlrnn(HAND));
    assert.ok(r.ok, r.ok ? '' : r.reason);
    assert.equal(r.map.family, 'shallow PLRNN');
    assert.equal(r.map.H, 1);
    assert.deepEqual(Array.from(r.map.L), [-0.5, 0, 0, 0.30000001192092896]);
  });

  it('finds the hand-built PLRNN’s stable fixed point and 2-cycle exactly, with codes, and not the virtual one', async () => {
    const r = recogniseBytes(torchShallowPlrnn(HAND));
    assert.ok(r.ok);
    for (const exhaustive of [undefined, false]) {
      const seeds = [
        [0.3, 0.1],
        [-2, 1],
        [1, -1],
      ];
      const res = await exactSearch(r.map, { seeds, maxPeriod: 4, exhaustive });
      const fixed = res.points.filter((p) => p.period === 1);
      assert.equal(fixed.length, 1, `fixed points (${exhaustive}): ${JSON.stringify(fixed.map((p) => p.orbit))}`);
      const fp = fixed[0];
      assert.ok(Math.abs(fp.orbit[0][0] + 2 / 3) < 1e-6 && Math.abs(fp.orbit[0][1]) < 1e-9);
      assert.deepEqual(fp.codes, ['0']);
      assert.equal(fp.classification.type, 'stable node');
      assert.ok(fp.exact);
      // the 2-cycle, in either phase
      const two = res.points.filter((p) => p.period === 2);
      assert.equal(two.length, 1);
      const c = two[0];
      const start = c.codes![0] === '0' ? 0 : 1;
      const [p0, p1] = [c.orbit[start], c.orbit[1 - start]];
      assert.deepEqual([c.codes![start], c.codes![1 - start]], ['0', '1']);
      const z2 = 0.5 / 0.91;
      assert.ok(Math.abs(p0[0] + 3) < 1e-6 && Math.abs(p0[1] - z2) < 1e-6, JSON.stringify(p0));
      assert.ok(Math.abs(p1[0] - 0.5) < 1e-6 && Math.abs(p1[1] - 0.3 * z2) < 1e-6, JSON.stringify(p1));
      const mus = c.eigenvalues.map((e) => e.re).sort((a, b) => b - a);
      assert.ok(Math.abs(mus[0] - 2) < 1e-6 && Math.abs(mus[1] - 0.09) < 1e-6, JSON.stringify(mus));
      assert.equal(c.classification.type, 'saddle');
      assert.ok(c.residual < 1e-9);
      assert.ok(res.virtual >= 1, 'the virtual fixed point of subregion 1 was met and dropped');
      // no fixed point near z₁ = −1/5 (the virtual one)
      assert.ok(!res.points.some((p) => Math.abs(p.orbit[0][0] + 0.2) < 1e-6));
    }
  });

  it('colours a run by subregion and counts the visits', () => {
    const r = recogniseBytes(torchShallowPlrnn(HAND));
    assert.ok(r.ok);
    const rows = Float64Array.of(-3, 0, 0.5, 0, -1, 0, 2, 0, -0.5, 0);
    const v = regionVisits(r.map, rows, 5);
    assert.deepEqual(Array.from(v.region), [0, 1, 0, 1, 0]);
    assert.deepEqual(v.regions, [
      { code: '0', visits: 3 },
      { code: '1', visits: 2 },
    ]);
  });

  it('sees Cancel while colouring a long run by subregion, and stops there', async () => {
    const r = recogniseBytes(torchShallowPlrnn(HAND));
    assert.ok(r.ok);
    const steps = 50_000;
    const rows = new Float64Array(steps * 2);
    for (let t = 0; t < steps; t++) rows[2 * t] = t % 2 ? 0.5 : -3;
    const signal = { cancelled: false };
    const colouring: string[] = [];
    const result = await analyseDynamics({
      kind: 'map',
      dim: 2,
      precision: 'float64',
      rows,
      steps,
      timeStep: 1,
      evaluate: () => Promise.reject(new Error('not evaluated: the exact search reads the weights')),
      piecewise: r,
      signal,
      onProgress: (_f, message) => {
        if (!/^Colouring/.test(message)) return;
        colouring.push(message);
        // Cancel once the first chunk is coloured: the rest of the run must not be
        if (/: [1-9]/.test(message)) signal.cancelled = true;
      },
    });
    assert.equal(result.cancelled, true);
    assert.equal(result.regions, undefined, 'colouring stopped');
    assert.equal(result.points.length, 0, 'no search after the cancel');
    assert.equal(colouring.length, 2, colouring.join(' | '));
  });

  it('reads a clipped shallow PLRNN export and the zoo’s PLRNN, agreeing with onnxruntime', async () => {
    const rng = new Rng(5);
    const d = 3;
    const L = 10;
    const p: Shallow = {
      d,
      L,
      A: [0.9, 0.8, 0.95],
      W1: Array.from({ length: d * L }, () => 0.2 * rng.normal()),
      W2: Array.from({ length: L * d }, () => rng.normal()),
      h1: Array.from({ length: d }, () => 0.1 * rng.normal()),
      h2: Array.from({ length: L }, () => rng.normal()),
    };
    const bytes = torchShallowPlrnn(p, true);
    const r = recogniseBytes(bytes, 'input.1', '17', d);
    assert.ok(r.ok, r.ok ? '' : r.reason);
    assert.equal(r.map.family, 'clipped shallow PLRNN');
    assert.equal(r.map.H, 2 * L);
    await agreesWithOrt(bytes, 'input.1', '17', r.map);

    const zooBytes = new Uint8Array(readFileSync(join(modelsDir, 'lorenz63-plrnn.onnx')));
    const zoo = recognisePiecewiseLinear(onnx.ModelProto.decode(zooBytes), 'x', 'x_next', 3);
    assert.ok(zoo.ok, zoo.ok ? '' : zoo.reason);
    assert.equal(zoo.map.family, 'clipped shallow PLRNN');
    await agreesWithOrt(zooBytes, 'x', 'x_next', zoo.map);
  });

  it('recognises a vanilla PLRNN and an AL-RNN (Slice, Relu, Concat) and refuses tanh and deep ReLU networks', () => {
    const d = 3;
    const Wm = [0.1, 0.2, 0, 0, 0.1, 0.3, -0.2, 0, 0.1];
    const vanilla: onnx.IGraphProto = {
      name: 'g',
      node: [
        node('Relu', ['z'], ['r']),
        node('MatMul', ['r', 'W'], ['wr']),
        node('Mul', ['z', 'A'], ['az']),
        node('Add', ['az', 'wr'], ['s']),
        node('Add', ['s', 'h'], ['z_next']),
      ],
      initializer: [
        floatTensor('W', [d, d], Wm),
        floatTensor('A', [d], [0.5, 0.6, 0.7]),
        floatTensor('h', [d], [0.1, 0, -0.1]),
      ],
      input: [valueInfo('z', FLOAT, ['B', d])],
      output: [valueInfo('z_next', FLOAT, ['B', d])],
    };
    const v = recognisePiecewiseLinear(model({ graph: vanilla, opset: 13 }), 'z', 'z_next', d);
    assert.ok(v.ok, v.ok ? '' : v.reason);
    assert.equal(v.map.family, 'vanilla PLRNN');
    const alrnn: onnx.IGraphProto = {
      ...vanilla,
      node: [
        node('Slice', ['z', 'zero', 'one', 'axis'], ['lin']),
        node('Slice', ['z', 'one', 'big', 'axis'], ['nl']),
        node('Relu', ['nl'], ['rnl']),
        node('Concat', ['lin', 'rnl'], ['phi'], { axis: 1 }),
        node('MatMul', ['phi', 'W'], ['wr']),
        node('Mul', ['z', 'A'], ['az']),
        node('Add', ['az', 'wr'], ['s']),
        node('Add', ['s', 'h'], ['z_next']),
      ],
      initializer: [
        ...vanilla.initializer!,
        int64Tensor('zero', [1], [0]),
        int64Tensor('one', [1], [1]),
        int64Tensor('big', [1], [1000]),
        int64Tensor('axis', [1], [1]),
      ],
    };
    const a = recognisePiecewiseLinear(model({ graph: alrnn, opset: 13 }), 'z', 'z_next', d);
    assert.ok(a.ok, a.ok ? '' : a.reason);
    assert.equal(a.map.family, 'AL-RNN');
    assert.equal(a.map.H, 2);
    const tanh = { ...vanilla, node: [node('Tanh', ['z'], ['r']), ...vanilla.node!.slice(1)] };
    const t = recognisePiecewiseLinear(model({ graph: tanh, opset: 13 }), 'z', 'z_next', d);
    assert.ok(!t.ok);
    assert.match(t.reason, /Tanh/);
    const deep = {
      ...vanilla,
      node: [node('Relu', ['z'], ['r0']), node('Relu', ['r0'], ['r']), ...vanilla.node!.slice(1)],
    };
    const dr = recognisePiecewiseLinear(model({ graph: deep, opset: 13 }), 'z', 'z_next', d);
    assert.ok(!dr.ok);
    assert.match(dr.reason, /ReLU of ReLU/);
  });
});

describe('dynamics insight: the analysis of the zoo PLRNN', function () {
  this.timeout(120_000);
  const runtime = new ModelRuntime({ info: () => undefined, warn: () => undefined });
  after(() => runtime.dispose());

  it('solves it exactly, colours the run by subregion, and agrees with Newton through onnxruntime', async () => {
    const file = join(modelsDir, 'lorenz63-plrnn.onnx');
    const bytes = new Uint8Array(readFileSync(file));
    const r = recognise(inspectOnnx(bytes));
    assert.ok(r.ok);
    const sig = r.signature;
    const pw = recognisePiecewiseLinear(onnx.ModelProto.decode(bytes), sig.stateInput, sig.stateOutput, 3);
    assert.ok(pw.ok);
    const map = piecewiseMap(pw.map);
    const steps = 2000;
    const rows = new Float64Array(steps * 3);
    let x = Float64Array.from(sig.metadata.initialState!);
    const next = new Float64Array(3);
    for (let t = 0; t < 500 + steps; t++) {
      map.step(x, next);
      x = Float64Array.from(next);
      if (t >= 500) rows.set(x, (t - 500) * 3);
    }
    const evaluate = (p: Float64Array, n: number, k: number) => runtime.evaluate(file, sig, p, n, k);
    const exact = await analyseDynamics({
      kind: 'map',
      dim: 3,
      precision: 'float32',
      rows,
      steps,
      timeStep: sig.metadata.dt!,
      evaluate,
      piecewise: pw,
      maxPeriod: 2,
      system: 'lorenz63',
    });
    assert.equal(exact.method, 'exact');
    assert.match(exact.note, /clipped shallow PLRNN/);
    const fixed = exact.points.filter((p) => p.period === 1);
    assert.ok(fixed.length >= 1);
    assert.ok(fixed.every((p) => p.codes?.length === 1 && p.exact && p.residual < 1e-9));
    assert.ok(exact.regions!.total > 10, `${exact.regions!.total} subregions`);
    assert.equal(exact.rowRegions!.length, steps);
    assert.equal(exact.regions!.top.reduce((s, r) => s + r.visits, 0) <= steps, true);
    assert.ok(exact.spectrum!.exponents[0] > 0, 'chaotic');
    assert.equal(exact.referenceSpectrum!.system, 'Lorenz-63');
    // the same fixed points by Newton on the ONNX graph itself (float32, finite differences)
    const newton = await analyseDynamics({
      kind: 'map',
      dim: 3,
      precision: 'float32',
      rows,
      steps,
      timeStep: 1,
      evaluate,
      maxPeriod: 1,
    });
    assert.equal(newton.method, 'newton');
    for (const p of fixed) {
      const match = newton.points.find(
        (q) => Math.max(...q.orbit[0].map((v, j) => Math.abs(v - p.orbit[0][j]))) < 1e-2,
      );
      assert.ok(match, `Newton finds ${JSON.stringify(p.orbit[0])}`);
      assert.equal(match.classification.type, p.classification.type);
    }
    const md = analysisMarkdown(exact, 'lorenz63-plrnn.onnx');
    const lines = md.split('\n');
    assert.equal(lines[2], '| point | coordinates | multipliers μ | type | unstable dims | residual | symbolic code |');
    assert.equal(lines[3], '| --- | --- | --- | --- | --- | --- | --- |');
    assert.match(
      lines[4],
      /^\| fixed point 1 \| \(.+\) \| .+ \| (saddle|saddle-focus|stable node|stable focus|unstable node|unstable focus) \| \d \| .+ \| [0-9a-f]{50} \|$/,
    );
    assert.match(md, /Subregions visited: \d+ \(of 2\^200\)/);
  });
});

/** The extracted map gives what onnxruntime computes from the file, at random states. */
async function agreesWithOrt(bytes: Uint8Array, input: string, output: string, m: PiecewiseLinearMap) {
  const s = await ort.InferenceSession.create(bytes);
  const rng = new Rng(9);
  const B = 16;
  const x = Float32Array.from({ length: B * m.d }, () => rng.uniform(-3, 3));
  const y = (await s.run({ [input]: new ort.Tensor('float32', x, [B, m.d]) }))[output].data as Float32Array;
  const map = piecewiseMap(m);
  const out = new Float64Array(m.d);
  for (let b = 0; b < B; b++) {
    map.step(Float64Array.from(x.subarray(b * m.d, (b + 1) * m.d)), out);
    for (let j = 0; j < m.d; j++)
      assert.ok(
        Math.abs(out[j] - y[b * m.d + j]) < 1e-4 * (1 + Math.abs(out[j])),
        `row ${b}: ${out[j]} vs ${y[b * m.d + j]}`,
      );
  }
  await s.release();
}

describe('dynamics insight: the preview’s analysis of a model file', function () {
  this.timeout(120_000);
  const runtime = new ModelRuntime({ info: () => undefined, warn: () => undefined });
  after(() => runtime.dispose());

  it('analyses the zoo’s Van der Pol map from states it computes (unstable focus, closed orbit T ≈ 6.663); the view survives validation', async () => {
    const file = join(modelsDir, 'vanderpol-rk4.onnx');
    const r = recognise(inspectOnnx(new Uint8Array(readFileSync(file))));
    assert.ok(r.ok);
    const progress: number[] = [];
    const view = await analyseModel(runtime, {
      file,
      fileName: 'vanderpol-rk4.onnx',
      signature: r.signature,
      initialState: r.signature.metadata.initialState!,
      dt: r.signature.metadata.dt!,
      timeStep: r.signature.metadata.dt!,
      signal: { cancelled: false },
      onProgress: (f) => void progress.push(f),
    });
    assert.equal(view.method, 'newton');
    // the origin, an unstable focus, and the RK4 map's two spurious fixed points far outside the limit cycle
    // (Yee, Sweby & Griffiths 1991): fixed points of the discretisation, flagged as outside the run's box
    const inside = view.rows.filter((r) => !r.what.includes('outside'));
    assert.equal(inside.length, 1, JSON.stringify(view.rows));
    assert.equal(inside[0].type, 'unstable focus');
    assert.equal(inside[0].unstable, '2');
    const orbit = view.lines.find((l) => l.startsWith('Closed orbit'));
    assert.ok(orbit, view.lines.join(' / '));
    const period = Number(/period ([\d.]+)/.exec(orbit)![1]);
    assert.ok(Math.abs(period - 6.6633) < 0.01, orbit);
    assert.ok(progress.length > 0);
    assert.deepEqual(parseAnalysisView(JSON.parse(JSON.stringify(view))), view);
    assert.equal(parseAnalysisView({ ...view, rows: [{ what: 1 }] }), undefined);
    assert.equal(parseAnalysisView({ ...view, markdown: 'x'.repeat(500_000) }), undefined);
  });

  it('says when only the last MAX_ANALYSED_ROWS rows of a long run were analysed', async () => {
    const file = join(modelsDir, 'vanderpol-rk4.onnx');
    const r = recognise(inspectOnnx(new Uint8Array(readFileSync(file))));
    assert.ok(r.ok);
    const steps = MAX_ANALYSED_ROWS + 5000;
    const data = new Float32Array(steps * 2);
    // a circle of radius 2 (near the limit cycle), 600 rows per turn
    for (let t = 0; t < steps; t++) {
      data[2 * t] = 2 * Math.cos((2 * Math.PI * t) / 600);
      data[2 * t + 1] = -2 * Math.sin((2 * Math.PI * t) / 600);
    }
    const view = await analyseModel(runtime, {
      file,
      fileName: 'vanderpol-rk4.onnx',
      signature: r.signature,
      run: { data, steps, members: 1, width: 2, burnIn: 0 },
      initialState: [2, 0],
      dt: r.signature.metadata.dt!,
      timeStep: r.signature.metadata.dt!,
      signal: { cancelled: false },
      onProgress: () => undefined,
    });
    assert.match(view.note, /Only the run's last 50,000 of 55,000 rows were analysed/);
  });

  it('stops when cancelled', async () => {
    const file = join(modelsDir, 'lorenz63-rk4.onnx');
    const r = recognise(inspectOnnx(new Uint8Array(readFileSync(file))));
    assert.ok(r.ok);
    const signal = { cancelled: false };
    const started = analyseModel(runtime, {
      file,
      fileName: 'lorenz63-rk4.onnx',
      signature: r.signature,
      initialState: r.signature.metadata.initialState!,
      dt: 1,
      timeStep: 1,
      signal,
      onProgress: () => void (signal.cancelled = true),
    });
    await assert.rejects(started);
  });
});
