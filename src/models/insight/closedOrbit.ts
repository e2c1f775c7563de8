/**
 * A closed orbit (limit cycle) seen in a run, by its returns to a Poincaré section: the hyperplane x₀ = mean(x₀)
 * crossed upwards. Crossing times and points are interpolated linearly between rows. When the crossing points
 * repeat after m crossings (m = 1…4) to within 10⁻³ of the run's extent over the last half of the run, the run
 * is on a closed orbit whose period is the mean time of m returns. This finds limit cycles of flows run as RK4
 * maps (Van der Pol), which are not k-cycles of the step map for any small k. Pure.
 */

export interface ClosedOrbit {
  /** In the run's time units (rows × time step). */
  readonly period: number;
  /** Section crossings per period (2 for a period-2 orbit of the return map). */
  readonly crossings: number;
  /** A point of the orbit on the section. */
  readonly point: readonly number[];
  /** Largest distance between crossing points that should coincide, over the extent. */
  readonly spread: number;
  /** Returns measured (periods averaged). */
  readonly returns: number;
}

/** `rows` is [steps, width] (one member); time between rows `timeStep`. */
export function detectClosedOrbit(
  rows: ArrayLike<number>,
  steps: number,
  width: number,
  timeStep: number,
): ClosedOrbit | undefined {
  if (steps < 8 || width < 1) return undefined;
  let mean = 0;
  const lo = new Float64Array(width).fill(Infinity);
  const hi = new Float64Array(width).fill(-Infinity);
  for (let t = 0; t < steps; t++) {
    mean += rows[t * width];
    for (let j = 0; j < width; j++) {
      lo[j] = Math.min(lo[j], rows[t * width + j]);
      hi[j] = Math.max(hi[j], rows[t * width + j]);
    }
  }
  mean /= steps;
  let extent = 0;
  for (let j = 0; j < width; j++) extent = Math.max(extent, hi[j] - lo[j]);
  if (!(extent > 0) || !Number.isFinite(extent)) return undefined;
  const times: number[] = [];
  const points: number[][] = [];
  for (let t = Math.floor(steps / 2); t + 1 < steps; t++) {
    const a = rows[t * width] - mean;
    const b = rows[(t + 1) * width] - mean;
    if (a < 0 && b >= 0) {
      const s = a / (a - b);
      times.push(t + s);
      points.push(
        Array.from({ length: width }, (_, j) => rows[t * width + j] * (1 - s) + rows[(t + 1) * width + j] * s),
      );
    }
  }
  for (let m = 1; m <= 4; m++) {
    if (points.length < 2 * m + 1) break;
    let spread = 0;
    for (let i = 0; i + m < points.length; i++)
      for (let j = 0; j < width; j++) spread = Math.max(spread, Math.abs(points[i + m][j] - points[i][j]));
    spread /= extent;
    if (spread < 1e-3) {
      const returns = Math.floor((times.length - 1) / m);
      const period = ((times[returns * m] - times[0]) / returns) * timeStep;
      return { period, crossings: m, point: points[points.length - 1], spread, returns };
    }
  }
  return undefined;
}
