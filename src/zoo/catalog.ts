/**
 * media/models/index.json: what the zoo holds, readable without decoding any model (the Papers tree uses it to
 * find the papers that have a model). Written by `npm run build:models`.
 */
export const CATALOG_FILE = 'index.json';

/** A paper a zoo model relates to. */
export interface PaperRef {
  readonly title: string;
  readonly arxiv?: string;
  /** How the model relates to the paper, one line. */
  readonly relation: string;
}

export type ZooKind = 'map' | 'flow' | 'rollout';

export interface CatalogEntry {
  readonly name: string;
  readonly file: string;
  readonly card: string;
  readonly title: string;
  readonly kind: ZooKind;
  readonly system: string;
  readonly papers: readonly PaperRef[];
  readonly bytes: number;
  readonly scores?: {
    readonly validPredictionLyapunovTimes: number | null;
    readonly validPredictionSteps: number;
    readonly threshold: number;
    readonly stateSpaceDivergence: number;
    readonly spectralDistance: number;
    readonly lyapunovModel: number;
    readonly lyapunovSystem: number;
    /** n-step prediction error (Hess et al. 2023): MSE n steps after each start; null when it could not be computed. */
    readonly predictionError: number | null;
    readonly predictionErrorSteps: number;
    readonly predictionErrorStarts: number;
    /** The model's first Lyapunov exponents (QR method) and the Kaplan–Yorke dimension from them. */
    readonly lyapunovSpectrumModel: readonly number[];
    readonly kaplanYorkeModel: number | null;
    readonly steps: number;
  };
}

export interface Catalog {
  readonly version: string;
  readonly models: readonly CatalogEntry[];
}

/** Reads and checks a catalog; throws with what is wrong. */
export function parseCatalog(value: unknown): Catalog {
  const v = value as Partial<Catalog> | null;
  if (typeof v !== 'object' || v === null || !Array.isArray(v.models))
    throw new Error('the model catalog has no "models" list');
  for (const m of v.models) {
    if (typeof m?.name !== 'string' || typeof m.file !== 'string' || !Array.isArray(m.papers))
      throw new Error('a model catalog entry lacks name, file or papers');
  }
  return { version: String(v.version ?? ''), models: v.models };
}
