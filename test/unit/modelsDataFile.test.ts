/**
 * "Compare with Data…": the .npy reader/writer, the CSV reader, every refusal of a bad file (the message names the
 * problem and says what to do), the pairing of model outputs with data columns, and the metrics against a data file
 * (closed-form cases: data identical to the run gives D_stsp = D_H = 0 and a VPT over the whole horizon).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { rolloutSimulator } from '../../src/models/comparisons';
import { inspectOnnx } from '../../src/models/onnxFile';
import { ModelRuntime } from '../../src/models/runtime';
import { emitWidth, recognise, wholeStateSignature } from '../../src/models/signature';
import { groundTruthComparison } from '../../src/models/groundTruthComparison';
import type { CompletedRun } from '../../src/models/comparisons';
import { DataFileError, decodeNpy, encodeNpy } from '../../src/models/npy';
import { parsePreviewToHost, parsePreviewPanelState, parseHostToPreview } from '../../src/models/previewProtocol';
import {
  checkDataFileSize,
  matchColumns,
  parseCsvTrajectory,
  parseNpyTrajectory,
  parseTrajectoryFile,
  validMapping,
} from '../../src/models/trajectoryFile';
import { stateSpace } from '../../src/metrics/stateSpace';
import { drivenStates, predictionError, type Simulate } from '../../src/metrics/modelRuns';
import { compareWithData } from '../../src/models/dataComparison';

/** A .npy built byte by byte as numpy.save writes it (independent of encodeNpy). */
function npy(descr: string, shape: number[], values: number[], opts: { fortran?: boolean; version?: number } = {}) {
  const version = opts.version ?? 1;
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  const dict = `{'descr': '${descr}', 'fortran_order': ${opts.fortran ? 'True' : 'False'}, 'shape': (${dims}), }`;
  const pre = version === 1 ? 10 : 12;
  const headerLen = Math.ceil((pre + dict.length + 1) / 64) * 64 - pre;
  const header = Buffer.from(dict.padEnd(headerLen - 1, ' ') + '\n', 'latin1');
  const size = descr.endsWith('8') ? 8 : descr.endsWith('4') ? 4 : descr.endsWith('2') ? 2 : 1;
  const body = Buffer.alloc(values.length * size);
  values.forEach((v, i) => {
    if (descr === '<f4') body.writeFloatLE(v, i * 4);
    else if (descr === '<f8') body.writeDoubleLE(v, i * 8);
    else if (descr === '>f4') body.writeFloatBE(v, i * 4);
    else if (descr === '>f8') body.writeDoubleBE(v, i * 8);
    else if (descr === '<i4') body.writeInt32LE(v, i * 4);
  });
  const lead = Buffer.alloc(pre);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]).copy(lead);
  if (version === 1) lead.writeUInt16LE(headerLen, 8);
  else lead.writeUInt32LE(headerLen, 8);
  return new Uint8Array(Buffer.concat([lead, header, body]));
}

const ramp = (rows: number, cols: number) => Array.from({ length: rows * cols }, (_, i) => Math.sin(i * 0.37) + i / 50);

function refused(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof DataFileError, `a DataFileError, got ${String(err)}`);
    assert.match(err.message, pattern);
    return true;
  });
}

