/**
 * ONNX tensors whose bytes live in another file (`data_location = EXTERNAL`, `location = "weights.bin"`).
 * onnxruntime resolves such a location against the folder of a model loaded from a path, and against the
 * process's working directory (often `/` or the home folder) for a model loaded from bytes, as previews are: a
 * model file could then read any file on disk into its weights and the preview would plot it. So every tensor of
 * the whole model is found (initializers, sparse initializers, tensor attributes such as `Constant` values, every
 * subgraph of `Loop`/`If`/`Scan`, functions), each location is checked to name a regular file beside the model
 * in the same folder, and the bytes are read here and put into the model: onnxruntime never sees an external
 * reference, so the working directory never decides anything. No onnxruntime.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { onnx } from 'onnx-proto';

/** One tensor whose data is in another file, and where in the model it is. */
export interface ExternalTensor {
  readonly tensor: string;
  /** The `location` entry as written in the file (undefined when missing). */
  readonly location: string | undefined;
  /** `initializer`, `Constant node "c0"`, `Loop "loop" body › initializer`, … */
  readonly where: string;
}

const EXTERNAL = 1;
/** Inlined external data is capped well below protobuf's 2 GB message limit. */
export const MAX_INLINED_BYTES = 1024 * 1024 * 1024;

type Tensor = onnx.ITensorProto;
type Graph = onnx.IGraphProto;

const entry = (t: Tensor, key: string): string | undefined =>
  t.externalData?.find((e) => e.key === key)?.value ?? undefined;

/** Calls `visit` for each tensor (with its place) in these nodes' attributes and their subgraphs, recursively. */
export function visitNodeTensors(
  nodes: readonly onnx.INodeProto[] | null | undefined,
  prefix: string,
  visit: (t: Tensor, where: string) => void,
): void {
  for (const n of nodes ?? []) {
    const node = `${prefix}${n.opType ?? '?'} node "${n.name ?? ''}"`;
    for (const a of n.attribute ?? []) {
      const at = `${node} attribute ${a.name ?? ''}`;
      if (a.t) visit(a.t, at);
      for (const t of a.tensors ?? []) visit(t, at);
      for (const s of [...(a.sparseTensor ? [a.sparseTensor] : []), ...(a.sparseTensors ?? [])]) {
        if (s.values) visit(s.values, `${at} (sparse values)`);
        if (s.indices) visit(s.indices, `${at} (sparse indices)`);
      }
      for (const g of [...(a.g ? [a.g] : []), ...(a.graphs ?? [])])
        visitGraphTensors(g, `${node} ${a.name ?? ''} › `, visit);
    }
  }
}

/** Every tensor of a decoded graph: initializers, sparse initializers and those in its nodes. */
export function visitGraphTensors(g: Graph, prefix: string, visit: (t: Tensor, where: string) => void): void {
  for (const t of g.initializer ?? []) visit(t, `${prefix}initializer`);
  for (const s of g.sparseInitializer ?? []) {
    if (s.values) visit(s.values, `${prefix}sparse initializer`);
    if (s.indices) visit(s.indices, `${prefix}sparse initializer`);
  }
  visitNodeTensors(g.node, prefix, visit);
}

/** Every tensor of a decoded model: the graph, functions and training graphs. */
export function visitModelTensors(m: onnx.IModelProto, visit: (t: Tensor, where: string) => void): void {
  if (m.graph) visitGraphTensors(m.graph, '', visit);
  for (const f of m.functions ?? []) visitNodeTensors(f.node, `function ${f.name ?? ''} › `, visit);
  for (const ti of m.trainingInfo ?? []) {
    if (ti.initialization) visitGraphTensors(ti.initialization, 'training initialization › ', visit);
    if (ti.algorithm) visitGraphTensors(ti.algorithm, 'training algorithm › ', visit);
  }
}

export function externalTensor(t: Tensor, where: string): ExternalTensor | undefined {
  return t.dataLocation === EXTERNAL ? { tensor: t.name ?? '', location: entry(t, 'location'), where } : undefined;
}

/** Why a location is refused before the disk is looked at: empty, absolute, `..`, a drive or a backslash. */
function badLocation(location: string | undefined): string | undefined {
  if (!location) return 'names no file';
  if (location.includes('\0')) return 'is not a file name';
  if (path.isAbsolute(location) || /^[A-Za-z]:/.test(location) || location.startsWith('\\'))
    return 'is an absolute path';
  if (location.includes('\\')) return 'contains a backslash';
  if (location.split('/').some((s) => s === '..')) return 'goes up out of the folder (`..`)';
  return undefined;
}

/**
 * Undefined when every external location names a regular file inside the model's own folder, symbolic links
 * followed; otherwise the sentence saying which one is refused and why.
 */
export async function refuseExternalData(
  modelFile: string,
  tensors: readonly ExternalTensor[],
): Promise<string | undefined> {
  if (!tensors.length) return undefined;
  const dir = await fs.realpath(path.dirname(modelFile));
  for (const t of tensors) {
    const what = `Tensor "${t.tensor}" (${t.where}) keeps its data in another file, and its location ${t.location ? `"${t.location}"` : ''}`;
    const bad = badLocation(t.location);
    if (bad) return `${what} ${bad}.`;
    let real: string;
    try {
      real = await fs.realpath(path.join(dir, t.location!));
    } catch {
      return `${what} does not exist beside the model.`;
    }
    const rel = path.relative(dir, real);
    if (rel.startsWith('..') || path.isAbsolute(rel))
      return `${what} leads outside the model's folder (a symbolic link).`;
    if (!(await fs.stat(real)).isFile()) return `${what} is not a regular file.`;
  }
  return undefined;
}

/**
 * The model with every external tensor's bytes read from beside `modelFile` and put in `raw_data`. Call only
 * after refuseExternalData said yes; checks offsets and lengths against the files.
 */
export async function inlineExternalData(modelFile: string, bytes: Uint8Array): Promise<Uint8Array> {
  const model = onnx.ModelProto.decode(bytes);
  const dir = await fs.realpath(path.dirname(modelFile));
  const pending: Tensor[] = [];
  visitModelTensors(model, (t) => {
    if (t.dataLocation === EXTERNAL) pending.push(t);
  });
  let total = 0;
  for (const t of pending) {
    const location = entry(t, 'location');
    if (badLocation(location)) throw new Error(`external data location "${location ?? ''}" refused`);
    const file = await fs.realpath(path.join(dir, location!));
    const rel = path.relative(dir, file);
    if (rel.startsWith('..') || path.isAbsolute(rel)) throw new Error(`external data "${location}" outside the folder`);
    const size = (await fs.stat(file)).size;
    const offset = Number(entry(t, 'offset') ?? 0);
    const length = entry(t, 'length') !== undefined ? Number(entry(t, 'length')) : size - offset;
    if (
      !Number.isSafeInteger(offset) ||
      !Number.isSafeInteger(length) ||
      offset < 0 ||
      length < 0 ||
      offset + length > size
    )
      throw new Error(
        `external data "${location}": offset ${offset} and length ${length} do not fit its ${size} bytes`,
      );
    total += length;
    if (total > MAX_INLINED_BYTES) throw new Error('the external data is larger than 1 GB');
    const handle = await fs.open(file, 'r');
    try {
      const data = new Uint8Array(length);
      await handle.read(data, 0, length, offset);
      t.rawData = data;
    } finally {
      await handle.close();
    }
    t.externalData = [];
    t.dataLocation = 0;
  }
  return onnx.ModelProto.encode(model).finish();
}
