import { componentStd } from '../metrics/validPrediction';
import { advance, iterate } from '../core/integrate';
import { polynomialRk4 } from './polynomial';
import type { ReferenceSystem } from './systems';

/**
 * σ_j of a reference system's attractor for the valid prediction time (Vlachas et al. 2020 normalise by the
 * attractor's spread, not by the evaluated window's): one run of 10^5 RK4 steps at the system's dt after a
 * transient of 10^4 steps from its initial state. Cached per system: about 30 ms the first time.
 */
export const ATTRACTOR_STEPS = 100_000;
const TRANSIENT = 10_000;

const cache = new Map<string, Float64Array>();

export function attractorScale(system: ReferenceSystem): Float64Array {
  let s = cache.get(system.id);
  if (!s) {
    const map = polynomialRk4(system.field, system.dt);
    s = componentStd(iterate(map, advance(map, system.initialState, TRANSIENT), ATTRACTOR_STEPS));
    cache.set(system.id, s);
  }
  return s;
}
