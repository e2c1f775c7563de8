/**
 * Recognises a map model whose graph is piecewise linear with one ReLU layer, z′ = L z + W relu(P z + q) + c, by
 * interpreting the ONNX graph symbolically from the state input to the state output: every value is either a
 * constant or affine in (z, r), r the ReLU units met so far. That covers the PLRNN family as published and as
 * exported: the shallow PLRNN z′ = A⊙z + W₁ relu(W₂z + h₂) + h₁ and its clipped form
 * W₁[relu(W₂z + h₂) − relu(W₂z)] (Hess et al. 2023, GTF-shPLRNN `shallow_plrnn.jl`), the vanilla PLRNN
 * z′ = A⊙z + W relu(z) + h (Durstewitz 2017; Koppe et al. 2019) and the AL-RNN with ReLU on the last P units only
 * (Brenner et al. 2024, "Almost-Linear RNNs Yield Highly Interpretable Symbolic Codes"), whether written by PyTorch
 * (Gemm with transB, MatMul, Add, Sub, Mul, Relu, Slice/Gather/Concat, Identity, Constant) or by the zoo. A graph
 * with anything else (a ReLU of a ReLU, tanh, a product of two state-dependent values) is not recognised, with
 * the node that stopped it named. Pure: works on the decoded model.
 */
import { onnx } from 'onnx-proto';
import { toNumber } from '../onnxFile';

export type PlrnnFamily = 'shallow PLRNN' | 'clipped shallow PLRNN' | 'vanilla PLRNN' | 'AL-RNN' | 'ReLU network';

/** z′ = L z + W relu(P z + q) + c; matrices row-major. */
export interface PiecewiseLinearMap {
  readonly d: number;
  /** ReLU units (the symbolic code has one bit per unit). */
  readonly H: number;
  /** [d × d] */
  readonly L: Float64Array;
  /** [d × H] */
  readonly W: Float64Array;
  readonly c: Float64Array;
  /** [H × d] */
  readonly P: Float64Array;
  readonly q: Float64Array;
  readonly family: PlrnnFamily;
  /** A sentence for the preview, e.g. "clipped shallow PLRNN: d = 3, 2 × 40 ReLU units". */
  readonly description: string;
}

export type PiecewiseRecognition =
  { readonly ok: true; readonly map: PiecewiseLinearMap } | { readonly ok: false; readonly reason: string };

interface Const {
  readonly t: 'const';
  readonly data: Float64Array;
  readonly dims: readonly number[];
}

/** n features, each Σ Z·z + Σ R·r + c; R rows are as long as the units known when they were made. */
interface Affine {
  readonly t: 'aff';
  readonly n: number;
  readonly Z: Float64Array[];
  readonly R: Float64Array[];
  readonly c: Float64Array;
}

type Value = Const | Affine;

class NotPiecewise extends Error {}

const T = onnx.TensorProto.DataType;

/** The numbers of an initializer or Constant tensor, as float64. */
export function tensorValues(t: onnx.ITensorProto): Float64Array {
  const count = (t.dims ?? []).reduce<number>((a, b) => a * toNumber(b), 1);
  const raw = t.rawData && t.rawData.length ? t.rawData : undefined;
  const view = (bytes: number) => {
    if (!raw) return undefined;
    const copy = new Uint8Array(raw.length);
    copy.set(raw);
    if (copy.length !== count * bytes) throw new NotPiecewise(`tensor ${t.name} holds ${copy.length} bytes`);
    return copy.buffer;
  };
  switch (t.dataType) {
    case T.FLOAT: {
      const b = view(4);
      return Float64Array.from(b ? new Float32Array(b) : (t.floatData ?? []));
    }
    case T.DOUBLE: {
      const b = view(8);
      return b ? new Float64Array(b) : Float64Array.from(t.doubleData ?? []);
    }
    case T.INT64: {
      const b = view(8);
      return b
        ? Float64Array.from(new BigInt64Array(b), (v) => Number(v))
        : Float64Array.from((t.int64Data ?? []).map((v) => toNumber(v as never)));
    }
    case T.INT32: {
      const b = view(4);
      return Float64Array.from(b ? new Int32Array(b) : (t.int32Data ?? []));
    }
    default:
      throw new NotPiecewise(`tensor ${t.name} has element type ${t.dataType}`);
  }
}

