/**
 * The messages between a model preview panel and its webview. Imported by both sides (no vscode, no DOM);
 * whatever arrives is validated before use.
 *
 * Flow: the webview says `ready`; the host answers `init` (the model, its defaults). `run` starts a rollout: the
 * host answers `runStarted`, then `chunk`s as they are computed (the plot grows), then `runFinished` or
 * `runFailed` (cancelled, diverged at step N, …). `cancel` stops a run within one chunk (~100 ms).
 *
 * Metrics: after a run finishes, the host asks every registered
 * `PreviewComparison` (see src/models/comparisons.ts) for a table and posts it as `metrics`; the webview shows
 * it under the plots. A comparison can also be triggered again by the webview with `compare`. The message may
 * carry the reference (true) trajectory, decimated to at most MAX_REFERENCE_VALUES numbers, which the webview
 * overlays on the 3D projection and the time series.
 */

import {
  parseAnalysisToHost,
  parseAnalysisToPreview,
  savedAnalysisVersion,
  type AnalysisToHost,
  type AnalysisToPreview,
} from './insight/analysisProtocol';
import { isRecord, isFiniteNumber } from '../core/validate';

export type PreviewKind = 'map' | 'flow' | 'rollout';

export interface PreviewModel {
  /** The file's path, kept in the webview's state so the panel comes back after a reload. */
  readonly file: string;
  readonly fileName: string;
  readonly kind: PreviewKind;
  /** How the kind was decided: `metadata`, `shapes` (with `answer` once the user chose), … */
  readonly kindSource: string;
  readonly dim: number;
  /** Values per plotted row (d, a map's observation size, or dynamics.observed). */
  readonly width: number;
  /** One name per plotted value. */
  readonly stateNames: readonly string[];
  readonly elemType: string;
  /** Whether `dt` is an input of the run (flows, rollouts with a dt input); for maps it only scales the time axis. */
  readonly dtIsInput: boolean;
  readonly defaults: PreviewDefaults;
  readonly system?: string;
  readonly paper?: string;
  /** Lines shown above the controls (e.g. "no dynamics.initial_state: starting near 0 with a burn-in"). */
  readonly notes: readonly string[];
  readonly limits: { readonly maxSteps: number; readonly maxMembers: number; readonly maxValues: number };
  /** The plotted values are the state's first components (false for a map's observation output). */
  readonly plotsState?: boolean;
}

export interface RunParameters {
  readonly initialState: readonly number[];
  readonly steps: number;
  readonly dt: number;
  /** Ensemble size, 1 = the initial state alone. */
  readonly members: number;
  /** Standard deviation of the perturbation of members 2..n. */
  readonly perturbation: number;
  /** Rows dropped from plots and exports. */
  readonly burnIn: number;
}

/** What the panel's inputs start with: the same fields as a run. */
export type PreviewDefaults = RunParameters;

export interface MetricsRow {
  readonly name: string;
  readonly value: string;
  readonly reference?: string;
  readonly note?: string;
  /** Shown on hover over the metric's name: its definition and citation. */
  readonly tooltip?: string;
}

export interface MetricsTable {
  readonly title: string;
  readonly rows: readonly MetricsRow[];
  readonly note?: string;
}

/**
 * The true system's trajectory from the run's initial state, for the overlay: row `i` is the run's row
 * `burnIn + i * stride`; its `width` values are the run's first `width` plotted components.
 */
export interface ReferenceTrack {
  readonly label: string;
  readonly stride: number;
  readonly rows: number;
  readonly width: number;
  /** `[rows, width]` float32, row-major. */
  readonly data: Float32Array;
}

/** Numbers a reference track may carry (what the plots can show, not the whole run). */
export const MAX_REFERENCE_VALUES = 60_000;

export type HostToPreview =
  | AnalysisToPreview
  | { readonly type: 'init'; readonly model: PreviewModel }
  | {
      readonly type: 'runStarted';
      readonly runId: number;
      readonly steps: number;
      readonly members: number;
      readonly width: number;
      readonly burnIn: number;
      readonly timeStep: number;
    }
  | {
      readonly type: 'chunk';
      readonly runId: number;
      readonly start: number;
      readonly steps: number;
      readonly members: number;
      readonly width: number;
      readonly data: Float32Array;
    }
  | { readonly type: 'runFinished'; readonly runId: number; readonly steps: number; readonly summary: string }
  | {
      readonly type: 'runFailed';
      readonly runId: number | null;
      readonly problem: string;
      readonly message: string;
      readonly step?: number;
    }
  | {
      readonly type: 'metrics';
      readonly runId: number;
      readonly table: MetricsTable;
      readonly reference?: ReferenceTrack;
    }
  | { readonly type: 'notice'; readonly message: string }
  /** The data file the metrics compare with (`label` null: the true system again); the webview keeps `saved`. */
  | { readonly type: 'dataChosen'; readonly label: string | null; readonly saved: SavedDataChoice | null };

