/**
 * The preview's "Analyse dynamics" messages, kept apart from the run protocol (previewProtocol.ts delegates to
 * these parsers). The host sends an `AnalysisView`: the table's rows as text, the points to mark on the 3D
 * projection, the subregion of the run's rows for colouring, and the Markdown for "Copy as Markdown". The webview
 * keeps the view in its state, so a reload shows it again. Everything is validated on arrival. No vscode, no DOM.
 */
import { isRecord, isFiniteNumber } from '../../core/validate';
/** One row per fixed point or cycle point, for the table and its Markdown. */
export interface AnalysisRow {
  readonly what: string;
  readonly coordinates: string;
  readonly eigenvalues: string;
  readonly type: string;
  readonly unstable: string;
  readonly residual: string;
  readonly code: string;
}

/** One row of the Lyapunov spectra side by side: λ_i (per unit time) or D_KY, as text. */
export interface SpectrumRow {
  readonly name: string;
  readonly model: string;
  readonly system: string;
}

export interface SpectrumTable {
  /** The header: what the rows are, the model, the reference system. */
  readonly columns: readonly [string, string, string];
  readonly rows: readonly SpectrumRow[];
}

export interface AnalysisMarker {
  readonly period: number;
  /** The orbit's points, the model's whole state (the webview plots the components on its axes). */
  readonly orbit: readonly (readonly number[])[];
  readonly type: string;
  readonly stable: boolean;
}

/** Palette index per run row (0…PALETTE−1: the most visited subregions in order; PALETTE: any other). */
export interface RowColours {
  /** The first coloured row's index in the run (its burn-in). */
  readonly start: number;
  readonly stride: number;
  readonly values: readonly number[];
  /** The code of each palette entry. */
  readonly legend: readonly string[];
}

export const REGION_PALETTE = 8;
export const MAX_COLOURED_ROWS = 40_000;
const MAX_MARKDOWN = 400_000;

export interface AnalysisView {
  readonly file: string;
  readonly fileName: string;
  readonly kind: 'map' | 'flow';
  readonly method: 'exact' | 'newton';
  readonly note: string;
  /** "multipliers μ" or "eigenvalues λ". */
  readonly valuesLabel: string;
  readonly rows: readonly AnalysisRow[];
  readonly markers: readonly AnalysisMarker[];
  /** Lines under the table: closed orbit, subregions, Lyapunov spectra. */
  readonly lines: readonly string[];
  readonly regions?: { readonly total: number; readonly top: readonly { code: string; visits: number }[] };
  readonly colours?: RowColours;
  /** The model's Lyapunov spectrum and D_KY beside the reference system's. */
  readonly spectrum?: SpectrumTable;
  readonly markdown: string;
  readonly elapsedMs: number;
  /** The analysed file's version (`mtimeMs:size`): a saved view of another version is dropped, not shown. */
  readonly version?: string;
}

export type AnalysisToPreview =
  | { readonly type: 'analysisStarted' }
  | { readonly type: 'analysisProgress'; readonly fraction: number; readonly message: string }
  | { readonly type: 'analysis'; readonly view: AnalysisView }
  /** `stale`: the file changed since the analysis shown, so the webview drops it (and its saved copy). */
  | { readonly type: 'analysisFailed'; readonly message: string; readonly stale?: boolean };

export type AnalysisToHost =
  | { readonly type: 'analyse' }
  | { readonly type: 'cancelAnalysis' }
  | { readonly type: 'copyAnalysis'; readonly markdown: string };

const text = (v: unknown, max = 2000): v is string => typeof v === 'string' && v.length <= max;

export function parseAnalysisToHost(value: unknown): AnalysisToHost | undefined {
  if (!isRecord(value)) return undefined;
  if (value.type === 'analyse' || value.type === 'cancelAnalysis') return { type: value.type };
  if (value.type === 'copyAnalysis' && text(value.markdown, MAX_MARKDOWN))
    return { type: 'copyAnalysis', markdown: value.markdown };
  return undefined;
}

export function parseAnalysisToPreview(value: unknown): AnalysisToPreview | undefined {
  if (!isRecord(value)) return undefined;
  switch (value.type) {
    case 'analysisStarted':
      return { type: 'analysisStarted' };
    case 'analysisProgress':
      return isFiniteNumber(value.fraction) && text(value.message)
        ? { type: 'analysisProgress', fraction: value.fraction, message: value.message }
        : undefined;
    case 'analysisFailed':
      if (!text(value.message)) return undefined;
      return value.stale === true
        ? { type: 'analysisFailed', message: value.message, stale: true }
        : { type: 'analysisFailed', message: value.message };
    case 'analysis': {
      const view = parseAnalysisView(value.view);
      return view ? { type: 'analysis', view } : undefined;
    }
    default:
      return undefined;
  }
}

