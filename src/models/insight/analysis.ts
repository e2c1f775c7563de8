/**
 * "Analyse" for a model preview: what a reconstructed model is, not how well it forecasts. For a model recognised
 * as piecewise linear (PLRNN family, see piecewiseLinear.ts) fixed points and cycles are solved exactly per
 * subregion (plrnnSearch.ts) and the run is coloured by subregion; any other map or flow gets the Newton search
 * (newton.ts) with the reason it was not recognised. For maps and flows, a run that returns to itself is reported
 * as a closed orbit with its period. The Lyapunov spectrum and Kaplan–Yorke dimension (src/metrics/lyapunov.ts, one
 * implementation) are computed where the model is available as a JS map (PLRNNs, from their weights), next to the
 * reference system's when the model names one. Pure: the host passes the runtime's evaluate and the run.
 */
import { kaplanYorkeDimension, lyapunovSpectrum } from '../../metrics/lyapunov';
import { Rng } from '../../core/rng';
import { findSystem, QR_SPECTRA } from '../../systems/systems';
import { formatEigenvalues, formatNumber } from './classify';
import { detectClosedOrbit, type ClosedOrbit } from './closedOrbit';
import { newtonSearch, type BatchEvaluate, type FoundPoint } from './newton';
import type { PiecewiseRecognition } from './piecewiseLinear';
import { exactSearch, piecewiseMap, regionVisitsChunked } from './plrnnSearch';
import type { AnalysisRow } from './analysisProtocol';

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
    await progress(0, `Colouring ${req.steps.toLocaleString('en-US')} rows by subregion…`);
    const visits = await regionVisitsChunked(m, req.rows, req.steps, {
      signal: req.signal,
      onProgress: (done, total) =>
        progress(
          (0.1 * done) / total,
          `Colouring by subregion: ${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} rows…`,
        ),
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
    let spectrum: SpectrumSummary | undefined;
    if (!req.signal?.cancelled) {
      await progress(0.85, 'Lyapunov spectrum (QR method)…');
      const x0 = Array.from({ length: d }, (_, j) => req.rows[(req.steps - 1) * d + j]);
      const steps = Math.max(2000, Math.min(10_000, Math.floor(1.5e8 / (m.H * d * (2 * d + 1) + 1))));
      const s = lyapunovSpectrum(piecewiseMap(m), x0, { dt: req.timeStep, steps, transient: 500 });
      spectrum = {
        exponents: Array.from(s.exponents),
        kaplanYorke: s.kaplanYorke,
        source: `QR method on the model's map (weights read from the graph), ${steps.toLocaleString('en-US')} steps from the run's last state`,
      };
    }
    const note =
      `${m.description}. Fixed points and cycles solved exactly in each linear subregion; ` +
      (exact.exhaustive
        ? 'every subregion sequence was tried.'
        : `subregions chosen by SCYFI (Eisenmann et al. 2023) from ${seeds.length} seeds: ${exact.solved.toLocaleString('en-US')} systems solved, ${exact.virtual.toLocaleString('en-US')} virtual solutions (outside their subregion) dropped.`);
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
    onProgress: (done, total) => progress(done / Math.max(1, total), `Newton: ${done} of ${total} seeds settled…`),
  });
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
    referenceSpectrum: reference,
    box,
    elapsedMs: performance.now() - started,
    calls: newton.calls,
    cancelled: newton.cancelled,
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
  for (const line of analysisNotes(result)) lines.push('', line);
  return lines.join('\n') + '\n';
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
  const spec = (s: SpectrumSummary) =>
    `λ = (${s.exponents.map((v) => formatNumber(v)).join(', ')}), D_KY = ${s.kaplanYorke === undefined ? '—' : formatNumber(s.kaplanYorke)}`;
  if (result.spectrum)
    out.push(`Lyapunov spectrum of the model: ${spec(result.spectrum)} (${result.spectrum.source}).`);
  if (result.referenceSpectrum)
    out.push(
      `${result.referenceSpectrum.system}: ${spec(result.referenceSpectrum)} (${result.referenceSpectrum.source}).`,
    );
  return out;
}
