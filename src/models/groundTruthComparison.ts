import { VPT_CITATION } from '../metrics/index';
import { offThread } from './offThread';
import type { ComparisonResult, CompletedRun, PreviewComparison } from './comparisons';
import { decimateReference } from './referenceTrack';
import { type MetricsTable } from './previewProtocol';
import type { DynamicsMetadata } from './signature';
import { advance, iterate } from '../core/integrate';
import { nextTurn } from '../core/turns';
import { polynomialRk4 } from '../systems/polynomial';
import type { Trajectory } from '../core/trajectory';
import {
  DEFAULT_PE_STEPS,
  DEFAULT_WARMUP,
  drivenStates,
  predictionError,
  type DrivenStates,
  runLyapunov,
  type PredictionErrorResult,
  type Simulate,
} from '../metrics/modelRuns';
import { ATTRACTOR_STEPS, attractorScale } from '../systems/attractorScale';
import { findSystem, QR_SPECTRA, type ReferenceSystem } from '../systems/systems';

/**
 * The preview's ground-truth comparison: for a model whose `dynamics.system` names a reference system, the true
 * system is started from the model's own observed state at the first scored row (after the burn-in), so forecast
 * and truth share their initial state at t = 0 (running the truth separately through the burn-in would let the two
 * chaotic trajectories part before scoring begins). Scores the run's first member with VPT, D_stsp and D_H; λmax
 * of the system, and of the model when the zoo measured it at build time (`modelLyapunov`).
 */
export interface GroundTruthOptions {
  /** What the zoo's build measured of a model file (zoo models), by absolute path. */
  readonly modelLyapunov?: (file: string) => BuildTimeLyapunov | undefined;
  /** Which evaluation protocol scores D_stsp and D_H (the setting `attractor.metrics.protocol`). */
  readonly protocol?: () => EvaluationProtocol;
}

/** A zoo model's λmax (Benettin) and its first exponents by QR with their Kaplan–Yorke dimension, from its card. */
export interface BuildTimeLyapunov {
  readonly lambdaMax: number;
  readonly exponents?: readonly number[];
  readonly kaplanYorke?: number | null;
}

/**
 * `preview`: the preview's own run after its burn-in. `papers`: GTF-shPLRNN `evaluation.jl` (Hess et al. 2023,
 * Brenner et al. 2024): with the truth X of T points as the test set, the model is seeded with X's first point,
 * run to 1.25·T points, and the first 0.25·T are dropped as transient.
 */
export type EvaluationProtocol = 'preview' | 'papers';

/** The papers' generated trajectory: rows ⌊0.25·T⌋ … ⌊1.25·T⌋−1 of [x₁, model(x₁), …], cut to T rows. */
export async function papersProtocolRun(simulate: Simulate, truth: Trajectory): Promise<Trajectory> {
  const T = truth.length;
  const d = truth.dim;
  const total = Math.floor(1.25 * T);
  const drop = Math.floor(0.25 * T);
  const out = await simulate([Array.from(truth.data.subarray(0, d))], total - 1);
  const width = out.length / (total - 1);
  const rows = Math.min(T, total - drop);
  const data = new Float64Array(rows * d);
  for (let r = 0; r < rows; r++) {
    const g = drop + r; // row of the generated series; row 0 is x₁ itself
    for (let j = 0; j < d; j++) data[r * d + j] = g === 0 ? truth.data[j] : out[(g - 1) * width + j];
  }
  return { data, length: rows, dim: d };
}

function systemMap(system: ReferenceSystem, timeStep: number) {
  const d = system.stateNames.length;
  const substeps = Math.max(1, Math.ceil(timeStep / system.dt - 1e-9));
  const inner = polynomialRk4(system.field, timeStep / substeps);
  return substeps === 1
    ? inner
    : { dim: d, observed: d, step: (x: Float64Array, out: Float64Array) => out.set(advance(inner, x, substeps)) };
}

/** The true system from `start` (row 0 = start itself), `steps` rows at the run's time step. */
export function truthFrom(
  system: ReferenceSystem,
  start: ArrayLike<number>,
  steps: number,
  timeStep: number,
): Trajectory {
  const d = system.stateNames.length;
  const rest = iterate(systemMap(system, timeStep), start, Math.max(0, steps - 1));
  const data = new Float64Array((rest.length + 1) * d);
  for (let j = 0; j < d; j++) data[j] = start[j];
  data.set(rest.data, d);
  return { data, length: rest.length + 1, dim: d };
}