describe('models: .npy read and write', () => {
  it('reads what numpy.save writes: float32 and float64, [T, N], format 1.0 and 2.0', () => {
    const v = ramp(120, 3);
    const a = decodeNpy(npy('<f8', [120, 3], v));
    assert.deepEqual(a.shape, [120, 3]);
    assert.deepEqual([...a.data], v);
    const b = decodeNpy(npy('<f4', [120, 3], v, { version: 2 }));
    assert.deepEqual([...b.data], v.map(Math.fround));
  });

  it('reads back what the export writes', () => {
    const v = ramp(4, 2);
    const back = decodeNpy(encodeNpy(Float32Array.from(v), [2, 2, 2]));
    assert.equal(back.descr, '<f4');
    assert.deepEqual(back.shape, [2, 2, 2]);
    assert.deepEqual([...back.data], v.map(Math.fround));
  });

  it('takes the first trajectory of a [T, B, N] array', () => {
    const T = 100;
    const values: number[] = [];
    for (let t = 0; t < T; t++) for (let b = 0; b < 2; b++) values.push(t, b * 10 + t / 2);
    const set = parseNpyTrajectory(npy('<f4', [T, 2, 2], values));
    assert.equal(set.rows, T);
    assert.deepEqual(set.columns, ['column 1', 'column 2']);
    assert.deepEqual([...set.data.subarray(0, 4)], [0, 0, 1, 0.5], 'member 0 of rows 0 and 1');
    assert.match(set.note!, /trajectory 1 of 2/);
  });

  it('refuses bad .npy files, naming the problem and what to do', () => {
    const v = ramp(120, 2);
    refused(() => parseNpyTrajectory(npy('<i4', [120, 2], v)), /'<i4'.*float32 or float64.*astype/);
    refused(() => parseNpyTrajectory(npy('>f8', [120, 2], v)), /big-endian float64.*little-endian.*astype\('<f4'\)/);
    refused(() => parseNpyTrajectory(npy('>f4', [120, 2], v)), /big-endian float32/);
    refused(
      () => parseNpyTrajectory(npy('<f8', [120, 2], v, { fortran: true })),
      /Fortran.*C order.*ascontiguousarray/,
    );
    refused(() => parseNpyTrajectory(npy('<f8', [99, 2], v.slice(0, 198))), /99 rows.*at least 100 time steps/);
    refused(() => parseNpyTrajectory(npy('<f8', [240], v)), /shape \(240\).*\[T, N\].*\[T, B, N\]/);
    const withNaN = v.slice();
    withNaN[2 * 57 + 1] = NaN;
    refused(
      () => parseNpyTrajectory(npy('<f8', [120, 2], withNaN)),
      /Row 58 .*index 57.*NaN.*column 2.*Remove or fill/,
    );
    refused(() => parseNpyTrajectory(npy('<f8', [120, 2], v).subarray(0, 500)), /truncated/);
    refused(() => parseNpyTrajectory(new TextEncoder().encode('x,y\n1,2\n')), /not a NumPy \.npy file/);
    refused(() => checkDataFileSize(2 * 1024 ** 3 + 1), /2\.0 GB.*up to 2 GB.*shorter/);
    checkDataFileSize(2 * 1024 ** 3);
    refused(() => parseTrajectoryFile('run.txt', new Uint8Array(4)), /neither a \.npy nor a \.csv/);
  });
});

describe('models: CSV trajectories', () => {
  const csv = (header: string, rows: number, row: (t: number) => string) =>
    [header, ...Array.from({ length: rows }, (_, t) => row(t))].join('\n') + '\n';

  it('reads a header row and numeric rows; drops step/time/member columns and keeps member 0 of an export', () => {
    const text = csv(
      'step,time,member,x,"y, lagged",z',
      200,
      (t) => `${t >> 1},${(t >> 1) / 100},${t % 2},${t},-${t}e-1,1.5`,
    );
    const set = parseCsvTrajectory(text);
    assert.deepEqual(set.columns, ['x', 'y, lagged', 'z']);
    assert.equal(set.rows, 100, 'the rows of member 0');
    assert.deepEqual([...set.data.subarray(0, 6)], [0, -0, 1.5, 2, -0.2, 1.5]);
    assert.match(set.note!, /member 0 \(of 2\).*"step", "time", "member" not compared/);
    assert.equal(parseCsvTrajectory('\uFEFFa,b\r\n' + '1,2\r\n'.repeat(100)).rows, 100, 'BOM and CRLF');
  });

  it('refuses bad CSV files, naming the line and what to do', () => {
    refused(() => parseCsvTrajectory(csv('1,2', 150, () => '3,4')), /no header row.*"x,y,z"/);
    refused(
      () => parseCsvTrajectory(csv('x,y', 150, (t) => (t === 40 ? '1,2,3' : '1,2'))),
      /Line 42 .*3 fields, the header has 2 \(a ragged CSV\)/,
    );
    refused(
      () => parseCsvTrajectory(csv('x,y', 150, (t) => (t === 9 ? 'NaN,2' : '1,2'))),
      /Line 11 .*a NaN value in column "x".*Remove or fill/,
    );
    refused(
      () => parseCsvTrajectory(csv('x,y', 150, (t) => (t === 9 ? '1,' : '1,2'))),
      /Line 11 .*an empty value in column "y"/,
    );
    refused(
      () => parseCsvTrajectory(csv('x,y', 150, (t) => (t === 3 ? '1,abc' : '1,2'))),
      /Line 5 .*"abc" in column "y", which is not a number/,
    );
    refused(() => parseCsvTrajectory(csv('x,y', 99, () => '1,2')), /99 rows.*at least 100/);
    refused(() => parseCsvTrajectory(''), /empty/);
    refused(() => parseCsvTrajectory(csv('step,time', 150, (t) => `${t},${t}`)), /only bookkeeping columns/);
  });
});

