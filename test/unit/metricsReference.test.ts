/**
 * The reconstruction measures against independent reference implementations transcribed step by step from the
 * authors' code: D_stsp, D_H and the n-step prediction error from DurstewitzLab/GTF-shPLRNN (src/measures/
 * stsp_measure.jl, pse.jl, prediction_error.jl; Hess et al. 2023), the valid prediction time from
 * pvlachas/RNN-RC-Chaos (Methods/Models/Utils/global_utils.py, `computeErrors`; Vlachas et al. 2020). The references
 * below share no code with src/metrics: their own integrators, a naive O(T²) DFT instead of an FFT, dense histograms
 * with edges searched by bisection, padding built as ImageFiltering builds it, the model iterated start by start.
 */
import assert from 'node:assert/strict';
import { stateSpace, stateSpaceDivergence } from '../../src/metrics/stateSpace';
import { spectralDistance } from '../../src/metrics/spectrum';
import { predictionError, type Simulate } from '../../src/metrics/modelRuns';
import { componentStd, validPredictionTime } from '../../src/metrics/validPrediction';
import type { Trajectory } from '../../src/core/trajectory';

// ---- test data: own RK4 integrators ------------------------------------------------------------------------------

type Field = (x: number[]) => number[];

function integrate(f: Field, x0: number[], dt: number, steps: number, transient = 0): number[][] {
  let x = x0.slice();
  const out: number[][] = [];
  const add = (a: number[], b: number[], h: number) => a.map((v, i) => v + h * b[i]);
  for (let t = 0; t < transient + steps; t++) {
    const k1 = f(x);
    const k2 = f(add(x, k1, dt / 2));
    const k3 = f(add(x, k2, dt / 2));
    const k4 = f(add(x, k3, dt));
    x = x.map((v, i) => v + (dt / 6) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]));
    if (t >= transient) out.push(x.slice());
  }
  return out;
}

const lorenzField =
  (rho: number): Field =>
  ([x, y, z]) => [10 * (y - x), x * (rho - z) - y, x * y - (8 / 3) * z];
const rosslerField: Field = ([x, y, z]) => [-y - z, x + 0.2 * y, 0.2 + z * (x - 5.7)];

const lorenz = (rho: number, x0: number[], steps: number) => integrate(lorenzField(rho), x0, 0.01, steps, 1000);

const asTrajectory = (rows: number[][]): Trajectory => ({
  data: Float64Array.from(rows.flat()),
  length: rows.length,
  dim: rows[0].length,
});

// ---- reference: D_stsp, binning (stsp_measure.jl, `state_space_divergence(X, X̃, n_bins::Int)`) -------------------

/** Statistics.std: corrected (n − 1). */
function stdCol(X: number[][], j: number): number {
  const T = X.length;
  let m = 0;
  for (const r of X) m += r[j];
  m /= T;
  let s = 0;
  for (const r of X) s += (r[j] - m) ** 2;
  return Math.sqrt(s / (T - 1));
}

