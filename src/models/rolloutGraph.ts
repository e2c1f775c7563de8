/**
 * Builds a whole rollout into one ONNX graph: the user's `map` or `flow` graph becomes the body of an ONNX
 * `Loop`, so a preview chunk is one runtime call instead of N calls from JS (onnxruntime pays ~0.4 µs per node
 * executed plus a per-call cost; see the bench). For flows the body holds the four RK4 stages. Small graphs run
 * several steps per loop iteration (the body is unrolled K times) to amortise the per-iteration cost.
 *
 * The model built has inputs `(attractor_x0, attractor_iterations[, attractor_dt])` and outputs
 * `(attractor_x_last, attractor_trajectory)`: the state after `iterations × K` steps (carried into the next
 * chunk) and the emitted rows `[iterations × K, ...]` — the state, or a map's observation output when it has one,
 * which keeps the scan output small for models whose state is a large hidden vector.
 */
import { onnx } from 'onnx-proto';
import {
  BOOL,
  INT64,
  boolTensor,
  floatTensor,
  int64Tensor,
  irVersionFor,
  node,
  onnxFloatType,
  valueInfo,
} from '../core/onnxBuild';
import { toNumber } from './onnxFile';
import { ROLLOUT_INPUTS, ROLLOUT_OUTPUTS } from './rolloutNames';
import { emitWidth, type Signature } from './signature';

export { ROLLOUT_INPUTS, ROLLOUT_OUTPUTS };

/** Lowest opset whose Loop/Unsqueeze/Slice signatures the builder writes. */
export const MIN_LOOP_OPSET = 13;

export interface RolloutGraph {
  readonly bytes: Uint8Array;
  /** Steps per loop iteration (the body is unrolled this many times). */
  readonly stepsPerIteration: number;
  /** Nodes executed per step (user nodes + integrator nodes), for the log and the bench. */
  readonly nodesPerStep: number;
}

export interface RolloutGraphOptions {
  /** Force K (steps per iteration); default: chosen from the graph's node count. */
  readonly stepsPerIteration?: number;
  /** Fold RK4 step sizes into a flow's linear output layer when it has one (default true; off for benchmarks). */
  readonly foldOutputLayer?: boolean;
  /** With a folded output layer, carry a feature graph's leading Pad of the state in the Loop state (default true). */
  readonly carryPad?: boolean;
}

/**
 * K from the node count: about 256 nodes per iteration, at most 32 steps (tiny graphs); graphs with ≥ 128 nodes
 * per step get 1 (unrolling them only grows the model).
 */
export function chooseStepsPerIteration(nodesPerStep: number): number {
  return Math.max(1, Math.min(32, Math.floor(256 / Math.max(1, nodesPerStep))));
}

/** Renames every value a cloned step defines, so K copies of the user's graph can live in one body (SSA). */
class StepInliner {
  private step = 0;
  constructor(
    private readonly nodes: readonly onnx.INodeProto[],
    private readonly stateInput: string,
  ) {}

  /** Appends one copy of the user's graph reading `state`; returns the renamed names of the graph's values. */
  inline(into: onnx.INodeProto[], state: string, tag: string): (name: string) => string {
    const suffix = `__${tag}${this.step++}`;
    const defined = new Set<string>();
    for (const n of this.nodes) for (const o of n.output ?? []) if (o) defined.add(o);
    const rename = (name: string) => (name === this.stateInput ? state : defined.has(name) ? `${name}${suffix}` : name);
    for (const n of this.nodes) {
      into.push({
        ...n,
        name: `${n.name || n.opType}${suffix}`,
        input: (n.input ?? []).map((i) => (i ? rename(i) : i)),
        output: (n.output ?? []).map((o) => (o ? rename(o) : o)),
        attribute: (n.attribute ?? []).map((a) => renameInSubgraphs(a, rename)),
      });
    }
    return rename;
  }
}

