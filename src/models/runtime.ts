/**
 * Runs dynamics models with onnxruntime-node: loaded lazily on the first preview (the module load is the heavy
 * part), one cache entry per file with its sessions (the model itself and the Loop rollout built from it),
 * dropped when the file changes. Rollouts run in bounded chunks — the last state of one chunk is the first of
 * the next — so memory stays bounded, the host stays responsive (a run() call blocks the thread it runs on) and
 * the plot grows while it runs. No vscode here: the host layer passes a file path and gets chunks back.
 */
import { readFile, stat } from 'node:fs/promises';
import type * as Ort from 'onnxruntime-node';
import { ModelFileError, ModelRunError, explainRuntimeError } from './modelErrors';
import type { ModelInfo } from './onnxFile';
import { ROLLOUT_INPUTS, ROLLOUT_OUTPUTS } from './rolloutNames';
import { emitWidth, type Signature } from './signature';

/**
 * onnx-proto and protobufjs (and the modules built on them) load on first use, not at activation: the bundler
 * turns these requires into lazily initialised modules.
 */
const onnxFile = () => require('./onnxFile') as typeof import('./onnxFile');
const externalData = () => require('./externalData') as typeof import('./externalData');
const rolloutGraph = () => require('./rolloutGraph') as typeof import('./rolloutGraph');

type OrtModule = typeof Ort;
type Session = Ort.InferenceSession;

/** The largest preview: more steps are refused with this limit stated. */
export const MAX_STEPS = 10_000_000;
/** steps × members × values per row kept for plotting and export (80 MB of float32). */
export const MAX_VALUES = 20_000_000;
export const MAX_MEMBERS = 64;
/** Upper bound of one chunk's output (4 MB of float32), whatever the speed. */
const MAX_CHUNK_VALUES = 1 << 20;

export type RolloutPath = 'loop' | 'perStep';

export interface RolloutRequest {
  readonly signature: Signature;
  /** One initial state per ensemble member, each of length `signature.dim`. */
  readonly initialStates: readonly (readonly number[])[];
  readonly steps: number;
  /** Step size for flows (and rollout models with a dt input). */
  readonly dt: number;
  /** `auto` (default): the Loop rollout, falling back to per-step calls when it cannot be built. */
  readonly path?: RolloutPath | 'auto';
  /** Steps of the first chunk (small, so the first points show at once). */
  readonly firstChunkSteps?: number;
  /** Later chunks are sized to take about this long (ms). */
  readonly targetChunkMs?: number;
  /** A fixed chunk size (benchmarks). */
  readonly chunkSteps?: number;
  /** Loop unrolling (benchmarks); default chosen from the graph size. */
  readonly stepsPerIteration?: number;
}

export interface RolloutChunk {
  /** Index of the chunk's first row (0-based; row i is the state after i + 1 steps). */
  readonly start: number;
  readonly steps: number;
  readonly members: number;
  /** Values per row: the state size d, or a map's observation size. */
  readonly width: number;
  /** `[steps, members, width]`, row-major. */
  readonly data: Float32Array;
}

export interface RolloutResult {
  readonly steps: number;
  readonly path: RolloutPath | 'rollout';
  readonly stepsPerIteration: number;
  readonly chunks: number;
  readonly firstChunkMs: number;
  readonly elapsedMs: number;
  /** Time to create (or fetch from the cache) the session(s). */
  readonly sessionMs: number;
}

/** Cancellation as a plain flag the host flips; checked between chunks. */
export interface CancelSignal {
  readonly cancelled: boolean;
  /** Why, when cancelled: `cancelled` (the user) or `fileChanged`. */
  readonly reason?: 'cancelled' | 'fileChanged';
}

interface LoopSession {
  readonly session: Session;
  readonly stepsPerIteration: number;
  readonly nodesPerStep: number;
}

interface CacheEntry {
  readonly stamp: string;
  readonly bytes: Uint8Array;
  readonly info: ModelInfo;
  /** Why the model is not run (external data that is not a file beside it); undefined when it may be. */
  readonly refusal: string | undefined;
  /** What onnxruntime gets: the file's bytes, with any external data read from beside it and put inline. */
  runBytes?: Promise<Uint8Array>;
  direct?: Promise<Session>;
  readonly loops: Map<string, Promise<LoopSession>>;
}