/** StatsBase `searchsortedlast`: the last index i (1-based) with edges[i] ≤ x, 0 if none. */
function searchsortedlast(edges: number[], x: number): number {
  let lo = 0;
  let hi = edges.length; // answer in [0, length]
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (edges[mid - 1] <= x) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function refStspBinning(X: number[][], Xg: number[][], nBins: number): number {
  const N = X[0].length;
  assert.equal(Xg[0].length, N);
  const lo: number[] = [];
  const hi: number[] = [];
  for (let j = 0; j < N; j++) {
    const sigma = stdCol(X, j);
    lo.push(Math.min(...X.map((r) => r[j])) - 0.1 * sigma);
    hi.push(Math.max(...X.map((r) => r[j])) + 0.1 * sigma);
  }
  // range(lo, hi, n_bins + 1)
  const edges = lo.map((l, j) => Array.from({ length: nBins + 1 }, (_, i) => l + (i * (hi[j] - l)) / nBins));
  // fit(Histogram, ..., bin_edges), closed = :left; points outside are not counted
  const K = nBins ** N;
  const hist = (Y: number[][]) => {
    const w = new Float64Array(K);
    outer: for (const r of Y) {
      let linear = 0;
      for (let j = N - 1; j >= 0; j--) {
        const i = searchsortedlast(edges[j], r[j]);
        if (i < 1 || i > nBins || !(r[j] < edges[j][nBins])) continue outer;
        linear = linear * nBins + (i - 1);
      }
      w[linear]++;
    }
    return w;
  };
  const hTrue = hist(X);
  const hGen = hist(Xg);
  if (hGen.reduce((a, b) => a + b, 0) === 0) return NaN;
  // laplace_smoothing(hist, α = 1f-5) = (hist .+ α) ./ (sum(hist) .+ α .* prod(size(hist)))
  const alpha = 1e-5;
  const smooth = (h: Float64Array) => {
    const s = h.reduce((a, b) => a + b, 0);
    return Array.from(h, (c) => (c + alpha) / (s + alpha * K));
  };
  const p = smooth(hTrue);
  const q = smooth(hGen);
  // StatsBase.kldivergence(p, q) = Σ p log(p/q)
  let kl = 0;
  for (let k = 0; k < K; k++) if (p[k] > 0) kl += p[k] * Math.log(p[k] / q[k]);
  return kl;
}

// ---- reference: D_stsp, GMM (`state_space_divergence(X, X̃, σ²::Real; max_T = 10000, mc_samples = 1000)`) -------

function refStspGmm(
  X: number[][],
  Xg: number[][],
  sigma2: number,
  draws: { indices: Int32Array; noise: Float64Array },
): number {
  const N = X[0].length;
  const sigma = Math.sqrt(sigma2);
  const Tt = Math.min(X.length, 10000);
  const X_ = X.slice(0, Tt);
  const Xg_ = Xg.slice(0, Tt);
  const samples = Array.from(draws.indices, (t, i) => X_[t].map((v, n) => v + sigma * draws.noise[i * N + n]));
  const likelihood = (mu: number[][]) =>
    samples.map((s) => {
      // E[i, t] = Σ_n (samples[i, n] − μ[t, n])² · invΣ ; L = exp(−0.5 E) / σ^N ; sum over t / T
      let sum = 0;
      for (const m of mu) {
        let E = 0;
        for (let n = 0; n < N; n++) E += (s[n] - m[n]) ** 2 / sigma ** 2;
        sum += Math.exp(-0.5 * E) / sigma ** N;
      }
      return sum / mu.length;
    });
  const p = likelihood(X_);
  const q = likelihood(Xg_);
  // filter_outliers: keep p > 0 && q > 0
  const kept = p.map((pi, i) => [pi, q[i]]).filter(([a, b]) => a > 0 && b > 0);
  return kept.reduce((acc, [a, b]) => acc + Math.log(a) - Math.log(b), 0) / kept.length;
}

// ---- reference: D_H (pse.jl, `power_spectrum_error(X, X̃, σ)`) ------------------------------------------------

/** abs2.(rfft(x)) by the definition of the DFT, ⌊T/2⌋ + 1 bins. */
function naiveRfftPower(x: number[]): number[] {
  const n = x.length;
  const c = Array.from({ length: n }, (_, k) => Math.cos((2 * Math.PI * k) / n));
  const s = Array.from({ length: n }, (_, k) => Math.sin((2 * Math.PI * k) / n));
  const out: number[] = [];
  for (let k = 0; k <= Math.floor(n / 2); k++) {
    let re = 0;
    let im = 0;
    for (let t = 0; t < n; t++) {
      const idx = (k * t) % n;
      re += x[t] * c[idx];
      im -= x[t] * s[idx];
    }
    out.push(re * re + im * im);
  }
  return out;
}

/** ImageFiltering `Kernel.gaussian((σ,), (l,))` with l = 2·4·σ, made odd; `imfilter!(…, "reflect")`. */
function refSmooth(ps: number[], sigma: number): number[] {
  let l = 2 * 4 * sigma;
  l = l % 2 === 0 ? l + 1 : l;
  const w = (l - 1) / 2;
  const g = Array.from({ length: l }, (_, i) => Math.exp(-((i - w) ** 2) / (2 * sigma ** 2)));
  const gs = g.reduce((a, b) => a + b, 0);
  const kernel = g.map((v) => v / gs);
  // padindex(Pad(:reflect)): I = [inds; last(inds)−1 : −1 : first(inds)+1], indexed modulo its length
  const n = ps.length;
  const I = [...Array.from({ length: n }, (_, i) => i), ...Array.from({ length: n - 2 }, (_, i) => n - 2 - i)];
  const at = (i: number) => ps[I[(((i % I.length) + I.length) % I.length) as number]];
  return ps.map((_, i) => kernel.reduce((acc, kv, k) => acc + kv * at(i - w + k), 0));
}

function refPowerSpectrumError(X: number[][], Xg: number[][], sigma: number): number {
  assert.equal(X.length, Xg.length);
  const N = X[0].length;
  const spectrumOf = (Y: number[][], j: number) => {
    // standardize(ZScoreTransform, X, dims = 1)
    const m = Y.reduce((a, r) => a + r[j], 0) / Y.length;
    const sd = stdCol(Y, j);
    let ps = naiveRfftPower(Y.map((r) => (r[j] - m) / sd));
    if (sigma > 0) ps = refSmooth(ps, sigma).map((v) => (v < 0 ? 0 : v));
    const total = ps.reduce((a, b) => a + b, 0);
    return ps.map((v) => v / total);
  };
  let sum = 0;
  for (let j = 0; j < N; j++) {
    const p = spectrumOf(X, j);
    const q = spectrumOf(Xg, j);
    // hellinger_distance = 1/√2 · sqrt(Σ (√p − √q)²)
    sum += (1 / Math.sqrt(2)) * Math.sqrt(p.reduce((a, pi, i) => a + (Math.sqrt(pi) - Math.sqrt(q[i])) ** 2, 0));
  }
  return sum / N;
}

// ---- the pairs -------------------------------------------------------------------------------------------------

/** Reproducible draws for the GMM variant, from a generator of the test's own (LCG + Box–Muller). */
function testDraws(points: number, dims: number, samples: number) {
  let state = 12345;
  const u = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return (state + 0.5) / 4294967296;
  };
  const indices = Int32Array.from({ length: samples }, () => Math.floor(u() * points));
  const noise = Float64Array.from(
    { length: samples * dims },
    () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()),
  );
  return { indices, noise };
}

