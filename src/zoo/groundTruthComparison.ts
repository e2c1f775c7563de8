import { compareTrajectories, VPT_CITATION } from '../metrics/index';
import type { ComparisonResult, CompletedRun, PreviewComparison } from '../models/comparisons';
import { decimateReference, type MetricsTable } from '../models/previewProtocol';
import type { DynamicsMetadata } from '../models/signature';
import { advance, iterate, polynomialRk4, type Trajectory } from './integrate';
import { ATTRACTOR_STEPS, attractorScale } from './attractorScale';
import { findSystem, type ReferenceSystem } from './systems';

/**
 * The preview's ground-truth comparison: for a model whose `dynamics.system` names a reference system, the true
 * system is started from the model's own observed state at the first scored row (after the burn-in), so forecast
 * and truth share their initial state at t = 0 (running the truth separately through the burn-in would let the two
 * chaotic trajectories part before scoring begins). Scores the run's first member with VPT, D_stsp and D_H; λmax
 * of the system, and of the model when the zoo measured it at build time (`modelLyapunov`). Pure: no vscode.
 */
export interface GroundTruthOptions {
  /** λmax of a model file measured at build time (zoo models), by absolute path. */
  readonly modelLyapunov?: (file: string) => number | undefined;
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

/** The truth for a run: from the model's observed state at its first row after the burn-in. */
export function truthForRun(
  system: ReferenceSystem,
  run: Pick<CompletedRun, 'data' | 'steps' | 'members' | 'width' | 'timeStep'>,
): Trajectory {
  const d = system.stateNames.length;
  return truthFrom(system, Array.from(run.data.subarray(0, d)), run.steps, run.timeStep);
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

export function compareRunWithTruth(run: CompletedRun, system: ReferenceSystem, modelLyapunov?: number): MetricsTable {
  return compareWithTruth(run, system, modelLyapunov).table;
}

/** The metrics table and, for the overlay, the true trajectory decimated to what the plots draw. */
export function compareWithTruth(run: CompletedRun, system: ReferenceSystem, modelLyapunov?: number): ComparisonResult {
  const d = system.stateNames.length;
  if (run.width < d) throw new Error(`the run has ${run.width} values per row; ${system.name} has ${d}`);
  const truth = truthForRun(system, run);
  return {
    table: metricsTable(run, system, truth, modelLyapunov),
    reference: decimateReference(`${system.name} (true system, RK4)`, truth.data, truth.length, d),
  };
}

export const STSP_TOOLTIP =
  "D_stsp, state-space divergence of Hess et al. 2023 (GTF-shPLRNN, ICML, arXiv:2306.04406), as in the authors' stsp_measure.jl: KL(p_true ‖ p_model) of binned occupation measures for fewer than 6 observed dims, of Gaussian mixtures (Monte Carlo) from 6 on.";
export const PSE_TOOLTIP =
  'D_H, power-spectrum Hellinger distance of Hess et al. 2023 (GTF-shPLRNN, pse.jl): per dim z-scored |rfft|², Gaussian smoothing σ = 20 bins, normalised; (1/√2)‖√p − √q‖, mean over dims.';

function metricsTable(
  run: CompletedRun,
  system: ReferenceSystem,
  truth: Trajectory,
  modelLyapunov: number | undefined,
): MetricsTable {
  const d = system.stateNames.length;
  const model = firstMember(run, d);
  const scale = attractorScale(system);
  const s = compareTrajectories(truth, model, { dt: run.timeStep, lyapunovMax: system.lyapunovMax, scale });
  const vpt = s.validPrediction;
  const why = (reason: string | undefined) => (reason ? `—: ${reason}. ` : '');
  return {
    title: `Against ${system.name} (true system, RK4, started from the model's state after the burn-in)`,
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
        name: 'λmax',
        value: modelLyapunov === undefined ? '—' : f(modelLyapunov),
        reference: f(system.lyapunovMax),
        note:
          modelLyapunov === undefined
            ? `model: not measured (Attractor measures λmax of zoo models at build time); system: ${system.lyapunovSource}`
            : `model: Benettin on its own map at build time; system: ${system.lyapunovSource}`,
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
      return compareWithTruth(run, system, options.modelLyapunov?.(run.file));
    },
  };
}
