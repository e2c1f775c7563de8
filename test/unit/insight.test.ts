import assert from 'node:assert/strict';
import { join } from 'node:path';
import { classify, snapReal } from '../../src/models/insight/classify';
import { detectClosedOrbit } from '../../src/models/insight/closedOrbit';
import { eigenvalues, modulus, solveLinear, type Eigenvalue } from '../../src/models/insight/eigen';
import { newtonSearch, type BatchEvaluate, type FoundPoint } from '../../src/models/insight/newton';
import { analyseDynamics } from '../../src/models/insight/analysis';
import { inspectOnnx } from '../../src/models/onnxFile';
import { ModelRuntime } from '../../src/models/runtime';
import { recognise } from '../../src/models/signature';
import { advance, iterate } from '../../src/core/integrate';
import { polynomialRk4 } from '../../src/systems/polynomial';
import type { DiscreteMap } from '../../src/core/trajectory';
import { fieldEvaluator } from '../../src/systems/polynomial';
import { Rng } from '../../src/core/rng';
import { findSystem } from '../../src/systems/systems';
import { readFileSync } from 'node:fs';

const modelsDir = join(__dirname, '..', '..', '..', 'media', 'models');

/** f^steps of a JS map over a batch, as the runtime's evaluate does for an ONNX model. */
export function jsEvaluate(map: DiscreteMap): BatchEvaluate & { calls: number } {
  const fn = ((points: Float64Array, count: number, steps: number) => {
    fn.calls++;
    const d = map.dim;
    const out = new Float64Array(count * d);
    let a = new Float64Array(d);
    let b = new Float64Array(d);
    for (let i = 0; i < count; i++) {
      a.set(points.subarray(i * d, (i + 1) * d));
      for (let s = 0; s < steps; s++) {
        map.step(a, b);
        [a, b] = [b, a];
      }
      out.set(a, i * d);
    }
    return Promise.resolve(out);
  }) as BatchEvaluate & { calls: number };
  fn.calls = 0;
  return fn;
}

const sortByRe = (v: Eigenvalue[]) => [...v].sort((a, b) => b.re - a.re || b.im - a.im);
function assertEigen(actual: Eigenvalue[], expected: Eigenvalue[], tol = 1e-9) {
  const a = sortByRe(actual);
  const e = sortByRe(expected);
  assert.equal(a.length, e.length);
  a.forEach((x, i) =>
    assert.ok(
      Math.abs(x.re - e[i].re) < tol && Math.abs(x.im - e[i].im) < tol,
      `eigenvalue ${i}: ${x.re} + ${x.im}i, expected ${e[i].re} + ${e[i].im}i`,
    ),
  );
}

/** Roots of the monic cubic λ³ + a λ² + b λ + c by Cardano's formula (one real root and a complex pair here). */
function cardano(a: number, b: number, c: number): Eigenvalue[] {
  const p = b - (a * a) / 3;
  const q = (2 * a ** 3) / 27 - (a * b) / 3 + c;
  const disc = (q / 2) ** 2 + (p / 3) ** 3;
  assert.ok(disc > 0, 'one real root');
  const u = Math.cbrt(-q / 2 + Math.sqrt(disc));
  const v = Math.cbrt(-q / 2 - Math.sqrt(disc));
  const shift = -a / 3;
  return [
    { re: u + v + shift, im: 0 },
    { re: -(u + v) / 2 + shift, im: ((u - v) * Math.sqrt(3)) / 2 },
    { re: -(u + v) / 2 + shift, im: (-(u - v) * Math.sqrt(3)) / 2 },
  ];
}

/** The RK4 step's amplification R(z) = 1 + z + z²/2 + z³/6 + z⁴/24 of z = λ·dt: the map's multiplier at an equilibrium. */
function rk4Multiplier(l: Eigenvalue, dt: number): Eigenvalue {
  const mul = (x: Eigenvalue, y: Eigenvalue) => ({ re: x.re * y.re - x.im * y.im, im: x.re * y.im + x.im * y.re });
  const z = { re: l.re * dt, im: l.im * dt };
  let term = { re: 1, im: 0 };
  const sum = { re: 1, im: 0 };
  for (const k of [1, 2, 3, 4]) {
    term = mul(term, z);
    term = { re: term.re / k, im: term.im / k };
    sum.re += term.re;
    sum.im += term.im;
  }
  return sum;
}

