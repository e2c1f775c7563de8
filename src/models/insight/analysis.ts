/**
 * "Analyse" for a model preview: what a reconstructed model is, not how well it forecasts. For a model recognised
 * as piecewise linear (PLRNN family, see piecewiseLinear.ts) fixed points and cycles are solved exactly per
 * subregion (plrnnSearch.ts) and the run is coloured by subregion; any other map or flow gets the Newton search
 * (newton.ts) with the reason it was not recognised. For maps and flows, a run that returns to itself is reported
 * as a closed orbit with its period. The model's Lyapunov spectrum and Kaplan–Yorke dimension come from the QR
 * method of src/metrics/lyapunov.ts (the one implementation, which also measured the reference systems' spectra),
 * fed with the model's Jacobian–vector products: one batched evaluation of the state and its 2k central-difference
 * neighbours per step, through the runtime (maps; flows through RK4 of their vector field) or, for PLRNNs, the JS
 * map of their weights in float64. Shown next to the reference system's when the model names one. Pure: the host
 * passes the runtime's evaluate and the run.
 */
import {
  batchOf,
  kaplanYorkeDimension,
  lyapunovSpectrumBatched,
  type BatchStep,
  type BatchSteps,
} from '../../metrics/lyapunov';
import { Rng } from '../../core/rng';
import { findSystem, QR_SPECTRA } from '../../systems/systems';
import { formatEigenvalues, formatNumber } from './classify';
import { detectClosedOrbit, type ClosedOrbit } from './closedOrbit';
import { newtonSearch, type BatchEvaluate, type FoundPoint, type SpectraOf } from './newton';
import type { PiecewiseRecognition } from './piecewiseLinear';
import { exactSearch, piecewiseMap, regionVisitsChunked } from './plrnnSearch';
import type { AnalysisRow, SpectrumRow, SpectrumTable } from './analysisProtocol';
import { countText } from '../../core/countText';

export type { AnalysisRow };

export interface AnalysisRequest {
  readonly kind: 'map' | 'flow';
  readonly dim: number;
  readonly precision: 'float32' | 'float64';
  /** Full states of the run (one member, burn-in dropped): [steps, dim]; seeds and the box come from it. */
  readonly rows: ArrayLike<number>;
  readonly steps: number;
  /** Time between rows (dt for flows, dynamics.dt or 1 for maps). */
  readonly timeStep: number;
  readonly evaluate: BatchEvaluate;
  /** The piecewise-linear recognition of the graph (maps). */
  readonly piecewise?: PiecewiseRecognition;
  /** `dynamics.system` of the model, for the reference spectrum. */
  readonly system?: string;
  readonly maxPeriod?: number;
  readonly seed?: number;
  readonly signal?: { readonly cancelled: boolean };
  readonly onProgress?: (fraction: number, message: string) => void | Promise<void>;
  /** Eigenvalues of the Newton search's Jacobians (default: on this thread). */
  readonly eigenvalues?: SpectraOf;
}

export interface SpectrumSummary {
  readonly exponents: readonly number[];
  readonly kaplanYorke: number | undefined;
  readonly source: string;
}

export interface AnalysisResult {
  readonly kind: 'map' | 'flow';
  readonly method: 'exact' | 'newton';
  /** What was done and why, e.g. "clipped shallow PLRNN …: exact search per subregion (SCYFI)". */
  readonly note: string;
  readonly points: readonly FoundPoint[];
  readonly maxPeriod: number;
  readonly closedOrbit?: ClosedOrbit;
  /** PLRNNs: subregions the run visits, most visited first (at most 20 listed), and how many in all. */
  readonly regions?: {
    readonly total: number;
    readonly units: number;
    readonly top: readonly { readonly code: string; readonly visits: number }[];
  };
  /** PLRNNs: index into `regionCodes` of every row of the analysed run (for colouring). */
  readonly rowRegions?: Uint32Array;
  readonly regionCodes?: readonly string[];
  readonly spectrum?: SpectrumSummary;
  readonly referenceSpectrum?: SpectrumSummary & { readonly system: string };
  /** The run's bounding box: points outside it are flagged in the table (e.g. spurious fixed points of an RK4 map). */
  readonly box: { readonly lo: readonly number[]; readonly hi: readonly number[] };
  readonly elapsedMs: number;
  /** Model evaluations (runtime calls) of the Newton search. */
  readonly calls: number;
  readonly cancelled: boolean;
}

