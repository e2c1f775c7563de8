/**
 * Comparisons of a finished run with a ground truth, registered from outside so the preview panel knows no
 * reference system or data file: register a `PreviewComparison`; after each finished run the panel asks those that apply for a
 * `MetricsTable` and shows it under the plots (message `metrics`, see previewProtocol.ts), with the reference
 * trajectory, when there is one, overlaid on the plots.
 */
import type { Simulate } from '../metrics/modelRuns';
import type { MetricsTable, ReferenceTrack, RunParameters } from './previewProtocol';
import type { CancelSignal, RolloutChunk, RolloutRequest } from './runtime';
import type { DynamicsMetadata, Signature } from './signature';

export interface CompletedRun {
  /** Absolute path of the model file. */
  readonly file: string;
  readonly signature: Signature;
  readonly metadata: DynamicsMetadata;
  readonly params: RunParameters;
  /** Rows after the burn-in. */
  readonly steps: number;
  readonly members: number;
  readonly width: number;
  /** Time between rows (dt for flows, dynamics.dt or 1 for maps). */
  readonly timeStep: number;
  /** `[steps, members, width]` float32, row-major, burn-in dropped. */
  readonly data: Float32Array;
  /**
   * Runs the model again from the given states (each `signature.dim` long, at most 64): the rows after 1..steps
   * steps, `[steps, states, width]`. For measures that need the model itself (λmax, n-step prediction error).
   */
  readonly simulate?: Simulate;
  /**
   * For a model whose emitted values are the first `width` of a larger state (hidden state, e.g. an ESN): the
   * same runs, returning whole states (`signature.dim` values per row).
   */
  readonly simulateState?: Simulate;
}

export interface ComparisonResult {
  readonly table: MetricsTable;
  /** What the run was compared with (decimated, see decimateReference), drawn over the model's plots. */
  readonly reference?: ReferenceTrack;
}

export interface PreviewComparison {
  readonly id: string;
  /** E.g. only models whose metadata names a reference system (`dynamics.system`). */
  appliesTo(model: { readonly file: string; readonly metadata: DynamicsMetadata }): boolean;
  compare(run: CompletedRun, signal: { readonly cancelled: boolean }): Promise<ComparisonResult | undefined>;
}

export class PreviewComparisons {
  private readonly items = new Map<string, PreviewComparison>();

  /** Returns a function that unregisters it. */
  register(comparison: PreviewComparison): () => void {
    this.items.set(comparison.id, comparison);
    return () => {
      if (this.items.get(comparison.id) === comparison) this.items.delete(comparison.id);
    };
  }

  applicable(model: { readonly file: string; readonly metadata: DynamicsMetadata }): PreviewComparison[] {
    return [...this.items.values()].filter((c) => {
      try {
        return c.appliesTo(model);
      } catch {
        return false;
      }
    });
  }
}

/** The runtime's `lastRows`: the emitted row after `steps` steps from each of many states. */
export type LastRows = (
  file: string,
  signature: Signature,
  states: Float64Array,
  count: number,
  steps: number,
  dt: number,
  signal: CancelSignal,
) => Promise<Float32Array>;

/**
 * A `Simulate` over the runtime's rollout: one call per batch of states, as one chunk, rows concatenated; with
 * `lastRows`, also its `last` (many restarts in large batches, last rows only).
 */
export function rolloutSimulator(
  rollout: (
    file: string,
    request: RolloutRequest,
    onChunk: (chunk: RolloutChunk) => void,
    signal: CancelSignal,
  ) => Promise<unknown>,
  file: string,
  signature: Signature,
  dt: number,
  signal: CancelSignal,
  lastRows?: LastRows,
): Simulate {
  const simulate = async (initialStates: readonly (readonly number[])[], steps: number) => {
    const parts: Float32Array[] = [];
    await rollout(
      file,
      { signature, initialStates, steps, dt, chunkSteps: steps },
      (c) => void parts.push(c.data),
      signal,
    );
    const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const p of parts) {
      out.set(p, offset);
      offset += p.length;
    }
    return out;
  };
  if (!lastRows) return simulate;
  return Object.assign(simulate, {
    last: (states: Float64Array, count: number, steps: number) =>
      lastRows(file, signature, states, count, steps, dt, signal),
  });
}
