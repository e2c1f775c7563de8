/**
 * What kind of dynamics model a file is — `map` (x_t → x_{t+1}), `flow` (x → dx/dt) or `rollout`
 * ((x0, steps) → trajectory) — from its `dynamics.*` metadata when present, else from its inputs' and
 * outputs' shapes (the names PyTorch writes, `input.1`, `onnx::Gemm_0`, carry no meaning and are not relied on).
 */
import type { FloatType } from '../core/onnxBuild';
import type { ModelInfo, TensorInfo } from './onnxFile';

export type ModelKind = 'map' | 'flow' | 'rollout';
export const MODEL_KINDS: readonly ModelKind[] = ['map', 'flow', 'rollout'];

/** The optional ONNX metadata_props that make a model's meaning exact (see the README). */
export const METADATA_KEYS = {
  kind: 'dynamics.kind',
  dt: 'dynamics.dt',
  stateNames: 'dynamics.state_names',
  initialState: 'dynamics.initial_state',
  system: 'dynamics.system',
  paper: 'dynamics.paper',
  observation: 'dynamics.observation',
  observed: 'dynamics.observed',
} as const;

export interface DynamicsMetadata {
  readonly kind?: ModelKind;
  readonly dt?: number;
  readonly stateNames?: readonly string[];
  readonly initialState?: readonly number[];
  readonly system?: string;
  readonly paper?: string;
  /** Name of an output to plot instead of the state (e.g. an ESN's readout). */
  readonly observation?: string;
  /** The first `observed` state components are what is plotted (e.g. [x, reservoir] states of an ESN). */
  readonly observed?: number;
  /** What was present but unreadable, for the model card. */
  readonly problems: readonly string[];
}

function parseList(text: string): string[] {
  const t = text.trim();
  if (t.startsWith('[')) {
    const parsed: unknown = JSON.parse(t);
    if (!Array.isArray(parsed)) throw new Error('not a list');
    return parsed.map((v) => String(v));
  }
  return t.split(/[,\s]+/).filter((s) => s.length > 0);
}

export function parseDynamicsMetadata(metadata: Readonly<Record<string, string>>): DynamicsMetadata {
  const problems: string[] = [];
  const out: { -readonly [K in keyof DynamicsMetadata]: DynamicsMetadata[K] } = { problems };
  const kind = metadata[METADATA_KEYS.kind]?.trim().toLowerCase();
  if (kind !== undefined) {
    if ((MODEL_KINDS as readonly string[]).includes(kind)) out.kind = kind as ModelKind;
    else problems.push(`${METADATA_KEYS.kind} = "${kind}" is not one of map, flow, rollout`);
  }
  const dt = metadata[METADATA_KEYS.dt];
  if (dt !== undefined) {
    const v = Number(dt);
    if (Number.isFinite(v) && v > 0) out.dt = v;
    else problems.push(`${METADATA_KEYS.dt} = "${dt}" is not a positive number`);
  }
  const names = metadata[METADATA_KEYS.stateNames];
  if (names !== undefined) {
    try {
      out.stateNames = parseList(names);
    } catch {
      problems.push(`${METADATA_KEYS.stateNames} is not a list`);
    }
  }
  const x0 = metadata[METADATA_KEYS.initialState];
  if (x0 !== undefined) {
    try {
      const values = parseList(x0).map(Number);
      if (values.length === 0 || !values.every(Number.isFinite)) throw new Error('not numbers');
      out.initialState = values;
    } catch {
      problems.push(`${METADATA_KEYS.initialState} is not a list of numbers`);
    }
  }
  if (metadata[METADATA_KEYS.system]) out.system = metadata[METADATA_KEYS.system].trim();
  if (metadata[METADATA_KEYS.paper]) out.paper = metadata[METADATA_KEYS.paper].trim();
  if (metadata[METADATA_KEYS.observation]) out.observation = metadata[METADATA_KEYS.observation].trim();
  const observed = metadata[METADATA_KEYS.observed];
  if (observed !== undefined) {
    const k = Number(observed);
    if (Number.isInteger(k) && k > 0) out.observed = k;
    else problems.push(`${METADATA_KEYS.observed} = "${observed}" is not a positive whole number`);
  }
  return out;
}

export type BatchDim = 'none' | 'symbolic' | number;

/** How Attractor runs a model. */
export interface Signature {
  readonly kind: ModelKind;
  /** Where the kind came from: the file's metadata, the shapes alone, or the user's answer. */
  readonly source: 'metadata' | 'shapes' | 'answer';
  /** True when shapes allow both map and flow and nothing said which: ask the user once. */
  readonly ambiguous: boolean;
  /** Kinds the shapes allow. */
  readonly candidates: readonly ModelKind[];
  readonly stateInput: string;
  readonly stateOutput: string;
  /** An extra output plotted instead of the state (maps/flows), e.g. an ESN's readout. */
  readonly observationOutput?: string;
  readonly observationDim?: number;
  /** Rollout models: the integer steps input and an optional float dt input. */
  readonly stepsInput?: string;
  readonly dtInput?: string;
  readonly dim: number;
  readonly elemType: FloatType;
  /** `none`: the state is `[d]`; else `[B, d]` with B symbolic or fixed. */
  readonly batch: BatchDim;
  readonly opset: number;
  readonly metadata: DynamicsMetadata;
}

