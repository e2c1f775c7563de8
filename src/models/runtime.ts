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
import { emitWidth, type Signature } from './signature';
import { nextTurn } from '../core/turns';
import {
  firstNonFinite,
  loopStepper,
  makeGroups,
  perStepStepper,
  rolloutModelStepper,
  scatter,
  stateDims,
  tensorData,
  type LoopSession,
  type Stepper,
} from './steppers';
import { countText } from '../core/countText';

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
/**
 * States per runtime call of `lastRows`: per-call and per-node overhead shrink to a few per cent, while one call
 * (it blocks the thread it runs on) stays a few ms for the zoo's models (an ESN step of 1,024 states of 203 values).
 */
export const RESTART_BATCH = 1024;
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
  /** Rows `evaluate` gives one call of a symbolic-batch model, learned from the calls' times (see RUN_BUDGET_MS). */
  rowsPerRun?: number;
}

/**
 * What one onnxruntime call of `evaluate` may take. onnxruntime-node runs a session on the calling thread, the
 * extension host's, so a batch is split into calls of this size: the Newton stencils of a 203-state ESN (10 seeds ×
 * 407 rows) were one call of 480 ms. Small models learn large calls after the first (their cost is per call). The
 * budget is half the block we accept: one call's time per row varies up to 3× on a busy machine.
 */
const RUN_BUDGET_MS = 5;
const FIRST_ROWS_PER_RUN = 128;

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
   * Builds the session a Run of `sig` will use (loading onnxruntime first), while the user is still looking at the
   * preview: the first Run of a window then waits for its first chunk only. What fails here is left for the Run
   * to report.
   */
  async prepare(file: string, sig: Signature): Promise<void> {
    try {
      const e = await this.entry(file);
      if (sig.kind === 'rollout') await this.directSession(file, e);
      else await this.loopSession(file, e, sig).catch(() => this.directSession(file, e));
    } catch {
      // The Run explains it.
    }
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
      await nextTurn();
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
   * The emitted row after `steps` steps from each of `count` states (`states` is [count, d] in float64), as
   * `[count, width]` float32: for measures that restart the model from every test point (the n-step prediction
   * error, a reservoir driven by data). Models with a symbolic batch dim run RESTART_BATCH states per call, one
   * call per step (per RK4 stage for a flow), without the Loop rollout's trajectory output or its rounding up to
   * whole iterations; others run through `rollout` in ensembles of MAX_MEMBERS. Non-finite rows are returned as
   * they are (the measure says so), not thrown. Cancel is honoured between batches.
   */
  async lastRows(
    file: string,
    sig: Signature,
    states: Float64Array,
    count: number,
    steps: number,
    dt: number,
    signal: CancelSignal = { cancelled: false },
  ): Promise<Float32Array> {
    const d = sig.dim;
    const width = emitWidth(sig);
    const out = new Float32Array(count * width);
    if (!Number.isInteger(steps) || steps < 1) throw new ModelRunError('tooLarge', 'The number of steps must be ≥ 1.');
    const cancelled = () =>
      new ModelRunError(
        signal.reason ?? 'cancelled',
        signal.reason === 'fileChanged' ? 'The model file changed.' : 'Cancelled.',
      );
    if (sig.kind === 'rollout' || sig.batch !== 'symbolic') {
      for (let first = 0; first < count; first += MAX_MEMBERS) {
        const n = Math.min(MAX_MEMBERS, count - first);
        const group = Array.from({ length: n }, (_, i) =>
          Array.from(states.subarray((first + i) * d, (first + i + 1) * d)),
        );
        let last: Float32Array | undefined;
        await this.rollout(
          file,
          { signature: sig, initialStates: group, steps, dt, chunkSteps: steps },
          (c) => void (c.start + c.steps === steps && (last = c.data.subarray((c.steps - 1) * n * width))),
          signal,
        );
        out.set(last!, first * width);
      }
      return out;
    }
    const e = await this.entry(file);
    let stepper: Stepper;
    try {
      stepper = perStepStepper(await this.runtime(), await this.directSession(file, e), sig, dt);
    } catch (err) {
      throw explainRuntimeError(err, { file });
    }
    for (let first = 0; first < count; first += RESTART_BATCH) {
      if (signal.cancelled) throw cancelled();
      const n = Math.min(RESTART_BATCH, count - first);
      const state = sig.elemType === 'float64' ? new Float64Array(n * d) : new Float32Array(n * d);
      state.set(states.subarray(first * d, (first + n) * d));
      let rows;
      try {
        rows = await stepper({ members: [], rows: n, state }, steps, steps);
      } catch (err) {
        throw explainRuntimeError(err, { file });
      }
      out.set(rows.subarray((steps - 1) * n * width, steps * n * width), first * width);
      // Let the host handle messages (Cancel) between batches.
      await nextTurn();
    }
    return out;
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
    const symbolic = sig.batch === 'symbolic';
    const fixed = sig.batch === 'none' ? 1 : sig.batch === 'symbolic' ? 0 : sig.batch;
    for (let first = 0; first < count;) {
      const batch = symbolic ? Math.min(count - first, e.rowsPerRun ?? FIRST_ROWS_PER_RUN) : fixed;
      const n = Math.min(batch, count - first);
      let x: Float32Array | Float64Array =
        sig.elemType === 'float64' ? new Float64Array(batch * d) : new Float32Array(batch * d);
      // a fixed batch larger than what is left repeats the last point
      x.set(points.subarray(first * d, (first + n) * d));
      for (let r = n; r < batch; r++) x.copyWithin(r * d, (n - 1) * d, n * d);
      for (let s = 0; s < steps; s++) {
        if (signal.cancelled) throw new ModelRunError('cancelled', 'Cancelled.');
        let result;
        const started = performance.now();
        try {
          result = await session.run({ [sig.stateInput]: new ort.Tensor(sig.elemType, x, stateDims(sig, batch)) });
        } catch (err) {
          throw explainRuntimeError(err, { file });
        }
        // session.run's promise settles on the next turn after the call; the call itself is most of this time
        // (a short last group is mostly per-call cost: it does not teach the size; growth is at most 2× a call)
        const learned = e.rowsPerRun ?? FIRST_ROWS_PER_RUN;
        if (symbolic && 2 * batch >= learned) {
          const perRow = Math.max(performance.now() - started, 0.05) / batch;
          e.rowsPerRun = Math.max(1, Math.min(2 * learned, 1 << 20, Math.floor(RUN_BUDGET_MS / perRow)));
        }
        x = tensorData(result[sig.stateOutput]).slice();
      }
      out.set(x.subarray(0, n * d), first * d);
      first += n;
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
      `${countText(req.steps)} steps is more than a preview runs: at most ${countText(MAX_STEPS)} steps.`,
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
      `${countText(req.steps)} steps × ${members} members × ${width} values is more than a preview keeps (${countText(MAX_VALUES)} values): at most ${countText(most)} steps here.`,
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