function attr(n: onnx.INodeProto, name: string): onnx.IAttributeProto | undefined {
  return (n.attribute ?? []).find((a) => a.name === name);
}
const attrInt = (n: onnx.INodeProto, name: string, dflt: number) => {
  const a = attr(n, name);
  return a ? toNumber(a.i as never) : dflt;
};
const attrFloat = (n: onnx.INodeProto, name: string, dflt: number) => attr(n, name)?.f ?? dflt;

export function recognisePiecewiseLinear(
  model: onnx.IModelProto,
  stateInput: string,
  stateOutput: string,
  d: number,
): PiecewiseRecognition {
  try {
    return { ok: true, map: interpret(model, stateInput, stateOutput, d) };
  } catch (err) {
    if (err instanceof NotPiecewise) return { ok: false, reason: err.message };
    throw err;
  }
}

function interpret(model: onnx.IModelProto, stateInput: string, stateOutput: string, d: number): PiecewiseLinearMap {
  const graph = model.graph;
  if (!graph) throw new NotPiecewise('the model has no graph');
  const values = new Map<string, Value>();
  for (const t of graph.initializer ?? [])
    if (t.name) values.set(t.name, { t: 'const', data: tensorValues(t), dims: (t.dims ?? []).map(toNumber) });
  const unitsP: Float64Array[] = [];
  const unitsQ: number[] = [];
  const eye = (j: number, len: number) => {
    const v = new Float64Array(len);
    v[j] = 1;
    return v;
  };
  values.set(stateInput, {
    t: 'aff',
    n: d,
    Z: Array.from({ length: d }, (_, j) => eye(j, d)),
    R: Array.from({ length: d }, () => new Float64Array(0)),
    c: new Float64Array(d),
  });
  const get = (name: string | undefined | null, node: onnx.INodeProto): Value => {
    const v = name ? values.get(name) : undefined;
    if (!v) throw new NotPiecewise(`${describe(node)} reads "${name}", which the analysis cannot follow`);
    return v;
  };
  const getConst = (name: string | undefined | null, node: onnx.INodeProto): Const => {
    const v = get(name, node);
    if (v.t !== 'const') throw new NotPiecewise(`${describe(node)} needs a constant input "${name}"`);
    return v;
  };

  for (const node of graph.node ?? []) {
    const op = node.opType ?? '';
    const ins = node.input ?? [];
    const out = node.output?.[0];
    if (!out) continue;
    const inputs = ins.filter((i) => i);
    const allConst = inputs.every((i) => values.get(i)?.t === 'const');
    if (op === 'Constant') {
      const a = attr(node, 'value');
      if (!a?.t) throw new NotPiecewise(`${describe(node)} is not a tensor constant`);
      values.set(out, { t: 'const', data: tensorValues(a.t), dims: (a.t.dims ?? []).map(toNumber) });
      continue;
    }
    if (allConst && inputs.length > 0 && op !== 'Relu') {
      values.set(
        out,
        foldConst(
          node,
          inputs.map((i) => getConst(i, node)),
        ),
      );
      continue;
    }
    let result: Value;
    switch (op) {
      case 'Identity':
      case 'Dropout':
        result = get(ins[0], node);
        break;
      case 'Neg':
        result = scale(asAffine(get(ins[0], node), node), -1);
        break;
      case 'Add':
      case 'Sub':
        result = addValues(get(ins[0], node), get(ins[1], node), op === 'Sub' ? -1 : 1, node);
        break;
      case 'Mul':
      case 'Div': {
        const a = get(ins[0], node);
        const b = get(ins[1], node);
        if (a.t === 'aff' && b.t === 'const') result = mulConst(a, b, op === 'Div', node);
        else if (a.t === 'const' && b.t === 'aff' && op === 'Mul') result = mulConst(b, a, false, node);
        else throw new NotPiecewise(`${describe(node)} multiplies two values that depend on the state`);
        break;
      }
      case 'MatMul': {
        const a = get(ins[0], node);
        const b = get(ins[1], node);
        if (a.t === 'aff' && b.t === 'const') result = rightMultiply(a, b, false, node);
        else if (a.t === 'const' && b.t === 'aff') result = leftMultiply(a, b, node);
        else throw new NotPiecewise(`${describe(node)} multiplies two values that depend on the state`);
        break;
      }
      case 'Gemm': {
        const a = get(ins[0], node);
        if (a.t !== 'aff' || attrInt(node, 'transA', 0) !== 0)
          throw new NotPiecewise(`${describe(node)}: only state × weight is followed`);
        let y = scale(
          rightMultiply(a, getConst(ins[1], node), attrInt(node, 'transB', 0) === 1, node),
          attrFloat(node, 'alpha', 1),
        );
        if (ins[2]) {
          const c = getConst(ins[2], node);
          y = addValues(y, { ...c, data: c.data.map((v) => v * attrFloat(node, 'beta', 1)) }, 1, node) as Affine;
        }
        result = y;
        break;
      }
      case 'Relu':
      case 'Clip': {
        const a = asAffine(get(ins[0], node), node);
        if (op === 'Clip') {
          const lo = ins[1] ? getConst(ins[1], node).data[0] : attrFloat(node, 'min', -Infinity);
          const hi = ins[2] ? getConst(ins[2], node).data[0] : attrFloat(node, 'max', Infinity);
          if (lo !== 0 || hi !== Infinity)
            throw new NotPiecewise(`${describe(node)} clips to [${lo}, ${hi}], not a ReLU`);
        }
        if (a.R.some((r) => r.some((v) => v !== 0)))
          throw new NotPiecewise(`${describe(node)} is a ReLU of ReLU units: a deeper network than one ReLU layer`);
        const first = unitsP.length;
        for (let i = 0; i < a.n; i++) {
          unitsP.push(Float64Array.from(a.Z[i]));
          unitsQ.push(a.c[i]);
        }
        const H = unitsP.length;
        result = {
          t: 'aff',
          n: a.n,
          Z: Array.from({ length: a.n }, () => new Float64Array(d)),
          R: Array.from({ length: a.n }, (_, i) => eye(first + i, H)),
          c: new Float64Array(a.n),
        };
        break;
      }
      case 'Slice': {
        const a = asAffine(get(ins[0], node), node);
        const starts = getConst(ins[1], node).data;
        const ends = getConst(ins[2], node).data;
        const axes = ins[3] ? getConst(ins[3], node).data : Float64Array.of(-1);
        const steps = ins[4] ? getConst(ins[4], node).data : Float64Array.of(1);
        if (starts.length !== 1 || steps[0] !== 1 || !lastAxis(axes[0], node, model, ins[0]!))
          throw new NotPiecewise(`${describe(node)}: only a slice of the feature axis is followed`);
        const clamp = (v: number) => Math.max(0, Math.min(a.n, v < 0 ? a.n + v : v));
        result = pick(a, range(clamp(starts[0]), clamp(ends[0])));
        break;
      }
      case 'Gather': {
        const a = asAffine(get(ins[0], node), node);
        const idx = getConst(ins[1], node);
        if (idx.dims.length !== 1 || !lastAxis(attrInt(node, 'axis', 0), node, model, ins[0]!))
          throw new NotPiecewise(`${describe(node)}: only a gather along the feature axis is followed`);
        result = pick(
          a,
          Array.from(idx.data, (v) => (v < 0 ? a.n + v : v)),
        );
        break;
      }
      case 'Concat': {
        const parts = inputs.map((i) => asAffine(get(i, node), node));
        const axis = attrInt(node, 'axis', -1);
        if (!lastAxis(axis, node, model, inputs[0]))
          throw new NotPiecewise(`${describe(node)}: only a concatenation along the feature axis is followed`);
        result = {
          t: 'aff',
          n: parts.reduce((s, p) => s + p.n, 0),
          Z: parts.flatMap((p) => p.Z),
          R: parts.flatMap((p) => p.R),
          c: Float64Array.from(parts.flatMap((p) => Array.from(p.c))),
        };
        break;
      }
      default:
        throw new NotPiecewise(`${describe(node)} is not one of the operations of a PLRNN step`);
    }
    values.set(out, result);
  }
  const y = values.get(stateOutput);
  if (!y || y.t !== 'aff' || y.n !== d)
    throw new NotPiecewise(`the state output "${stateOutput}" is not an affine function of the state and ReLU units`);
  const H = unitsP.length;
  if (H === 0) throw new NotPiecewise('the graph has no ReLU: it is a linear map');
  const L = new Float64Array(d * d);
  const W = new Float64Array(d * H);
  const P = new Float64Array(H * d);
  for (let i = 0; i < d; i++) {
    L.set(y.Z[i], i * d);
    W.set(y.R[i], i * H);
  }
  unitsP.forEach((p, u) => P.set(p, u * d));
  const q = Float64Array.from(unitsQ);
  const family = familyOf(d, H, L, W, P, q);
  return { d, H, L, W, c: Float64Array.from(y.c), P, q, family, description: describeFamily(family, d, H, q) };
}