export interface RuntimeLog {
  info(message: string): void;
  warn(message: string): void;
}

/**
 * One intra-op thread, no spinning: previews run small tensors (a state of a few hundred values), where a thread
 * pool only adds synchronisation, and spinning workers would take CPU from VS Code itself. Measured on 2 cores
 * under load: an ESN step (H = 500) took 86 µs with the default pool and 20 µs with one thread (see the bench).
 * logSeverityLevel 3: errors only (warnings about unused initializers would fill the host's output).
 */
export const SESSION_OPTIONS: Ort.InferenceSession.SessionOptions = {
  graphOptimizationLevel: 'all',
  executionMode: 'sequential',
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  logSeverityLevel: 3,
  extra: { session: { intra_op: { allow_spinning: '0' } } },
};

export class ModelRuntime {
  private ort: Promise<OrtModule> | undefined;
  private readonly cache = new Map<string, Promise<CacheEntry>>();

  constructor(
    private readonly log: RuntimeLog,
    private readonly loadModule: () => Promise<OrtModule> = () => import('onnxruntime-node'),
  ) {}

  /** onnxruntime-node, loaded on first use. */
  runtime(): Promise<OrtModule> {
    if (!this.ort) {
      const started = performance.now();
      this.ort = this.loadModule().then(
        (m) => {
          this.log.info(`onnxruntime-node loaded in ${(performance.now() - started).toFixed(0)} ms`);
          return m;
        },
        (err: unknown) => {
          this.ort = undefined;
          throw explainRuntimeError(err, { file: 'onnxruntime-node' });
        },
      );
    }
    return this.ort;
  }

  get loaded(): boolean {
    return this.ort !== undefined;
  }

  /**
   * The file's bytes and card facts, read once per version of the file, and why it is not run when it is not
   * (external data anywhere but beside it: see externalData.ts).
   */
  async inspect(file: string): Promise<{ info: ModelInfo; bytes: Uint8Array; refusal: string | undefined }> {
    const entry = await this.entry(file);
    return { info: entry.info, bytes: entry.bytes, refusal: entry.refusal };
  }

  /** The bytes onnxruntime may load: never an external reference, so its working directory never matters. */
  private runBytes(file: string, e: CacheEntry): Promise<Uint8Array> {
    if (e.refusal) return Promise.reject(new ModelRunError('signature', e.refusal));
    if (!e.info.externalData.length) return Promise.resolve(e.bytes);
    e.runBytes ??= externalData()
      .inlineExternalData(file, e.bytes)
      .catch((err: unknown) => {
        throw new ModelRunError(
          'signature',
          `The model's external data could not be read from beside it: ${err instanceof Error ? err.message : String(err)}.`,
        );
      });
    return e.runBytes;
  }

  /** Forgets a file's sessions (it changed or was deleted). */
  invalidate(file: string): void {
    const entry = this.cache.get(file);
    if (!entry) return;
    this.cache.delete(file);
    void entry.then(
      (e) => this.release(e),
      () => undefined,
    );
  }

  dispose(): void {
    for (const file of [...this.cache.keys()]) this.invalidate(file);
  }

  private async release(e: CacheEntry): Promise<void> {
    const sessions = [e.direct, ...e.loops.values()];
    for (const s of sessions) {
      try {
        const resolved = await s;
        if (!resolved) continue;
        await ('session' in resolved ? resolved.session : resolved).release();
      } catch {
        /* a failed session has nothing to release */
      }
    }
  }

  private async entry(file: string): Promise<CacheEntry> {
    let s;
    try {
      s = await stat(file);
    } catch (err) {
      this.invalidate(file);
      throw new ModelFileError(
        'missing',
        `The model file ${file} does not exist (was it moved or deleted?).`,
        String(err),
      );
    }
    const stamp = `${s.mtimeMs}:${s.size}`;
    const cached = this.cache.get(file);
    if (cached) {
      const e = await cached.catch(() => undefined);
      if (e && e.stamp === stamp) return e;
      this.invalidate(file);
    }
    const created = (async (): Promise<CacheEntry> => {
      const bytes = new Uint8Array(await readFile(file));
      const info = onnxFile().inspectOnnx(bytes);
      const refusal = info.externalData.length
        ? await externalData().refuseExternalData(file, info.externalData)
        : undefined;
      return { stamp, bytes, info, refusal, loops: new Map() };
    })();
    this.cache.set(file, created);
    created.catch(() => this.cache.get(file) === created && this.cache.delete(file));
    return created;
  }