const ROW_KEYS = ['what', 'coordinates', 'eigenvalues', 'type', 'unstable', 'residual', 'code'] as const;

/** Validates a view from the host, or from the webview's saved state after a reload. */
export function parseAnalysisView(v: unknown): AnalysisView | undefined {
  if (!isRecord(v)) return undefined;
  const { file, fileName, kind, method, note, valuesLabel, rows, markers, lines, markdown, elapsedMs } = v;
  if (!text(file, 4096) || !text(fileName, 1000) || (kind !== 'map' && kind !== 'flow')) return undefined;
  if ((method !== 'exact' && method !== 'newton') || !text(note, 4000) || !text(valuesLabel, 100)) return undefined;
  if (!Array.isArray(rows) || rows.length > 2000 || !Array.isArray(markers) || markers.length > 200) return undefined;
  if (!Array.isArray(lines) || lines.length > 50 || !lines.every((l) => text(l, 4000))) return undefined;
  if (!text(markdown, MAX_MARKDOWN) || !isFiniteNumber(elapsedMs)) return undefined;
  if (v.version !== undefined && !text(v.version, 100)) return undefined;
  const parsedRows: AnalysisRow[] = [];
  for (const r of rows) {
    if (!isRecord(r) || !ROW_KEYS.every((k) => text(r[k], 4000))) return undefined;
    parsedRows.push(Object.fromEntries(ROW_KEYS.map((k) => [k, r[k]])) as unknown as AnalysisRow);
  }
  const parsedMarkers: AnalysisMarker[] = [];
  for (const m of markers) {
    if (!isRecord(m) || !isFiniteNumber(m.period) || !text(m.type, 100) || typeof m.stable !== 'boolean')
      return undefined;
    if (!Array.isArray(m.orbit) || m.orbit.length > 8) return undefined;
    if (!m.orbit.every((x) => Array.isArray(x) && x.length <= 10_000 && x.every(isFiniteNumber))) return undefined;
    parsedMarkers.push({ period: m.period, orbit: m.orbit as number[][], type: m.type, stable: m.stable });
  }
  let regions: AnalysisView['regions'];
  if (v.regions !== undefined) {
    const r = v.regions;
    if (!isRecord(r) || !isFiniteNumber(r.total) || !Array.isArray(r.top) || r.top.length > 50) return undefined;
    const top: { code: string; visits: number }[] = [];
    for (const t of r.top) {
      if (!isRecord(t) || !text(t.code, 200) || !isFiniteNumber(t.visits)) return undefined;
      top.push({ code: t.code, visits: t.visits });
    }
    regions = { total: r.total, top };
  }
  let colours: RowColours | undefined;
  if (v.colours !== undefined) {
    const c = v.colours;
    if (!isRecord(c) || !isFiniteNumber(c.start) || !isFiniteNumber(c.stride) || c.stride < 1) return undefined;
    if (!Array.isArray(c.values) || c.values.length > MAX_COLOURED_ROWS) return undefined;
    if (!c.values.every((x) => isFiniteNumber(x) && x >= 0 && x <= REGION_PALETTE)) return undefined;
    if (!Array.isArray(c.legend) || c.legend.length > REGION_PALETTE || !c.legend.every((x) => text(x, 200)))
      return undefined;
    colours = { start: c.start, stride: c.stride, values: c.values as number[], legend: c.legend as string[] };
  }
  let spectrum: SpectrumTable | undefined;
  if (v.spectrum !== undefined) {
    const s = v.spectrum;
    if (!isRecord(s) || !Array.isArray(s.columns) || s.columns.length !== 3 || !s.columns.every((c) => text(c, 200)))
      return undefined;
    if (!Array.isArray(s.rows) || s.rows.length > 200) return undefined;
    const spectrumRows: SpectrumRow[] = [];
    for (const r of s.rows) {
      if (!isRecord(r) || !text(r.name, 20) || !text(r.model, 100) || !text(r.system, 100)) return undefined;
      spectrumRows.push({ name: r.name, model: r.model, system: r.system });
    }
    spectrum = { columns: s.columns as unknown as SpectrumTable['columns'], rows: spectrumRows };
  }
  return {
    file,
    fileName,
    kind,
    method,
    note,
    valuesLabel,
    rows: parsedRows,
    markers: parsedMarkers,
    lines: lines as string[],
    regions,
    colours,
    ...(spectrum ? { spectrum } : {}),
    markdown,
    elapsedMs,
    ...(typeof v.version === 'string' ? { version: v.version } : {}),
  };
}

/** The version of a view saved in the panel's state: `null` when a view without one is there, undefined when none. */
export function savedAnalysisVersion(saved: unknown): string | null | undefined {
  if (saved === undefined || saved === null) return undefined;
  const view = parseAnalysisView(saved);
  if (!view) return undefined;
  return view.version ?? null;
}