describe('dynamics insight: eigenvalues (Hessenberg + shifted QR)', () => {
  it('finds eigenvalues of matrices known in closed form', () => {
    assertEigen(eigenvalues([2, 0, 0, 0, 3, 4, 0, 4, 9], 3), [
      { re: 11, im: 0 },
      { re: 2, im: 0 },
      { re: 1, im: 0 },
    ]);
    // rotation-scaling: a ± bi
    assertEigen(eigenvalues([0.6, -0.8, 0.8, 0.6], 2), [
      { re: 0.6, im: 0.8 },
      { re: 0.6, im: -0.8 },
    ]);
    // companion matrices of (x−1)(x−2)(x−3)(x−4) and (x²+1)(x−2)(x+3) = x⁴ + x³ − 5x² + x − 6
    const companion = (c: number[]) => {
      const n = c.length;
      const m = new Array<number>(n * n).fill(0);
      for (let j = 0; j < n; j++) m[j] = -c[j];
      for (let i = 1; i < n; i++) m[i * n + i - 1] = 1;
      return m;
    };
    assertEigen(
      eigenvalues(companion([-10, 35, -50, 24]), 4),
      [4, 3, 2, 1].map((re) => ({ re, im: 0 })),
      1e-8,
    );
    assertEigen(
      eigenvalues(companion([1, -5, 1, -6]), 4),
      [
        { re: 2, im: 0 },
        { re: 0, im: 1 },
        { re: 0, im: -1 },
        { re: -3, im: 0 },
      ],
      1e-8,
    );
    // a similarity transform of diag(−1, 0.5, 2, 3, 7) keeps the spectrum: S D S⁻¹ with S = I + upper ones
    const n = 5;
    const D = [-1, 0.5, 2, 3, 7];
    const S = (i: number, j: number) => (i === j ? 1 : j > i ? 1 : 0);
    // S⁻¹ of I + strictly-upper ones: 1 on the diagonal, −1 on the superdiagonal
    const Si = (i: number, j: number) => (i === j ? 1 : j === i + 1 ? -1 : 0);
    const M: number[] = [];
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += S(i, k) * D[k] * Si(k, j);
        M.push(s);
      }
    assertEigen(
      eigenvalues(M, n),
      D.map((re) => ({ re, im: 0 })),
      1e-9,
    );
  });

  it('solves linear systems and refuses singular ones', () => {
    const x = solveLinear([0, 2, 1, 1], [4, 3], 2)!;
    assert.deepEqual(Array.from(x), [1, 2]);
    assert.equal(solveLinear([1, 2, 2, 4], [1, 1], 2), undefined);
  });

  it('classifies by Re λ (flows) and |μ| (maps): saddle, saddle-focus, stable node, unstable focus', () => {
    assert.deepEqual(
      classify(
        [
          { re: 1.1, im: 0 },
          { re: 0.5, im: 0 },
        ],
        'map',
      ),
      {
        stability: 'saddle',
        geometry: 'node',
        unstableDims: 1,
        type: 'saddle',
      },
    );
    assert.equal(
      classify(
        [
          { re: 0.9, im: 0.5 },
          { re: 0.9, im: -0.5 },
          { re: 0.1, im: 0 },
        ],
        'map',
      ).type,
      'saddle-focus',
    );
    assert.equal(
      classify(
        [
          { re: -1, im: 0 },
          { re: -2, im: 0 },
        ],
        'flow',
      ).type,
      'stable node',
    );
    assert.equal(
      classify(
        [
          { re: 0.5, im: 0.8 },
          { re: 0.5, im: -0.8 },
        ],
        'flow',
      ).type,
      'unstable focus',
    );
    // a double real eigenvalue split by finite-difference noise into λ ± √ε·i is real: a node, not a focus
    const split = snapReal([
      { re: 1.039, im: 3.8e-8 },
      { re: 1.039, im: -3.8e-8 },
      { re: 0.87, im: 0 },
    ]);
    assert.deepEqual(
      split.map((e) => e.im),
      [0, 0, 0],
    );
    assert.equal(classify(split, 'map').type, 'saddle');
  });
});

