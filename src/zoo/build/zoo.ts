import type { PaperRef, ZooKind } from '../catalog';
import { compareTrajectories, largestLyapunov, type ReconstructionScores } from '../../metrics/index';
import { lyapunovSpectrum } from '../../metrics/lyapunov';
import {
  DEFAULT_PE_STEPS,
  DEFAULT_WARMUP,
  drivenStates,
  mapSimulate,
  predictionError,
  type PredictionErrorResult,
} from '../../metrics/modelRuns';
import { systemData } from './data';
import { fitEdmd, edmdJs } from './edmd';
import { esnJs, esnOnnx, trainEsn, type EsnOptions } from './esn';
import { flowGraph, mapGraph, onnxRk4, rolloutGraph } from './graphs';
import { iterate, advance } from '../../core/integrate';
import { polynomialRk4 } from '../../systems/polynomial';
import type { DiscreteMap } from '../../core/trajectory';
import { affineJs, affineOnnx, fitAffineMap } from './linear';
import { encodeModel } from '../../core/onnxBuild';
import type { GraphBuilder } from '../../core/onnxGraph';
import { plrnnJs, plrnnOnnx, trainPlrnn, type PlrnnOptions } from './plrnn';
import { fieldEquations, onnxField, type PolynomialField } from '../../systems/polynomial';
import { Rng } from '../../core/rng';
import { attractorScale } from '../../systems/attractorScale';
import { truthFrom } from '../../models/groundTruthComparison';
import { centralDerivatives, stlsq, type SindyOptions } from './sindy';
import { DYSTS_PAPER, QR_SPECTRA, REFERENCE_SYSTEMS, type ReferenceSystem } from '../../systems/systems';

/**
 * The model zoo: every model Attractor ships, built from source with fixed seeds. Each entry carries its ONNX
 * graph, a JS reference of the same map (used by the tests and for the card's scores), the papers it relates to
 * and the text of its model card.
 */
export const ZOO_VERSION = '1';

export interface ZooEntry {
  readonly name: string;
  readonly title: string;
  readonly kind: ZooKind;
  readonly system: ReferenceSystem;
  /** Size of the model's state; the first `system.stateNames.length` components are the observation. */
  readonly dim: number;
  readonly stateNames: readonly string[];
  readonly initialState: readonly number[];
  /** The same dynamics in JS, one step of `system.dt` (a flow integrated with RK4). */
  readonly reference: DiscreteMap;
  readonly graph: GraphBuilder;
  readonly papers: readonly PaperRef[];
  readonly summary: string;
  readonly howMade: readonly string[];
  /** Extra card sections (e.g. SINDy's recovered equations). */
  readonly sections?: readonly { readonly heading: string; readonly lines: readonly string[] }[];
  readonly learned: boolean;
  readonly metadata?: Readonly<Record<string, string>>;
}

export const PAPERS = {
  dysts: { title: DYSTS_PAPER.title, arxiv: DYSTS_PAPER.arxiv },
  gtf: { title: 'Generalized Teacher Forcing for Learning Chaotic Dynamics', arxiv: '2306.04406' },
  alrnn: {
    title: 'Almost-Linear RNNs Yield Highly Interpretable Symbolic Codes in Dynamical Systems Reconstruction',
    arxiv: '2410.14240',
  },
  sindy: {
    title: 'Discovering governing equations from data by sparse identification of nonlinear dynamical systems',
    arxiv: '1509.03580',
  },
  sindyRl: { title: 'SINDy-RL: Interpretable and Efficient Model-Based Reinforcement Learning', arxiv: '2403.09110' },
  edmd: {
    title: 'A Data-Driven Approximation of the Koopman Operator: Extending Dynamic Mode Decomposition',
    arxiv: '1408.4408',
  },
  koopmanLimits: { title: 'Limits and Powers of Koopman Learning', arxiv: '2407.06312' },
  koopmanVae: {
    title: 'Generative Modeling of Regular and Irregular Time Series Data via Koopman VAEs',
    arxiv: '2310.02619',
  },
  esn: {
    title: 'Model-Free Prediction of Large Spatiotemporally Chaotic Systems from Data: A Reservoir Computing Approach',
  },
} as const;

const json = (v: unknown) => JSON.stringify(v);
const round = (v: number) => Number(v.toPrecision(9));