/** Seeds: evenly spaced points of the run and as many uniform points of its box grown by a quarter each side (seeded). */
export function analysisSeeds(
  rows: ArrayLike<number>,
  steps: number,
  d: number,
  perSource: number,
  seed = 12,
): { seeds: number[][]; extent: number[]; lo: number[]; hi: number[] } {
  const lo = new Array<number>(d).fill(Infinity);
  const hi = new Array<number>(d).fill(-Infinity);
  for (let t = 0; t < steps; t++)
    for (let j = 0; j < d; j++) {
      const v = rows[t * d + j];
      if (v < lo[j]) lo[j] = v;
      if (v > hi[j]) hi[j] = v;
    }
  const extent = lo.map((l, j) => Math.max(hi[j] - l, 1e-6 * Math.max(1, Math.abs(l))));
  const seeds: number[][] = [];
  const rng = new Rng(seed);
  const run = Math.min(perSource, steps);
  for (let i = 0; i < run; i++) {
    const t = Math.floor(((i + 0.5) * steps) / run);
    seeds.push(Array.from({ length: d }, (_, j) => rows[t * d + j]));
  }
  for (let i = 0; i < perSource; i++)
    seeds.push(lo.map((l, j) => rng.uniform(l - 0.25 * extent[j], hi[j] + 0.25 * extent[j])));
  return { seeds, extent: extent.map((e) => 1.5 * e), lo, hi };
}

/** Rows evaluated per runtime call at most (seeds × (2d+1)), so one Newton iteration stays a bounded call. */
const MAX_ROWS_PER_CALL = 4096;

