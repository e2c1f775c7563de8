/**
 * "Compare with Data…": the researcher's trajectory file (usually the test set of a trained model) becomes the
 * ground truth of every metric and of the overlay, in place of the true system. The same measures as against the
 * true system (src/metrics, through compareTrajectories, predictionError and runLyapunov), with the data's columns
 * paired with the model's outputs by a mapping.
 */
import { componentStd, validPredictionTime, VPT_CITATION } from '../metrics/index';
import { offThread } from './offThread';
import { DEFAULT_PE_STEPS, predictionError, runLyapunov, type PredictionErrorResult } from '../metrics/modelRuns';
import type { ComparisonResult, CompletedRun } from './comparisons';
import { decimateReference } from './referenceTrack';
import { type MetricsTable } from './previewProtocol';
import type { DataSet } from './trajectoryFile';
import type { Trajectory } from '../core/trajectory';
import {
  firstMember,
  hiddenStarts,
  MODEL_LYAPUNOV_STEPS,
  papersProtocolRun,
  PE_TOOLTIP,
  PSE_TOOLTIP,
  STSP_TOOLTIP,
  type EvaluationProtocol,
} from './groundTruthComparison';
import { findSystem } from '../systems/systems';

export interface DataChoice {
  /** Shown in the table's title and the legend (the file's workspace-relative path). */
  readonly label: string;
  readonly set: DataSet;
  /** For each model output, the data column it is compared with; undefined: not compared. */
  readonly mapping: readonly (number | undefined)[];
}

/** The forecast for the valid prediction time is at most this many rows (one runtime call of that many steps). */
export const MAX_DATA_FORECAST = 1_000_000;

const f = (v: number, digits = 3) =>
  !Number.isFinite(v) ? '—' : v !== 0 && Math.abs(v) < 0.01 ? v.toExponential(1) : v.toFixed(digits);

/** Columns of the data in the order of the model outputs they are paired with. */
function pairedData(choice: DataChoice, outputs: readonly number[]): Trajectory {
  const { set } = choice;
  const n = set.columns.length;
  const k = outputs.length;
  const data = new Float64Array(set.rows * k);
  for (let t = 0; t < set.rows; t++)
    outputs.forEach((o, i) => (data[t * k + i] = set.data[t * n + (choice.mapping[o] as number)]));
  return { data, length: set.rows, dim: k };
}

/** Selected outputs of member 0 of the run. */
function pairedRun(run: CompletedRun, outputs: readonly number[]): Trajectory {
  const all = firstMember(run, run.width);
  const k = outputs.length;
  const data = new Float64Array(all.length * k);
  for (let t = 0; t < all.length; t++) outputs.forEach((o, i) => (data[t * k + i] = all.data[t * run.width + o]));
  return { data, length: all.length, dim: k };
}