export type PreviewToHost =
  | AnalysisToHost
  | { readonly type: 'ready' }
  | { readonly type: 'run'; readonly params: RunParameters }
  | { readonly type: 'cancel' }
  | { readonly type: 'export'; readonly format: 'csv' | 'npy' }
  | { readonly type: 'exportPng'; readonly dataUrl: string }
  | { readonly type: 'compare' }
  | { readonly type: 'chooseData' }
  | { readonly type: 'clearData' };

/** The model card's buttons (the card itself is rendered by the host). */
export type CardToHost =
  | { readonly type: 'preview' }
  | { readonly type: 'reveal' }
  | { readonly type: 'openPaper' }
  | { readonly type: 'setKind'; readonly kind: 'map' | 'flow' };

export function parseCardToHost(value: unknown): CardToHost | undefined {
  if (!isRecord(value)) return undefined;
  if (value.type === 'preview' || value.type === 'reveal' || value.type === 'openPaper') return { type: value.type };
  if (value.type === 'setKind' && (value.kind === 'map' || value.kind === 'flow'))
    return { type: 'setKind', kind: value.kind };
  return undefined;
}

/** A data file chosen with "Compare with Data…" and, per model output, its data column (null: not compared). */
export interface SavedDataChoice {
  readonly file: string;
  readonly mapping: readonly (number | null)[];
}

/** Persisted by the webview so the panel comes back after a reload, comparing with the same data. */
export interface PreviewPanelState {
  readonly file: string;
  readonly data?: SavedDataChoice;
  /** The last dynamics analysis (kept and validated by the webview; see src/insight/analysisProtocol.ts). */
  readonly analysis?: unknown;
  /** Read from `analysis` on restore: the version of the file it was made of (null: a view without one). */
  readonly analysisVersion?: string | null;
}

const MAX_PNG_URL = 40_000_000;

export function parseRunParameters(v: unknown): RunParameters | undefined {
  if (!isRecord(v)) return undefined;
  const { initialState, steps, dt, members, perturbation, burnIn } = v;
  if (
    !Array.isArray(initialState) ||
    initialState.length === 0 ||
    initialState.length > 100_000 ||
    !initialState.every(isFiniteNumber)
  )
    return undefined;
  if (
    !isFiniteNumber(steps) ||
    !isFiniteNumber(dt) ||
    !isFiniteNumber(members) ||
    !isFiniteNumber(perturbation) ||
    !isFiniteNumber(burnIn)
  )
    return undefined;
  return { initialState: initialState as number[], steps, dt, members, perturbation, burnIn };
}

export function parsePreviewToHost(value: unknown): PreviewToHost | undefined {
  if (!isRecord(value)) return undefined;
  switch (value.type) {
    case 'ready':
    case 'cancel':
    case 'compare':
    case 'chooseData':
    case 'clearData':
      return { type: value.type };
    case 'run': {
      const params = parseRunParameters(value.params);
      return params ? { type: 'run', params } : undefined;
    }
    case 'export':
      return value.format === 'csv' || value.format === 'npy' ? { type: 'export', format: value.format } : undefined;
    case 'exportPng':
      return typeof value.dataUrl === 'string' &&
        value.dataUrl.startsWith('data:image/png;base64,') &&
        value.dataUrl.length < MAX_PNG_URL
        ? { type: 'exportPng', dataUrl: value.dataUrl }
        : undefined;
    default:
      return parseAnalysisToHost(value);
  }
}

function toFloat32(v: unknown): Float32Array | undefined {
  if (v instanceof Float32Array) return v;
  if (Array.isArray(v) && v.every((x) => typeof x === 'number' || x === null))
    return Float32Array.from(v as number[], (x) => (x === null ? NaN : x));
  // Some transports deliver typed arrays as plain objects with numeric keys.
  if (isRecord(v)) {
    const values = Object.values(v);
    if (values.every((x) => typeof x === 'number')) return Float32Array.from(values as number[]);
  }
  return undefined;
}

