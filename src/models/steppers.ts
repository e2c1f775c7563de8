/**
 * How a rollout advances one group of ensemble members by a chunk of steps, for each way a model can be run:
 * the Loop rollout built around a map or flow, a model that is itself a rollout, or one step per call (RK4 for
 * a vector field). The runtime (runtime.ts) picks one per run and owns the sessions and the chunk loop.
 */
import type * as Ort from 'onnxruntime-node';
import { ModelRunError } from './modelErrors';
import { ROLLOUT_INPUTS, ROLLOUT_OUTPUTS } from './rolloutNames';
import { emitWidth, type Signature } from './signature';

type OrtModule = typeof Ort;
type Session = Ort.InferenceSession;

export interface LoopSession {
  readonly session: Session;
  readonly stepsPerIteration: number;
  readonly nodesPerStep: number;
}

export interface Group {
  /** Member indices; padded slots repeat the last member and are dropped from the output. */
  readonly members: readonly number[];
  readonly rows: number;
  /** The carried state, `[rows, d]` (or `[d]`) in the model's element type. */
  state: Float32Array | Float64Array;
}

export function makeGroups(sig: Signature, x0: readonly (readonly number[])[]): Group[] {
  const make = (members: number[], rows: number): Group => {
    const state = sig.elemType === 'float64' ? new Float64Array(rows * sig.dim) : new Float32Array(rows * sig.dim);
    for (let r = 0; r < rows; r++) state.set(x0[members[Math.min(r, members.length - 1)]], r * sig.dim);
    return { members, rows, state };
  };
  const all = x0.map((_, i) => i);
  if (sig.batch === 'symbolic') return [make(all, all.length)];
  const size = sig.batch === 'none' ? 1 : sig.batch;
  const groups: Group[] = [];
  for (let i = 0; i < all.length; i += size) groups.push(make(all.slice(i, i + size), size));
  return groups;
}

/** Rows computed for one group: `[n, rows, width]`, in the model's element type. */
export type Stepper = (group: Group, stepsRounded: number, steps: number) => Promise<Float32Array | Float64Array>;

export function stateDims(sig: Signature, rows: number): number[] {
  return sig.batch === 'none' ? [sig.dim] : [rows, sig.dim];
}

export function scalar(ort: OrtModule, sig: Signature, value: number): Ort.Tensor {
  return sig.elemType === 'float64'
    ? new ort.Tensor('float64', Float64Array.of(value), [])
    : new ort.Tensor('float32', Float32Array.of(value), []);
}

export function tensorData(t: Ort.Tensor): Float32Array | Float64Array {
  const d = t.data;
  if (d instanceof Float32Array || d instanceof Float64Array) return d;
  throw new ModelRunError('typeMismatch', `The model returned ${t.type} values; Attractor expects float32 or float64.`);
}

export function loopStepper(ort: OrtModule, loop: LoopSession, sig: Signature, dt: number): Stepper {
  return async (group, stepsRounded, steps) => {
    const feeds: Record<string, Ort.Tensor> = {
      [ROLLOUT_INPUTS.x0]: new ort.Tensor(sig.elemType, group.state, stateDims(sig, group.rows)),
      [ROLLOUT_INPUTS.iterations]: new ort.Tensor(
        'int64',
        BigInt64Array.of(BigInt(stepsRounded / loop.stepsPerIteration)),
        [],
      ),
    };
    if (sig.kind === 'flow') feeds[ROLLOUT_INPUTS.dt] = scalar(ort, sig, dt);
    const out = await loop.session.run(feeds);
    if (stepsRounded === steps) group.state = tensorData(out[ROLLOUT_OUTPUTS.last]).slice();
    return tensorData(out[ROLLOUT_OUTPUTS.trajectory]);
  };
}