describe('models: pairing model outputs with data columns', () => {
  it('pairs by name (the model state names against the header), else in order when the widths agree', () => {
    assert.deepEqual(matchColumns(['x', 'y', 'z'], ['Z', 'x', 'Y ']), { mapping: [1, 2, 0], unmatched: [] });
    assert.deepEqual(matchColumns(['x', 'y', 'z'], ['column 1', 'column 2', 'column 3']), {
      mapping: [0, 1, 2],
      unmatched: [],
    });
    assert.deepEqual(matchColumns(['x', 'y', 'z'], ['x', 'y']), { mapping: [0, 1, undefined], unmatched: [2] });
    assert.deepEqual(matchColumns(['u', 'v'], ['a', 'b', 'c']), { mapping: [undefined, undefined], unmatched: [0, 1] });
    assert.ok(validMapping([0, null, 2], 3, 3));
    assert.ok(!validMapping([0, 3], 2, 3), 'a column the file does not have');
    assert.ok(!validMapping([null, null], 2, 3), 'nothing paired');
    assert.ok(!validMapping([0, 1], 3, 3), 'another width');
  });

  it('keeps the choice in the panel state and validates the messages', () => {
    const saved = { file: '/w/test.npy', mapping: [0, null, 2] };
    assert.deepEqual(parsePreviewPanelState({ file: '/w/m.onnx', data: saved }), { file: '/w/m.onnx', data: saved });
    assert.deepEqual(parsePreviewPanelState({ file: '/w/m.onnx', data: { file: 3 } }), { file: '/w/m.onnx' });
    assert.deepEqual(parsePreviewToHost({ type: 'chooseData' }), { type: 'chooseData' });
    assert.deepEqual(parsePreviewToHost({ type: 'clearData' }), { type: 'clearData' });
    assert.deepEqual(parseHostToPreview({ type: 'dataChosen', label: 'a.npy', saved })?.type, 'dataChosen');
    assert.equal(
      parseHostToPreview({ type: 'dataChosen', label: 'a.npy', saved: { file: 'a', mapping: [-1] } }),
      undefined,
    );
  });
});