function describe(node: onnx.INodeProto): string {
  return `node ${node.name ? `"${node.name}" ` : ''}(${node.opType})`;
}

/** Whether `axis` is the feature (last) axis of the named value: rank from the graph inputs, else assumed. */
function lastAxis(axis: number, _node: onnx.INodeProto, _model: onnx.IModelProto, _value: string): boolean {
  // The state is [B, d] or [d]; values derived from it keep that rank through the operations followed here,
  // so the feature axis is −1, or 1 of a batched state, or 0 of an unbatched one.
  return axis === -1 || axis === 1 || axis === 0;
}

function range(a: number, b: number): number[] {
  return Array.from({ length: Math.max(0, b - a) }, (_, i) => a + i);
}

function pick(a: Affine, rows: readonly number[]): Affine {
  for (const r of rows) if (!(r >= 0 && r < a.n)) throw new NotPiecewise(`index ${r} is outside ${a.n} features`);
  return {
    t: 'aff',
    n: rows.length,
    Z: rows.map((r) => a.Z[r]),
    R: rows.map((r) => a.R[r]),
    c: Float64Array.from(rows, (r) => a.c[r]),
  };
}

function asAffine(v: Value, node: onnx.INodeProto): Affine {
  if (v.t !== 'aff') throw new NotPiecewise(`${describe(node)} has a constant input where the state was expected`);
  return v;
}

