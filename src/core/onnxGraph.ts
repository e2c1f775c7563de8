import { onnx } from 'onnx-proto';
import { floatTensor, int64Tensor, model, node, valueInfo, type AttributeValue } from './onnxBuild';

/**
 * A graph builder over core/onnxBuild.ts for models written op by op: fresh value names, float32 weights rounded
 * where they are stored (so a JS reference can use the same numbers), sub-graphs for `Loop`. Every zoo model is
 * written with it at one pinned opset.
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

/** Numbers are integers here; a float attribute is `{ float }`, so a value computed as 2.0000001 is not an INT. */
export type AttrValue = number | string | readonly number[] | onnx.IGraphProto | { readonly float: number };

function checkedAttributes(opType: string, attrs: Record<string, AttrValue>): Record<string, AttributeValue> {
  for (const [name, value] of Object.entries(attrs))
    if (typeof value === 'number' && !Number.isInteger(value))
      throw new Error(`${opType} attribute ${name}: use { float } for non-integers`);
  return attrs as Record<string, AttributeValue>;
}

export interface ModelOptions {
  readonly docString: string;
  readonly metadata: Readonly<Record<string, string>>;
  readonly producerVersion: string;
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
    this.inputs.push(valueInfo(name, DATA_TYPE[type], dims));
    return name;
  }

  output(name: string, type: ElemType, dims?: readonly Dim[]): void {
    this.outputs.push(valueInfo(name, DATA_TYPE[type], dims));
  }

  /** A float32 weight; values are rounded to float32 here, so the JS reference can use the same numbers. */
  weight(hint: string, values: ArrayLike<number>, dims: readonly number[]): string {
    const count = dims.reduce((a, b) => a * b, 1);
    if (values.length !== count) throw new Error(`${hint}: ${values.length} values for dims [${dims.join(', ')}]`);
    const name = this.fresh(hint);
    this.initializers.push(floatTensor(name, dims, values));
    return name;
  }

  int64s(hint: string, values: readonly number[], dims: readonly number[] = [values.length]): string {
    const name = this.fresh(hint);
    this.initializers.push(int64Tensor(name, dims, values));
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
    this.nodes.push(
      node(opType, inputs, outputs, checkedAttributes(opType, attrs), `${this.prefix}${opType}_${this.nodes.length}`),
    );
  }

  /** A bool scalar constant, e.g. the condition of a `Loop`. */
  constantBool(hint: string, value: boolean): string {
    const out = this.fresh(hint);
    const tensor: onnx.ITensorProto = {
      dataType: onnx.TensorProto.DataType.BOOL,
      dims: [],
      int32Data: [value ? 1 : 0],
    };
    this.nodes.push(node('Constant', [], [out], { value: tensor }, `${this.prefix}Constant_${this.nodes.length}`));
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

  /** The zoo's model around this graph (encode it with `encodeModel` from core/onnxBuild.ts). */
  model(options: ModelOptions): onnx.IModelProto {
    return model({
      graph: this.graph(),
      opset: ZOO_OPSET,
      irVersion: ZOO_IR_VERSION,
      producerName: 'attractor-zoo',
      producerVersion: options.producerVersion,
      docString: options.docString,
      metadata: options.metadata,
    });
  }
}