describe('dynamics insight: Newton search on maps and flows', function () {
  this.timeout(60_000);
  const lorenz = findSystem('lorenz63')!;
  const { sigma, rho, beta } = lorenz.parameters as { sigma: number; rho: number; beta: number };
  const c = Math.sqrt(beta * (rho - 1));
  // origin: λ = (−(σ+1) ± √((σ+1)² + 4σ(ρ−1)))/2 and −β; C±: roots of λ³ + (σ+β+1)λ² + β(σ+ρ)λ + 2σβ(ρ−1)
  const originLambda: Eigenvalue[] = [
    { re: (-(sigma + 1) + Math.sqrt((sigma + 1) ** 2 + 4 * sigma * (rho - 1))) / 2, im: 0 },
    { re: (-(sigma + 1) - Math.sqrt((sigma + 1) ** 2 + 4 * sigma * (rho - 1))) / 2, im: 0 },
    { re: -beta, im: 0 },
  ];
  const cLambda = cardano(sigma + beta + 1, beta * (sigma + rho), 2 * sigma * beta * (rho - 1));

  function seeds(map: DiscreteMap, x0: readonly number[], n: number): { seeds: number[][]; extent: number[] } {
    const tr = iterate(map, advance(map, x0, 1000), 2000);
    const d = map.dim;
    const lo = new Array<number>(d).fill(Infinity);
    const hi = new Array<number>(d).fill(-Infinity);
    for (let t = 0; t < tr.length; t++)
      for (let j = 0; j < d; j++) {
        lo[j] = Math.min(lo[j], tr.data[t * d + j]);
        hi[j] = Math.max(hi[j], tr.data[t * d + j]);
      }
    const rng = new Rng(7);
    const out: number[][] = [];
    for (let i = 0; i < n; i++) out.push(Array.from(tr.data.subarray(i * 97 * d, i * 97 * d + d)));
    for (let i = 0; i < n; i++) out.push(lo.map((l, j) => rng.uniform(l, hi[j])));
    return { seeds: out, extent: hi.map((h, j) => h - lo[j]) };
  }

  function assertLorenzPoints(points: readonly FoundPoint[], dt: number, coordTol: number, muTol: number) {
    const fixed = points.filter((p) => p.period === 1);
    const at = (x: number[]) =>
      fixed.find((p) => Math.max(...p.orbit[0].map((v, j) => Math.abs(v - x[j]))) < 10 * coordTol);
    const origin = at([0, 0, 0]);
    assert.ok(origin, `origin among ${JSON.stringify(fixed.map((p) => p.orbit[0]))}`);
    assert.ok(Math.max(...origin.orbit[0].map(Math.abs)) < coordTol);
    assert.equal(origin.classification.type, 'saddle');
    assert.equal(origin.classification.unstableDims, 1);
    assertEigen(
      [...origin.eigenvalues],
      originLambda.map((l) => rk4Multiplier(l, dt)),
      muTol,
    );
    for (const s of [1, -1]) {
      const p = at([s * c, s * c, rho - 1]);
      assert.ok(p, `C${s > 0 ? '+' : '−'} found`);
      [s * c, s * c, rho - 1].forEach((v, j) => assert.ok(Math.abs(p.orbit[0][j] - v) < coordTol));
      assert.equal(p.classification.type, 'saddle-focus');
      assert.equal(p.classification.unstableDims, 2);
      const pair = p.eigenvalues.filter((e) => e.im !== 0);
      assert.equal(pair.length, 2);
      for (const e of pair) assert.ok(modulus(e) > 1, `|μ| = ${modulus(e)}`);
      assertEigen(
        [...p.eigenvalues],
        cLambda.map((l) => rk4Multiplier(l, dt)),
        muTol,
      );
    }
    assert.equal(fixed.length, 3, 'exactly the three equilibria');
  }

  it('finds the Lorenz-63 RK4 map’s origin (saddle, 1 unstable direction) and C± (saddle-foci, |μ| > 1 pair)', async () => {
    const map = polynomialRk4(lorenz.field, lorenz.dt);
    const evaluate = jsEvaluate(map);
    const { seeds: s, extent } = seeds(map, lorenz.initialState, 12);
    const result = await newtonSearch(evaluate, {
      kind: 'map',
      dim: 3,
      seeds: s,
      extent,
      precision: 'float64',
      maxPeriod: 1,
    });
    assertLorenzPoints(result.points, lorenz.dt, 1e-8, 1e-7);
  });

  it('evaluates every Newton iteration as one batch of (2d+1)·seeds states', async () => {
    const map = polynomialRk4(lorenz.field, lorenz.dt);
    const sizes: number[] = [];
    const inner = jsEvaluate(map);
    const evaluate: BatchEvaluate = (p, n, k) => (sizes.push(n), inner(p, n, k));
    const { seeds: s, extent } = seeds(map, lorenz.initialState, 4);
    const result = await newtonSearch(evaluate, {
      kind: 'map',
      dim: 3,
      seeds: s,
      extent,
      precision: 'float64',
      maxPeriod: 1,
    });
    assert.equal(sizes[0], 7 * s.length);
    assert.ok(sizes.every((n) => n % 7 === 0));
    assert.equal(result.calls, sizes.length);
  });

  it('finds the equilibria of the Lorenz-63 flow itself (eigenvalues of the vector field’s Jacobian)', async () => {
    const field = fieldEvaluator(lorenz.field);
    const flow: DiscreteMap = { dim: 3, observed: 3, step: (x, out) => field(x, out) };
    const map = polynomialRk4(lorenz.field, lorenz.dt);
    const { seeds: s, extent } = seeds(map, lorenz.initialState, 12);
    const result = await newtonSearch(jsEvaluate(flow), {
      kind: 'flow',
      dim: 3,
      seeds: s,
      extent,
      precision: 'float64',
    });
    const origin = result.points.find((p) => Math.max(...p.orbit[0].map(Math.abs)) < 1e-8)!;
    assert.equal(origin.classification.type, 'saddle');
    assertEigen([...origin.eigenvalues], originLambda, 1e-5);
    const cp = result.points.find((p) => Math.abs(p.orbit[0][0] - c) < 1e-8)!;
    assert.equal(cp.classification.type, 'saddle-focus');
    assertEigen([...cp.eigenvalues], cLambda, 1e-5);
    assert.equal(result.points.length, 3);
  });

  it('finds a 2-cycle of the logistic map x ↦ 3.2x(1 − x) (closed form) and no spurious cycles', async () => {
    const r = 3.2;
    const map: DiscreteMap = { dim: 1, observed: 1, step: (x, out) => void (out[0] = r * x[0] * (1 - x[0])) };
    const rng = new Rng(3);
    const s = Array.from({ length: 20 }, () => [rng.uniform(0.05, 0.95)]);
    const result = await newtonSearch(jsEvaluate(map), {
      kind: 'map',
      dim: 1,
      seeds: s,
      extent: [1],
      precision: 'float64',
      maxPeriod: 4,
    });
    const two = result.points.filter((p) => p.period === 2);
    assert.equal(two.length, 1);
    const expected = [
      (r + 1 - Math.sqrt((r - 3) * (r + 1))) / (2 * r),
      (r + 1 + Math.sqrt((r - 3) * (r + 1))) / (2 * r),
    ];
    const orbit = two[0].orbit.map((x) => x[0]).sort();
    orbit.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-10));
    // multiplier of the 2-cycle: 4 + 2r − r² (stable for 3 < r < 1 + √6)
    assert.ok(Math.abs(two[0].eigenvalues[0].re - (4 + 2 * r - r * r)) < 1e-6);
    assert.equal(two[0].classification.type, 'stable node');
    const fixed = result.points
      .filter((p) => p.period === 1)
      .map((p) => p.orbit[0][0])
      .sort();
    assert.equal(fixed.length, 2);
    assert.ok(Math.abs(fixed[0]) < 1e-10 && Math.abs(fixed[1] - (1 - 1 / r)) < 1e-10);
    assert.equal(result.points.filter((p) => p.period === 4).length, 0, 'no 4-cycle at r = 3.2');
  });

  it('Van der Pol (μ = 1): the origin an unstable focus, the limit cycle of period ≈ 6.663', async () => {
    const vdp = findSystem('vanderpol')!;
    const map = polynomialRk4(vdp.field, vdp.dt);
    const { seeds: s, extent } = seeds(map, vdp.initialState, 8);
    const result = await newtonSearch(jsEvaluate(map), {
      kind: 'map',
      dim: 2,
      seeds: s,
      extent,
      precision: 'float64',
      maxPeriod: 1,
    });
    assert.equal(result.points.length, 1);
    const origin = result.points[0];
    assert.ok(Math.max(...origin.orbit[0].map(Math.abs)) < 1e-9);
    assert.equal(origin.classification.type, 'unstable focus');
    assert.equal(origin.classification.unstableDims, 2);
    // λ = μ/2 ± i√(1 − μ²/4) = 0.5 ± 0.866i
    assertEigen(
      [...origin.eigenvalues],
      [
        { re: 0.5, im: Math.sqrt(3) / 2 },
        { re: 0.5, im: -Math.sqrt(3) / 2 },
      ].map((l) => rk4Multiplier(l, vdp.dt)),
      1e-7,
    );
    const tr = iterate(map, advance(map, vdp.initialState, 2000), 5000);
    const orbit = detectClosedOrbit(tr.data, tr.length, 2, vdp.dt)!;
    assert.ok(orbit, 'closed orbit');
    assert.equal(orbit.crossings, 1);
    // T = 6.6632868593 for μ = 1 (e.g. Grimshaw, Nonlinear ODEs, 1990)
    assert.ok(Math.abs(orbit.period - 6.66329) < 2e-3, `T = ${orbit.period}`);
    // Lorenz-63 is chaotic: no closed orbit
    const lmap = polynomialRk4(lorenz.field, lorenz.dt);
    const ltr = iterate(lmap, advance(lmap, lorenz.initialState, 1000), 20_000);
    assert.equal(detectClosedOrbit(ltr.data, ltr.length, 3, lorenz.dt), undefined);
  });
});