export function rolloutModelStepper(ort: OrtModule, session: Session, sig: Signature, dt: number): Stepper {
  const stepsMeta = session.inputMetadata.find((m) => m.name === sig.stepsInput);
  const stepsShape = stepsMeta && stepsMeta.isTensor && stepsMeta.shape.length === 1 ? [1] : [];
  const stepsType = stepsMeta && stepsMeta.isTensor && stepsMeta.type === 'int32' ? 'int32' : 'int64';
  return async (group, _rounded, steps) => {
    const feeds: Record<string, Ort.Tensor> = {
      [sig.stateInput]: new ort.Tensor(sig.elemType, group.state, stateDims(sig, group.rows)),
      [sig.stepsInput!]:
        stepsType === 'int32'
          ? new ort.Tensor('int32', Int32Array.of(steps), stepsShape)
          : new ort.Tensor('int64', BigInt64Array.of(BigInt(steps)), stepsShape),
    };
    if (sig.dtInput) feeds[sig.dtInput] = scalar(ort, sig, dt);
    const out = await session.run(feeds);
    const traj = out[sig.stateOutput];
    const data = tensorData(traj);
    const rowLen = group.rows * sig.dim;
    const T = traj.dims[0];
    // Some exports include x0 as the first row of the trajectory.
    const skip = T === steps + 1 ? 1 : 0;
    if (T - skip < steps) {
      throw new ModelRunError(
        'signature',
        `The rollout model returned ${T} rows for ${steps} steps; Attractor expects ${steps} (or ${steps + 1} with x0).`,
      );
    }
    const rows = data.subarray(skip * rowLen, (skip + steps) * rowLen);
    group.state = rows.slice((steps - 1) * rowLen);
    return rows;
  };
}

export function perStepStepper(ort: OrtModule, session: Session, sig: Signature, dt: number): Stepper {
  const dims = (g: Group) => stateDims(sig, g.rows);
  const f = async (g: Group, x: Float32Array | Float64Array) =>
    await session.run({ [sig.stateInput]: new ort.Tensor(sig.elemType, x, dims(g)) });
  return async (group, _rounded, steps) => {
    const d = group.rows * sig.dim;
    const width = emitWidth(sig);
    const observation = sig.kind === 'map' && sig.observationOutput && sig.observationDim === width;
    const out =
      sig.elemType === 'float64'
        ? new Float64Array(steps * group.rows * width)
        : new Float32Array(steps * group.rows * width);
    let x = group.state;
    for (let t = 0; t < steps; t++) {
      if (sig.kind === 'map') {
        const r = await f(group, x);
        x = tensorData(r[sig.stateOutput]).slice();
        if (observation) {
          out.set(tensorData(r[sig.observationOutput!]), t * group.rows * width);
          continue;
        }
      } else {
        x = await rk4Step(x, dt, d, async (y) => tensorData((await f(group, y))[sig.stateOutput]));
      }
      for (let row = 0; row < group.rows; row++)
        out.set(x.subarray(row * sig.dim, row * sig.dim + width), (t * group.rows + row) * width);
    }
    group.state = x;
    return out;
  };
}

async function rk4Step(
  x: Float32Array | Float64Array,
  dt: number,
  n: number,
  f: (y: Float32Array | Float64Array) => Promise<Float32Array | Float64Array>,
): Promise<Float32Array | Float64Array> {
  const make = () => new (x.constructor as Float32ArrayConstructor | Float64ArrayConstructor)(n);
  const k1 = await f(x);
  const y = make();
  for (let i = 0; i < n; i++) y[i] = x[i] + 0.5 * dt * k1[i];
  const k2 = (await f(y)).slice();
  for (let i = 0; i < n; i++) y[i] = x[i] + 0.5 * dt * k2[i];
  const k3 = (await f(y)).slice();
  for (let i = 0; i < n; i++) y[i] = x[i] + dt * k3[i];
  const k4 = await f(y);
  const next = make();
  for (let i = 0; i < n; i++) next[i] = x[i] + (dt / 6) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
  return next;
}

/** Copies a group's rows `[n', rows, rowWidth]` (the first `width` values of each) into the chunk `[n, members, width]`. */
export function scatter(
  rows: Float32Array | Float64Array,
  group: Group,
  n: number,
  members: number,
  width: number,
  rowWidth: number,
  into: Float32Array,
): void {
  for (let t = 0; t < n; t++) {
    for (let r = 0; r < group.members.length; r++) {
      const from = (t * group.rows + r) * rowWidth;
      const to = (t * members + group.members[r]) * width;
      for (let j = 0; j < width; j++) into[to + j] = rows[from + j];
    }
  }
}

/** Index of the first row holding a NaN or ±Infinity, or -1. */
export function firstNonFinite(data: Float32Array, rowLength: number): number {
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v - v !== 0) return Math.floor(i / rowLength);
  }
  return -1;
}