export type Recognition =
  | { readonly ok: true; readonly signature: Signature }
  | { readonly ok: false; readonly reason: string; readonly metadata: DynamicsMetadata };

/** A recognition turned into "not run" with the reason, when there is one. */
export function refuseRun(r: Recognition, reason: string | undefined): Recognition {
  if (!reason) return r;
  return { ok: false, reason, metadata: r.ok ? r.signature.metadata : r.metadata };
}

/** What Attractor expects, said to the user when a model fits no kind. */
export const EXPECTED_SIGNATURES =
  'Attractor runs three kinds of models: a map x_t → x_{t+1} (one float input [B, d] or [d], an output of the same shape), ' +
  'a flow x → dx/dt (same shapes; Attractor integrates it with RK4), or a rollout (x0 [B, d], steps int64 scalar) → trajectory [T, B, d].';

/** Said only where it helps: the shapes fit, but not the way the file's dynamics.kind claims. */
const KIND_HINT = 'Set the metadata property dynamics.kind to say which kind it is.';

/** Said when the inputs and outputs cannot be a state and its successor. */
const NOT_DYNAMICS = 'This is not a dynamics model:';

/** The default-domain opset of a model (0 when it imports none). */
export function defaultOpset(info: Pick<ModelInfo, 'opsets'>): number {
  return info.opsets.find((o) => o.domain === '' || o.domain === 'ai.onnx')?.version ?? 0;
}

const isFloat = (t: TensorInfo) => t.elemType === 'float32' || t.elemType === 'float64';
const isInteger = (t: TensorInfo) => t.elemType === 'int64' || t.elemType === 'int32';
const rank = (t: TensorInfo) => t.shape?.length;
const lastDim = (t: TensorInfo) => (t.shape && t.shape.length > 0 ? t.shape[t.shape.length - 1] : undefined);
const isScalarish = (t: TensorInfo) =>
  t.shape === undefined || t.shape.length === 0 || (t.shape.length === 1 && t.shape[0] === 1);

function batchOf(t: TensorInfo): BatchDim {
  if (t.shape?.length !== 2) return 'none';
  const b = t.shape[0];
  return typeof b === 'number' && b > 0 ? b : 'symbolic';
}

const FLOW_HINT = /(dx|dot|deriv|velocity|vector_?field|rhs|flow|tendency)/i;

