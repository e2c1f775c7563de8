/**
 * The seam through which "Model zoo and metrics" adds a ground-truth comparison to previews without touching the
 * panel: register a `PreviewComparison`; after each finished run the panel asks those that apply for a
 * `MetricsTable` and shows it under the plots (message `metrics`, see previewProtocol.ts), with the reference
 * trajectory, when there is one, overlaid on the plots. Pure: no vscode.
 */
import type { MetricsTable, ReferenceTrack, RunParameters } from './previewProtocol';
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