/** Rows of the truth integrated between turns of the event loop: a few ms each (10^4 rows took 40–70 ms at once). */
const TRUTH_CHUNK = 1_000;

/** The truth for a run: from the model's observed state at its first row after the burn-in. */
export async function truthForRun(
  system: ReferenceSystem,
  run: Pick<CompletedRun, 'data' | 'steps' | 'members' | 'width' | 'timeStep'>,
): Promise<Trajectory> {
  const d = system.stateNames.length;
  const data = new Float64Array(Math.max(1, run.steps) * d);
  data.set(run.data.subarray(0, d));
  let length = 1;
  while (length < run.steps) {
    await nextTurn();
    // The map is deterministic: continuing from the last row gives the rows one long run would.
    const n = Math.min(TRUTH_CHUNK, run.steps - length);
    const part = truthFrom(system, data.subarray((length - 1) * d, length * d), n + 1, run.timeStep);
    data.set(part.data.subarray(d), length * d);
    length += part.length - 1;
    if (part.length < n + 1) break; // the state left the finite numbers
  }
  return { data: data.subarray(0, length * d), length, dim: d };
}

/** Member 0 of the run, first `d` values of each row. */
export function firstMember(run: Pick<CompletedRun, 'data' | 'steps' | 'members' | 'width'>, d: number): Trajectory {
  const out = new Float64Array(run.steps * d);
  for (let t = 0; t < run.steps; t++)
    for (let j = 0; j < d; j++) out[t * d + j] = run.data[t * run.members * run.width + j];
  return { data: out, length: run.steps, dim: d };
}

const f = (v: number, digits = 3) =>
  !Number.isFinite(v) ? '—' : v !== 0 && Math.abs(v) < 0.01 ? v.toExponential(1) : v.toFixed(digits);

export async function compareRunWithTruth(
  run: CompletedRun,
  system: ReferenceSystem,
  modelLyapunov?: BuildTimeLyapunov,
): Promise<MetricsTable> {
  return (await compareWithTruth(run, system, modelLyapunov)).table;
}

/** Measures that run the model again (through `run.simulate`): undefined values carry the reason. */
interface ModelMeasures {
  readonly lyapunov: { readonly value: number; readonly how: string };
  readonly pe: PredictionErrorResult;
  /** How the starts of PE got their hidden state, when the model has one. */
  readonly peHow?: string;
}

/** A model with hidden state driven by the truth: its state at every truth row, for restarts. */
export async function hiddenStarts(
  run: CompletedRun,
  truth: Trajectory,
  signal: { readonly cancelled: boolean },
): Promise<{ driven: DrivenStates; how: string } | undefined> {
  if (!run.simulate || !run.simulateState || run.width !== truth.dim || run.signature.dim <= truth.dim)
    return undefined;
  // Teacher forcing replaces the first `width` state values by the data: only right when what the model emits is
  // those values (an ESN's state [x, r] with x emitted). Checked on three steps from the run's initial state.
  const start = run.params.initialState;
  if (start.length !== run.signature.dim) return undefined;
  const [emitted, whole] = await Promise.all([run.simulate([start], 3), run.simulateState([start], 3)]);
  for (let t = 0; t < 3; t++)
    for (let j = 0; j < run.width; j++)
      if (emitted[t * run.width + j] !== whole[t * run.signature.dim + j]) return undefined;
  const driven = await drivenStates(run.simulateState, truth, run.signature.dim, DEFAULT_WARMUP, signal);
  return driven
    ? {
        driven,
        how: `hidden state (${driven.hiddenDim} values) driven by the observed trajectory before each start (teacher forcing, warm-up ${driven.warmup} rows, as reservoir computers are evaluated)`,
      }
    : undefined;
}

/** λmax by Benettin on the model as it runs: total steps, and steps between renormalisations. */
export const MODEL_LYAPUNOV_STEPS = 50_000;