function scale(a: Affine, s: number): Affine {
  return {
    t: 'aff',
    n: a.n,
    Z: a.Z.map((z) => z.map((v) => v * s)),
    R: a.R.map((r) => r.map((v) => v * s)),
    c: a.c.map((v) => v * s),
  };
}

function addRows(x: Float64Array, y: Float64Array, s: number): Float64Array {
  const out = new Float64Array(Math.max(x.length, y.length));
  out.set(x);
  for (let i = 0; i < y.length; i++) out[i] += s * y[i];
  return out;
}

/** The feature-axis values of a constant broadcast against n features (a scalar, [n], or [1, n]). */
function broadcast(c: Const, n: number, node: onnx.INodeProto): Float64Array {
  if (c.data.length === 1) return new Float64Array(n).fill(c.data[0]);
  if (c.data.length === n && c.dims[c.dims.length - 1] === n) return c.data;
  throw new NotPiecewise(`${describe(node)}: a constant of shape [${c.dims.join(', ')}] against ${n} features`);
}

function addValues(a: Value, b: Value, s: number, node: onnx.INodeProto): Value {
  if (a.t === 'aff' && b.t === 'aff') {
    if (a.n !== b.n) {
      if (b.n === 1 || a.n === 1) throw new NotPiecewise(`${describe(node)} broadcasts one feature over many`);
      throw new NotPiecewise(`${describe(node)} adds ${a.n} and ${b.n} features`);
    }
    return {
      t: 'aff',
      n: a.n,
      Z: a.Z.map((z, i) => addRows(z, b.Z[i], s)),
      R: a.R.map((r, i) => addRows(r, b.R[i], s)),
      c: a.c.map((v, i) => v + s * b.c[i]),
    };
  }
  if (a.t === 'aff' && b.t === 'const') {
    const v = broadcast(b, a.n, node);
    return { ...a, c: a.c.map((x, i) => x + s * v[i]) };
  }
  if (a.t === 'const' && b.t === 'aff') {
    const sb = scale(b, s);
    const v = broadcast(a, b.n, node);
    return { ...sb, c: sb.c.map((x, i) => x + v[i]) };
  }
  throw new NotPiecewise(`${describe(node)} on constants only`);
}

