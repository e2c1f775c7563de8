import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../core/atomicWrite';
import { DEFAULT_VPT_THRESHOLD } from '../../metrics/index';
import { CATALOG_FILE, type Catalog, type CatalogEntry } from '../catalog';
import { compareModelBytes } from './compareModels';
import {
  buildZooEntries,
  cardText,
  encodeEntry,
  scoreEntry,
  ZOO_VERSION,
  type EntryScores,
  type ZooBuildOptions,
  type ZooEntry,
} from './zoo';

/** Four significant digits: the catalog is read by people too. */
const r = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(4)) : v);

export function catalogScores(s: EntryScores): CatalogEntry['scores'] {
  return {
    validPredictionLyapunovTimes:
      s.validPrediction.lyapunovTimes === undefined ? null : r(s.validPrediction.lyapunovTimes),
    validPredictionSteps: s.validPrediction.steps,
    threshold: s.validPrediction.threshold,
    stateSpaceDivergence: r(s.stateSpaceDivergence),
    spectralDistance: r(s.spectralDistance),
    lyapunovModel: r(s.lyapunovModel),
    lyapunovSystem: r(s.lyapunovSystem),
    predictionError: Number.isFinite(s.predictionError.value) ? r(s.predictionError.value) : null,
    predictionErrorSteps: s.predictionError.n,
    predictionErrorStarts: s.predictionError.starts,
    lyapunovSpectrumModel: s.spectrumModel.exponents.map(r),
    kaplanYorkeModel: s.spectrumModel.kaplanYorke === undefined ? null : r(s.spectrumModel.kaplanYorke),
    steps: s.steps,
  };
}

/**
 * Builds the zoo into a folder: <name>.onnx, <name>.md (the model card, also the ONNX doc string) and
 * index.json. Files are written atomically (temp file + rename).
 */
export interface BuiltZoo {
  readonly entries: readonly ZooEntry[];
  readonly catalog: Catalog;
  readonly files: ReadonlyMap<string, Uint8Array>;
  readonly seconds: number;
}

export async function buildZoo(
  options: ZooBuildOptions & { readonly log?: (line: string) => void } = {},
): Promise<BuiltZoo> {
  const log = options.log ?? (() => {});
  const started = performance.now();
  const entries = buildZooEntries(options);
  log(`trained and built ${entries.length} graphs in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const files = new Map<string, Uint8Array>();
  const models: CatalogEntry[] = [];
  for (const entry of entries) {
    const scores = entry.learned ? await scoreEntry(entry) : undefined;
    const card = cardText(entry, scores, DEFAULT_VPT_THRESHOLD);
    const bytes = encodeEntry(entry, card);
    files.set(`${entry.name}.onnx`, bytes);
    files.set(`${entry.name}.md`, new TextEncoder().encode(card));
    models.push({
      name: entry.name,
      file: `${entry.name}.onnx`,
      card: `${entry.name}.md`,
      title: entry.title,
      kind: entry.kind,
      system: entry.system.id,
      papers: entry.papers,
      bytes: bytes.length,
      ...(scores ? { scores: catalogScores(scores) } : {}),
    });
    log(
      `${entry.name}: ${bytes.length} bytes, ${entry.graph.nodeCount} nodes${scores ? `, VPT ${scores.validPrediction.lyapunovTimes?.toFixed(2)} Λ, D_stsp ${scores.stateSpaceDivergence.toFixed(3)}, D_H ${scores.spectralDistance.toFixed(3)}, PE ${scores.predictionError.value.toExponential(2)}, λ ${scores.lyapunovModel.toFixed(3)}, D_KY ${scores.spectrumModel.kaplanYorke?.toFixed(3)}` : ''}`,
    );
  }
  const catalog: Catalog = { version: ZOO_VERSION, models };
  files.set(CATALOG_FILE, new TextEncoder().encode(`${JSON.stringify(catalog, null, 2)}\n`));
  return { entries, catalog, files, seconds: (performance.now() - started) / 1000 };
}

export async function writeZoo(zoo: BuiltZoo, dir: string): Promise<void> {
  for (const [name, bytes] of zoo.files) await writeFileAtomic(join(dir, name), bytes);
  // models dropped from the zoo: remove their files, nothing else
  const keep = new Set(zoo.files.keys());
  for (const f of readdirSync(dir)) if (/\.(onnx|md)$/.test(f) && !keep.has(f)) rmSync(join(dir, f));
}

export interface CheckResult {
  readonly ok: boolean;
  readonly problems: readonly string[];
  readonly identical: number;
  readonly withinTolerance: number;
}

/** Compares a fresh build with the files in `dir`: ONNX files within tolerance, cards and catalog exactly. */
export function checkZoo(zoo: BuiltZoo, dir: string, tolerance = DEFAULT_WEIGHT_TOLERANCE): CheckResult {
  const problems: string[] = [];
  let identical = 0;
  let withinTolerance = 0;
  for (const [name, bytes] of zoo.files) {
    const path = join(dir, name);
    if (!existsSync(path)) {
      problems.push(`${name}: missing from the committed zoo`);
      continue;
    }
    const committed = new Uint8Array(readFileSync(path));
    if (Buffer.compare(Buffer.from(committed), Buffer.from(bytes)) === 0) {
      identical++;
      continue;
    }
    if (!name.endsWith('.onnx')) {
      // cards and catalog hold scores printed to 3–4 digits: a change there is a real change
      problems.push(`${name}: differs from the committed file`);
      continue;
    }
    const diff = compareModelBytes(committed, bytes, tolerance);
    if (diff.length) problems.push(...diff.map((d) => `${name}: ${d}`));
    else withinTolerance++;
  }
  return { ok: problems.length === 0, problems, identical, withinTolerance };
}

/** Weights may differ by this much relative to the tensor's largest magnitude (other Node/V8 versions). */
export const DEFAULT_WEIGHT_TOLERANCE = 1e-4;