const near = (a: number, b: number, what: string) => {
  if (process.env.SHOW_METRICS) console.log(what, a, b);
  return nearly(a, b, what);
};
const nearly = (a: number, b: number, what: string) =>
  assert.ok(Math.abs(a - b) <= 1e-9, `${what}: Attractor ${a}, reference ${b}, difference ${a - b}`);

describe('metrics against the published reference code (GTF-shPLRNN)', function () {
  this.timeout(60_000);
  const T = 3000;
  const l28 = lorenz(28, [1, 1, 1], T);
  const l28near = lorenz(28, [1 + 1e-6, 1, 1], T);
  const l35 = lorenz(35, [1, 1, 1], T);
  const ross = integrate(rosslerField, [1, 1, 0], 0.05, T, 2000);

  const pairs: [string, number[][], number[][]][] = [
    ['a Lorenz trajectory against itself', l28, l28],
    ['Lorenz from two nearby initial states', l28, l28near],
    ['Lorenz ρ = 28 against ρ = 35', l28, l35],
    ['Lorenz against Rössler', l28, ross],
  ];
  for (const [name, X, Xg] of pairs) {
    it(`D_stsp (30 bins) and D_H (σ = 20) agree to 1e-9: ${name}`, () => {
      const stsp = stateSpaceDivergence(asTrajectory(X), asTrajectory(Xg));
      near(stsp, refStspBinning(X, Xg, 30), 'D_stsp');
      const dh = spectralDistance(asTrajectory(X), asTrajectory(Xg));
      near(dh, refPowerSpectrumError(X, Xg, 20), 'D_H');
      if (X === Xg) {
        assert.equal(stsp, 0);
        assert.equal(dh, 0);
      } else assert.ok(stsp > 0 && dh > 0);
    });
  }

  it('D_H agrees for odd, prime and power-of-two lengths and with other smoothing', () => {
    for (const n of [1024, 2999, 1009, 100]) {
      const X = l28.slice(0, n);
      const Xg = ross.slice(0, n);
      near(spectralDistance(asTrajectory(X), asTrajectory(Xg)), refPowerSpectrumError(X, Xg, 20), `D_H, T = ${n}`);
    }
    const X = l28.slice(0, 2000);
    const Xg = l35.slice(0, 2000);
    near(
      spectralDistance(asTrajectory(X), asTrajectory(Xg), { smoothing: 5 }),
      refPowerSpectrumError(X, Xg, 5),
      'σ = 5',
    );
    near(
      spectralDistance(asTrajectory(X), asTrajectory(Xg), { smoothing: 0 }),
      refPowerSpectrumError(X, Xg, 0),
      'σ = 0',
    );
  });

  it('4-D, only the last dimension differs: binning over all four dims sees it', () => {
    const X = l28.map((r, t) => [...r, Math.sin(t / 7)]);
    const Xg = l28.map((r, t) => [...r, Math.sin(t / 3) * 0.5]);
    const s = stateSpace(asTrajectory(X), asTrajectory(Xg));
    assert.equal(s.variant, 'binning');
    assert.ok(s.value > 0.5, `D_stsp = ${s.value}`);
    near(s.value, refStspBinning(X, Xg, 30), 'D_stsp 4-D');
    near(spectralDistance(asTrajectory(X), asTrajectory(Xg)), refPowerSpectrumError(X, Xg, 20), 'D_H 4-D');
  });

  it('5-D with 20 bins (3.2 M cells, counted sparsely) agrees with the dense reference', () => {
    const X = l28.map((r, t) => [...r, Math.sin(t / 7), Math.cos(t / 11)]);
    const Xg = l35.map((r, t) => [...r, Math.sin(t / 7), Math.cos(t / 5)]);
    near(stateSpaceDivergence(asTrajectory(X), asTrajectory(Xg), { bins: 20 }), refStspBinning(X, Xg, 20), '5-D');
  });

  it('6-D, dims 4–6 wrong: the GMM variant (σ² = 1) sees it and agrees on the same draws', () => {
    const X = l28.map((r, t) => [...r, ...l35[(t + 500) % T]]);
    const Xg = l28.map((r, t) => [...r, ...ross[t].map((v) => 3 * v)]);
    const draws = testDraws(T, 6, 1000);
    const s = stateSpace(asTrajectory(X), asTrajectory(Xg), { draws });
    assert.equal(s.variant, 'gmm');
    assert.ok(s.value > 1, `D_stsp = ${s.value}`);
    near(s.value, refStspGmm(X, Xg, 1, draws), 'D_stsp 6-D GMM');
    const same = stateSpace(asTrajectory(X), asTrajectory(X), { draws });
    assert.equal(same.value, 0);
    const scaled = stateSpace(asTrajectory(X), asTrajectory(Xg), { draws, scaling: 0.3 });
    near(scaled.value, refStspGmm(X, Xg, 0.3, draws), 'σ² = 0.3');
    // narrow components: nearly every term is left out by the k-d tree, and many samples underflow under q
    const narrow = stateSpace(asTrajectory(X), asTrajectory(Xg), { draws, scaling: 0.02 });
    near(narrow.value, refStspGmm(X, Xg, 0.02, draws), 'σ² = 0.02');
    near(spectralDistance(asTrajectory(X), asTrajectory(Xg)), refPowerSpectrumError(X, Xg, 20), 'D_H 6-D');
  });

  it('the GMM value is reproducible with its default seeded draws', () => {
    const X = l28.map((r, t) => [...r, ...l35[t]]);
    const Xg = l35.map((r, t) => [...r, ...l28[t]]);
    const a = stateSpace(asTrajectory(X), asTrajectory(Xg));
    const b = stateSpace(asTrajectory(X), asTrajectory(Xg));
    assert.ok(Number.isFinite(a.value));
    assert.equal(a.value, b.value);
    assert.match(a.settings, /GMM, σ² = 1 .*1000 Monte-Carlo samples \(seed \d+\)/);
  });

  it('a generated run that leaves the box: outside points are dropped; none inside → NaN with a reason', () => {
    const Xg = l28.map((r, t) => (t < 1000 ? r : r.map((v) => v * (1 + (t - 1000) / 200))));
    near(stateSpaceDivergence(asTrajectory(l28), asTrajectory(Xg)), refStspBinning(l28, Xg, 30), 'leaving');
    const gone = l28.map((r) => r.map((v) => v + 1000));
    const s = stateSpace(asTrajectory(l28), asTrajectory(gone));
    assert.ok(Number.isNaN(s.value) && Number.isNaN(refStspBinning(l28, gone, 30)));
    assert.match(s.reason ?? '', /no generated point/);
    const nan = l28.map((r) => r.map(() => NaN));
    assert.ok(Number.isNaN(stateSpaceDivergence(asTrajectory(l28), asTrajectory(nan))));
  });
});