function mulConst(a: Affine, b: Const, divide: boolean, node: onnx.INodeProto): Affine {
  const v = broadcast(b, a.n, node).map((x) => (divide ? 1 / x : x));
  return {
    t: 'aff',
    n: a.n,
    Z: a.Z.map((z, i) => z.map((x) => x * v[i])),
    R: a.R.map((r, i) => r.map((x) => x * v[i])),
    c: a.c.map((x, i) => x * v[i]),
  };
}

/** a @ B with B [n × m] (or Bᵀ when transposed: [m × n]): m features. */
function rightMultiply(a: Affine, B: Const, transposed: boolean, node: onnx.INodeProto): Affine {
  if (B.dims.length !== 2) throw new NotPiecewise(`${describe(node)}: a weight of rank ${B.dims.length}`);
  const [r, cols] = B.dims;
  const n = transposed ? cols : r;
  const m = transposed ? r : cols;
  if (n !== a.n) throw new NotPiecewise(`${describe(node)}: ${a.n} features times a [${B.dims.join(' × ')}] weight`);
  const w = (i: number, j: number) => (transposed ? B.data[j * cols + i] : B.data[i * cols + j]);
  const len = (rows: Float64Array[]) => Math.max(0, ...rows.map((x) => x.length));
  const zLen = len(a.Z);
  const rLen = len(a.R);
  const Z: Float64Array[] = [];
  const R: Float64Array[] = [];
  const c = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    const z = new Float64Array(zLen);
    const rr = new Float64Array(rLen);
    for (let i = 0; i < n; i++) {
      const k = w(i, j);
      if (k === 0) continue;
      for (let t = 0; t < a.Z[i].length; t++) z[t] += k * a.Z[i][t];
      for (let t = 0; t < a.R[i].length; t++) rr[t] += k * a.R[i][t];
      c[j] += k * a.c[i];
    }
    Z.push(z);
    R.push(rr);
  }
  return { t: 'aff', n: m, Z, R, c };
}

/** A @ b with A [m × n] and b a vector of n features (an unbatched state [d]). */
function leftMultiply(A: Const, b: Affine, node: onnx.INodeProto): Affine {
  if (A.dims.length !== 2) throw new NotPiecewise(`${describe(node)}: a weight of rank ${A.dims.length}`);
  const [m, n] = A.dims;
  const transposed: Const = {
    t: 'const',
    dims: [n, m],
    data: Float64Array.from({ length: n * m }, (_, k) => A.data[(k % m) * n + Math.floor(k / m)]),
  };
  return rightMultiply(b, transposed, false, node);
}

