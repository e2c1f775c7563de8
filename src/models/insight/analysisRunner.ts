/**
 * Runs the analysis of a preview's model: takes the run's rows when they hold the whole state (else iterates the
 * model from the initial state through the runtime to get states to seed from), reads the graph for the
 * piecewise-linear recognition, analyses, and turns the result into the view the webview shows. Pure: the host
 * passes its ModelRuntime and the finished run.
 */
import { onnx } from 'onnx-proto';
import type { CancelSignal, ModelRuntime } from '../runtime';
import type { Signature } from '../signature';
import { analyseDynamics, analysisMarkdown, analysisNotes, analysisRows, rk4Batch, spectrumTable } from './analysis';
import {
  MAX_COLOURED_ROWS,
  REGION_PALETTE,
  type AnalysisMarker,
  type AnalysisView,
  type RowColours,
} from './analysisProtocol';
import { recognisePiecewiseLinear, type PiecewiseRecognition } from './piecewiseLinear';
import { offThread } from '../offThread';
import { countText } from '../../core/countText';

export interface RunRows {
  /** `[steps, members, width]` after the burn-in. */
  readonly data: Float32Array;
  readonly steps: number;
  readonly members: number;
  readonly width: number;
  /** Run rows dropped before `data` (its first row is run row `burnIn`). */
  readonly burnIn: number;
}

export interface AnalyseModelRequest {
  readonly file: string;
  readonly fileName: string;
  readonly signature: Signature;
  /** The finished run, when there is one. */
  readonly run?: RunRows;
  readonly initialState: readonly number[];
  /** Integration step (flows). */
  readonly dt: number;
  /** Time between rows. */
  readonly timeStep: number;
  readonly signal: CancelSignal;
  readonly onProgress: (fraction: number, message: string) => void | Promise<void>;
}

/** Rows analysed at most (the last ones of the run): colouring and seeds stay fast. */
export const MAX_ANALYSED_ROWS = 50_000;
const GENERATED_ROWS = 2000;
/**
 * From this state size the Jacobians' eigenvalues are found in a worker thread: Hessenberg QR costs ~10·d³, about
 * 60 ms at d = 50 and 110 ms at d = 203 (the zoo's ESN) here, too long on the host's thread; below, a worker's start
 * would cost more than the work.
 */
const OFF_THREAD_EIGEN_DIM = 32;
const GENERATED_BURN_IN = 500;

export async function analyseModel(runtime: ModelRuntime, req: AnalyseModelRequest): Promise<AnalysisView> {
  const sig = req.signature;
  const d = sig.dim;
  const kind = sig.kind === 'flow' ? 'flow' : 'map';
  const evaluate = (p: Float64Array, n: number, k: number) => runtime.evaluate(req.file, sig, p, n, k, req.signal);
  let rows: Float64Array;
  let steps: number;
  let firstRow: number | undefined;
  const run = req.run;
  if (run && run.width === d && run.steps >= 16) {
    steps = Math.min(run.steps, MAX_ANALYSED_ROWS);
    const offset = run.steps - steps;
    rows = new Float64Array(steps * d);
    for (let t = 0; t < steps; t++)
      for (let j = 0; j < d; j++) rows[t * d + j] = run.data[((offset + t) * run.members + 0) * run.width + j];
    firstRow = run.burnIn + offset;
  } else {
    await req.onProgress(0, 'Running the model to find states to start from…');
    steps = GENERATED_ROWS;
    rows = await generateStates(evaluate, kind, req.initialState, req.dt, steps, req.signal);
  }
  let piecewise: PiecewiseRecognition | undefined;
  if (kind === 'map' && sig.kind === 'map') {
    const { bytes } = await runtime.inspect(req.file);
    piecewise = recognisePiecewiseLinear(onnx.ModelProto.decode(bytes), sig.stateInput, sig.stateOutput, d);
  }
  const result = await analyseDynamics({
    kind,
    dim: d,
    precision: sig.elemType,
    rows,
    steps,
    timeStep: req.timeStep,
    evaluate,
    piecewise,
    system: sig.metadata.system,
    signal: req.signal,
    onProgress: req.onProgress,
    eigenvalues: d >= OFF_THREAD_EIGEN_DIM ? (matrices, n) => offThread('eigenvalues', { matrices, n }) : undefined,
  });
  const markers: AnalysisMarker[] = [];
  for (const p of [...result.points].sort((a, b) => a.period - b.period)) {
    if (markers.length >= 50) break;
    markers.push({
      period: p.period,
      orbit: p.orbit.map((x) => Array.from(x)),
      type: p.classification.type,
      stable: p.classification.stability === 'stable',
    });
  }
  let colours: RowColours | undefined;
  if (result.rowRegions && result.regionCodes && result.regions && firstRow !== undefined) {
    const top = result.regions.top.slice(0, REGION_PALETTE);
    const palette = new Map<string, number>(top.map((r, i) => [r.code, i]));
    const stride = Math.max(1, Math.ceil(steps / MAX_COLOURED_ROWS));
    const values: number[] = [];
    for (let t = 0; t < steps; t += stride)
      values.push(palette.get(result.regionCodes[result.rowRegions[t]]) ?? REGION_PALETTE);
    colours = { start: firstRow, stride, values, legend: top.map((r) => r.code) };
  }
  return {
    file: req.file,
    fileName: req.fileName,
    kind,
    method: result.method,
    note:
      result.note +
      (firstRow === undefined ? ` States from ${countText(steps)} steps of the model run for the analysis.` : '') +
      (run && firstRow !== undefined && run.steps > steps
        ? ` Only the run's last ${countText(steps)} of ${countText(run.steps)} rows were analysed (seeds, closed orbit${result.regions ? ', colouring by subregion' : ''}): at most ${countText(MAX_ANALYSED_ROWS)} are, so the analysis stays quick.`
        : ''),
    valuesLabel: kind === 'flow' ? 'eigenvalues λ' : 'multipliers μ',
    rows: analysisRows(result).slice(0, 2000),
    markers,
    lines: analysisNotes(result),
    regions: result.regions ? { total: result.regions.total, top: result.regions.top.slice(0, 20) } : undefined,
    colours,
    spectrum: spectrumTable(result),
    markdown: analysisMarkdown(result, req.fileName),
    elapsedMs: result.elapsedMs,
  };
}

/** States along the model's own trajectory: maps stepped, flows by RK4 through the vector field; burn-in dropped. */
async function generateStates(
  evaluate: (p: Float64Array, n: number, k: number) => Promise<Float64Array>,
  kind: 'map' | 'flow',
  x0: readonly number[],
  dt: number,
  steps: number,
  signal: CancelSignal,
): Promise<Float64Array> {
  const d = x0.length;
  const rows = new Float64Array(steps * d);
  let x: Float64Array = Float64Array.from(x0);
  const rk4 = rk4Batch(evaluate, dt);
  for (let t = 0; t < GENERATED_BURN_IN + steps; t++) {
    if (signal.cancelled) throw new Error('cancelled');
    x = kind === 'map' ? await evaluate(x, 1, 1) : await rk4(x, 1);
    if (!x.every(Number.isFinite)) throw new Error(`the model's state left the finite numbers at step ${t + 1}`);
    if (t >= GENERATED_BURN_IN) rows.set(x, (t - GENERATED_BURN_IN) * d);
  }
  return rows;
}