  private async directSession(file: string, e: CacheEntry): Promise<Session> {
    if (!e.direct) {
      const ort = await this.runtime();
      e.direct = this.runBytes(file, e).then((bytes) => ort.InferenceSession.create(bytes, SESSION_OPTIONS));
      e.direct.catch(() => (e.direct = undefined));
    }
    try {
      return await e.direct;
    } catch (err) {
      throw explainRuntimeError(err, { file });
    }
  }

  private async loopSession(
    file: string,
    e: CacheEntry,
    sig: Signature,
    stepsPerIteration?: number,
  ): Promise<LoopSession> {
    const key = `${sig.kind}:${sig.stateInput}:${sig.stateOutput}:${sig.observationOutput ?? ''}:${stepsPerIteration ?? 'auto'}`;
    let loop = e.loops.get(key);
    if (!loop) {
      loop = (async () => {
        const ort = await this.runtime();
        const { buildRolloutGraph, decodeFullModel } = rolloutGraph();
        const built = buildRolloutGraph(decodeFullModel(await this.runBytes(file, e)), sig, { stepsPerIteration });
        const session = await ort.InferenceSession.create(built.bytes, SESSION_OPTIONS);
        this.log.info(
          `Loop rollout for ${file}: ${built.nodesPerStep} nodes per step, ${built.stepsPerIteration} steps per iteration`,
        );
        return { session, stepsPerIteration: built.stepsPerIteration, nodesPerStep: built.nodesPerStep };
      })();
      e.loops.set(key, loop);
      loop.catch(() => e.loops.delete(key));
    }
    return loop;
  }

