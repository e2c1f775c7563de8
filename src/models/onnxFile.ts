/**
 * Reads what an .onnx file is without running it: the model card's facts (IR version, opsets, producer,
 * inputs and outputs with symbolic dims, metadata, op counts, parameter count). The file is decoded once;
 * initializers are only measured (name, type, dims), their data is skipped, so a 500 MB export reads fast.
 * No onnxruntime.
 */
import { onnx } from 'onnx-proto';
import { Reader } from 'protobufjs/minimal';
import { externalTensor, visitGraphTensors, visitNodeTensors, type ExternalTensor } from './externalData';
import type { Dim } from '../core/onnxBuild';
import { ModelFileError } from './modelErrors';

export interface TensorInfo {
  readonly name: string;
  /** `float32`, `float64`, `int64`, `bool`, … or `unknown`. */
  readonly elemType: string;
  /** Undefined when the file states no shape. */
  readonly shape: readonly Dim[] | undefined;
}

export interface ModelInfo {
  readonly sizeBytes: number;
  readonly irVersion: number;
  readonly opsets: readonly { readonly domain: string; readonly version: number }[];
  readonly producerName: string;
  readonly producerVersion: string;
  readonly docString: string;
  readonly graphName: string;
  /** Graph inputs that are not initializers (old exporters list weights as inputs too). */
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
  readonly metadata: Readonly<Record<string, string>>;
  /** Nodes of the main graph by op type (`Loop` bodies and other subgraphs counted in `subgraphNodeCount`). */
  readonly opCounts: Readonly<Record<string, number>>;
  readonly nodeCount: number;
  readonly subgraphNodeCount: number;
  /** Ops outside the default domain, as `domain::Op`. */
  readonly customOps: readonly string[];
  readonly parameterCount: number;
  readonly initializerCount: number;
  readonly usesExternalData: boolean;
  /** Every tensor anywhere in the model whose data is in another file (see externalData.ts). */
  readonly externalData: readonly ExternalTensor[];
}

const ELEM_TYPES: Readonly<Record<number, string>> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  14: 'complex64',
  15: 'complex128',
  16: 'bfloat16',
};

export function elemTypeName(code: number | null | undefined): string {
  return (code != null && ELEM_TYPES[code]) || 'unknown';
}

/** protobufjs reads int64 as a Long (low/high 32-bit halves) when the long package is present. */
type LongLike = number | { readonly low: number; readonly high: number; toNumber?: () => number };

export function toNumber(v: LongLike | null | undefined): number {
  if (v == null) return 0;
  if (typeof v === 'number') return v;
  return typeof v.toNumber === 'function' ? v.toNumber() : v.high * 2 ** 32 + (v.low >>> 0);
}

export function tensorInfo(v: onnx.IValueInfoProto): TensorInfo {
  const t = v.type?.tensorType;
  const dims = t?.shape?.dim;
  return {
    name: v.name ?? '',
    elemType: elemTypeName(t?.elemType),
    shape: t?.shape
      ? (dims ?? []).map((d) => (d.dimParam ? d.dimParam : d.dimValue != null ? toNumber(d.dimValue) : null))
      : undefined,
  };
}

interface InitializerSummary {
  readonly name: string;
  readonly elements: number;
  readonly external: boolean;
  readonly location: string | undefined;
}

/** Wire types: 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32. */
const LENGTH_DELIMITED = 2;

/** Name and size of an initializer, skipping its data. */
function readInitializer(reader: Reader, end: number): InitializerSummary {
  let name = '';
  let elements = 1;
  let external = false;
  let location: string | undefined;
  while (reader.pos < end) {
    const tag = reader.uint32();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === 1) {
      if (wire === LENGTH_DELIMITED) {
        const stop = reader.uint32() + reader.pos;
        while (reader.pos < stop) elements *= toNumber(reader.int64());
      } else {
        elements *= toNumber(reader.int64());
      }
    } else if (field === 8 && wire === LENGTH_DELIMITED) {
      name = reader.string();
    } else if (field === 13 && wire === LENGTH_DELIMITED) {
      const e = onnx.StringStringEntryProto.decode(reader, reader.uint32());
      if (e.key === 'location') location = e.value;
    } else if (field === 14 && wire === 0) {
      external = reader.int32() === 1;
    } else {
      reader.skipType(wire);
    }
  }
  return { name, elements, external, location };
}