describe('metrics against a data file', function () {
  this.timeout(60_000);
  const dt = 0.01;
  /** Lorenz-63 RK4, here in the test (float64). */
  const step = (x: number[]) => {
    const f = ([a, b, c]: number[]) => [10 * (b - a), a * (28 - c) - b, a * b - (8 / 3) * c];
    const add = (u: number[], v: number[], h: number) => u.map((ui, i) => ui + h * v[i]);
    const k1 = f(x);
    const k2 = f(add(x, k1, dt / 2));
    const k3 = f(add(x, k2, dt / 2));
    const k4 = f(add(x, k3, dt));
    return x.map((xi, i) => xi + (dt / 6) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]));
  };
  /** Rows after 1..steps steps, float32 as onnxruntime hands them back, `[steps, states, 3]`. */
  const simulate: Simulate = (states, steps) => {
    const out = new Float32Array(steps * states.length * 3);
    states.forEach((s, m) => {
      let x = [...s];
      for (let t = 0; t < steps; t++) out.set((x = step(x)), (t * states.length + m) * 3);
    });
    return Promise.resolve(out);
  };
  const T = 1500;
  const runRows = (() => {
    let x = [1, 1, 1];
    for (let i = 0; i < 1000; i++) x = step(x);
    const rows = new Float32Array(T * 3);
    for (let t = 0; t < T; t++) rows.set((x = step(x)), t * 3);
    return rows;
  })();
  const run: CompletedRun = {
    file: 'lorenz.onnx',
    signature: {
      dim: 3,
      metadata: { stateNames: ['x', 'y', 'z'], problems: [] },
    } as unknown as CompletedRun['signature'],
    metadata: { problems: [] },
    params: { initialState: [1, 1, 1], steps: T, dt, members: 1, perturbation: 0, burnIn: 0 },
    steps: T,
    members: 1,
    width: 3,
    timeStep: dt,
    data: runRows,
    simulate,
  };

  it('data identical to the run: D_stsp = D_H = 0, VPT over the whole horizon, PE ≈ 0 (columns paired by name)', async () => {
    // the file's columns are z, x, y: pairing by name must undo the permutation
    const data = new Float64Array(T * 3);
    for (let t = 0; t < T; t++) data.set([runRows[t * 3 + 2], runRows[t * 3], runRows[t * 3 + 1]], t * 3);
    const set = { columns: ['z', 'x', 'y'], rows: T, data };
    const { mapping } = matchColumns(['x', 'y', 'z'], set.columns);
    const result = await compareWithData(run, { label: 'test.csv', set, mapping });
    const row = (name: string) => result.table.rows.find((r) => r.name === name)!;
    assert.match(result.table.title, /^Against data: test\.csv \(1500 rows/);
    assert.equal(row('D_stsp').value, '0.000');
    assert.equal(row('D_H').value, '0.000');
    assert.match(row('Valid prediction time').note!, /^never exceeded in 1499 steps/);
    assert.match(row('Valid prediction time').value, /^t = 14\.99$/, 'in time units: the model names no system');
    assert.ok(Number(row('PE').value) < 1e-6, `PE ${row('PE').value}`);
    assert.match(result.table.note!, /x ↔ "x", y ↔ "y", z ↔ "z"/);
    assert.equal(result.reference!.label, 'data: test.csv');
    assert.deepEqual(
      [...result.reference!.data.subarray(0, 3)],
      [...runRows.subarray(0, 3)],
      'overlay in output order',
    );
  });

  it('a data file that differs: the same src/metrics D_stsp on the paired columns; outputs left out get no overlay', async () => {
    const other = new Float64Array(T * 2);
    for (let t = 0; t < T; t++) other.set([runRows[t * 3] * 1.3, runRows[t * 3 + 1] + 2], t * 2);
    const set = { columns: ['x', 'y'], rows: T, data: other };
    const result = await compareWithData(run, { label: 'xy.npy', set, mapping: [0, 1, undefined] });
    const model = new Float64Array(T * 2);
    for (let t = 0; t < T; t++) model.set([runRows[t * 3], runRows[t * 3 + 1]], t * 2);
    const expected = stateSpace({ data: other, length: T, dim: 2 }, { data: model, length: T, dim: 2 }).value;
    const row = (name: string) => result.table.rows.find((r) => r.name === name)!;
    assert.ok(expected > 0.05, `D_stsp ${expected}`);
    assert.equal(row('D_stsp').value, expected.toFixed(3));
    assert.match(row('D_stsp').note!, /30 bins/);
    // only 2 of 3 outputs paired: the model cannot be started from a data row
    for (const name of ['Valid prediction time', 'PE', 'λmax']) {
      assert.equal(row(name).value, '—', name);
      assert.match(row(name).note!, /only 2 of the model's 3 outputs are paired/, name);
    }
    assert.ok(Number.isNaN(result.reference!.data[2]), 'no overlay for z');
  });
});

describe('PE of a model with hidden state (driven by the data before each start)', function () {
  this.timeout(60_000);
  // state [x, r]: r' = 0.5·r + x (a leaky memory of the inputs), x' = 0.9·sin(3r) + 0.1·x; x is emitted
  const step = ([x, r]: number[]) => [0.9 * Math.sin(3 * r) + 0.1 * x, 0.5 * r + x];
  const run = (emit: number) => (states: readonly (readonly number[])[], steps: number) => {
    const out = new Float32Array(steps * states.length * emit);
    states.forEach((s, m) => {
      let z = [...s];
      for (let t = 0; t < steps; t++) out.set((z = step(z)).slice(0, emit), (t * states.length + m) * emit);
    });
    return Promise.resolve(out);
  };
  const T = 3000;
  const truthStates: number[][] = [];
  let z = [0.3, -0.2];
  for (let t = 0; t < T; t++) truthStates.push((z = step(z)));
  const test = { data: Float64Array.from(truthStates.map((s) => s[0])), length: T, dim: 1 };

  it('recovers the hidden state along the data, and the true model then scores PE ≈ 0 (with r = 0 instead: PE > 1e-3)', async () => {
    const driven = (await drivenStates(run(2), test, 2, 50))!;
    assert.equal(driven.hiddenDim, 1);
    for (const t of [50, 51, 1234, T - 1])
      assert.ok(
        Math.abs(driven.data[t] - truthStates[t][1]) < 1e-5,
        `r at row ${t}: ${driven.data[t]} vs ${truthStates[t][1]}`,
      );
    const pe = await predictionError(run(1), test, 20, undefined, driven);
    assert.equal(pe.starts, T - 20 - 50, 'starts after the warm-up');
    assert.ok(pe.value < 1e-8, `PE ${pe.value}`);
    // the same starts with a zero hidden state: the memory matters
    const zero = { hiddenDim: 1, data: new Float64Array(T), warmup: 50 };
    const bad = await predictionError(run(1), test, 20, undefined, zero);
    assert.ok(bad.value > 1e-3, `PE with r = 0: ${bad.value}`);
  });
});

