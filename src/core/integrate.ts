/**
 * Integration of vector fields and iteration of maps: the reference systems, the zoo's training data, the metrics
 * and the dynamics analysis all step states the same way.
 */
import type { DiscreteMap, Trajectory } from './trajectory';

export type VectorField = (x: ArrayLike<number>, out: Float64Array) => void;

/** Classic fourth-order Runge–Kutta as a map with step h. */
export function rk4Map(f: VectorField, dim: number, h: number): DiscreteMap {
  const k1 = new Float64Array(dim);
  const k2 = new Float64Array(dim);
  const k3 = new Float64Array(dim);
  const k4 = new Float64Array(dim);
  const tmp = new Float64Array(dim);
  return {
    dim,
    observed: dim,
    step(x, out) {
      f(x, k1);
      for (let i = 0; i < dim; i++) tmp[i] = x[i] + 0.5 * h * k1[i];
      f(tmp, k2);
      for (let i = 0; i < dim; i++) tmp[i] = x[i] + 0.5 * h * k2[i];
      f(tmp, k3);
      for (let i = 0; i < dim; i++) tmp[i] = x[i] + h * k3[i];
      f(tmp, k4);
      for (let i = 0; i < dim; i++) out[i] = x[i] + (h / 6) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
    },
  };
}

/**
 * Iterates a map `n` times from `x0` and records the observed components of the states after each step
 * (x0 itself is not included). Stops early, returning the rows so far, if the state leaves the finite numbers.
 */
export function iterate(
  map: DiscreteMap,
  x0: ArrayLike<number>,
  n: number,
  record: 'observed' | 'state' = 'observed',
): Trajectory {
  const d = map.dim;
  const width = record === 'observed' ? map.observed : d;
  const data = new Float64Array(n * width);
  let a = Float64Array.from(x0);
  let b = new Float64Array(d);
  for (let t = 0; t < n; t++) {
    map.step(a, b);
    for (let i = 0; i < width; i++) {
      if (!Number.isFinite(b[i])) return { data: data.subarray(0, t * width), length: t, dim: width };
      data[t * width + i] = b[i];
    }
    [a, b] = [b, a];
  }
  return { data, length: n, dim: width };
}

/** The state after `n` steps (e.g. a transient to land on the attractor). */
export function advance(map: DiscreteMap, x0: ArrayLike<number>, n: number): Float64Array {
  let a = Float64Array.from(x0);
  let b = new Float64Array(map.dim);
  for (let t = 0; t < n; t++) {
    map.step(a, b);
    [a, b] = [b, a];
  }
  return a;
}