interface GraphScan {
  name: string;
  docString: string;
  nodes: onnx.NodeProto[];
  inputs: onnx.ValueInfoProto[];
  outputs: onnx.ValueInfoProto[];
  initializers: InitializerSummary[];
  /** Sparse initializers are rare and small: decoded in full, only looked at for external data. */
  sparse: onnx.SparseTensorProto[];
}

function readGraph(reader: Reader, end: number): GraphScan {
  const g: GraphScan = { name: '', docString: '', nodes: [], inputs: [], outputs: [], initializers: [], sparse: [] };
  while (reader.pos < end) {
    const tag = reader.uint32();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (wire !== LENGTH_DELIMITED) {
      reader.skipType(wire);
      continue;
    }
    switch (field) {
      case 1:
        g.nodes.push(onnx.NodeProto.decode(reader, reader.uint32()));
        break;
      case 2:
        g.name = reader.string();
        break;
      case 5: {
        const len = reader.uint32();
        g.initializers.push(readInitializer(reader, reader.pos + len));
        break;
      }
      case 10:
        g.docString = reader.string();
        break;
      case 11:
        g.inputs.push(onnx.ValueInfoProto.decode(reader, reader.uint32()));
        break;
      case 12:
        g.outputs.push(onnx.ValueInfoProto.decode(reader, reader.uint32()));
        break;
      case 15:
        g.sparse.push(onnx.SparseTensorProto.decode(reader, reader.uint32()));
        break;
      default:
        reader.skipType(wire);
    }
  }
  return g;
}

function subgraphNodes(nodes: readonly onnx.INodeProto[]): number {
  let count = 0;
  for (const n of nodes) {
    for (const a of n.attribute ?? []) {
      for (const g of [...(a.g ? [a.g] : []), ...(a.graphs ?? [])]) {
        const inner = g.node ?? [];
        count += inner.length + subgraphNodes(inner);
      }
    }
  }
  return count;
}