export function recognise(info: ModelInfo, answeredKind?: ModelKind): Recognition {
  const metadata = parseDynamicsMetadata(info.metadata);
  const fail = (reason: string, tail: string = EXPECTED_SIGNATURES): Recognition => ({
    ok: false,
    reason: `${reason} ${tail}`,
    metadata,
  });
  const notDynamics = (reason: string): Recognition => fail(`${NOT_DYNAMICS} ${reason}`);
  const opset = defaultOpset(info);
  const floatIns = info.inputs.filter(isFloat);
  const intIns = info.inputs.filter(isInteger);
  const others = info.inputs.filter((t) => !isFloat(t) && !isInteger(t));
  if (others.length > 0)
    return notDynamics(`its input "${others[0].name}" has element type ${others[0].elemType}, not float.`);
  if (info.inputs.length === 0) return notDynamics('it has no inputs.');

  const stateCandidates = floatIns.filter((t) => rank(t) === 1 || rank(t) === 2);
  const state = stateCandidates.find((t) => !isScalarish(t)) ?? stateCandidates[0];
  if (!state) {
    const shapes = info.inputs.map((t) => `${t.name} ${describeShape(t)}`).join(', ');
    return notDynamics(`no input looks like a state [B, d] or [d] (inputs: ${shapes}).`);
  }
  const stateRank = rank(state)!;
  const elemType = state.elemType as FloatType;
  const d = lastDim(state);
  const dim = typeof d === 'number' && d > 0 ? d : metadata.initialState?.length;
  if (!dim)
    return fail(
      `The state input "${state.name}" has no fixed size d (${describeShape(state)}), and no dynamics.initial_state says it.`,
    );

  const base = { stateInput: state.name, dim, elemType, batch: batchOf(state), opset, metadata };

  // rollout: (x0, steps [, dt]) → [T, B, d]
  const steps = intIns.find(isScalarish);
  const trajectory = info.outputs.find(
    (o) => isFloat(o) && rank(o) === stateRank + 1 && (lastDim(o) === dim || typeof lastDim(o) !== 'number'),
  );
  const extraFloats = floatIns.filter((t) => t !== state);
  const rolloutShaped =
    steps !== undefined &&
    trajectory !== undefined &&
    intIns.length === 1 &&
    extraFloats.length <= 1 &&
    extraFloats.every(isScalarish);
  if (metadata.kind === 'rollout' || (metadata.kind === undefined && rolloutShaped)) {
    if (!rolloutShaped)
      return fail(
        'dynamics.kind says rollout, but the model does not take (x0, steps[, dt]) and return a trajectory [T, B, d].',
        `${EXPECTED_SIGNATURES} ${KIND_HINT}`,
      );
    return {
      ok: true,
      signature: {
        ...base,
        kind: 'rollout',
        source: metadata.kind ? 'metadata' : 'shapes',
        ambiguous: false,
        candidates: ['rollout'],
        stateOutput: trajectory!.name,
        stepsInput: steps!.name,
        dtInput: extraFloats[0]?.name,
      },
    };
  }

  if (info.inputs.length !== 1) {
    const names = info.inputs.map((t) => `"${t.name}" ${describeShape(t)}`).join(', ');
    if (isSplitState(info.inputs, info.outputs)) {
      // An LSTM/GRU step exported with its state as separate tensors (h, c): no metadata makes that one state.
      return fail(
        `The model's state is split over ${info.inputs.length} inputs (${names}), each returned as an output: it looks like a recurrent step such as an LSTM's (h, c).`,
        'Attractor runs a state held in one tensor: export the step with the parts concatenated into one input [B, d] and one output of the same shape, or export a rollout (x0 [B, d], steps int64) → trajectory [T, B, d].',
      );
    }
    return notDynamics(
      `it has ${info.inputs.length} inputs (${names}) and no output can be fed back as the next state; a map or flow takes exactly one input, the state.`,
    );
  }
  const sameShape = (o: TensorInfo) =>
    isFloat(o) &&
    o.elemType === elemType &&
    rank(o) === stateRank &&
    (lastDim(o) === dim || lastDim(o) === null || typeof lastDim(o) === 'string');
  const next = info.outputs.find(sameShape);
  if (!next) {
    const outs = info.outputs.map((t) => `"${t.name}" ${describeShape(t)}`).join(', ');
    return notDynamics(`no output has the state's shape ${describeShape(state)} (outputs: ${outs}).`);
  }
  const obsByName = metadata.observation ? info.outputs.find((o) => o.name === metadata.observation) : undefined;
  const obs =
    obsByName ??
    info.outputs.find(
      (o) =>
        o !== next && isFloat(o) && o.elemType === elemType && rank(o) === stateRank && typeof lastDim(o) === 'number',
    );
  const observation =
    obs && obs !== next ? { observationOutput: obs.name, observationDim: lastDim(obs) as number } : {};

  let kind: ModelKind;
  let source: Signature['source'];
  let ambiguous = false;
  if (metadata.kind === 'map' || metadata.kind === 'flow') {
    kind = metadata.kind;
    source = 'metadata';
  } else if (answeredKind === 'map' || answeredKind === 'flow') {
    kind = answeredKind;
    source = 'answer';
  } else {
    kind = FLOW_HINT.test(`${next.name} ${info.graphName}`) ? 'flow' : 'map';
    source = 'shapes';
    ambiguous = true;
  }
  return {
    ok: true,
    signature: {
      ...base,
      ...observation,
      kind,
      source,
      ambiguous,
      candidates: ['map', 'flow'],
      stateOutput: next.name,
    },
  };
}

/**
 * Values per emitted row: a map's observation output, else the first `dynamics.observed` state components,
 * else the whole state.
 */
export function emitWidth(sig: Signature): number {
  if (sig.kind === 'map' && sig.observationOutput && sig.observationDim) return sig.observationDim;
  const k = sig.metadata.observed;
  return k !== undefined && k < sig.dim ? k : sig.dim;
}

/**
 * The same model emitting its whole state (no observation output, no `dynamics.observed`), for measures that carry
 * a hidden state (an ESN's reservoir); undefined when it already emits its whole state.
 */
export function wholeStateSignature(sig: Signature): Signature | undefined {
  if (emitWidth(sig) >= sig.dim) return undefined;
  return {
    ...sig,
    observationOutput: undefined,
    observationDim: undefined,
    metadata: { ...sig.metadata, observed: undefined },
  };
}

/** Every input is a float tensor of rank 1–2 with an output of the same shape: a state held in several tensors. */
function isSplitState(inputs: readonly TensorInfo[], outputs: readonly TensorInfo[]): boolean {
  const key = (t: TensorInfo) =>
    `${t.elemType}[${(t.shape ?? []).map((d) => (typeof d === 'number' ? d : '?')).join(',')}]`;
  if (inputs.length < 2 || !inputs.every((t) => isFloat(t) && (rank(t) === 1 || rank(t) === 2))) return false;
  const outs = outputs.filter(isFloat).map(key);
  return inputs.every((t) => {
    const i = outs.indexOf(key(t));
    if (i < 0) return false;
    outs.splice(i, 1);
    return true;
  });
}

export function describeShape(t: TensorInfo): string {
  if (!t.shape) return `${t.elemType} [?]`;
  return `${t.elemType} [${t.shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
}