/** Subgraphs (If/Loop/Scan in the user's model) may read the user's values from the outer scope. */
function renameInSubgraphs(a: onnx.IAttributeProto, rename: (name: string) => string): onnx.IAttributeProto {
  if (!a.g && !(a.graphs && a.graphs.length)) return a;
  const fix = (g: onnx.IGraphProto): onnx.IGraphProto => {
    const local = new Set<string>([
      ...(g.input ?? []).map((v) => v.name ?? ''),
      ...(g.initializer ?? []).map((t) => t.name ?? ''),
      ...(g.node ?? []).flatMap((n) => n.output ?? []),
    ]);
    const outer = (name: string) => (!name || local.has(name) ? name : rename(name));
    return {
      ...g,
      node: (g.node ?? []).map((n) => ({
        ...n,
        input: (n.input ?? []).map(outer),
        attribute: (n.attribute ?? []).map((inner) => renameInSubgraphs(inner, outer)),
      })),
      output: (g.output ?? []).map((o) => ({ ...o, name: outer(o.name ?? '') })),
    };
  };
  return { ...a, g: a.g ? fix(a.g) : a.g, graphs: a.graphs?.map(fix) };
}

function stateShape(model: onnx.IModelProto, name: string): onnx.ITensorShapeProto | undefined {
  return model.graph?.input?.find((i) => i.name === name)?.type?.tensorType?.shape ?? undefined;
}

interface FoldableLayer {
  /** The user's nodes up to (without) the output layer. */
  readonly featureNodes: readonly onnx.INodeProto[];
  /** The value the output layer multiplies: [B, F]. */
  readonly features: string;
  /** The constant weight [F, d] (or [d, F] with transB). */
  readonly weight: string;
  readonly transB: number;
  readonly alpha: number;
}

/**
 * A flow whose output is a linear layer without bias, `MatMul(F, W)` or `Gemm(F, W)` with W a constant — e.g. a
 * vector field written as one MatMul over a feature vector, or an MLP's last layer — lets the RK4 step sizes be
 * folded into W. Requires a batched state [B, d] (Gemm is 2-D).
 */
function foldableOutputLayer(model: onnx.IModelProto, sig: Signature): FoldableLayer | undefined {
  const g = model.graph;
  if (!g || sig.batch === 'none') return undefined;
  let nodes = g.node ?? [];
  let output = sig.stateOutput;
  let last = nodes.find((n) => (n.output ?? []).includes(output));
  // Exporters often end with Identity nodes (renaming the output); look through them.
  while (last && last.opType === 'Identity' && (last.input ?? []).length === 1) {
    const dropped = last;
    output = dropped.input![0];
    if (nodes.some((n) => n !== dropped && (n.input ?? []).includes(output))) return undefined;
    nodes = nodes.filter((n) => n !== dropped);
    last = nodes.find((n) => (n.output ?? []).includes(output));
  }
  if (!last || (last.output ?? []).length !== 1 || (last.domain && last.domain !== 'ai.onnx')) return undefined;
  const [features, weight, bias] = last.input ?? [];
  const init = (g.initializer ?? []).find((t) => t.name === weight);
  if (!features || !init || (init.dims ?? []).length !== 2) return undefined;
  if (nodes.some((n) => n !== last && (n.input ?? []).includes(output))) return undefined;
  const attr = (name: string) => (last.attribute ?? []).find((a) => a.name === name);
  let transB = 0;
  let alpha = 1;
  if (last.opType === 'Gemm') {
    if (bias || toNumber(attr('transA')?.i) !== 0) return undefined;
    transB = toNumber(attr('transB')?.i);
    alpha = attr('alpha')?.f ?? 1;
  } else if (last.opType !== 'MatMul') {
    return undefined;
  }
  return { featureNodes: nodes.filter((n) => n !== last), features, weight: weight!, transB, alpha };
}

interface CarriedPad {
  /** The user's Pad node (dropped from every stage: the Loop carries the padded state instead). */
  readonly node: onnx.INodeProto;
  /** Columns appended to the state [B, d] by the Pad. */
  readonly width: number;
}