/** The few constant-only operations exporters leave in (shapes and folded arithmetic). */
function foldConst(node: onnx.INodeProto, ins: readonly Const[]): Const {
  const op = node.opType;
  const [a, b] = ins;
  const elementwise = (f: (x: number, y: number) => number): Const => {
    if (b.data.length === 1) return { t: 'const', dims: a.dims, data: a.data.map((x) => f(x, b.data[0])) };
    if (a.data.length === 1) return { t: 'const', dims: b.dims, data: b.data.map((y) => f(a.data[0], y)) };
    if (a.data.length === b.data.length)
      return { t: 'const', dims: a.dims, data: a.data.map((x, i) => f(x, b.data[i])) };
    throw new NotPiecewise(`${describe(node)} broadcasts constants in a way the analysis does not follow`);
  };
  switch (op) {
    case 'Identity':
      return a;
    case 'Neg':
      return { ...a, data: a.data.map((x) => -x) };
    case 'Add':
      return elementwise((x, y) => x + y);
    case 'Sub':
      return elementwise((x, y) => x - y);
    case 'Mul':
      return elementwise((x, y) => x * y);
    case 'Div':
      return elementwise((x, y) => x / y);
    case 'Transpose':
      if (a.dims.length === 2) {
        const [r, c] = a.dims;
        return {
          t: 'const',
          dims: [c, r],
          data: Float64Array.from({ length: r * c }, (_, k) => a.data[(k % r) * c + Math.floor(k / r)]),
        };
      }
      break;
    case 'Unsqueeze':
    case 'Squeeze':
    case 'Reshape':
    case 'Cast':
      return { t: 'const', dims: [a.data.length], data: a.data };
  }
  throw new NotPiecewise(`${describe(node)} on constants is not folded by the analysis`);
}

const same = (x: ArrayLike<number>, y: ArrayLike<number>) => {
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
};

function familyOf(
  d: number,
  H: number,
  L: Float64Array,
  W: Float64Array,
  P: Float64Array,
  q: Float64Array,
): PlrnnFamily {
  let diagonal = true;
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) if (i !== j && L[i * d + j] !== 0) diagonal = false;
  const row = (u: number) => P.subarray(u * d, (u + 1) * d);
  const unitVector = (u: number) => {
    const r = row(u);
    let ones = -1;
    for (let j = 0; j < d; j++) {
      if (r[j] === 1 && ones < 0) ones = j;
      else if (r[j] !== 0) return -1;
    }
    return ones;
  };
  const zeroBias = q.every((v) => v === 0);
  if (zeroBias && H <= d && Array.from({ length: H }, (_, u) => unitVector(u)).every((j, u) => j === d - H + u)) {
    return H === d ? 'vanilla PLRNN' : 'AL-RNN';
  }
  if (!diagonal) return 'ReLU network';
  if (H % 2 === 0) {
    const half = H / 2;
    let clipped = true;
    for (let u = 0; u < half && clipped; u++) {
      if (!same(row(u), row(half + u))) clipped = false;
      for (let i = 0; i < d && clipped; i++)
        if (Math.abs(W[i * H + u] + W[i * H + half + u]) > 1e-6 * (Math.abs(W[i * H + u]) + 1e-30)) clipped = false;
    }
    if (clipped) return 'clipped shallow PLRNN';
  }
  return 'shallow PLRNN';
}

function describeFamily(family: PlrnnFamily, d: number, H: number, _q: Float64Array): string {
  switch (family) {
    case 'clipped shallow PLRNN':
      return `clipped shallow PLRNN z′ = A⊙z + W₁[relu(W₂z + h₂) − relu(W₂z)] + h₁: d = ${d}, ${H / 2} hidden units (${H} ReLUs)`;
    case 'shallow PLRNN':
      return `shallow PLRNN z′ = A⊙z + W₁ relu(W₂z + h₂) + h₁: d = ${d}, ${H} hidden units`;
    case 'vanilla PLRNN':
      return `vanilla PLRNN z′ = A⊙z + W relu(z) + h: d = ${d}`;
    case 'AL-RNN':
      return `AL-RNN z′ = A⊙z + W φ(z) + h with ReLU on the last ${H} of ${d} units`;
    default:
      return `piecewise-linear map z′ = Lz + W relu(Pz + q) + c: d = ${d}, ${H} ReLU units`;
  }
}
