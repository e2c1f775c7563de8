/**
 * The reconstruction measures on 10^5-point Lorenz-63 trajectories (3 dimensions): valid prediction time, D_stsp,
 * D_H, all three together (goal ≤ 200 ms), and λmax by Benettin on the JS RK4 map for scale.
 */
import {
  compareTrajectories,
  largestLyapunov,
  spectralDistance,
  stateSpaceDivergence,
  validPredictionTime,
} from '../../src/metrics/index';
import { advance, iterate, polynomialRk4 } from '../../src/zoo/integrate';
import { attractorScale } from '../../src/zoo/attractorScale';
import { findSystem } from '../../src/zoo/systems';
import { median, ms } from './stats';

const N = 100_000;
const ROUNDS = 7;
const lorenz = findSystem('lorenz63')!;
const map = polynomialRk4(lorenz.field, lorenz.dt);
const start = advance(map, lorenz.initialState, 2_000);
const truth = iterate(map, start, N);
const model = iterate(map, advance(map, start, 10_000), N);
const opts = { dt: lorenz.dt, lyapunovMax: lorenz.lyapunovMax, scale: attractorScale(lorenz) };

function time(f: () => unknown): number[] {
  const out: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t = performance.now();
    f();
    out.push(performance.now() - t);
  }
  return out;
}

const all = time(() => compareTrajectories(truth, model, opts));
const vpt = time(() => validPredictionTime(truth, model, opts));
const stsp = time(() => stateSpaceDivergence(truth, model));
const dh = time(() => spectralDistance(truth, model));
const lyap = time(() => largestLyapunov(map, start, { dt: lorenz.dt, steps: 20_000, transient: 0 }));
const integrate = time(() => iterate(map, start, N));

console.log(`Metrics on ${N.toLocaleString('en')} points × 3 dimensions, median of ${ROUNDS}`);
console.log(`  all three (VPT + D_stsp + D_H)   ${ms(median(all))}  (goal ≤ 200 ms)`);
console.log(`  valid prediction time            ${ms(median(vpt))}`);
console.log(`  D_stsp (30³ bins)                ${ms(median(stsp))}`);
console.log(`  D_H (FFT 2^17, 6 spectra)        ${ms(median(dh))}`);
console.log(`  λmax Benettin, 2·10^4 RK4 steps  ${ms(median(lyap))}`);
console.log(
  `  for scale: JS RK4 10^5 steps     ${ms(median(integrate))}  (metrics / integration ${(median(all) / median(integrate)).toFixed(1)}×)`,
);
