import { onnx } from 'onnx-proto';

/**
 * A small builder for ONNX graphs over onnx-proto: named values, float32 initializers, nodes with attributes,
 * sub-graphs for `Loop`. Every zoo model is written with it at one pinned opset.
 */
export const ZOO_OPSET = 17;
/** IR version 8 is what onnx-proto 8 (ONNX 1.10) writes and what opset 17 runtimes accept. */
export const ZOO_IR_VERSION = 8;

export type Dim = number | string;
export type ElemType = 'float32' | 'int64' | 'bool';

const DATA_TYPE: Record<ElemType, onnx.TensorProto.DataType> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  int64: onnx.TensorProto.DataType.INT64,
  bool: onnx.TensorProto.DataType.BOOL,
};

export type AttrValue = number | string | readonly number[] | onnx.IGraphProto | { readonly float: number };

function valueInfo(name: string, type: ElemType, dims: readonly Dim[] | undefined): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: DATA_TYPE[type],
        shape: dims ? { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } : undefined,
      },
    },
  };
}

function attribute(name: string, value: AttrValue): onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new Error(`attribute ${name}: use { float } for non-integers`);
    return { name, type: T.INT, i: value };
  }
  if (typeof value === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: T.INTS, ints: [...(value as number[])] };
  if ('float' in (value as object)) return { name, type: T.FLOAT, f: (value as { float: number }).float };
  return { name, type: T.GRAPH, g: value as onnx.IGraphProto };
}

export class GraphBuilder {
  private readonly nodes: onnx.INodeProto[] = [];
  private readonly initializers: onnx.ITensorProto[] = [];
  private readonly inputs: onnx.IValueInfoProto[] = [];
  private readonly outputs: onnx.IValueInfoProto[] = [];
  private counter = 0;

  /** `prefix` keeps names unique when a body graph reads values of its outer graph. */
  constructor(
    readonly name: string,
    private readonly prefix = '',
  ) {}

  private fresh(hint: string): string {
    return `${this.prefix}${hint}_${this.counter++}`;
  }

  input(name: string, type: ElemType, dims?: readonly Dim[]): string {
    this.inputs.push(valueInfo(name, type, dims));
    return name;
  }

  output(name: string, type: ElemType, dims?: readonly Dim[]): void {
    this.outputs.push(valueInfo(name, type, dims));
  }

  /** A float32 weight; values are rounded to float32 here, so the JS reference can use the same numbers. */
  weight(hint: string, values: ArrayLike<number>, dims: readonly number[]): string {
    const count = dims.reduce((a, b) => a * b, 1);
    if (values.length !== count) throw new Error(`${hint}: ${values.length} values for dims [${dims.join(', ')}]`);
    const data = Float32Array.from(values);
    const name = this.fresh(hint);
    this.initializers.push({
      name,
      dataType: onnx.TensorProto.DataType.FLOAT,
      dims: [...dims],
      rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    });
    return name;
  }

  int64s(hint: string, values: readonly number[], dims: readonly number[] = [values.length]): string {
    const name = this.fresh(hint);
    const data = BigInt64Array.from(values.map((v) => BigInt(v)));
    this.initializers.push({
      name,
      dataType: onnx.TensorProto.DataType.INT64,
      dims: [...dims],
      rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    });
    return name;
  }

  scalar(hint: string, value: number): string {
    return this.weight(hint, [value], []);
  }

  /** One node with one output; returns the output's name. */
  op(opType: string, inputs: readonly string[], attrs: Record<string, AttrValue> = {}, outputName?: string): string {
    const out = outputName ?? this.fresh(opType.toLowerCase());
    this.opMulti(opType, inputs, [out], attrs);
    return out;
  }

  opMulti(
    opType: string,
    inputs: readonly string[],
    outputs: readonly string[],
    attrs: Record<string, AttrValue> = {},
  ): void {
    this.nodes.push({
      opType,
      name: `${this.prefix}${opType}_${this.nodes.length}`,
      input: [...inputs],
      output: [...outputs],
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
  }

  /** A bool scalar constant, e.g. the condition of a `Loop`. */
  constantBool(hint: string, value: boolean): string {
    const out = this.fresh(hint);
    this.nodes.push({
      opType: 'Constant',
      name: `${this.prefix}Constant_${this.nodes.length}`,
      output: [out],
      attribute: [
        {
          name: 'value',
          type: onnx.AttributeProto.AttributeType.TENSOR,
          t: { dataType: onnx.TensorProto.DataType.BOOL, dims: [], int32Data: [value ? 1 : 0] },
        },
      ],
    });
    return out;
  }

  get nodeCount(): number {
    return this.nodes.length;
  }

  graph(): onnx.IGraphProto {
    return {
      name: this.name,
      node: this.nodes,
      initializer: this.initializers,
      input: this.inputs,
      output: this.outputs,
    };
  }
}

export interface ModelOptions {
  readonly docString: string;
  readonly metadata: Readonly<Record<string, string>>;
  readonly producerVersion: string;
}

export function encodeModel(graph: GraphBuilder, options: ModelOptions): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: ZOO_IR_VERSION,
    opsetImport: [{ domain: '', version: ZOO_OPSET }],
    producerName: 'attractor-zoo',
    producerVersion: options.producerVersion,
    docString: options.docString,
    graph: graph.graph(),
    metadataProps: Object.entries(options.metadata).map(([key, value]) => ({ key, value })),
  });
  return onnx.ModelProto.encode(model).finish();
}

export function decodeModel(bytes: Uint8Array): onnx.ModelProto {
  return onnx.ModelProto.decode(bytes);
}

/** The metadata_props of an encoded model as a plain record. */
export function modelMetadata(model: onnx.IModelProto): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of model.metadataProps ?? []) if (p.key) out[p.key] = p.value ?? '';
  return out;
}
