/**
 * NumPy `.npy` files, read and written here only: exports write float32 (format 1.0, as `numpy.save` does), and
 * "Compare with Data…" reads the float32/float64 arrays researchers save their test sets as. Format:
 * https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html — magic `\x93NUMPY`, major/minor version,
 * a little-endian header length (2 bytes in 1.0, 4 in 2.0/3.0), a Python dict literal with `descr`,
 * `fortran_order` and `shape`, padded so the data starts on a 64-byte boundary.
 */

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** A .npy v1.0 file of little-endian float32 values with the given shape (row-major). */
export function encodeNpy(data: ArrayLike<number>, shape: readonly number[]): Uint8Array {
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${dims}), }`;
  const preamble = 10;
  const total = Math.ceil((preamble + header.length + 1) / 64) * 64;
  header = header.padEnd(total - preamble - 1, ' ') + '\n';
  const out = new Uint8Array(total + data.length * 4);
  out.set([...MAGIC, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), preamble);
  const body = new DataView(out.buffer, total);
  for (let i = 0; i < data.length; i++) body.setFloat32(i * 4, data[i], true);
  return out;
}

/** A file that is not an array Attractor can read; the message names the problem and what to do. */
export class DataFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataFileError';
  }
}

export interface NpyArray {
  /** `<f4` or `<f8` (after validation). */
  readonly descr: string;
  readonly shape: readonly number[];
  /** The values, row-major, widened to float64. */
  readonly data: Float64Array;
}

const SAVE_AS =
  'Save it with numpy.save(path, np.ascontiguousarray(x, dtype=np.float32)) (or float64) and choose it again.';

/** Reads a .npy file of float32 or float64 values in C order; anything else is refused with a DataFileError. */
export function decodeNpy(bytes: Uint8Array): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b))
    throw new DataFileError(`This is not a NumPy .npy file (it does not start with \\x93NUMPY). ${SAVE_AS}`);
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (major < 1 || major > 3)
    throw new DataFileError(
      `The .npy file has format version ${major}.${bytes[7]}, which Attractor cannot read. ${SAVE_AS}`,
    );
  const headerStart = major === 1 ? 10 : 12;
  if (bytes.length < headerStart) throw new DataFileError(`The .npy file is truncated inside its header. ${SAVE_AS}`);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = headerStart + headerLength;
  if (bytes.length < dataStart) throw new DataFileError(`The .npy file is truncated inside its header. ${SAVE_AS}`);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, dataStart));
  const descr = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(header)?.[1];
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined)
    throw new DataFileError(`The .npy header is not readable (no descr, fortran_order or shape). ${SAVE_AS}`);
  if (descr === '>f4' || descr === '>f8')
    throw new DataFileError(
      `The .npy file holds big-endian ${descr === '>f4' ? 'float32' : 'float64'} values ('${descr}'); Attractor reads little-endian. Convert it with x.astype('<f4') (or '<f8') and save it again.`,
    );
  if (descr !== '<f4' && descr !== '<f8')
    throw new DataFileError(
      `The .npy file holds '${descr}' values; Attractor reads float32 or float64 ('<f4', '<f8'). Convert it with x.astype(np.float32) and save it again.`,
    );
  if (fortran === 'True')
    throw new DataFileError(
      `The .npy file is in Fortran (column-major) order; Attractor reads C order. Save np.ascontiguousarray(x) instead.`,
    );
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  if (!shape.every((n) => Number.isInteger(n) && n >= 0))
    throw new DataFileError(`The .npy shape (${shapeText}) is not a list of sizes. ${SAVE_AS}`);
  const size = descr === '<f4' ? 4 : 8;
  const count = shape.reduce((a, b) => a * b, 1);
  if (bytes.length - dataStart < count * size)
    throw new DataFileError(
      `The .npy file is truncated: its shape (${shape.join(', ')}) needs ${count * size} bytes of data, it has ${bytes.length - dataStart}. Save it again.`,
    );
  const data = new Float64Array(count);
  const body = new DataView(bytes.buffer, bytes.byteOffset + dataStart, count * size);
  if (size === 4) for (let i = 0; i < count; i++) data[i] = body.getFloat32(i * 4, true);
  else for (let i = 0; i < count; i++) data[i] = body.getFloat64(i * 8, true);
  return { descr, shape, data };
}