describe('dynamics insight: closed orbits of flows', () => {
  it('reports the Van der Pol flow’s (μ = 1) limit cycle by its period ≈ 6.663 and the origin an unstable focus', async () => {
    const vdp = findSystem('vanderpol')!;
    const map = polynomialRk4(vdp.field, vdp.dt);
    const tr = iterate(map, advance(map, vdp.initialState, 2000), 5000);
    const field = fieldEvaluator(vdp.field);
    const result = await analyseDynamics({
      kind: 'flow',
      dim: 2,
      precision: 'float64',
      rows: tr.data,
      steps: tr.length,
      timeStep: vdp.dt,
      evaluate: jsEvaluate({ dim: 2, observed: 2, step: (x, out) => field(x, out) }),
    });
    assert.ok(result.closedOrbit, 'closed orbit of the flow');
    // T = 6.6632868593 for μ = 1 (e.g. Grimshaw, Nonlinear ODEs, 1990)
    assert.ok(Math.abs(result.closedOrbit.period - 6.66329) < 2e-3, `T = ${result.closedOrbit.period}`);
    assert.equal(result.points.length, 1);
    assert.equal(result.points[0].classification.type, 'unstable focus');
  });
});

describe('dynamics insight: Newton search through onnxruntime on the zoo models', function () {
  this.timeout(120_000);
  const runtime = new ModelRuntime({ info: () => undefined, warn: () => undefined });
  after(() => runtime.dispose());

  it('finds Lorenz-63’s three equilibria in the zoo’s RK4 map (float32, batched finite differences)', async () => {
    const file = join(modelsDir, 'lorenz63-rk4.onnx');
    const r = recognise(inspectOnnx(new Uint8Array(readFileSync(file))));
    assert.ok(r.ok);
    const sig = r.signature;
    const lorenz = findSystem('lorenz63')!;
    const map = polynomialRk4(lorenz.field, lorenz.dt);
    const tr = iterate(map, advance(map, lorenz.initialState, 1000), 2000);
    const rng = new Rng(11);
    const s: number[][] = [];
    for (let i = 0; i < 12; i++) s.push(Array.from(tr.data.subarray(i * 150 * 3, i * 150 * 3 + 3)));
    for (let i = 0; i < 12; i++) s.push([rng.uniform(-20, 20), rng.uniform(-25, 25), rng.uniform(5, 45)]);
    const sizes: number[] = [];
    const result = await newtonSearch((p, n, k) => (sizes.push(n), runtime.evaluate(file, sig, p, n, k)), {
      kind: 'map',
      dim: 3,
      seeds: s,
      extent: [40, 50, 40],
      precision: 'float32',
      maxPeriod: 1,
    });
    assert.equal(sizes[0], 7 * 24, 'one call for all seeds and their 2d neighbours');
    const fixed = result.points;
    assert.equal(fixed.length, 3, JSON.stringify(fixed.map((p) => p.orbit[0])));
    const { rho, beta } = lorenz.parameters as { rho: number; beta: number };
    const c = Math.sqrt(beta * (rho - 1));
    const near = (x: number[]) => fixed.find((p) => Math.max(...p.orbit[0].map((v, j) => Math.abs(v - x[j]))) < 0.05);
    assert.equal(near([0, 0, 0])?.classification.type, 'saddle');
    assert.equal(near([0, 0, 0])?.classification.unstableDims, 1);
    for (const s of [1, -1]) {
      const p = near([s * c, s * c, rho - 1]);
      assert.equal(p?.classification.type, 'saddle-focus');
      assert.ok(p.eigenvalues.filter((e) => e.im !== 0).every((e) => modulus(e) > 1));
    }
  });
});