/** Throws ModelFileError with a reason a person can act on. */
export function inspectOnnx(bytes: Uint8Array): ModelInfo {
  if (bytes.length === 0) throw new ModelFileError('empty', 'The file is empty (0 bytes).');
  if (looksLikeText(bytes)) {
    throw new ModelFileError('notOnnx', 'This is a text file, not an ONNX model (ONNX files are binary protobuf).');
  }
  const reader = Reader.create(bytes);
  let irVersion = 0;
  let producerName = '';
  let producerVersion = '';
  let docString = '';
  let graph: GraphScan | undefined;
  const opsets: { domain: string; version: number }[] = [];
  const metadata: Record<string, string> = {};
  const functions: onnx.FunctionProto[] = [];
  const training: onnx.TrainingInfoProto[] = [];
  try {
    while (reader.pos < reader.len) {
      const tag = reader.uint32();
      const field = tag >>> 3;
      const wire = tag & 7;
      if (field === 0 || wire > 5 || wire === 3 || wire === 4)
        throw new Error(`invalid wire type ${wire} at offset ${reader.pos}`);
      if (field === 1 && wire === 0) irVersion = toNumber(reader.int64());
      else if (field === 2 && wire === LENGTH_DELIMITED) producerName = reader.string();
      else if (field === 3 && wire === LENGTH_DELIMITED) producerVersion = reader.string();
      else if (field === 6 && wire === LENGTH_DELIMITED) docString = reader.string();
      else if (field === 7 && wire === LENGTH_DELIMITED) {
        const len = reader.uint32();
        const end = reader.pos + len;
        if (end > reader.len) throw new RangeError('index out of range');
        graph = readGraph(reader, end);
      } else if (field === 8 && wire === LENGTH_DELIMITED) {
        const o = onnx.OperatorSetIdProto.decode(reader, reader.uint32());
        opsets.push({ domain: o.domain ?? '', version: toNumber(o.version) });
      } else if (field === 14 && wire === LENGTH_DELIMITED) {
        const e = onnx.StringStringEntryProto.decode(reader, reader.uint32());
        metadata[e.key] = e.value;
      } else if (field === 20 && wire === LENGTH_DELIMITED) {
        training.push(onnx.TrainingInfoProto.decode(reader, reader.uint32()));
      } else if (field === 25 && wire === LENGTH_DELIMITED) {
        functions.push(onnx.FunctionProto.decode(reader, reader.uint32()));
      } else reader.skipType(wire);
    }
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (/index out of range/i.test(message) && bytes[0] === 0x08 && bytes.length > 2) {
      throw new ModelFileError(
        'truncated',
        `The file ends early (${bytes.length} bytes): it looks like a cut-off ONNX model. Export or download it again.`,
        message,
      );
    }
    throw new ModelFileError('notOnnx', 'This file is not an ONNX model: its bytes are not an ONNX protobuf.', message);
  }
  if (!graph || irVersion <= 0 || irVersion > 100 || opsets.length === 0) {
    const missing = !graph ? 'no graph' : opsets.length === 0 ? 'no opset import' : `IR version ${irVersion}`;
    throw new ModelFileError('notOnnx', `This file is not an ONNX model (${missing}).`);
  }

  const externalData: ExternalTensor[] = graph.initializers
    .filter((i) => i.external)
    .map((i) => ({ tensor: i.name, location: i.location, where: 'initializer' }));
  const collect = (t: onnx.ITensorProto, where: string) => {
    const found = externalTensor(t, where);
    if (found) externalData.push(found);
  };
  visitGraphTensors({ sparseInitializer: graph.sparse, node: graph.nodes }, '', collect);
  for (const f of functions) visitNodeTensors(f.node, `function ${f.name} › `, collect);
  for (const t of training) {
    if (t.initialization) visitGraphTensors(t.initialization, 'training initialization › ', collect);
    if (t.algorithm) visitGraphTensors(t.algorithm, 'training algorithm › ', collect);
  }

  const initializerNames = new Set(graph.initializers.map((i) => i.name));
  const opCounts: Record<string, number> = {};
  const customOps = new Set<string>();
  for (const n of graph.nodes) {
    const op = n.domain && n.domain !== 'ai.onnx' ? `${n.domain}::${n.opType}` : n.opType;
    opCounts[op] = (opCounts[op] ?? 0) + 1;
    if (n.domain && n.domain !== 'ai.onnx') customOps.add(op);
  }
  return {
    sizeBytes: bytes.length,
    irVersion,
    opsets,
    producerName,
    producerVersion,
    docString,
    graphName: graph.name,
    inputs: graph.inputs.filter((i) => !initializerNames.has(i.name)).map(tensorInfo),
    outputs: graph.outputs.map(tensorInfo),
    metadata,
    opCounts,
    nodeCount: graph.nodes.length,
    subgraphNodeCount: subgraphNodes(graph.nodes),
    customOps: [...customOps],
    parameterCount: graph.initializers.reduce((s, i) => s + i.elements, 0),
    initializerCount: graph.initializers.length,
    usesExternalData: externalData.length > 0,
    externalData,
  };
}

function looksLikeText(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 512);
  for (let i = 0; i < n; i++) {
    const b = bytes[i];
    if (b < 9 || (b > 13 && b < 32)) return false;
  }
  return n > 0;
}