// ---- reference: PE (GTF-shPLRNN src/measures/prediction_error.jl, `prediction_error(model, O, X, n)`) ----------

/**
 * T̃ = T − n; z = init_state(O, X[1:T̃, :]') (the Identity observation model: z is the observation itself); z =
 * model(z) n times, every start as one column of the batch; Flux.mse(O(z)', X[n+1:end, :]), the mean of the
 * squared differences over every start and every dimension.
 */
function refPredictionError(model: (z: number[]) => number[], X: number[][], n: number): number {
  const T = X.length;
  const Tt = T - n;
  let z = X.slice(0, Tt).map((r) => r.slice());
  for (let i = 1; i <= n; i++) z = z.map(model);
  let sum = 0;
  let count = 0;
  for (let t = 0; t < Tt; t++)
    for (let j = 0; j < X[0].length; j++) {
      sum += (z[t][j] - X[n + t][j]) ** 2;
      count++;
    }
  return sum / count;
}

// ---- reference: VPT (Vlachas et al. 2020; pvlachas/RNN-RC-Chaos Methods/Models/Utils/global_utils.py) ----------

/** np.std(data, 0): the population standard deviation, as the authors' scaler keeps it (`data_std`). */
function npStd(X: number[][]): number[] {
  return X[0].map((_, j) => {
    const m = X.reduce((a, r) => a + r[j], 0) / X.length;
    return Math.sqrt(X.reduce((a, r) => a + (r[j] - m) ** 2, 0) / X.length);
  });
}