/**
 * A feature graph that starts by padding the state with constant columns at its end (`Pad(x, [0,0,0,p], c)`, e.g.
 * appending a 1 for the constant and linear monomials) and reads the state nowhere else: the Loop then carries the
 * padded state [B, d + p]; the folded Gemms write zeros into the padded columns, so they stay c exactly. One node
 * fewer per RK4 stage.
 */
function carriedPad(
  model: onnx.IModelProto,
  sig: Signature,
  featureNodes: readonly onnx.INodeProto[],
): CarriedPad | undefined {
  const readers = featureNodes.filter((n) => (n.input ?? []).includes(sig.stateInput));
  const pad = readers[0];
  if (readers.length !== 1 || pad.opType !== 'Pad' || (pad.domain && pad.domain !== 'ai.onnx')) return undefined;
  const [data, padsName, value, axes] = pad.input ?? [];
  if (data !== sig.stateInput || !padsName || axes || (pad.output ?? []).length !== 1) return undefined;
  const mode = (pad.attribute ?? []).find((a) => a.name === 'mode');
  if (mode && new TextDecoder().decode(mode.s ?? new Uint8Array()) !== 'constant') return undefined;
  const inits = model.graph?.initializer ?? [];
  const padsInit = inits.find((t) => t.name === padsName);
  if (!padsInit || padsInit.dataType !== INT64) return undefined;
  const pads = int64Values(padsInit);
  if (!pads || pads.length !== 4 || pads[0] !== 0 || pads[1] !== 0 || pads[2] !== 0 || !(pads[3] > 0)) return undefined;
  if (value && !inits.some((t) => t.name === value)) return undefined;
  return { node: pad, width: pads[3] };
}

function int64Values(t: onnx.ITensorProto): number[] | undefined {
  if (t.rawData && t.rawData.length) {
    const copy = new Uint8Array(t.rawData.length);
    copy.set(t.rawData);
    return [...new BigInt64Array(copy.buffer)].map(Number);
  }
  return t.int64Data ? t.int64Data.map((v) => toNumber(v)) : undefined;
}