export async function analyseDynamics(req: AnalysisRequest): Promise<AnalysisResult> {
  const started = performance.now();
  const { dim: d, kind } = req;
  const progress = (f: number, m: string) => req.onProgress?.(Math.max(0, Math.min(1, f)), m);
  const maxPeriod = kind === 'flow' ? 1 : Math.max(1, Math.min(8, req.maxPeriod ?? (d > 50 ? 1 : 8)));
  const perSource = Math.max(2, Math.min(32, Math.floor(MAX_ROWS_PER_CALL / (2 * (2 * d + 1)))));
  const { seeds, extent, lo, hi } = analysisSeeds(req.rows, req.steps, d, perSource, req.seed);
  const box = { lo, hi };
  // a flow's run is its integrator's rows, so a limit cycle shows the same way as for a map (by its period)
  const closedOrbit = detectClosedOrbit(req.rows, req.steps, d, req.timeStep);
  const reference = referenceSpectrum(req.system);
  const pw = req.piecewise;

  if (kind === 'map' && pw?.ok) {
    const m = pw.map;
    await progress(0, `Colouring ${countText(req.steps)} rows by subregion…`);
    const visits = await regionVisitsChunked(m, req.rows, req.steps, {
      signal: req.signal,
      onProgress: (done, total) =>
        progress((0.1 * done) / total, `Colouring by subregion: ${countText(done)} of ${countText(total)} rows…`),
    });
    if (!visits)
      return {
        kind,
        method: 'exact',
        note: `${m.description}. Cancelled while colouring the run by subregion.`,
        points: [],
        maxPeriod,
        closedOrbit,
        referenceSpectrum: reference,
        box,
        elapsedMs: performance.now() - started,
        calls: 0,
        cancelled: true,
      };
    const sorted = [...visits.regions].sort((a, b) => b.visits - a.visits);
    await progress(0.1, 'Solving the affine system of each subregion…');
    const exact = await exactSearch(m, {
      seeds,
      maxPeriod,
      seed: req.seed,
      signal: req.signal,
      onProgress: (k, total) => progress(0.1 + (0.7 * k) / total, `Cycles of period ${k} of ${total} done…`),
    });
    const spectrum = req.signal?.cancelled
      ? undefined
      : await modelSpectrum(req, batchOf(piecewiseMap(m)), 'float64', 0.85, {
          steps: PLRNN_SPECTRUM_STEPS,
          every: SPECTRUM_EVERY,
          how: "the model's map in float64 (weights read from the graph)",
        });
    const note =
      `Piecewise linear: ${m.description}. Fixed points and cycles solved exactly in each linear subregion; ` +
      (exact.exhaustive
        ? 'every subregion sequence was tried.'
        : `subregions chosen by SCYFI (Eisenmann et al. 2023) from ${seeds.length} seeds: ${countText(exact.solved)} systems solved, ${countText(exact.virtual)} virtual solutions (outside their subregion) dropped.`);
    return {
      kind,
      method: 'exact',
      note: note,
      points: exact.points,
      maxPeriod,
      closedOrbit,
      regions: { total: visits.regions.length, units: m.H, top: sorted.slice(0, 20) },
      rowRegions: visits.region,
      regionCodes: visits.regions.map((r) => r.code),
      spectrum,
      referenceSpectrum: reference,
      box,
      elapsedMs: performance.now() - started,
      calls: 0,
      cancelled: exact.cancelled || !!req.signal?.cancelled,
    };
  }

  await progress(0, 'Newton search from the run’s points and random points of its box…');
  const cycleSeeds = Math.max(2, Math.floor(seeds.length / 2));
  const newton = await newtonSearch(req.evaluate, {
    kind,
    dim: d,
    seeds,
    extent,
    precision: req.precision,
    maxPeriod,
    cycleSeeds,
    signal: req.signal,
    eigenvalues: req.eigenvalues,
    onProgress: (done, total) =>
      progress((0.6 * done) / Math.max(1, total), `Newton: ${done} of ${total} seeds settled…`),
  });
  const spectrum =
    newton.cancelled || req.signal?.cancelled
      ? undefined
      : await modelSpectrum(
          req,
          kind === 'flow' ? rk4Batch(req.evaluate, req.timeStep) : (p, n, steps) => req.evaluate(p, n, steps),
          req.precision,
          0.6,
          kind === 'flow'
            ? {
                steps: FLOW_SPECTRUM_STEPS,
                every: 1,
                how: `RK4 steps of dt = ${formatNumber(req.timeStep)} of the model's vector field through the runtime`,
              }
            : { steps: MAP_SPECTRUM_STEPS, every: SPECTRUM_EVERY, how: "the model's map through the runtime" },
        );
  const why =
    kind === 'flow'
      ? 'A flow: equilibria f(x) = 0 by damped Newton'
      : pw && !pw.ok
        ? `Not recognised as piecewise linear (${pw.reason}): damped Newton`
        : 'Damped Newton';
  return {
    kind,
    method: 'newton',
    note: `${why} from ${seeds.length} seeds (run points and random points of its box), Jacobians by central differences, all seeds in one batch per iteration${kind === 'map' ? `; cycles up to period ${maxPeriod} from ${Math.min(cycleSeeds, seeds.length)} seeds` : ''}.`,
    points: newton.points,
    maxPeriod,
    closedOrbit,
    spectrum,
    referenceSpectrum: reference,
    box,
    elapsedMs: performance.now() - started,
    calls: newton.calls,
    cancelled: newton.cancelled || !!req.signal?.cancelled,
  };
}

/**
 * Steps of the model's QR spectrum. Through the runtime a call costs ~0.1–0.3 ms whether it carries one step or ten,
 * so maps carry their tangent vectors `SPECTRUM_EVERY` steps per call between re-orthonormalisations: 10^5 steps
 * in 10^4 calls, where 4000 single steps left λ1 of the Lorenz-63 RK4 map at 0.918 against 0.9046 and 2·10^4 left
 * Dadras 19% off. A flow's RK4 step is four calls of its vector field, one step per interval.
 */
const PLRNN_SPECTRUM_STEPS = 100_000;
const MAP_SPECTRUM_STEPS = 100_000;
const FLOW_SPECTRUM_STEPS = 6000;
const SPECTRUM_EVERY = 10;
/** Exponents computed at most: the QR step costs k²·d, and D_KY rarely needs more. */
export const MAX_EXPONENTS = 10;