/**
 * `computeErrors(target, prediction, std)` then `getNumberOfAccuratePredictions(rmnse, 0.5)`: NaN predictions
 * replaced by Inf (`replaceNaN`); rmnse(t) = sqrt(mean_j (target − prediction)² / std_j²); n = the number of
 * leading time steps with rmnse < tresh (the while loop stops at the first that is not, or at the end). The target
 * is what follows the last input (`input_sequence[dynamics_length:]`), so the rows after the shared state.
 */
function refAccuratePredictions(target: number[][], prediction: number[][], std: number[], tresh = 0.5): number {
  const pred = prediction.map((r) => r.map((v) => (Number.isNaN(v) ? Infinity : v)));
  const rmnse = target.map((r, t) =>
    Math.sqrt(r.reduce((a, v, j) => a + (v - pred[t][j]) ** 2 / std[j] ** 2, 0) / r.length),
  );
  const ok = rmnse.map((e) => e < tresh);
  const nMax = ok.length;
  let n = 0;
  while (ok[n] === true) {
    n += 1;
    if (n === nMax) break;
  }
  return n;
}

/** One RK4 step of a field, the state rounded to float32 after the step, as a float32 ONNX model runs. */
function float32Map(f: Field, dt: number): (z: number[]) => number[] {
  return (z) => {
    const [next] = integrate(f, z, dt, 1);
    return next.map(Math.fround);
  };
}