function groundTruth(system: ReferenceSystem): ZooEntry[] {
  const d = system.field.dim;
  const stepper = (g: GraphBuilder, s: string) =>
    onnxRk4(g, s, (state) => onnxField(g, state, system.field), system.dt);
  const reference = polynomialRk4(system.field, system.dt);
  const fromDysts = system.dystsName !== undefined;
  const papers: PaperRef[] = fromDysts
    ? [
        {
          ...PAPERS.dysts,
          relation: `parameters, initial condition and time scale from the dysts collection (${system.dystsName})`,
        },
      ]
    : [];
  const howMade = [
    `Equations: ${system.equations.join('; ')}.`,
    `Parameters: ${
      Object.entries(system.parameters)
        .map(([k, v]) => `${k} = ${v}`)
        .join(', ') || 'none'
    }.`,
    fromDysts
      ? `Parameters and initial condition from dysts (${system.dystsName}); dt = period/100 = ${round(system.dt)} (dysts' period ${system.period}, its benchmark's 100 points per period; dysts integrates at ${system.dystsDt}).`
      : `dt = period/100 = ${round(system.dt)}.`,
    `One classic RK4 step of size dt per map step; the vector field is one MatMul over the monomials it uses.`,
    `Largest Lyapunov exponent ${system.lyapunovMax} (${system.lyapunovSource}). ${system.citation}`,
  ];
  const base = {
    system,
    dim: d,
    stateNames: system.stateNames,
    initialState: system.initialState,
    reference,
    papers,
    learned: false,
    howMade,
  };
  return [
    {
      ...base,
      name: `${system.id}-rk4`,
      title: `${system.name} (RK4 map)`,
      kind: 'map',
      summary: `The ${system.name} system as a map: one RK4 step of dt = ${round(system.dt)}.`,
      graph: mapGraph(`${system.id}_rk4`, d, stepper),
    },
    {
      ...base,
      name: `${system.id}-rk4-rollout`,
      title: `${system.name} (RK4 rollout)`,
      kind: 'rollout',
      summary: `The ${system.name} system as a rollout: (x0 [B, ${d}], steps) → trajectory [steps, B, ${d}], RK4 steps of dt = ${round(system.dt)} inside one ONNX Loop.`,
      graph: rolloutGraph(`${system.id}_rk4_rollout`, d, stepper),
    },
  ];
}

export const ESN_OPTIONS: EsnOptions = {
  reservoir: 200,
  nonzerosPerRow: 6,
  spectralRadius: 0.9,
  inputScale: 0.3,
  washout: 500,
  ridge: 1e-6,
  seed: 7,
};
export const PLRNN_OPTIONS: PlrnnOptions = {
  hidden: 100,
  alpha: 0.15,
  sequenceLength: 50,
  batch: 16,
  iterations: 6000,
  learningRate: 2e-3,
  seed: 11,
};
export const SINDY_OPTIONS: SindyOptions = { degree: 2, threshold: 0.1, iterations: 10 };
export const EDMD_DEGREE = 5;
/** Training data for the Lorenz-63 models: a washout plus this many steps at dt. */
export const LORENZ_TRAINING_STEPS = 20_500;