async function modelMeasures(
  run: CompletedRun,
  system: ReferenceSystem,
  truth: Trajectory,
  buildTime: BuildTimeLyapunov | undefined,
  signal: { readonly cancelled: boolean },
): Promise<ModelMeasures> {
  const d = system.stateNames.length;
  const fullState = run.signature.dim === d && run.width === d;
  const hidden = !fullState && run.simulate ? await hiddenStarts(run, truth, signal) : undefined;
  const missing = !run.simulate
    ? 'the model cannot be run again here'
    : !fullState && !hidden
      ? `the model's state has ${run.signature.dim} values and ${system.name} ${d}; needs a model whose state is what is observed, or observed values that are the first of its state`
      : undefined;
  const pe: PredictionErrorResult =
    missing || !run.simulate
      ? { value: NaN, starts: 0, n: DEFAULT_PE_STEPS, reason: missing }
      : await predictionError(run.simulate, truth, DEFAULT_PE_STEPS, signal, hidden?.driven);
  const peHow = hidden?.how;
  if (buildTime !== undefined)
    return {
      pe,
      peHow,
      lyapunov: {
        value: buildTime.lambdaMax,
        how: `model: Benettin on its own map at build time (2·10^5 steps)${buildSpectrumNote(buildTime)}`,
      },
    };
  if (missing || !run.simulate) return { pe, peHow, lyapunov: { value: NaN, how: `model: —: ${missing}` } };
  const scale = attractorScale(system);
  const size = Array.from(scale).reduce((a, b) => a + b, 0) / scale.length;
  // renormalise about once per Lyapunov time (growth ≈ e), at most every 100 steps
  const every = Math.max(1, Math.min(100, Math.floor(1 / (Math.max(system.lyapunovMax, 0.01) * run.timeStep))));
  const last = (run.steps - 1) * run.members * run.width;
  const x0 = Array.from(run.data.subarray(last, last + d));
  // With hidden state: its whole state at the last truth row, run with whole states returned.
  if (hidden) {
    const h = hidden.driven;
    const at = (truth.length - 1) * truth.dim;
    x0.splice(0, d, ...truth.data.subarray(at, at + d), ...h.data.subarray((truth.length - 1) * h.hiddenDim));
  }
  const value = await runLyapunov(
    hidden ? run.simulateState! : run.simulate,
    x0,
    { dt: run.timeStep, steps: MODEL_LYAPUNOV_STEPS, every, d0: 1e-3 * size, neighbours: 4 },
    signal,
  );
  return {
    pe,
    peHow,
    lyapunov: {
      value,
      how: `model: Benettin on the model as it runs (onnxruntime), ${MODEL_LYAPUNOV_STEPS} steps from ${hidden ? 'its whole state driven to the last truth row' : 'its last state'}, 4 neighbours at 1e-3·σ, renormalised every ${every} steps`,
    },
  };
}

/** The metrics table and, for the overlay, the true trajectory decimated to what the plots draw. */
export async function compareWithTruth(
  run: CompletedRun,
  system: ReferenceSystem,
  modelLyapunov?: BuildTimeLyapunov,
  signal: { readonly cancelled: boolean } = { cancelled: false },
  protocol: EvaluationProtocol = 'preview',
): Promise<ComparisonResult> {
  const d = system.stateNames.length;
  if (run.width < d) throw new Error(`the run has ${run.width} values per row; ${system.name} has ${d}`);
  const truth = await truthForRun(system, run);
  const measures = await modelMeasures(run, system, truth, modelLyapunov, signal);
  const fullState = run.signature.dim === d && run.width === d;
  let generated: Trajectory | undefined;
  let protocolNote = "protocol: the preview's run after its burn-in";
  if (protocol === 'papers') {
    if (run.simulate && fullState) {
      generated = await papersProtocolRun(run.simulate, truth);
      protocolNote = `protocol of Hess et al. 2023 (GTF evaluation.jl) for D_stsp and D_H: seeded from the first truth point, ${Math.floor(1.25 * truth.length)} points generated, the first ${Math.floor(0.25 * truth.length)} dropped`;
    } else
      protocolNote = "protocol: the preview's run (the papers' protocol needs a model whose state is what is observed)";
  }
  return {
    table: await metricsTable(run, system, truth, measures, generated, protocolNote),
    reference: decimateReference(`${system.name} (true system, RK4)`, truth.data, truth.length, d),
  };
}

export const STSP_TOOLTIP =
  "D_stsp, state-space divergence of Hess et al. 2023 (GTF-shPLRNN, ICML, arXiv:2306.04406), as in the authors' stsp_measure.jl: KL(p_true ‖ p_model) of binned occupation measures for fewer than 6 observed dims, of Gaussian mixtures (Monte Carlo) from 6 on.";
function buildSpectrumNote(b: BuildTimeLyapunov): string {
  if (!b.exponents?.length) return '';
  const ky = typeof b.kaplanYorke === 'number' ? `, Kaplan–Yorke dimension ${b.kaplanYorke.toFixed(3)}` : '';
  return `; model spectrum (QR, build time, first ${b.exponents.length}) ${b.exponents.map((v) => v.toFixed(3)).join(', ')}${ky}`;
}

