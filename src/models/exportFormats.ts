/**
 * Trajectory exports: CSV (one row per step and member) and NumPy .npy (float32, shape [steps, members, width],
 * format version 1.0). Pure: no vscode.
 */

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

/** A .npy v1.0 file: magic, header length, a Python dict literal padded to 64 bytes, then little-endian float32. */
export function trajectoryNpy(t: Pick<TrajectoryTable, 'data' | 'steps' | 'members' | 'width'>): Uint8Array {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${t.steps}, ${t.members}, ${t.width}), }`;
  const preamble = 10;
  const total = Math.ceil((preamble + header.length + 1) / 64) * 64;
  header = header.padEnd(total - preamble - 1, ' ') + '\n';
  const out = new Uint8Array(total + t.data.byteLength);
  out.set([0x93, ...new TextEncoder().encode('NUMPY'), 1, 0], 0);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), preamble);
  const body = new DataView(out.buffer, total);
  for (let i = 0; i < t.data.length; i++) body.setFloat32(i * 4, t.data[i], true);
  return out;
}