function lorenzModels(): ZooEntry[] {
  const system = REFERENCE_SYSTEMS.find((s) => s.id === 'lorenz63')!;
  const { trajectory: tr } = systemData(system, LORENZ_TRAINING_STEPS);
  const d = 3;
  const names = system.stateNames;
  // every learned model starts where the training data ends: the comparison is out of sample
  const x0 = Array.from(tr.data.subarray((tr.length - 1) * d));
  const data = `${LORENZ_TRAINING_STEPS} RK4 steps of Lorenz-63 at dt = ${round(system.dt)} after a 1000-step transient from dysts' initial condition, noise-free`;
  const entries: ZooEntry[] = [];

  const affine = fitAffineMap(tr);
  entries.push({
    name: 'lorenz63-linear',
    title: 'Lorenz-63, linear baseline',
    kind: 'map',
    system,
    dim: d,
    stateNames: names,
    initialState: x0,
    reference: affineJs(affine),
    graph: mapGraph('lorenz63_linear', d, (g, s) => affineOnnx(g, s, affine)),
    papers: [],
    summary:
      'An affine map x_{t+1} = x_t A + b fitted by least squares: the baseline the other reconstructions must beat. It cannot hold a strange attractor.',
    howMade: [`Least squares (Householder QR) on ${data}.`],
    learned: true,
  });

  const { esn, finalState } = trainEsn(tr, ESN_OPTIONS);
  entries.push({
    name: 'lorenz63-esn',
    title: 'Lorenz-63, echo state network',
    kind: 'map',
    system,
    dim: d + esn.reservoir,
    stateNames: [...names, ...Array.from({ length: esn.reservoir }, (_, i) => `r${i + 1}`)],
    initialState: Array.from(finalState),
    reference: esnJs(esn),
    graph: mapGraph('lorenz63_esn', d + esn.reservoir, (g, s) => {
      const { next, observation } = esnOnnx(g, s, esn);
      return { next, extra: { y: { value: observation, dim: d } } };
    }),
    papers: [
      { ...PAPERS.dysts, relation: 'benchmarks reservoir computers (ESNs) against other forecasters on these systems' },
    ],
    summary: `An echo state network (reservoir ${esn.reservoir}) run in closed loop. State = [x, y, z, r1…r${esn.reservoir}]: the prediction, then the reservoir; output "y" is the prediction alone.`,
    howMade: [
      `Reservoir: ${ESN_OPTIONS.nonzerosPerRow} random nonzeros U(−1, 1) per row, scaled to spectral radius ${ESN_OPTIONS.spectralRadius} (power iteration); input weights U(−${ESN_OPTIONS.inputScale}, ${ESN_OPTIONS.inputScale}) on standardised inputs; seed ${ESN_OPTIONS.seed}.`,
      `Readout on [r, r∘r, 1] (the square breaks Lorenz's symmetry, after Pathak et al. 2018) by ridge regression, λ = ${ESN_OPTIONS.ridge} × mean diag(FᵀF), on ${data}; first ${ESN_OPTIONS.washout} steps discarded.`,
      'The initial state carries the reservoir as driven by the data up to the last training point (it cannot be recovered from x alone).',
      'Method: H. Jaeger (2001), the "echo state" approach; J. Pathak, B. Hunt, M. Girvan, Z. Lu, E. Ott (2018), Phys. Rev. Lett. 120, 024102.',
    ],
    learned: true,
    metadata: { 'dynamics.observation': 'y' },
  });

  const { states, derivatives } = centralDerivatives(tr, system.dt);
  const sindy = stlsq(states, derivatives, SINDY_OPTIONS);
  const equations = fieldEquations(sindy.field, names, (n) => `d${n}/dt`);
  const truthEquations = fieldEquations(system.field, names, (n) => `d${n}/dt`);
  entries.push({
    name: 'lorenz63-sindy',
    title: 'Lorenz-63, SINDy',
    kind: 'flow',
    system,
    dim: d,
    stateNames: names,
    initialState: x0,
    reference: polynomialRk4(sindy.field, system.dt),
    graph: flowGraph('lorenz63_sindy', sindy.field),
    papers: [
      { ...PAPERS.sindy, relation: 'the method: sparse identification of nonlinear dynamics (STLSQ)' },
      {
        ...PAPERS.sindyRl,
        relation: 'uses SINDy dictionary models as interpretable surrogates for reinforcement learning',
      },
    ],
    summary:
      'A vector field recovered by SINDy: sparse regression on a polynomial library. Attractor integrates it (RK4, dt from the metadata).',
    howMade: [
      `Library: all ${sindy.field.terms.length} monomials of x, y, z up to degree ${SINDY_OPTIONS.degree}. Derivatives by fourth-order central differences of ${data}.`,
      `Sequentially thresholded least squares: threshold ${SINDY_OPTIONS.threshold}, at most ${SINDY_OPTIONS.iterations} rounds per equation (${sindy.rounds} rounds pruned terms).`,
    ],
    sections: [
      { heading: 'Recovered equations', lines: equations },
      { heading: 'True equations (dysts parameters)', lines: truthEquations },
    ],
    learned: true,
  });

  const { plrnn, losses } = trainPlrnn(tr, PLRNN_OPTIONS);
  entries.push({
    name: 'lorenz63-plrnn',
    title: 'Lorenz-63, clipped shallow PLRNN (GTF)',
    kind: 'map',
    system,
    dim: d,
    stateNames: names,
    initialState: x0,
    reference: plrnnJs(plrnn),
    graph: mapGraph('lorenz63_plrnn', d, (g, s) => plrnnOnnx(g, s, plrnn)),
    papers: [
      {
        ...PAPERS.gtf,
        relation: 'the model (clipped shallow PLRNN) and the training method (generalized teacher forcing)',
      },
      { ...PAPERS.alrnn, relation: "the same group's piecewise-linear RNNs for dynamical systems reconstruction" },
    ],
    summary: `A clipped shallow PLRNN z_{t+1} = a⊙z_t + W1[relu(W2 z_t + h2) − relu(W2 z_t)] + h1 with M = ${d} latent states observed directly and L = ${PLRNN_OPTIONS.hidden} hidden units.`,
    howMade: [
      `Generalized teacher forcing with α = ${PLRNN_OPTIONS.alpha}: each step is fed (1 − α)·prediction + α·data; loss = mean squared one-step error; gradients by hand-written backpropagation through the forced sequences.`,
      `Adam, learning rate ${PLRNN_OPTIONS.learningRate} with cosine decay to a tenth, ${PLRNN_OPTIONS.iterations} iterations of ${PLRNN_OPTIONS.batch} sequences × ${PLRNN_OPTIONS.sequenceLength} steps, seed ${PLRNN_OPTIONS.seed}; |a| kept below 1 (bounded dynamics).`,
      `Trained on standardised ${data}; the scaling is folded into the shipped weights. Final training loss ${losses[losses.length - 1].toExponential(2)} (standardised units).`,
    ],
    learned: true,
  });
  return entries;
}