function spectrumNote(system: ReferenceSystem): string {
  const q = QR_SPECTRA[system.id];
  if (!q) return '';
  return `; system spectrum (QR) ${q.exponents.map((v) => v.toFixed(4)).join(', ')}, Kaplan–Yorke dimension ${q.kaplanYorke.toFixed(3)}`;
}

export const PE_TOOLTIP =
  'n-step prediction error of Hess et al. 2023 (GTF-shPLRNN, prediction_error.jl): the model started from each test point, run n = 20 steps, mean squared error against the test point n steps later.';
export const PSE_TOOLTIP =
  'D_H, power-spectrum Hellinger distance of Hess et al. 2023 (GTF-shPLRNN, pse.jl): per dim z-scored |rfft|², Gaussian smoothing σ = 20 bins, normalised; (1/√2)‖√p − √q‖, mean over dims.';

async function metricsTable(
  run: CompletedRun,
  system: ReferenceSystem,
  truth: Trajectory,
  measures: ModelMeasures,
  generated: Trajectory | undefined,
  protocolNote: string,
): Promise<MetricsTable> {
  const d = system.stateNames.length;
  const model = firstMember(run, d);
  const options = { dt: run.timeStep, lyapunovMax: system.lyapunovMax };
  // VPT from the preview's run (truth and forecast share row 0); D_stsp and D_H from the protocol's run.
  const { scores: s, validPrediction: vpt } = await offThread('scores', {
    truth,
    model: generated ?? model,
    forecast: generated ? model : undefined,
    options,
    scaleOf: system.id,
  });
  const why = (reason: string | undefined) => (reason ? `—: ${reason}. ` : '');
  return {
    title: `Against ${system.name} (true system, RK4, started from the model's state after the burn-in; ${protocolNote})`,
    rows: [
      {
        name: 'Valid prediction time',
        value: vpt.lyapunovTimes === undefined ? `t = ${f(vpt.time, 2)}` : `${f(vpt.lyapunovTimes, 2)} Lyapunov times`,
        note: `${vpt.neverExceeded ? 'never exceeded in' : `${vpt.steps} of`} ${run.steps - 1} steps with NRMSE < ${vpt.threshold} (σ of the attractor, ${ATTRACTOR_STEPS} steps)`,
        tooltip: `Valid prediction time, ${VPT_CITATION}. Truth and forecast start from the same state.`,
      },
      {
        name: 'D_stsp',
        value: f(s.stateSpaceDivergence),
        reference: '0',
        note: `${why(s.stateSpace.reason)}${s.stateSpace.settings}`,
        tooltip: STSP_TOOLTIP,
      },
      {
        name: 'D_H',
        value: f(s.spectralDistance),
        reference: '0',
        note: `${why(s.spectrum.reason)}${s.spectrum.settings}`,
        tooltip: PSE_TOOLTIP,
      },
      {
        name: 'PE',
        value: f(measures.pe.value),
        reference: '0',
        note: `${why(measures.pe.reason)}${measures.pe.n}-step prediction error: MSE against the truth ${measures.pe.n} steps later, from ${measures.pe.starts} starts on the truth${measures.peHow ? `; ${measures.peHow}` : ''}`,
        tooltip: PE_TOOLTIP,
      },
      {
        name: 'λmax',
        value: f(measures.lyapunov.value),
        reference: f(system.lyapunovMax),
        note: `${measures.lyapunov.how}; system: ${system.lyapunovSource}${spectrumNote(system)}`,
      },
    ],
    note: `${run.steps} steps after a burn-in of ${run.params.burnIn}, time step ${run.timeStep}; ensemble member 1 only.`,
  };
}

export function groundTruthComparison(options: GroundTruthOptions = {}): PreviewComparison {
  return {
    id: 'attractor.zoo.groundTruth',
    appliesTo: (model: { readonly metadata: DynamicsMetadata }) => findSystem(model.metadata.system) !== undefined,
    async compare(run, signal) {
      const system = findSystem(run.metadata.system);
      if (!system || signal.cancelled || run.steps < 4) return undefined;
      return compareWithTruth(
        run,
        system,
        options.modelLyapunov?.(run.file),
        signal,
        options.protocol?.() ?? 'preview',
      );
    },
  };
}