function parseMetrics(v: unknown): MetricsTable | undefined {
  if (!isRecord(v) || typeof v.title !== 'string' || !Array.isArray(v.rows)) return undefined;
  const rows: MetricsRow[] = [];
  for (const r of v.rows) {
    if (!isRecord(r) || typeof r.name !== 'string' || typeof r.value !== 'string') return undefined;
    rows.push({
      name: r.name,
      value: r.value,
      reference: typeof r.reference === 'string' ? r.reference : undefined,
      note: typeof r.note === 'string' ? r.note : undefined,
      tooltip: typeof r.tooltip === 'string' ? r.tooltip.slice(0, 1000) : undefined,
    });
  }
  return { title: v.title, rows, note: typeof v.note === 'string' ? v.note : undefined };
}

function parseReference(v: unknown): ReferenceTrack | undefined {
  if (!isRecord(v) || typeof v.label !== 'string') return undefined;
  const { stride, rows, width } = v;
  if (![stride, rows, width].every((n) => isFiniteNumber(n) && Number.isInteger(n) && (n as number) >= 1))
    return undefined;
  const data = toFloat32(v.data);
  if (!data || data.length > MAX_REFERENCE_VALUES || data.length !== (rows as number) * (width as number))
    return undefined;
  return { label: v.label.slice(0, 200), stride: stride as number, rows: rows as number, width: width as number, data };
}

/** Validates what the host sent (the webview side). */
export function parseHostToPreview(value: unknown): HostToPreview | undefined {
  if (!isRecord(value)) return undefined;
  switch (value.type) {
    case 'init':
      return isRecord(value.model) && typeof value.model.fileName === 'string' && isRecord(value.model.defaults)
        ? { type: 'init', model: value.model as unknown as PreviewModel }
        : undefined;
    case 'runStarted':
      return ['runId', 'steps', 'members', 'width', 'burnIn', 'timeStep'].every((k) => isFiniteNumber(value[k]))
        ? (value as unknown as HostToPreview)
        : undefined;
    case 'chunk': {
      if (!['runId', 'start', 'steps', 'members', 'width'].every((k) => isFiniteNumber(value[k]))) return undefined;
      const data = toFloat32(value.data);
      const n = (value.steps as number) * (value.members as number) * (value.width as number);
      if (!data || data.length !== n) return undefined;
      return {
        type: 'chunk',
        runId: value.runId as number,
        start: value.start as number,
        steps: value.steps as number,
        members: value.members as number,
        width: value.width as number,
        data,
      };
    }
    case 'runFinished':
      return isFiniteNumber(value.runId) && isFiniteNumber(value.steps) && typeof value.summary === 'string'
        ? (value as unknown as HostToPreview)
        : undefined;
    case 'runFailed':
      return typeof value.message === 'string' && typeof value.problem === 'string'
        ? {
            type: 'runFailed',
            runId: isFiniteNumber(value.runId) ? value.runId : null,
            problem: value.problem,
            message: value.message,
            step: isFiniteNumber(value.step) ? value.step : undefined,
          }
        : undefined;
    case 'metrics': {
      const table = parseMetrics(value.table);
      if (!table || !isFiniteNumber(value.runId)) return undefined;
      if (value.reference === undefined) return { type: 'metrics', runId: value.runId, table };
      const reference = parseReference(value.reference);
      return reference ? { type: 'metrics', runId: value.runId, table, reference } : undefined;
    }
    case 'notice':
      return typeof value.message === 'string' ? { type: 'notice', message: value.message } : undefined;
    case 'dataChosen': {
      if (value.label === null) return { type: 'dataChosen', label: null, saved: null };
      const saved = parseSavedData(value.saved);
      return typeof value.label === 'string' && saved
        ? { type: 'dataChosen', label: value.label.slice(0, 500), saved }
        : undefined;
    }
    default:
      return parseAnalysisToPreview(value);
  }
}

const validPath = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length < 4096;

function parseSavedData(v: unknown): SavedDataChoice | undefined {
  if (!isRecord(v) || !validPath(v.file) || !Array.isArray(v.mapping) || v.mapping.length > 100_000) return undefined;
  const mapping = v.mapping as unknown[];
  if (!mapping.every((m) => m === null || (typeof m === 'number' && Number.isInteger(m) && m >= 0))) return undefined;
  return { file: v.file, mapping: mapping as (number | null)[] };
}

export function parsePreviewPanelState(value: unknown): PreviewPanelState | undefined {
  if (!isRecord(value) || !validPath(value.file)) return undefined;
  const data = value.data === undefined ? undefined : parseSavedData(value.data);
  const analysisVersion = savedAnalysisVersion(value.analysis);
  return {
    file: value.file,
    ...(data ? { data } : {}),
    ...(analysisVersion !== undefined ? { analysisVersion } : {}),
  };
}