function vanDerPolEdmd(): ZooEntry {
  const system = REFERENCE_SYSTEMS.find((s) => s.id === 'vanderpol')!;
  const rng = new Rng(5);
  const map = polynomialRk4(system.field, system.dt);
  const trajectories = 40;
  const length = 150;
  const n = trajectories * length;
  const x = new Float64Array(n * 2);
  const y = new Float64Array(n * 2);
  let k = 0;
  for (let i = 0; i < trajectories; i++) {
    let s = Float64Array.of(rng.uniform(-3, 3), rng.uniform(-3, 3));
    const next = new Float64Array(2);
    for (let t = 0; t < length; t++, k++) {
      map.step(s, next);
      x.set(s, 2 * k);
      y.set(next, 2 * k);
      s = Float64Array.from(next);
    }
  }
  const edmd = fitEdmd({ x, y, n, dim: 2 }, EDMD_DEGREE);
  const reference = edmdJs(edmd);
  return {
    name: 'vanderpol-edmd',
    title: 'Van der Pol, Koopman operator by EDMD',
    kind: 'map',
    system,
    dim: 2,
    stateNames: system.stateNames,
    initialState: Array.from(advance(polynomialRk4(system.field, system.dt), system.initialState, 500)),
    reference,
    graph: mapGraph('vanderpol_edmd', 2, (g, s) => onnxField(g, s, edmd.predictor as PolynomialField)),
    papers: [
      { ...PAPERS.edmd, relation: 'the method: extended dynamic mode decomposition' },
      { ...PAPERS.koopmanLimits, relation: 'when Koopman spectra can and cannot be learned from data, EDMD included' },
      { ...PAPERS.koopmanVae, relation: 'Koopman (linear latent) models of time series' },
    ],
    summary: `A Koopman matrix K (${edmd.dictionary.length}×${edmd.dictionary.length}) on all monomials of x, y up to degree ${EDMD_DEGREE}; the map is x_{t+1} = ψ(x_t) K C (lift, advance, project back to x and y).`,
    howMade: [
      `Data: ${trajectories} trajectories × ${length} RK4 steps of dt = ${round(system.dt)} from initial states uniform in [−3, 3]² (seed 5), so K sees the transients onto the limit cycle too.`,
      `K by least squares (Householder QR) on ψ(x_{t+1}) ≈ ψ(x_t) K.`,
      `Van der Pol with μ = ${system.parameters.mu}: ${system.equations.join('; ')}. ${system.citation}`,
    ],
    learned: true,
  };
}

export interface ZooBuildOptions {
  /** Build only these entries (by name); ground-truth entries are cheap, learned ones train. */
  readonly only?: readonly string[];
}

export function buildZooEntries(options: ZooBuildOptions = {}): ZooEntry[] {
  const wanted = (name: string) => !options.only || options.only.includes(name);
  const out: ZooEntry[] = [];
  for (const s of REFERENCE_SYSTEMS) out.push(...groundTruth(s).filter((e) => wanted(e.name)));
  if (['lorenz63-linear', 'lorenz63-esn', 'lorenz63-sindy', 'lorenz63-plrnn'].some(wanted))
    out.push(...lorenzModels().filter((e) => wanted(e.name)));
  if (wanted('vanderpol-edmd')) out.push(vanDerPolEdmd());
  return out.map((e) => ({ ...e, initialState: e.initialState.map(storedNumber) }));
}