export async function compareWithData(
  run: CompletedRun,
  choice: DataChoice,
  signal: { readonly cancelled: boolean } = { cancelled: false },
  protocol: EvaluationProtocol = 'preview',
): Promise<ComparisonResult> {
  const outputs = choice.mapping.flatMap((m, i) => (m === undefined || i >= run.width ? [] : [i]));
  if (outputs.length === 0) throw new Error('no model output is paired with a data column');
  const truth = pairedData(choice, outputs);
  const model = pairedRun(run, outputs);
  const system = findSystem(run.metadata.system);
  const names = run.signature.metadata.stateNames;
  const outputName = (i: number) => names?.[i] ?? `x${i}`;

  // Seeding the model from a data row needs every state component from the data: a model whose state is what it
  // emits, with every output paired. (A model with hidden state, like an ESN, cannot be started from a data row.)
  const simulate = run.simulate;
  const allPaired = outputs.length === run.width;
  const seedable = simulate !== undefined && run.signature.dim === run.width && allPaired ? simulate : undefined;
  // A model with hidden state (an ESN's reservoir) is started from its state driven by the data up to that row.
  const hidden =
    !seedable && simulate && allPaired && !signal.cancelled ? await hiddenStarts(run, truth, signal) : undefined;
  const whyNotSeeded = !simulate
    ? 'the model cannot be run again here'
    : !allPaired
      ? `only ${outputs.length} of the model's ${run.width} outputs are paired with data columns, so it cannot be started from a data row`
      : `the model's state has ${run.signature.dim} values and it emits ${run.width}, and its emitted values are not the first of its state, so it cannot be started from a data row`;
  /** The whole model state at data row t. */
  const stateAt = (t: number) => {
    const x = Array.from(truth.data.subarray(t * truth.dim, (t + 1) * truth.dim));
    if (hidden) {
      const h = hidden.driven;
      x.push(...h.data.subarray(t * h.hiddenDim, (t + 1) * h.hiddenDim));
    }
    return x;
  };

  const scale = componentStd(truth);
  const options = { dt: run.timeStep, lyapunovMax: system?.lyapunovMax ?? 0, scale };
  let generated: Trajectory | undefined;
  let protocolNote = "protocol: the preview's run after its burn-in against the data";
  if (protocol === 'papers') {
    if (seedable) {
      generated = await papersProtocolRun(seedable, truth);
      protocolNote = `protocol of Hess et al. 2023 (GTF evaluation.jl) for D_stsp and D_H: seeded from the first data row, ${Math.floor(1.25 * truth.length)} points generated, the first ${Math.floor(0.25 * truth.length)} dropped`;
    } else
      protocolNote = `protocol: the preview's run (the papers' protocol needs the model started from a data row; ${hidden ? 'the first data row leaves its hidden state undetermined' : whyNotSeeded})`;
  }
  const { scores } = await offThread('scores', { truth, model: generated ?? model, options });

  // Valid prediction time: the forecast starts from the first data row, so both share their state at t = 0.
  let vptRow: MetricsTable['rows'][number];
  const vptName = 'Valid prediction time';
  const vptTip = `Valid prediction time, ${VPT_CITATION}. Forecast started from the first data row; σ of the whole data file.`;
  const runner = seedable ?? (hidden ? simulate : undefined);
  // With hidden state the forecast starts after the warm-up, from the driven state at that row.
  const first = hidden ? Math.min(hidden.driven.warmup, truth.length - 2) : 0;
  if (runner && !signal.cancelled) {
    const d = truth.dim;
    const scored: Trajectory = { data: truth.data.subarray(first * d), length: truth.length - first, dim: d };
    const rows = Math.min(scored.length, MAX_DATA_FORECAST);
    const out = await runner([stateAt(first)], rows - 1);
    const forecast = new Float64Array(rows * d);
    forecast.set(scored.data.subarray(0, d));
    for (let i = 0; i < (rows - 1) * d; i++) forecast[d + i] = out[i];
    const vpt = validPredictionTime(scored, { data: forecast, length: rows, dim: d }, options);
    vptRow = {
      name: vptName,
      value: vpt.lyapunovTimes === undefined ? `t = ${f(vpt.time, 2)}` : `${f(vpt.lyapunovTimes, 2)} Lyapunov times`,
      note: `${vpt.neverExceeded ? 'never exceeded in' : `${vpt.steps} of`} ${rows - 1} steps with NRMSE < ${vpt.threshold} (σ of the data file, ${truth.length} rows)${first ? `, from data row ${first + 1} after a warm-up of the hidden state` : ''}${vpt.lyapunovTimes === undefined ? (system ? '' : '; in time units: the data has no λmax (the model names no system)') : `; λmax of ${system!.name}`}`,
      tooltip: vptTip,
    };
  } else vptRow = { name: vptName, value: '—', note: `—: ${whyNotSeeded}.`, tooltip: vptTip };

  const pe: PredictionErrorResult = runner
    ? await predictionError(runner, truth, DEFAULT_PE_STEPS, signal, hidden?.driven)
    : { value: NaN, starts: 0, n: DEFAULT_PE_STEPS, reason: whyNotSeeded };

  let lyapunov = NaN;
  let lyapunovHow = `—: ${whyNotSeeded}`;
  const stateRunner = seedable ?? (hidden ? run.simulateState : undefined);
  if (stateRunner && !signal.cancelled) {
    const size = Array.from(scale).reduce((a, b) => a + b, 0) / scale.length;
    // Renormalise about once per Lyapunov time when the system is known, else every 10 steps (growth stays small).
    const every = system
      ? Math.max(1, Math.min(100, Math.floor(1 / (Math.max(system.lyapunovMax, 0.01) * run.timeStep))))
      : 10;
    lyapunov = await runLyapunov(
      stateRunner,
      stateAt(truth.length - 1),
      { dt: run.timeStep, steps: MODEL_LYAPUNOV_STEPS, every, d0: 1e-3 * size, neighbours: 4 },
      signal,
    );
    lyapunovHow = `model: Benettin on the model as it runs (onnxruntime), ${MODEL_LYAPUNOV_STEPS} steps from the last data row${hidden ? ' (with its driven hidden state)' : ''}, 4 neighbours at 1e-3·σ, renormalised every ${every} steps`;
  }

  const why = (reason: string | undefined) => (reason ? `—: ${reason}. ` : '');
  const pairs = outputs.map((o) => `${outputName(o)} ↔ "${choice.set.columns[choice.mapping[o] as number]}"`);
  const table: MetricsTable = {
    title: `Against data: ${choice.label} (${truth.length} rows; ${protocolNote})`,
    rows: [
      vptRow,
      {
        name: 'D_stsp',
        value: f(scores.stateSpaceDivergence),
        reference: '0',
        note: `${why(scores.stateSpace.reason)}${scores.stateSpace.settings}`,
        tooltip: STSP_TOOLTIP,
      },
      {
        name: 'D_H',
        value: f(scores.spectralDistance),
        reference: '0',
        note: `${why(scores.spectrum.reason)}${scores.spectrum.settings}`,
        tooltip: PSE_TOOLTIP,
      },
      {
        name: 'PE',
        value: f(pe.value),
        reference: '0',
        note: `${why(pe.reason)}${pe.n}-step prediction error: MSE against the data ${pe.n} steps later, from ${pe.starts} starts on the data${hidden ? `; ${hidden.how}` : ''}`,
        tooltip: PE_TOOLTIP,
      },
      {
        name: 'λmax',
        value: f(lyapunov),
        reference: system ? f(system.lyapunovMax) : '—',
        note: `${lyapunovHow}; ${system ? `reference: ${system.name}, ${system.lyapunovSource}` : 'reference: not estimated from a data file'}`,
      },
    ],
    note: `Data columns compared: ${pairs.join(', ')}${choice.set.note ? `; ${choice.set.note}` : ''}. Model: ${run.steps} steps after a burn-in of ${run.params.burnIn}, time step ${run.timeStep}; ensemble member 1 only.`,
  };

  // The overlay: the data in the model's output order, NaN (not drawn) where an output has no column.
  const width = run.width;
  const overlay = new Float32Array(truth.length * width).fill(NaN);
  for (let t = 0; t < truth.length; t++)
    outputs.forEach((o, i) => (overlay[t * width + o] = truth.data[t * truth.dim + i]));
  return { table, reference: decimateReference(`data: ${choice.label}`, overlay, truth.length, width) };
}