  /**
   * Runs a preview: chunks go to `onChunk` as they are computed. Throws ModelRunError (diverged, cancelled,
   * shape mismatch, …) or ModelFileError; rows computed before a divergence are delivered first.
   */
  async rollout(
    file: string,
    req: RolloutRequest,
    onChunk: (chunk: RolloutChunk) => void | Promise<void>,
    signal: CancelSignal = { cancelled: false },
  ): Promise<RolloutResult> {
    const started = performance.now();
    const sig = req.signature;
    validateRequest(req);
    const e = await this.entry(file);
    const width = emitWidth(sig);
    const members = req.initialStates.length;

    let stepper: Stepper;
    let path: RolloutResult['path'];
    let K = 1;
    try {
      if (sig.kind === 'rollout') {
        stepper = rolloutModelStepper(await this.runtime(), await this.directSession(file, e), sig, req.dt);
        path = 'rollout';
      } else if ((req.path ?? 'auto') !== 'perStep') {
        let loop: LoopSession | undefined;
        try {
          loop = await this.loopSession(file, e, sig, req.stepsPerIteration);
        } catch (err) {
          if (req.path === 'loop') throw err;
          this.log.warn(
            `Could not build a Loop rollout for ${file}; running step by step: ${err instanceof Error ? err.message : String(err)}`,
          );
        }
        if (loop) {
          stepper = loopStepper(await this.runtime(), loop, sig, req.dt);
          K = loop.stepsPerIteration;
          path = 'loop';
        } else {
          stepper = perStepStepper(await this.runtime(), await this.directSession(file, e), sig, req.dt);
          path = 'perStep';
        }
      } else {
        stepper = perStepStepper(await this.runtime(), await this.directSession(file, e), sig, req.dt);
        path = 'perStep';
      }
    } catch (err) {
      throw explainRuntimeError(err, { file });
    }
    const sessionMs = performance.now() - started;

    const groups = makeGroups(sig, req.initialStates);
    let done = 0;
    let chunks = 0;
    let firstChunkMs = 0;
    const roundUp = (n: number) => Math.ceil(n / K) * K;
    const maxChunk = Math.max(K, Math.floor(MAX_CHUNK_VALUES / (members * width) / K) * K);
    // The first chunk is small whatever the model costs: Cancel is honoured between chunks, and a slow model's
    // first chunk of 8 Loop iterations took seconds on a loaded machine. Later chunks grow to the target time.
    let chunkSteps = Math.min(maxChunk, roundUp(req.chunkSteps ?? req.firstChunkSteps ?? 16));
    while (done < req.steps) {
      if (signal.cancelled) {
        throw new ModelRunError(
          signal.reason ?? 'cancelled',
          signal.reason === 'fileChanged'
            ? 'The model file changed while it ran; run the preview again.'
            : `Cancelled after ${done} steps.`,
        );
      }
      const n = Math.min(chunkSteps, req.steps - done);
      const t0 = performance.now();
      const data = new Float32Array(n * members * width);
      for (const group of groups) {
        let rows;
        try {
          rows = await stepper(group, roundUp(n), n);
        } catch (err) {
          throw explainRuntimeError(err, { file });
        }
        scatter(rows, group, n, members, width, sig.kind === 'rollout' ? sig.dim : width, data);
      }
      const bad = firstNonFinite(data, members * width);
      const elapsed = performance.now() - t0;
      if (bad >= 0) {
        if (bad > 0)
          await onChunk({ start: done, steps: bad, members, width, data: data.subarray(0, bad * members * width) });
        const step = done + bad + 1;
        throw new ModelRunError(
          'diverged',
          `The model diverged: the state became NaN or infinite at step ${step}. The preview stopped there; ${divergenceAdvice(sig)}`,
          undefined,
          step,
        );
      }
      await onChunk({ start: done, steps: n, members, width, data });
      if (chunks === 0) firstChunkMs = performance.now() - started;
      chunks++;
      done += n;
      if (req.chunkSteps === undefined) {
        const perStep = elapsed / n;
        const target = (req.targetChunkMs ?? 100) / Math.max(perStep, 1e-4);
        chunkSteps = Math.min(maxChunk, Math.max(K, Math.floor(Math.min(target, chunkSteps * 8) / K) * K));
      }
      // Let the host handle messages (Cancel) between chunks.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return {
      steps: done,
      path,
      stepsPerIteration: K,
      chunks,
      firstChunkMs,
      elapsedMs: performance.now() - started,
      sessionMs,
    };
  }
  /**
   * The model applied `steps` times to each of `count` states (`points` is [count, d] in float64): a map's step
   * (or a rollout model's trajectory end), or a flow's vector field once (`steps` = 1). All states go in one
   * runtime call per step as a batch when the batch dim is symbolic (the dynamics analysis evaluates a point and
   * its 2d finite-difference neighbours, for many seeds, this way). Returns [count, d] in float64.
   */
  async evaluate(
    file: string,
    sig: Signature,
    points: Float64Array,
    count: number,
    steps: number,
    signal: CancelSignal = { cancelled: false },
  ): Promise<Float64Array> {
    const d = sig.dim;
    const out = new Float64Array(count * d);
    if (sig.kind === 'rollout') {
      const states = Array.from({ length: count }, (_, i) => Array.from(points.subarray(i * d, (i + 1) * d)));
      for (let first = 0; first < count; first += MAX_MEMBERS) {
        const group = states.slice(first, first + MAX_MEMBERS);
        let last: Float32Array | undefined;
        await this.rollout(
          file,
          { signature: sig, initialStates: group, steps, dt: sig.metadata.dt ?? 0.01, chunkSteps: steps },
          (c) => void (last = c.data.subarray((c.steps - 1) * c.members * c.width)),
          signal,
        );
        const width = emitWidth(sig);
        if (width !== d) throw new ModelRunError('signature', 'This rollout model does not return its whole state.');
        out.set(last!, first * d);
      }
      return out;
    }
    if (sig.kind === 'flow' && steps !== 1) throw new Error('a flow is evaluated once (its vector field)');
    const e = await this.entry(file);
    const ort = await this.runtime();
    const session = await this.directSession(file, e);
    const batch = sig.batch === 'symbolic' ? Math.max(1, count) : sig.batch === 'none' ? 1 : sig.batch;
    for (let first = 0; first < count; first += batch) {
      const n = Math.min(batch, count - first);
      let x: Float32Array | Float64Array =
        sig.elemType === 'float64' ? new Float64Array(batch * d) : new Float32Array(batch * d);
      for (let r = 0; r < batch; r++) x.set(points.subarray((first + Math.min(r, n - 1)) * d).subarray(0, d), r * d);
      for (let s = 0; s < steps; s++) {
        if (signal.cancelled) throw new ModelRunError('cancelled', 'Cancelled.');
        let result;
        try {
          result = await session.run({ [sig.stateInput]: new ort.Tensor(sig.elemType, x, stateDims(sig, batch)) });
        } catch (err) {
          throw explainRuntimeError(err, { file });
        }
        x = tensorData(result[sig.stateOutput]).slice();
      }
      for (let i = 0; i < n * d; i++) out[first * d + i] = x[i];
    }
    return out;
  }
}