/** A state value as written to the metadata: float32, printed with 9 significant digits (exact round trip). */
export const storedNumber = (v: number): number => Number(Math.fround(v).toPrecision(9));

/** How a learned model compares with its system from its own initial state. */
export interface EntryScores extends ReconstructionScores {
  readonly steps: number;
  readonly lyapunovModel: number;
  readonly lyapunovSystem: number;
  /** n-step prediction error (Hess et al. 2023) over the truth's rows, the model's hidden state driven by them. */
  readonly predictionError: PredictionErrorResult;
  /** Rows of truth that drove the hidden state before each PE start (teacher forcing), when the model has one. */
  readonly predictionErrorWarmup?: number;
  /** The model's first exponents by the QR method, and its Kaplan–Yorke dimension from them. */
  readonly spectrumModel: {
    readonly exponents: readonly number[];
    readonly kaplanYorke: number | undefined;
    readonly steps: number;
  };
}

export const EVALUATION_STEPS = 50_000;
/** Benettin steps for a zoo model's λmax: 2·10^4 missed by up to a few per cent; 2·10^5 has settled (±0.2%). */
export const MODEL_LYAPUNOV_BUILD_STEPS = 200_000;
/**
 * QR steps for a zoo model's spectrum on its card: as many as Benettin's λmax above for small states; 5·10^4 (750
 * time units of Lorenz-63) for the ESN, whose 203-dim tangent vectors make each step a hundred times dearer, so
 * that every test run can afford the rebuild (its λ1 agrees with its Benettin λmax to 0.1%).
 */
export const modelSpectrumSteps = (dim: number): number => (dim > 10 ? 50_000 : MODEL_LYAPUNOV_BUILD_STEPS);
/** Exponents on the card: enough for the Kaplan–Yorke sum of a 3-D attractor to turn negative. */
const SPECTRUM_COUNT = 4;

export async function scoreEntry(entry: ZooEntry, steps = EVALUATION_STEPS): Promise<EntryScores> {
  const { system } = entry;
  const observed = system.stateNames.length;
  const start = entry.initialState.slice(0, observed);
  // row 0 of both is the shared initial state (t = 0), as the valid prediction time counts from it
  const truth = truthFrom(system, start, steps, system.dt);
  const rest = iterate(entry.reference, entry.initialState, steps - 1);
  const model = { data: new Float64Array(rest.length * observed + observed), length: rest.length + 1, dim: observed };
  model.data.set(start);
  model.data.set(rest.data, observed);
  const scores = compareTrajectories(truth, model, {
    dt: system.dt,
    lyapunovMax: system.lyapunovMax,
    scale: attractorScale(system),
  });
  const lyapunovModel = largestLyapunov(entry.reference, entry.initialState, {
    dt: system.dt,
    steps: MODEL_LYAPUNOV_BUILD_STEPS,
    transient: 1_000,
  });
  const spectrum = lyapunovSpectrum(entry.reference, entry.initialState, {
    dt: system.dt,
    steps: modelSpectrumSteps(entry.dim),
    transient: 1_000,
    count: SPECTRUM_COUNT,
  });
  // the preview's PE: a model with state beyond what is observed (the ESN's reservoir) is driven by the truth first
  const simulate = mapSimulate(entry.reference);
  const hidden = entry.dim > observed ? await drivenStates(simulate, truth, entry.dim, DEFAULT_WARMUP) : undefined;
  const pe = await predictionError(simulate, truth, DEFAULT_PE_STEPS, undefined, hidden);
  return {
    ...scores,
    steps,
    lyapunovModel,
    lyapunovSystem: system.lyapunovMax,
    predictionError: pe,
    ...(hidden ? { predictionErrorWarmup: hidden.warmup } : {}),
    spectrumModel: {
      exponents: Array.from(spectrum.exponents),
      kaplanYorke: spectrum.kaplanYorke,
      steps: spectrum.steps,
    },
  };
}

export function metadataFor(entry: ZooEntry): Record<string, string> {
  const primary = entry.papers[0];
  return {
    'dynamics.kind': entry.kind,
    'dynamics.dt': String(entry.system.dt),
    'dynamics.state_names': json(entry.stateNames),
    'dynamics.initial_state': json(entry.initialState),
    'dynamics.system': entry.system.id,
    ...(primary?.arxiv ? { 'dynamics.paper': primary.arxiv } : {}),
    'zoo.name': entry.name,
    'zoo.papers': json(entry.papers),
    ...entry.metadata,
  };
}