/** The model as the preview runs it: batched starts, rows after 1..steps steps as float32. */
function simulatorOf(model: (z: number[]) => number[]): Simulate {
  const all: Simulate = (states, steps) => {
    const width = model(states[0].slice()).length;
    const out = new Float32Array(steps * states.length * width);
    states.forEach((s, m) => {
      let z = s.slice();
      for (let t = 0; t < steps; t++) {
        z = model(z);
        out.set(z, (t * states.length + m) * width);
      }
    });
    return Promise.resolve(out);
  };
  const last = (states: Float64Array, count: number, steps: number) => {
    const d = states.length / count;
    const out = new Float32Array(count * d);
    for (let i = 0; i < count; i++) {
      let z = Array.from(states.subarray(i * d, (i + 1) * d));
      for (let t = 0; t < steps; t++) z = model(z);
      out.set(z, i * d);
    }
    return Promise.resolve(out);
  };
  return Object.assign(all, { last });
}

const nearRelative = (a: number, b: number, what: string) => {
  if (process.env.SHOW_METRICS) console.log(what, a, b);
  assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${what}: Attractor ${a}, reference ${b}`);
};

describe('PE and VPT against the published reference code (GTF-shPLRNN, Vlachas et al. 2020)', function () {
  this.timeout(60_000);
  const T = 3000;
  const dt = 0.01;
  const x0 = lorenz(28, [1, 1, 1], 1)[0];
  /** Row 0 = the shared initial state, then `steps − 1` RK4 steps. */
  const from = (f: Field, start: number[], steps: number, h = dt) => [start, ...integrate(f, start, h, steps - 1)];
  const l28 = from(lorenzField(28), x0, T);
  const l28near = from(lorenzField(28), [x0[0] + 1e-6, x0[1], x0[2]], T);
  const l35 = from(lorenzField(35), x0, T);
  const ross = integrate(rosslerField, [1, 1, 0], 0.05, T, 2000);
  // 4-D: Lorenz and a fourth variable driven by x; 6-D: two Lorenz systems side by side
  const driven =
    (rate: number, gain = 1): Field =>
    (s) => [...lorenzField(28)(s.slice(0, 3)), (gain * s[0]) / 10 - rate * s[3]];
  const twin =
    (rho: number): Field =>
    (s) => [...lorenzField(28)(s.slice(0, 3)), ...lorenzField(rho)(s.slice(3))];
  const x4 = [...x0, 0.5];
  const x6 = [...x0, ...lorenz(28, [2, 1, 1], 1)[0]];
  const d4 = from(driven(1), x4, T);
  const d6 = from(twin(28), x6, T);

  describe('PE (n = 20): the model from every test point, 20 steps, MSE against the point 20 steps later', () => {
    const cases: [string, (z: number[]) => number[], number[][], boolean][] = [
      ['the true system on its own trajectory', float32Map(lorenzField(28), dt), l28, true],
      ['Lorenz on the trajectory from a nearby initial state', float32Map(lorenzField(28), dt), l28near, true],
      ['a ρ = 35 model on ρ = 28 data', float32Map(lorenzField(35), dt), l28, false],
      ['a Rössler model on Lorenz data', float32Map(rosslerField, dt), l28, false],
      ['4-D, only the last dimension of the model wrong', float32Map(driven(2), dt), d4, false],
      ['6-D, only dims 4–6 of the model wrong (ρ = 35)', float32Map(twin(35), dt), d6, false],
      ['a model that leaves the box (z ↦ 1.3·z)', (z) => z.map((v) => Math.fround(1.3 * v)), l28, false],
    ];
    for (const [name, model, X, exact] of cases)
      it(`agrees to 1e-9, in large batches and as 64 ensemble members per call: ${name}`, async () => {
        const reference = refPredictionError(model, X, 20);
        const batched = await predictionError(simulatorOf(model), asTrajectory(X), 20);
        const perCall: Simulate = (states, steps) => simulatorOf(model)(states, steps);
        const members = await predictionError(perCall, asTrajectory(X), 20);
        assert.equal(batched.starts, X.length - 20);
        assert.equal(members.starts, X.length - 20);
        nearRelative(batched.value, reference, `PE ${name} (last rows)`);
        nearRelative(members.value, reference, `PE ${name} (64 members per call)`);
        // the true system scores float32 rounding only
        if (exact) assert.ok(reference < 1e-8, `PE of the true system ${reference}`);
        else assert.ok(reference > 1e-4, `PE ${reference}`);
      });

    it('a model that overflows: the reference gives Inf, Attractor NaN with the reason', async () => {
      const square = (z: number[]) => z.map((v) => Math.fround(v * v));
      assert.equal(refPredictionError(square, l28, 20), Infinity);
      const pe = await predictionError(simulatorOf(square), asTrajectory(l28), 20);
      assert.ok(Number.isNaN(pe.value));
      assert.match(pe.reason ?? '', /left the finite numbers/);
    });
  });

  describe('VPT: leading predicted steps with NRMSE < 0.5, σ of the attractor (np.std of a long run)', () => {
    // the "training data": a long run of the system, not the evaluated window
    const train = integrate(lorenzField(28), [1, 1, 1], dt, 20_000, 1000);
    const train4 = integrate(driven(1), [1, 1, 1, 0], dt, 20_000, 1000);
    const train6 = integrate(twin(28), [1, 1, 1, 2, 1, 1], dt, 20_000, 1000);
    const cases: [string, number[][], number[][], number[][]][] = [
      ['a trajectory against itself', l28, l28, train],
      ['Lorenz from two nearby initial states', l28, l28near, train],
      ['Lorenz ρ = 28 against ρ = 35 from the same state', l28, l35, train],
      ['Lorenz against Rössler', l28, ross, train],
      ['4-D, only the last dimension wrong', d4, from(driven(1, -1), x4, T), train4],
      [
        '6-D, only dims 4–6 wrong (from a state 1e-6 away)',
        d6,
        from(twin(28), [...x6.slice(0, 5), x6[5] + 1e-6], T),
        train6,
      ],
      ['a forecast exact until it turns NaN', l28, l28.map((r, t) => (t < 1000 ? r : r.map(() => NaN))), train],
      [
        'a forecast that leaves the box after staying within it',
        l28,
        l28.map((r, t) => (t < 40 ? r : r.map((v) => v * (1 + (t - 40) / 50)))),
        train,
      ],
    ];
    const lambda = 0.9056;
    for (const [name, truth, forecast, training] of cases)
      it(`agrees exactly: ${name}`, () => {
        const std = npStd(training);
        const n = refAccuratePredictions(truth.slice(1), forecast.slice(1), std);
        const scale = componentStd(asTrajectory(training));
        for (let j = 0; j < std.length; j++) nearRelative(scale[j], std[j], `σ_${j + 1}`);
        const v = validPredictionTime(asTrajectory(truth), asTrajectory(forecast), { dt, lyapunovMax: lambda, scale });
        assert.equal(v.steps, n, name);
        nearRelative(v.time, n * dt, 'time');
        nearRelative(v.lyapunovTimes!, n * dt * lambda, 'Lyapunov times');
        assert.equal(v.neverExceeded, n === T - 1);
        if (truth === forecast) assert.equal(n, T - 1);
        else assert.ok(n < T - 1, `${name}: ${n} steps`);
      });

    it('the window’s own σ would change the answer: the attractor’s σ is what counts', () => {
      const window = l28.slice(0, 30);
      const std = npStd(train);
      const own = npStd(window);
      // off by 0.4 σ of the attractor in every dimension: valid by the attractor's σ, not by the short window's
      const forecast = window.map((r, t) => (t === 0 ? r : r.map((v, j) => v + 0.4 * std[j])));
      const withAttractor = refAccuratePredictions(window.slice(1), forecast.slice(1), std);
      const withWindow = refAccuratePredictions(window.slice(1), forecast.slice(1), own);
      const v = validPredictionTime(asTrajectory(window), asTrajectory(forecast), {
        dt,
        lyapunovMax: lambda,
        scale: componentStd(asTrajectory(train)),
      });
      assert.equal(withAttractor, 29);
      assert.equal(withWindow, 0);
      assert.equal(v.steps, withAttractor);
    });
  });
});
