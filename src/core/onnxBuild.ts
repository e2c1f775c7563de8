/**
 * The pieces of an ONNX model written with onnx-proto: value infos, initializers, nodes, attributes, the model
 * and its encoding. The rollout graph builder, the zoo's GraphBuilder (core/onnxGraph.ts), the test fixtures and
 * the benchmarks all write models with these, so every model Attractor writes is encoded one way.
 */
import { onnx } from 'onnx-proto';

export const FLOAT = onnx.TensorProto.DataType.FLOAT;
export const DOUBLE = onnx.TensorProto.DataType.DOUBLE;
export const INT64 = onnx.TensorProto.DataType.INT64;
export const BOOL = onnx.TensorProto.DataType.BOOL;

/** The element types a dynamics model may use for its state. */
export type FloatType = 'float32' | 'float64';

export function onnxFloatType(t: FloatType): number {
  return t === 'float64' ? DOUBLE : FLOAT;
}

/** A dimension: a number is fixed, a string is symbolic (`'B'`), null is unknown. */
export type Dim = number | string | null;

export function valueInfo(name: string, elemType: number, shape: readonly Dim[] | undefined): onnx.IValueInfoProto {
  const tensorType: onnx.TypeProto.ITensor = { elemType };
  if (shape) {
    tensorType.shape = {
      dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : typeof d === 'string' ? { dimParam: d } : {})),
    };
  }
  return { name, type: { tensorType } };
}

export function floatTensor(
  name: string,
  dims: readonly number[],
  values: ArrayLike<number>,
  type: FloatType = 'float32',
): onnx.ITensorProto {
  const data = type === 'float64' ? Float64Array.from(values) : Float32Array.from(values);
  return {
    name,
    dataType: onnxFloatType(type),
    dims: [...dims],
    rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  };
}

export function int64Tensor(name: string, dims: readonly number[], values: readonly number[]): onnx.ITensorProto {
  const data = BigInt64Array.from(values.map((v) => BigInt(v)));
  return { name, dataType: INT64, dims: [...dims], rawData: new Uint8Array(data.buffer) };
}

export function boolTensor(name: string, value: boolean): onnx.ITensorProto {
  return { name, dataType: BOOL, dims: [], rawData: Uint8Array.of(value ? 1 : 0) };
}

export type AttributeValue =
  number | string | readonly number[] | onnx.ITensorProto | onnx.IGraphProto | { readonly float: number };

function attribute(name: string, value: AttributeValue): onnx.IAttributeProto {
  const A = onnx.AttributeProto.AttributeType;
  if (typeof value === 'number') {
    return Number.isInteger(value) ? { name, type: A.INT, i: value } : { name, type: A.FLOAT, f: value };
  }
  if (typeof value === 'string') return { name, type: A.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: A.INTS, ints: [...(value as number[])] };
  if ('float' in value) return { name, type: A.FLOAT, f: (value as { float: number }).float };
  if ('node' in value) return { name, type: A.GRAPH, g: value as onnx.IGraphProto };
  return { name, type: A.TENSOR, t: value as onnx.ITensorProto };
}

export function node(
  opType: string,
  inputs: readonly string[],
  outputs: readonly string[],
  attributes: Readonly<Record<string, AttributeValue>> = {},
  name?: string,
): onnx.INodeProto {
  return {
    opType,
    input: [...inputs],
    output: [...outputs],
    name: name ?? `${opType}_${outputs[0] ?? ''}`,
    attribute: Object.entries(attributes).map(([k, v]) => attribute(k, v)),
  };
}

export interface ModelSpec {
  readonly graph: onnx.IGraphProto;
  readonly opset?: number;
  readonly irVersion?: number;
  readonly producerName?: string;
  readonly producerVersion?: string;
  readonly docString?: string;
  readonly metadata?: Readonly<Record<string, string>>;
}

/** IR version 8 goes with opsets 13–18; 9 and 10 with 19–21 (what exporters write). */
export function irVersionFor(opset: number): number {
  return opset >= 21 ? 10 : opset >= 19 ? 9 : 8;
}

export function model(spec: ModelSpec): onnx.IModelProto {
  const opset = spec.opset ?? 17;
  return {
    irVersion: spec.irVersion ?? irVersionFor(opset),
    opsetImport: [{ domain: '', version: opset }],
    producerName: spec.producerName ?? 'attractor',
    // Only when given: an empty string would still be encoded, and change the bytes of models written before.
    ...(spec.producerVersion === undefined ? {} : { producerVersion: spec.producerVersion }),
    docString: spec.docString ?? '',
    graph: spec.graph,
    metadataProps: Object.entries(spec.metadata ?? {}).map(([key, value]) => ({ key, value })),
  };
}

export function encodeModel(m: onnx.IModelProto): Uint8Array {
  return onnx.ModelProto.encode(m).finish();
}

export function decodeModel(bytes: Uint8Array): onnx.ModelProto {
  return onnx.ModelProto.decode(bytes);
}

/** The metadata_props of a model as a plain record. */
export function modelMetadata(m: onnx.IModelProto): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of m.metadataProps ?? []) if (p.key) out[p.key] = p.value ?? '';
  return out;
}
