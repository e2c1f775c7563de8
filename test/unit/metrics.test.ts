import assert from 'node:assert/strict';
import { fft, pairRfftPower, rfftPower } from '../../src/core/fft';
import {
  compareTrajectories,
  largestLyapunov,
  spectralDistance,
  stateSpaceDivergence,
  validPredictionTime,
} from '../../src/metrics/index';
import { advance, iterate } from '../../src/core/integrate';
import { polynomialRk4 } from '../../src/systems/polynomial';
import type { Trajectory } from '../../src/core/trajectory';
import { findSystem, REFERENCE_SYSTEMS } from '../../src/systems/systems';
import { attractorScale } from '../../src/systems/attractorScale';

const lorenz = findSystem('lorenz63')!;
const lorenzMap = () => polynomialRk4(lorenz.field, lorenz.dt);
const onAttractor = (steps = 2000) => advance(lorenzMap(), lorenz.initialState, steps);

describe('metrics', () => {
  it('scores identical trajectories 0 on every measure (and the whole length valid)', () => {
    const tr = iterate(lorenzMap(), onAttractor(), 20_000);
    const s = compareTrajectories(tr, tr, {
      dt: lorenz.dt,
      lyapunovMax: lorenz.lyapunovMax,
      scale: attractorScale(lorenz),
    });
    assert.equal(s.stateSpaceDivergence, 0);
    assert.equal(s.spectralDistance, 0);
    assert.equal(s.validPrediction.steps, 19_999);
    assert.ok(s.validPrediction.neverExceeded);
    assert.ok(Math.abs(s.validPrediction.lyapunovTimes! - 19_999 * lorenz.dt * lorenz.lyapunovMax) < 1e-9);
  });

  it("estimates Lorenz-63's largest Lyapunov exponent within 5% of 0.906", () => {
    const lambda = largestLyapunov(lorenzMap(), onAttractor(), { dt: lorenz.dt, steps: 40_000 });
    assert.ok(Math.abs(lambda - 0.906) / 0.906 < 0.05, `λmax = ${lambda}`);
  });

  it('finds λmax ≈ 0 for the Van der Pol limit cycle and < 0 for a contracting linear map', () => {
    const vdp = findSystem('vanderpol')!;
    const lambda = largestLyapunov(polynomialRk4(vdp.field, vdp.dt), vdp.initialState, { dt: vdp.dt, steps: 20_000 });
    assert.ok(Math.abs(lambda) < 0.01, `λ = ${lambda}`);
    const contracting = {
      dim: 2,
      observed: 2,
      step: (x: Float64Array, o: Float64Array) => {
        o[0] = 0.5 * x[0];
        o[1] = 0.5 * x[1];
      },
    };
    assert.ok(Math.abs(largestLyapunov(contracting, [1, 1], { dt: 1, steps: 100 }) - Math.log(0.5)) < 1e-9);
  });

  it('measures the valid prediction time (Vlachas et al. 2020): last time before NRMSE first reaches 0.5', () => {
    const data = new Float64Array(100).map((_, i) => Math.sin(i / 5));
    const truth: Trajectory = { data, length: 100, dim: 1 };
    // σ of the attractor is 2: an error of 0.99 is NRMSE 0.495 (valid), 1.0 is 0.5 (not: the bound is strict)
    const forecast: Trajectory = {
      data: data.map((v, i) => v + (i >= 30 ? 1 : i >= 10 ? 0.99 : 0)),
      length: 100,
      dim: 1,
    };
    const v = validPredictionTime(truth, forecast, { dt: 0.5, lyapunovMax: 2, scale: [2] });
    assert.equal(v.threshold, 0.5);
    assert.equal(v.steps, 29);
    assert.equal(v.time, 14.5);
    assert.equal(v.lyapunovTimes, 29);
    assert.equal(v.neverExceeded, false);
    assert.equal(
      validPredictionTime(truth, forecast, { dt: 0.5, lyapunovMax: 0, scale: [2] }).lyapunovTimes,
      undefined,
    );
    // the window's own σ would give another answer: the scale passed in is what counts
    assert.equal(validPredictionTime(truth, forecast, { dt: 0.5, lyapunovMax: 2, scale: [4] }).neverExceeded, true);
  });

  it('tells a different attractor apart: D_stsp and D_H grow with the mismatch', () => {
    const tr = iterate(lorenzMap(), onAttractor(), 30_000);
    const other = iterate(lorenzMap(), advance(lorenzMap(), onAttractor(), 7_777), 30_000);
    const rossler = findSystem('rossler')!;
    const far = iterate(
      polynomialRk4(rossler.field, rossler.dt),
      advance(polynomialRk4(rossler.field, rossler.dt), rossler.initialState, 1000),
      30_000,
    );
    const near = stateSpaceDivergence(tr, other);
    assert.ok(near > 0 && near < 0.2, `same system, another stretch: ${near}`);
    assert.ok(stateSpaceDivergence(tr, far) > 5 * near);
    const nearH = spectralDistance(tr, other);
    assert.ok(nearH > 0 && nearH < 0.15, `D_H same system ${nearH}`);
    assert.ok(spectralDistance(tr, far) > 2 * nearH);
  });

  it('gives D_stsp NaN, as GTF does, when no generated point lies in the box (a NaN run)', () => {
    const tr = iterate(lorenzMap(), onAttractor(), 5_000);
    const bad: Trajectory = { data: new Float64Array(15_000).fill(Number.NaN), length: 5_000, dim: 3 };
    assert.ok(Number.isNaN(stateSpaceDivergence(tr, bad)));
  });

  it('computes the FFT like a direct DFT for any length (radix 2, mixed radix, Bluestein) and splits packed real pairs', () => {
    for (const n of [64, 1, 2, 3, 4, 5, 7, 12, 48, 100, 257, 625, 1000, 2400, 2 * 3 * 5 * 7 * 11, 7 * 11 * 13, 1018]) {
      const x = Float64Array.from({ length: n }, (_, i) => Math.sin(i) + 0.3 * Math.cos(3 * i * i));
      const y = Float64Array.from({ length: n }, (_, i) => Math.exp(-i / 10));
      const re = Float64Array.from(x);
      const im = Float64Array.from(y);
      fft(re, im);
      const dft = (s: Float64Array, k: number) => {
        let r = 0;
        let m = 0;
        for (let t = 0; t < n; t++) {
          // k·t mod n keeps the angle small, so the reference itself is accurate for long series
          r += s[t] * Math.cos((2 * Math.PI * ((k * t) % n)) / n);
          m -= s[t] * Math.sin((2 * Math.PI * ((k * t) % n)) / n);
        }
        return [r, m];
      };
      for (let k = 0; k < n; k++) {
        const [xr, xi] = dft(x, k);
        const [yr, yi] = dft(y, k);
        // Z = X + iY
        assert.ok(Math.abs(re[k] - (xr - yi)) < 1e-9 && Math.abs(im[k] - (xi + yr)) < 1e-9, `n = ${n}, k = ${k}`);
      }
      const px = rfftPower(x);
      assert.equal(px.length, Math.floor(n / 2) + 1);
      if (n < 2) continue;
      const [qx, qy] = pairRfftPower(x, y);
      for (let k = 0; k <= n / 2; k++) {
        const [xr, xi] = dft(x, k);
        const [yr, yi] = dft(y, k);
        const close = (a: number, b: number) => Math.abs(a - b) < 1e-8 * Math.max(1, b);
        assert.ok(close(px[k], xr * xr + xi * xi), `n = ${n}, k = ${k}`);
        assert.ok(close(qx[k], xr * xr + xi * xi), `n = ${n}, k = ${k}`);
        assert.ok(close(qy[k], yr * yr + yi * yi), `n = ${n}, k = ${k}`);
      }
    }
  });

  it('integrates every reference system onto a bounded attractor', () => {
    for (const s of REFERENCE_SYSTEMS) {
      const tr = iterate(polynomialRk4(s.field, s.dt), s.initialState, 20_000);
      assert.equal(tr.length, 20_000, `${s.id} blew up`);
    }
  });
});
