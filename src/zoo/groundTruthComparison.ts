import { compareTrajectories, DEFAULT_VPT_THRESHOLD } from '../metrics/index';
import type { ComparisonResult, CompletedRun, PreviewComparison } from '../models/comparisons';
import { decimateReference, type MetricsTable } from '../models/previewProtocol';
import type { DynamicsMetadata } from '../models/signature';
import { advance, iterate, polynomialRk4, type Trajectory } from './integrate';
import { findSystem, type ReferenceSystem } from './systems';

/**
 * The preview's ground-truth comparison: for a model whose `dynamics.system` names a reference system, integrate
 * the true system from the run's initial state (its observed components) with the run's time step, drop the same
 * burn-in, and score the run's first member with VPT, D_stsp and D_H; λmax of the system, and of the model when
 * the zoo measured it at build time (`modelLyapunov`). Pure: no vscode.
 */
export interface GroundTruthOptions {
  /** λmax of a model file measured at build time (zoo models), by absolute path. */
  readonly modelLyapunov?: (file: string) => number | undefined;
}

export function truthForRun(
  system: ReferenceSystem,
  run: Pick<CompletedRun, 'params' | 'steps' | 'timeStep'>,
): Trajectory {
  const d = system.stateNames.length;
  const substeps = Math.max(1, Math.ceil(run.timeStep / system.dt - 1e-9));
  const inner = polynomialRk4(system.field, run.timeStep / substeps);
  const map =
    substeps === 1
      ? inner
      : { dim: d, observed: d, step: (x: Float64Array, out: Float64Array) => out.set(advance(inner, x, substeps)) };
  const start = advance(map, run.params.initialState.slice(0, d), run.params.burnIn);
  return iterate(map, start, run.steps);
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

function metricsTable(
  run: CompletedRun,
  system: ReferenceSystem,
  truth: Trajectory,
  modelLyapunov: number | undefined,
): MetricsTable {
  const d = system.stateNames.length;
  const model = firstMember(run, d);
  const s = compareTrajectories(truth, model, { dt: run.timeStep, lyapunovMax: system.lyapunovMax });
  const vpt = s.validPrediction;
  return {
    title: `Against ${system.name} (true system, RK4, same initial state)`,
    rows: [
      {
        name: 'Valid prediction time',
        value: vpt.lyapunovTimes === undefined ? `t = ${f(vpt.time, 2)}` : `${f(vpt.lyapunovTimes, 2)} Lyapunov times`,
        note: `${vpt.steps} of ${run.steps} steps before the normalised error exceeds ${DEFAULT_VPT_THRESHOLD}`,
      },
      {
        name: 'D_stsp',
        value: f(s.stateSpaceDivergence),
        reference: '0',
        note: 'KL divergence of occupation measures, 30 bins per dimension',
      },
      {
        name: 'D_H',
        value: f(s.spectralDistance),
        reference: '0',
        note: 'Hellinger distance of smoothed power spectra, mean over dimensions',
      },
      {
        name: 'λmax',
        value: modelLyapunov === undefined ? '—' : f(modelLyapunov),
        reference: f(system.lyapunovMax),
        note:
          modelLyapunov === undefined
            ? `system: ${system.lyapunovSource}`
            : 'model: Benettin on its own map at build time; reference: the system',
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