describe("the zoo's ESN (hidden reservoir state) scored through onnxruntime", function () {
  this.timeout(180_000);

  it('shows PE and λmax for a copy of lorenz63-esn.onnx (no build-time value): reservoir driven by the truth', async () => {
    const bytes = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'media', 'models', 'lorenz63-esn.onnx'));
    const r = recognise(inspectOnnx(bytes));
    assert.ok(r.ok);
    const sig = r.signature;
    assert.ok(sig.dim > 3 && emitWidth(sig) === 3, 'state [x, reservoir], 3 emitted');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attractor-esn-'));
    const runtime = new ModelRuntime({ info: () => undefined, warn: () => undefined });
    try {
      const file = path.join(dir, 'my-esn.onnx');
      fs.writeFileSync(file, bytes);
      const steps = 3000;
      const chunks: Float32Array[] = [];
      const x0 = sig.metadata.initialState!.slice();
      await runtime.rollout(
        file,
        { signature: sig, initialStates: [x0], steps, dt: 1 },
        (c) => void chunks.push(c.data),
      );
      const all = Float32Array.from(chunks.flatMap((c) => [...c]));
      const simulator = (s: typeof sig) =>
        rolloutSimulator((f, req, onChunk, signal) => runtime.rollout(f, req, onChunk, signal), file, s, 1, {
          cancelled: false,
        });
      const dt = sig.metadata.dt ?? 1;
      const run: CompletedRun = {
        file,
        signature: sig,
        metadata: sig.metadata,
        params: { initialState: x0, steps, dt, members: 1, perturbation: 0, burnIn: 0 },
        steps,
        members: 1,
        width: 3,
        timeStep: dt,
        data: all,
        simulate: simulator(sig),
        simulateState: simulator(wholeStateSignature(sig)!),
      };
      const result = await groundTruthComparison().compare(run, { cancelled: false });
      const row = (name: string) => result!.table.rows.find((x) => x.name === name)!;
      const pe = Number(row('PE').value);
      console.log(`      ESN: PE ${row('PE').value} (${row('PE').note}); λmax ${row('λmax').value}`);
      assert.ok(Number.isFinite(pe) && pe < 1, `PE ${row('PE').value}: ${row('PE').note}`);
      assert.match(row('PE').note!, /hidden state \(\d+ values\) driven by the observed trajectory before each start/);
      // the zoo measured this model's λmax at build time with its own JS map (2·10^5 steps): 0.9048
      const lambda = Number(row('λmax').value);
      assert.ok(Math.abs(lambda - 0.9048) / 0.9048 < 0.1, `λmax ${row('λmax').value}: ${row('λmax').note}`);

      // against a data file: the ESN's own run (columns x, y, z paired by name)
      const own = { columns: ['x', 'y', 'z'], rows: steps, data: Float64Array.from(all) };
      const data = await compareWithData(run, { label: 'esn-run.npy', set: own, mapping: [0, 1, 2] });
      const drow = (name: string) => data.table.rows.find((x) => x.name === name)!;
      console.log(
        `      ESN against its own run as data: PE ${drow('PE').value}, VPT ${drow('Valid prediction time').value}`,
      );
      assert.equal(drow('D_stsp').value, '0.000');
      assert.ok(Number(drow('PE').value) < 1e-6, `PE ${drow('PE').value}: ${drow('PE').note}`);
      assert.match(drow('PE').note!, /hidden state \(200 values\) driven/);
      assert.match(drow('Valid prediction time').note!, /from data row 201 after a warm-up of the hidden state/);
      assert.ok(Number.isFinite(Number(drow('λmax').value)), drow('λmax').note);
    } finally {
      runtime.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