/** One RK4 step of dt of a vector field evaluated in batches: four batched calls per step, every state at once. */
export function rk4Batch(evaluate: BatchEvaluate, dt: number): BatchStep {
  return async (x, count) => {
    const stage = (k: Float64Array, a: number) => x.map((v, i) => v + a * k[i]);
    const k1 = await evaluate(x, count, 1);
    const k2 = await evaluate(stage(k1, dt / 2), count, 1);
    const k3 = await evaluate(stage(k2, dt / 2), count, 1);
    const k4 = await evaluate(stage(k3, dt), count, 1);
    return x.map((v, i) => v + (dt / 6) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]));
  };
}

/** The model's spectrum by the QR method from the run's last state; progress from `from` to 1. */
async function modelSpectrum(
  req: AnalysisRequest,
  step: BatchStep | BatchSteps,
  precision: 'float32' | 'float64',
  from: number,
  plan: { readonly steps: number; readonly every: number; readonly how: string },
): Promise<SpectrumSummary | undefined> {
  const d = req.dim;
  const count = Math.min(d, MAX_EXPONENTS);
  // tangent vectors align with the Oseledets directions within a few Lyapunov times; not counted
  const transient = 100 * plan.every;
  const x0 = Array.from({ length: d }, (_, j) => req.rows[(req.steps - 1) * d + j]);
  const say = (done: number, total: number) =>
    req.onProgress?.(
      from + ((1 - from) * done) / total,
      `Lyapunov spectrum (QR method): ${countText(done)} of ${countText(total)} steps…`,
    );
  await say(0, transient + plan.steps);
  let s;
  try {
    s = await lyapunovSpectrumBatched(step, d, x0, {
      dt: req.timeStep,
      steps: plan.steps,
      every: plan.every,
      transient,
      count,
      precision,
      signal: req.signal,
      onProgress: say,
    });
  } catch (err) {
    if (req.signal?.cancelled) return undefined;
    // the fixed points stand without it: say why the spectrum is missing
    return {
      exponents: [],
      kaplanYorke: undefined,
      source: `not computed: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
  if (s.cancelled) return undefined;
  if (!s.exponents.every(Number.isFinite))
    return {
      exponents: [],
      kaplanYorke: undefined,
      source: `not computed: the model's state or its tangent vectors left the finite numbers after ${s.steps} steps`,
    };
  const first = count < d ? `the first ${count} of ${d} exponents, ` : '';
  return {
    exponents: Array.from(s.exponents),
    kaplanYorke: s.kaplanYorke,
    source: `QR method (Benettin et al. 1980) on ${plan.how}: ${first}${countText(plan.steps)} steps after ${transient} from the run's last state, re-orthonormalised every ${plan.every === 1 ? 'step' : `${plan.every} steps`}, tangent maps by central differences of 2k+1 states carried through them in one batch`,
  };
}

function referenceSpectrum(system: string | undefined): (SpectrumSummary & { system: string }) | undefined {
  const s = findSystem(system);
  const spectrum = s ? QR_SPECTRA[s.id] : undefined;
  if (!s || !spectrum) return undefined;
  return {
    system: s.name,
    exponents: spectrum.exponents,
    kaplanYorke: kaplanYorkeDimension(spectrum.exponents),
    source: 'QR method on the true system’s RK4 map (the metrics’ reference values)',
  };
}

export function analysisRows(result: AnalysisResult): AnalysisRow[] {
  const rows: AnalysisRow[] = [];
  const coords = (x: readonly number[]) =>
    x.length <= 6
      ? `(${x.map((v) => formatNumber(v)).join(', ')})`
      : `(${x
          .slice(0, 5)
          .map((v) => formatNumber(v))
          .join(', ')}, … ${x.length} values)`;
  let cycle = 0;
  let fixed = 0;
  const sorted = [...result.points].sort((a, b) => a.period - b.period);
  for (const p of sorted) {
    const outside = p.orbit.some((x) =>
      x.some((v, j) => {
        // half the box's size beyond it: far from anything the run visits (e.g. an RK4 map's spurious fixed points)
        const margin = 0.5 * (result.box.hi[j] - result.box.lo[j]);
        return v < result.box.lo[j] - margin || v > result.box.hi[j] + margin;
      }),
    );
    const label =
      p.period === 1
        ? `${result.kind === 'flow' ? 'equilibrium' : 'fixed point'} ${++fixed}`
        : `${p.period}-cycle ${++cycle}`;
    const eig = formatEigenvalues(p.eigenvalues);
    const shown = eig.length > 6 ? [...eig.slice(0, 6), `… (${p.eigenvalues.length})`] : eig;
    p.orbit.forEach((x, i) =>
      rows.push({
        what:
          (p.period === 1 ? label : `${label}, point ${i + 1}`) +
          (outside && i === 0 ? ' (far outside the run’s box)' : ''),
        coordinates: coords(x),
        eigenvalues: i === 0 ? shown.join('; ') : '″',
        type: i === 0 ? p.classification.type : '″',
        unstable: i === 0 ? String(p.classification.unstableDims) : '″',
        residual: i === 0 ? p.residual.toExponential(1) : '″',
        code: p.codes?.[i] ?? '—',
      }),
    );
  }
  return rows;
}

const mdCell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The table as Markdown for a note, with the method and the spectrum under it. */
export function analysisMarkdown(result: AnalysisResult, fileName: string): string {
  const values = result.kind === 'flow' ? 'eigenvalues λ' : 'multipliers μ';
  const lines = [
    `**Dynamics of ${mdCell(fileName)}**`,
    '',
    `| point | coordinates | ${values} | type | unstable dims | residual | symbolic code |`,
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...analysisRows(result).map(
      (r) =>
        `| ${[r.what, r.coordinates, r.eigenvalues, r.type, r.unstable, r.residual, r.code].map(mdCell).join(' | ')} |`,
    ),
    '',
    mdCell(result.note),
  ];
  if (result.points.length === 0) lines.splice(4, 0, '| none found | | | | | | |');
  const spectrum = spectrumTable(result);
  if (spectrum)
    lines.push(
      '',
      `| ${spectrum.columns.map(mdCell).join(' | ')} |`,
      '| --- | --- | --- |',
      ...spectrum.rows.map((r) => `| ${[r.name, r.model, r.system].map(mdCell).join(' | ')} |`),
    );
  for (const line of analysisNotes(result)) lines.push('', line);
  return lines.join('\n') + '\n';
}

/**
 * The model's Lyapunov exponents and Kaplan–Yorke dimension beside the reference system's (λ per unit time, largest
 * first); undefined when there is neither.
 */
export function spectrumTable(result: AnalysisResult): SpectrumTable | undefined {
  const model = result.spectrum;
  const system = result.referenceSpectrum;
  if (!model && !system) return undefined;
  const n = Math.max(model?.exponents.length ?? 0, system?.exponents.length ?? 0);
  const cell = (s: SpectrumSummary | undefined, i: number) =>
    s && i < s.exponents.length ? formatNumber(s.exponents[i]) : '—';
  const ky = (s: SpectrumSummary | undefined) => (s?.kaplanYorke === undefined ? '—' : formatNumber(s.kaplanYorke));
  const rows: SpectrumRow[] = Array.from({ length: n }, (_, i) => ({
    name: `λ${i + 1}`,
    model: cell(model, i),
    system: cell(system, i),
  }));
  rows.push({ name: 'D_KY', model: ky(model), system: ky(system) });
  return {
    columns: ['Lyapunov spectrum', 'model', system ? `${system.system} (true system)` : 'true system: none named'],
    rows,
  };
}

/** The lines under the table: the closed orbit, the subregions visited, the Lyapunov spectra (Markdown text). */
export function analysisNotes(result: AnalysisResult): string[] {
  const out: string[] = [];
  if (result.closedOrbit)
    out.push(
      `Closed orbit in the run: period ${formatNumber(result.closedOrbit.period)} (${result.closedOrbit.returns} returns to the section x₀ = mean${result.closedOrbit.crossings > 1 ? `, ${result.closedOrbit.crossings} crossings per period` : ''}).`,
    );
  if (result.regions)
    out.push(
      `Subregions visited: ${result.regions.total} (of 2^${result.regions.units}); most visited: ${result.regions.top
        .slice(0, 5)
        .map((r) => `\`${r.code}\` (${r.visits})`)
        .join(', ')}.`,
    );
  if (result.spectrum) out.push(`Lyapunov spectrum of the model: ${result.spectrum.source}.`);
  if (result.referenceSpectrum)
    out.push(`Lyapunov spectrum of ${result.referenceSpectrum.system}: ${result.referenceSpectrum.source}.`);
  return out;
}