const fmt = (v: number, digits = 3) =>
  !Number.isFinite(v) ? String(v) : v !== 0 && Math.abs(v) < 0.01 ? v.toExponential(1) : v.toFixed(digits);

export function scoresTable(scores: EntryScores, threshold: number, systemId: string): string[] {
  const vpt = scores.validPrediction;
  const pe = scores.predictionError;
  const hiddenNote = scores.predictionErrorWarmup
    ? `, the hidden state driven by the truth for ${scores.predictionErrorWarmup} rows before each start`
    : '';
  const model = scores.spectrumModel;
  const system = QR_SPECTRA[systemId];
  return [
    '| measure | value |',
    '|---|---|',
    `| valid prediction time (NRMSE < ${threshold}, σ of the attractor; Vlachas et al. 2020) | ${vpt.lyapunovTimes === undefined ? 'no Lyapunov time (λmax ≤ 0);' : `${fmt(vpt.lyapunovTimes, 2)} Lyapunov times,`} ${vpt.neverExceeded ? 'never exceeded in' : ''} ${vpt.steps} steps, t = ${fmt(vpt.time, 2)} |`.replace(
      / {2,}/g,
      ' ',
    ),
    `| D_stsp (${scores.stateSpace.settings}; Hess et al. 2023) | ${fmt(scores.stateSpaceDivergence)} |`,
    `| D_H (${scores.spectrum.settings}; Hess et al. 2023) | ${fmt(scores.spectralDistance)} |`,
    `| PE (n = ${pe.n}, MSE of the state n steps after each of ${pe.starts} starts on the truth${hiddenNote}; Hess et al. 2023) | ${Number.isFinite(pe.value) ? fmt(pe.value) : `— (${pe.reason ?? 'not computed'})`} |`,
    `| λmax model (Benettin, ${MODEL_LYAPUNOV_BUILD_STEPS} steps) / system | ${fmt(scores.lyapunovModel)} / ${fmt(scores.lyapunovSystem)} |`,
    `| Lyapunov spectrum model (QR, first ${model.exponents.length}, ${model.steps} steps) / system (QR, 10^6 steps) | ${exponents(model.exponents)} / ${system ? exponents(system.exponents) : '—'} |`,
    `| Kaplan–Yorke dimension model / system (Kaplan & Yorke 1979) | ${ky(model.kaplanYorke)} / ${system ? ky(system.kaplanYorke) : '—'} |`,
  ];
}

const exponents = (l: readonly number[]) => l.map((v) => v.toFixed(3)).join(', ');
const ky = (v: number | undefined) => (v === undefined ? '— (more exponents needed)' : v.toFixed(3));

export function cardText(entry: ZooEntry, scores: EntryScores | undefined, threshold: number): string {
  const lines: string[] = [`# ${entry.title}`, '', entry.summary, ''];
  lines.push(
    `Kind: \`${entry.kind}\` · state: ${entry.dim} (${entry.stateNames.slice(0, 3).join(', ')}${entry.dim > 3 ? ', …' : ''}) · dt = ${round(entry.system.dt)} · reference system: ${entry.system.name} (\`${entry.system.id}\`)`,
    '',
  );
  lines.push('## How it was made', '', ...entry.howMade.map((l) => `- ${l}`), '');
  for (const section of entry.sections ?? [])
    lines.push(`## ${section.heading}`, '', '```', ...section.lines, '```', '');
  if (scores) {
    lines.push(
      `## Scores against ${entry.system.name}`,
      '',
      `From the model's initial state, ${scores.steps} steps, compared with the true system (RK4) from the same observed state.`,
      '',
    );
    lines.push(...scoresTable(scores, threshold, entry.system.id), '');
  }
  if (entry.papers.length) {
    lines.push('## Papers', '');
    for (const p of entry.papers) lines.push(`- ${p.title}${p.arxiv ? ` (arXiv:${p.arxiv})` : ''}: ${p.relation}`);
    lines.push('');
  }
  lines.push(`Built by \`npm run build:models\` (Attractor zoo v${ZOO_VERSION}), deterministic and seeded.`, '');
  return lines.join('\n');
}

export function encodeEntry(entry: ZooEntry, card: string): Uint8Array {
  return encodeModel(
    entry.graph.model({ docString: card, metadata: metadataFor(entry), producerVersion: ZOO_VERSION }),
  );
}
