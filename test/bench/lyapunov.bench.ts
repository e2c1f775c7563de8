/**
 * The reference systems' Lyapunov spectra, measured again as QR_SPECTRA records them (src/systems/systems.ts):
 * the QR method on each system's RK4 map, 10^6 steps at dt and 2·10^6 at dt/2 (Chen and Dadras, which converge
 * slowly: 4·10^6 and 8·10^6), after a transient of 10^4 steps. Prints λ1 of both runs, their mean beside the
 * recorded value and the system's λmax, and the sum of the exponents beside the trace of the Jacobian where it is
 * constant. A recorded λ1 or λmax more than 1% (0.001 absolute near 0) from the mean prints CHECK FAILED and the
 * run exits non-zero. Takes minutes: `npm run bench -- lyapunov [system ids…]` through LYAPUNOV_SYSTEMS.
 */
import { lyapunovSpectrum } from '../../src/metrics/lyapunov';
import { advance } from '../../src/core/integrate';
import { polynomialRk4 } from '../../src/systems/polynomial';
import { QR_SPECTRA, REFERENCE_SYSTEMS } from '../../src/systems/systems';

const SLOW = new Set(['chen', 'dadras']);
const only = (process.env.LYAPUNOV_SYSTEMS ?? '').split(',').filter(Boolean);

function main(): void {
  let failures = 0;
  const check = (what: string, value: number, reference: number) => {
    const ok = Math.abs(value - reference) <= Math.max(0.01 * Math.abs(reference), 1e-3);
    if (!ok) failures++;
    return `${ok ? 'ok' : 'CHECK FAILED'} ${what} ${value.toFixed(4)}`;
  };
  console.log('QR Lyapunov spectra of the reference systems (RK4 map), at dt and at dt/2');
  for (const system of REFERENCE_SYSTEMS.filter((s) => only.length === 0 || only.includes(s.id))) {
    const steps = SLOW.has(system.id) ? 4_000_000 : 1_000_000;
    const started = performance.now();
    const runs = [1, 2].map((halve) => {
      const dt = system.dt / halve;
      const map = polynomialRk4(system.field, dt);
      const x0 = advance(map, system.initialState, 10_000 * halve);
      return lyapunovSpectrum(map, x0, { dt, steps: steps * halve, transient: 0 }).exponents;
    });
    const mean = runs[0].map((v, i) => (v + runs[1][i]) / 2);
    const recorded = QR_SPECTRA[system.id];
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `  ${system.id.padEnd(10)} λ at dt [${[...runs[0]].map((v) => v.toFixed(4)).join(', ')}], at dt/2 [${[...runs[1]].map((v) => v.toFixed(4)).join(', ')}] (${seconds.toFixed(0)} s)`,
    );
    console.log(
      `             λ1: dt ${runs[0][0].toFixed(4)}, dt/2 ${runs[1][0].toFixed(4)}, mean ${mean[0].toFixed(4)}; recorded ${recorded ? check('QR_SPECTRA λ1', recorded.exponents[0], mean[0]) : 'none'}; ${check('λmax', system.lyapunovMax, mean[0])}; Σλ ${mean.reduce((a, b) => a + b, 0).toFixed(4)}`,
    );
  }
  if (failures) {
    console.log(`\n${failures} CHECK FAILED`);
    process.exitCode = 1;
  }
}

main();