/** Wraps a `map` or `flow` model as a Loop rollout. Throws if the model cannot be wrapped (the caller falls back to per-step runs). */
export function buildRolloutGraph(
  userModel: onnx.IModelProto,
  sig: Signature,
  options: RolloutGraphOptions = {},
): RolloutGraph {
  if (sig.kind === 'rollout') throw new Error('a rollout model already is a rollout');
  if (sig.opset < MIN_LOOP_OPSET)
    throw new Error(`opset ${sig.opset} is below ${MIN_LOOP_OPSET}; Attractor runs it step by step`);
  const g = userModel.graph;
  if (!g) throw new Error('the model has no graph');
  const userNodes = g.node ?? [];
  const isFlow = sig.kind === 'flow';
  const emitsObservation = !isFlow && sig.observationOutput !== undefined;
  // Emit only the observed components: the scan output is copied, a large hidden state would dominate.
  const fold = isFlow && options.foldOutputLayer !== false ? foldableOutputLayer(userModel, sig) : undefined;
  const padded = fold && options.carryPad !== false ? carriedPad(userModel, sig, fold.featureNodes) : undefined;
  const stageNodes = fold ? fold.featureNodes.filter((n) => n !== padded?.node) : userNodes;
  // Emit only the observed components (the scan output is copied, a large hidden state would dominate), and never
  // the carried Pad's columns.
  const sliceObserved = !emitsObservation && (emitWidth(sig) < sig.dim || padded !== undefined);
  const integratorNodes = !isFlow ? 0 : fold ? 5 : 9;
  const nodesPerStep = stageNodes.length * (isFlow ? 4 : 1) + integratorNodes;
  const K = Math.max(1, Math.floor(options.stepsPerIteration ?? chooseStepsPerIteration(nodesPerStep)));
  const elem = onnxFloatType(sig.elemType);
  const shape = stateShape(userModel, sig.stateInput);
  const shapeDims = shape?.dim?.map((d) =>
    d.dimParam ? d.dimParam : d.dimValue != null ? toNumber(d.dimValue) : null,
  );

  // With a carried Pad the stages read the padded state where the user's graph read the Pad's output.
  const inliner = new StepInliner(stageNodes, padded ? padded.node.output![0] : sig.stateInput);
  const bodyDims =
    padded && shapeDims
      ? shapeDims.map((d, i) =>
          i === shapeDims.length - 1 && typeof d === 'number'
            ? d + padded.width
            : i === shapeDims.length - 1
              ? null
              : d,
        )
      : shapeDims;
  const body: onnx.INodeProto[] = [];
  const bodyState = 'attractor_s';
  let state = bodyState;
  const emitted: string[] = [];
  for (let k = 0; k < K; k++) {
    if (!isFlow) {
      const names = inliner.inline(body, state, 'm');
      state = names(sig.stateOutput);
      emitted.push(emitsObservation ? names(sig.observationOutput!) : state);
      continue;
    }
    const v = (name: string) => `attractor_${name}_${k}`;
    if (fold) {
      // The step sizes live in pre-scaled copies of the output weights: each stage is features + one Gemm
      // (F·(h W) + x), and the RK4 combination is one Concat of the four stages' features and one Gemm over the
      // stacked weights [h/6 W; h/3 W; h/3 W; h/6 W] (a Sum of six inputs costs onnxruntime four times as much).
      const features = (x: string) => inliner.inline(body, x, 'f')(fold.features);
      const gemm = (a: string, w: string, out: string) =>
        node('Gemm', [a, w, state], [out], { alpha: { float: fold.alpha }, transB: fold.transB });
      const F1 = features(state);
      body.push(gemm(F1, 'attractor_W_h2', v('x2')));
      const F2 = features(v('x2'));
      body.push(gemm(F2, 'attractor_W_h2', v('x3')));
      const F3 = features(v('x3'));
      body.push(gemm(F3, 'attractor_W_dt', v('x4')));
      const F4 = features(v('x4'));
      body.push(
        node('Concat', [F1, F2, F3, F4], [v('fcat')], { axis: -1 }),
        gemm(v('fcat'), 'attractor_W_rk4', v('next')),
      );
      state = v('next');
      emitted.push(state);
      continue;
    }
    const f = (x: string) => inliner.inline(body, x, 'f')(sig.stateOutput);
    const k1 = f(state);
    body.push(node('Mul', ['attractor_h2', k1], [v('a')]), node('Add', [state, v('a')], [v('x2')]));
    const k2 = f(v('x2'));
    body.push(node('Mul', ['attractor_h2', k2], [v('b')]), node('Add', [state, v('b')], [v('x3')]));
    const k3 = f(v('x3'));
    body.push(node('Mul', [ROLLOUT_INPUTS.dt, k3], [v('c')]), node('Add', [state, v('c')], [v('x4')]));
    const k4 = f(v('x4'));
    body.push(
      node('Sum', [k1, k2, k2, k3, k3, k4], [v('sum')]),
      node('Mul', ['attractor_h6', v('sum')], [v('inc')]),
      node('Add', [state, v('inc')], [v('next')]),
    );
    state = v('next');
    emitted.push(state);
  }

  // Emitting K rows per iteration: rows shaped like the state ([B, w] or [w]) are concatenated along axis 0
  // ([K·B, w], no Unsqueeze per row) and sliced to the observed width once; the outer graph reshapes the scan
  // output [M, K·B, w] to [M·K, B, w]. A map's observation output (whose shape need not follow the state's) is
  // stacked with Unsqueeze as [K, ...row].
  const flatRows = K > 1 && !emitsObservation;
  const bodyOutputs: onnx.IValueInfoProto[] = [valueInfo('attractor_cond_out', BOOL, [])];
  body.push(node('Identity', ['attractor_cond_in'], ['attractor_cond_out']));
  // A body output may not also be a body input, nor appear twice: copy the state only when it must.
  let stateOut = state;
  if (state === bodyState || (K === 1 && !sliceObserved && emitted[0] === state)) {
    body.push(node('Identity', [state], ['attractor_s_out']));
    stateOut = 'attractor_s_out';
  }
  bodyOutputs.push(valueInfo(stateOut, elem, bodyDims));
  let emit: string;
  if (K === 1) {
    emit = emitted[0];
  } else if (flatRows) {
    body.push(node('Concat', emitted, ['attractor_rows'], { axis: 0 }));
    emit = 'attractor_rows';
  } else {
    const rows = emitted.map((e, k) => {
      body.push(node('Unsqueeze', [e, 'attractor_axis0'], [`attractor_row_${k}`]));
      return `attractor_row_${k}`;
    });
    body.push(node('Concat', rows, ['attractor_rows'], { axis: 0 }));
    emit = 'attractor_rows';
  }
  if (sliceObserved) {
    body.push(node('Slice', [emit, 'attractor_zero', 'attractor_observed', 'attractor_last_axis'], ['attractor_emit']));
    emit = 'attractor_emit';
  }
  if (emit === bodyState) {
    body.push(node('Identity', [emit], ['attractor_emit']));
    emit = 'attractor_emit';
  }
  bodyOutputs.push(valueInfo(emit, elem, undefined));

  const bodyGraph: onnx.IGraphProto = {
    name: 'attractor_step',
    node: body,
    input: [
      valueInfo('attractor_iter', INT64, []),
      valueInfo('attractor_cond_in', BOOL, []),
      valueInfo(bodyState, elem, bodyDims),
    ],
    output: bodyOutputs,
  };

  const outer: onnx.INodeProto[] = [];
  const initializers: onnx.ITensorProto[] = [...(g.initializer ?? []), boolTensor('attractor_true', true)];
  if (K > 1 && !flatRows) initializers.push(int64Tensor('attractor_axis0', [1], [0]));
  if (sliceObserved) initializers.push(int64Tensor('attractor_observed', [1], [emitWidth(sig)]));
  if (sliceObserved || flatRows)
    initializers.push(int64Tensor('attractor_zero', [1], [0]), int64Tensor('attractor_last_axis', [1], [-1]));
  const loopInit = padded ? 'attractor_x0_padded' : ROLLOUT_INPUTS.x0;
  const loopLast = padded ? 'attractor_last_padded' : ROLLOUT_OUTPUTS.last;
  const inputs = [valueInfo(ROLLOUT_INPUTS.x0, elem, shapeDims), valueInfo(ROLLOUT_INPUTS.iterations, INT64, [])];
  if (isFlow) {
    inputs.push(valueInfo(ROLLOUT_INPUTS.dt, elem, []));
    initializers.push(
      floatTensor('attractor_half', [], [0.5], sig.elemType),
      floatTensor('attractor_sixth', [], [1 / 6], sig.elemType),
    );
    outer.push(
      node('Mul', [ROLLOUT_INPUTS.dt, 'attractor_half'], ['attractor_h2']),
      node('Mul', [ROLLOUT_INPUTS.dt, 'attractor_sixth'], ['attractor_h6']),
    );
    if (fold) {
      let W = fold.weight;
      initializers.push(floatTensor('attractor_third', [], [1 / 3], sig.elemType));
      if (padded) {
        // zero output columns for the carried Pad's columns: [F, d] → [F, d + p] ([d, F] → [d + p, F] with transB)
        initializers.push(
          int64Tensor('attractor_W_pads', [4], fold.transB ? [0, 0, padded.width, 0] : [0, 0, 0, padded.width]),
        );
        outer.push(node('Pad', [fold.weight, 'attractor_W_pads'], ['attractor_W_padded']));
        W = 'attractor_W_padded';
      }
      outer.push(
        node('Mul', [ROLLOUT_INPUTS.dt, 'attractor_third'], ['attractor_h3']),
        node('Mul', [W, 'attractor_h2'], ['attractor_W_h2']),
        node('Mul', [W, ROLLOUT_INPUTS.dt], ['attractor_W_dt']),
        node('Mul', [W, 'attractor_h6'], ['attractor_W_h6']),
        node('Mul', [W, 'attractor_h3'], ['attractor_W_h3']),
        node('Concat', ['attractor_W_h6', 'attractor_W_h3', 'attractor_W_h3', 'attractor_W_h6'], ['attractor_W_rk4'], {
          axis: fold.transB ? 1 : 0,
        }),
      );
    }
  }
  const scan = K === 1 ? ROLLOUT_OUTPUTS.trajectory : 'attractor_scan';
  if (padded)
    outer.push({
      ...padded.node,
      name: 'attractor_pad_x0',
      input: [ROLLOUT_INPUTS.x0, ...padded.node.input!.slice(1)],
      output: [loopInit],
    });
  outer.push(
    node('Loop', [ROLLOUT_INPUTS.iterations, 'attractor_true', loopInit], [loopLast, scan], { body: bodyGraph }),
  );
  if (padded) {
    initializers.push(int64Tensor('attractor_dim', [1], [sig.dim]));
    outer.push(
      node('Slice', [loopLast, 'attractor_zero', 'attractor_dim', 'attractor_last_axis'], [ROLLOUT_OUTPUTS.last]),
    );
  }
  if (flatRows) {
    // [M, K·B, w] → [M·K, B, w] (rank-1 states: [M, K·w] → [M·K, w]); the batch dims come from the last state.
    initializers.push(
      int64Tensor('attractor_minus1', [1], [-1]),
      int64Tensor('attractor_width', [1], [emitWidth(sig)]),
    );
    outer.push(
      node('Shape', [ROLLOUT_OUTPUTS.last], ['attractor_state_shape']),
      node(
        'Slice',
        ['attractor_state_shape', 'attractor_zero', 'attractor_last_axis', 'attractor_zero'],
        ['attractor_batch_shape'],
      ),
      node('Concat', ['attractor_minus1', 'attractor_batch_shape', 'attractor_width'], ['attractor_flat_shape'], {
        axis: 0,
      }),
      node('Reshape', [scan, 'attractor_flat_shape'], [ROLLOUT_OUTPUTS.trajectory]),
    );
  } else if (K > 1) {
    // [M, K, ...row] → [M·K, ...row]
    initializers.push(
      int64Tensor('attractor_from2', [1], [2]),
      int64Tensor('attractor_to_end', [1], [Number.MAX_SAFE_INTEGER]),
      int64Tensor('attractor_minus1', [1], [-1]),
    );
    outer.push(
      node('Shape', [scan], ['attractor_scan_shape']),
      node(
        'Slice',
        ['attractor_scan_shape', 'attractor_from2', 'attractor_to_end', 'attractor_axis0'],
        ['attractor_row_shape'],
      ),
      node('Concat', ['attractor_minus1', 'attractor_row_shape'], ['attractor_flat_shape'], { axis: 0 }),
      node('Reshape', [scan, 'attractor_flat_shape'], [ROLLOUT_OUTPUTS.trajectory]),
    );
  }

  const opsetImport = (userModel.opsetImport ?? []).map((o) => ({
    domain: o.domain ?? '',
    version: toNumber(o.version),
  }));
  const model: onnx.IModelProto = {
    irVersion: Math.max(toNumber(userModel.irVersion), irVersionFor(sig.opset)),
    opsetImport,
    producerName: 'attractor-rollout',
    graph: {
      name: 'attractor_rollout',
      node: outer,
      initializer: initializers,
      input: inputs,
      output: [
        valueInfo(ROLLOUT_OUTPUTS.last, elem, shapeDims),
        valueInfo(ROLLOUT_OUTPUTS.trajectory, elem, undefined),
      ],
    },
    functions: userModel.functions ?? [],
  };
  return { bytes: onnx.ModelProto.encode(model).finish(), stepsPerIteration: K, nodesPerStep };
}

/** Decodes the full model (with weights) for the builder; raw weight bytes are views, not copies. */
export function decodeFullModel(bytes: Uint8Array): onnx.ModelProto {
  return onnx.ModelProto.decode(bytes);
}
