/**
 * Trajectory exports: CSV (one row per step and member) and NumPy .npy (float32, shape [steps, members, width],
 * format version 1.0).
 */
import { encodeNpy } from './npy';

export interface TrajectoryTable {
  /** `[steps, members, width]` row-major. */
  readonly data: Float32Array;
  readonly steps: number;
  readonly members: number;
  readonly width: number;
  readonly names: readonly string[];
  /** Step number of the first row (the burn-in dropped before it). */
  readonly firstStep: number;
  readonly timeStep: number;
}

function csvField(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function trajectoryCsv(t: TrajectoryTable): string {
  const names = Array.from({ length: t.width }, (_, j) => t.names[j] ?? `x${j}`);
  const lines = [['step', 'time', 'member', ...names].map(csvField).join(',')];
  for (let s = 0; s < t.steps; s++) {
    const step = t.firstStep + s;
    const time = +(step * t.timeStep).toPrecision(12);
    for (let m = 0; m < t.members; m++) {
      const at = (s * t.members + m) * t.width;
      const values: string[] = [String(step), String(time), String(m)];
      for (let j = 0; j < t.width; j++) values.push(String(t.data[at + j]));
      lines.push(values.join(','));
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The trajectory as .npy, float32 of shape [steps, members, width] (see npy.ts). */
export function trajectoryNpy(t: Pick<TrajectoryTable, 'data' | 'steps' | 'members' | 'width'>): Uint8Array {
  return encodeNpy(t.data, [t.steps, t.members, t.width]);
}