/** A smaller dt helps only where dt is a step size the model integrates with; a map's dt only labels the time axis. */
function divergenceAdvice(sig: Signature): string {
  const integrates = sig.kind === 'flow' || (sig.kind === 'rollout' && sig.dtInput !== undefined);
  return integrates
    ? 'try a smaller dt or another initial state.'
    : 'try another initial state (nearer the data the model was trained on).';
}

function validateRequest(req: RolloutRequest): void {
  const sig = req.signature;
  if (!Number.isInteger(req.steps) || req.steps < 1)
    throw new ModelRunError('tooLarge', 'The number of steps must be a whole number ≥ 1.');
  if (req.steps > MAX_STEPS) {
    throw new ModelRunError(
      'tooLarge',
      `${req.steps.toLocaleString('en-US')} steps is more than a preview runs: at most ${MAX_STEPS.toLocaleString('en-US')} steps.`,
    );
  }
  const members = req.initialStates.length;
  if (members < 1 || members > MAX_MEMBERS)
    throw new ModelRunError('tooLarge', `An ensemble has 1 to ${MAX_MEMBERS} members (asked: ${members}).`);
  const width = emitWidth(sig);
  if (req.steps * members * width > MAX_VALUES) {
    const most = Math.floor(MAX_VALUES / (members * width));
    throw new ModelRunError(
      'tooLarge',
      `${req.steps.toLocaleString('en-US')} steps × ${members} members × ${width} values is more than a preview keeps (${MAX_VALUES.toLocaleString('en-US')} values): at most ${most.toLocaleString('en-US')} steps here.`,
    );
  }
  for (const x of req.initialStates) {
    if (x.length !== sig.dim) {
      throw new ModelRunError(
        'shapeMismatch',
        `The initial state has ${x.length} values but the model's state "${sig.stateInput}" has d = ${sig.dim}.`,
      );
    }
    if (!x.every(Number.isFinite))
      throw new ModelRunError('shapeMismatch', 'The initial state contains a value that is not a finite number.');
  }
  if (sig.kind === 'flow' && !(req.dt > 0))
    throw new ModelRunError('shapeMismatch', 'dt must be a positive number for a flow.');
}

/** Members run together in one batch when the batch dim is symbolic, else one by one (or in groups of a fixed B). */
interface Group {
  /** Member indices; padded slots repeat the last member and are dropped from the output. */
  readonly members: readonly number[];
  readonly rows: number;
  /** The carried state, `[rows, d]` (or `[d]`) in the model's element type. */
  state: Float32Array | Float64Array;
}

function makeGroups(sig: Signature, x0: readonly (readonly number[])[]): Group[] {
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
type Stepper = (group: Group, stepsRounded: number, steps: number) => Promise<Float32Array | Float64Array>;

function stateDims(sig: Signature, rows: number): number[] {
  return sig.batch === 'none' ? [sig.dim] : [rows, sig.dim];
}

function scalar(ort: OrtModule, sig: Signature, value: number): Ort.Tensor {
  return sig.elemType === 'float64'
    ? new ort.Tensor('float64', Float64Array.of(value), [])
    : new ort.Tensor('float32', Float32Array.of(value), []);
}

function tensorData(t: Ort.Tensor): Float32Array | Float64Array {
  const d = t.data;
  if (d instanceof Float32Array || d instanceof Float64Array) return d;
  throw new ModelRunError('typeMismatch', `The model returned ${t.type} values; Attractor expects float32 or float64.`);
}

function loopStepper(ort: OrtModule, loop: LoopSession, sig: Signature, dt: number): Stepper {
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

function rolloutModelStepper(ort: OrtModule, session: Session, sig: Signature, dt: number): Stepper {
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

function perStepStepper(ort: OrtModule, session: Session, sig: Signature, dt: number): Stepper {
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
function scatter(
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
