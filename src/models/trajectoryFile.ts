/**
 * A researcher's trajectory file (their test set) for "Compare with Data…": a `.npy` of float32/float64 `[T, N]`
 * or `[T, B, N]`, or a `.csv` with a header row. Parsed into rows × named columns, checked, and mapped onto the
 * model's outputs. Every refusal is a DataFileError whose message names the problem and says what to do.
 */
import { DataFileError, decodeNpy } from './npy';

export { DataFileError } from './npy';

/** A test set: `rows` × `columns.length` float64 values, row-major. */
export interface DataSet {
  readonly columns: readonly string[];
  readonly rows: number;
  readonly data: Float64Array;
  /** What was done to the file to get here (a member picked, bookkeeping columns dropped), or undefined. */
  readonly note?: string;
}

/** Fewer rows than this make D_stsp and D_H meaningless (and PE has n = 20 steps to predict). */
export const MIN_DATA_ROWS = 100;
/** Files larger than this are refused before they are read (they are held in memory as float64). */
export const MAX_DATA_BYTES = 2 * 1024 ** 3;

/** Refuses a file by its size alone, before reading it. */
export function checkDataFileSize(bytes: number): void {
  if (bytes > MAX_DATA_BYTES)
    throw new DataFileError(
      `The file is ${(bytes / 1024 ** 3).toFixed(1)} GB; Attractor reads data files up to 2 GB. Save a shorter test trajectory (e.g. the first 10^5 rows) and choose that.`,
    );
}

function checkRows(rows: number): void {
  if (rows < MIN_DATA_ROWS)
    throw new DataFileError(
      `The data has ${rows} row${rows === 1 ? '' : 's'}; the metrics need at least ${MIN_DATA_ROWS} time steps. Choose a longer trajectory (rows are time steps).`,
    );
}

/** Throws on the first row with a value that is NaN or infinite, naming it (1-based, as editors count). */
function checkFinite(data: Float64Array, width: number, describeRow: (row: number) => string): void {
  for (let i = 0; i < data.length; i++)
    if (!Number.isFinite(data[i])) {
      const row = Math.floor(i / width);
      throw new DataFileError(
        `${describeRow(row)} has a ${Number.isNaN(data[i]) ? 'NaN' : 'infinite'} value (column ${(i % width) + 1}); the metrics need finite values in every row. Remove or fill those rows and choose the file again.`,
      );
    }
}

export function parseNpyTrajectory(bytes: Uint8Array): DataSet {
  checkDataFileSize(bytes.length);
  const array = decodeNpy(bytes);
  const { shape } = array;
  if (shape.length !== 2 && shape.length !== 3)
    throw new DataFileError(
      `The array has shape (${shape.join(', ')}); Attractor reads [T, N] (time × dims) or [T, B, N] (time × trajectories × dims). Reshape it and save it again.`,
    );
  const [T, B, N] = shape.length === 2 ? [shape[0], 1, shape[1]] : shape;
  if (N === 0 || B === 0)
    throw new DataFileError(`The array has shape (${shape.join(', ')}), with no values per row. Save it again.`);
  checkRows(T);
  let data = array.data;
  let note: string | undefined;
  if (shape.length === 3) {
    // The preview compares one trajectory: the first of the batch (a preview export's member 1).
    data = new Float64Array(T * N);
    for (let t = 0; t < T; t++) data.set(array.data.subarray(t * B * N, (t * B + 1) * N), t * N);
    note = B > 1 ? `trajectory 1 of ${B} of the [T, B, N] array` : undefined;
  }
  checkFinite(data, N, (row) => `Row ${row + 1} of the array (index ${row})`);
  return { columns: Array.from({ length: N }, (_, j) => `column ${j + 1}`), rows: T, data, note };
}

/** Splits one CSV line into fields (RFC 4180 quotes; a quoted field does not span lines here). */
function csvFields(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0)
          throw new DataFileError(
            'A quoted CSV field is not closed on its line. Fix the quotes and choose the file again.',
          );
        value += line.slice(i, q);
        if (line[q + 1] === '"') {
          value += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      out.push(value);
    } else {
      const c = line.indexOf(',', i);
      out.push(line.slice(i, c < 0 ? line.length : c).trim());
      i = c < 0 ? line.length : c;
    }
    if (i >= line.length) return out;
    i++; // the comma
    if (i === line.length) {
      out.push('');
      return out;
    }
  }
}

/** Columns a preview export (or a typical log) adds that are not observations. */
const BOOKKEEPING = new Set(['step', 'time', 't', 'member', 'index', '']);
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function parseCsvTrajectory(text: string): DataSet {
  checkDataFileSize(text.length);
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
  if (lines.length === 0)
    throw new DataFileError('The CSV file is empty. Choose a file with a header row and one row per time step.');
  const header = csvFields(lines[0]);
  if (header.every((h) => NUMBER.test(h) || /^nan$/i.test(h)))
    throw new DataFileError(
      'The CSV file has no header row (its first line is numbers). Add a line naming the columns, e.g. "x,y,z", and choose it again.',
    );
  const values: number[][] = [];
  for (let l = 1; l < lines.length; l++) {
    if (lines[l].trim() === '') continue;
    const fields = csvFields(lines[l]);
    if (fields.length !== header.length)
      throw new DataFileError(
        `Line ${l + 1} of the CSV file has ${fields.length} field${fields.length === 1 ? '' : 's'}, the header has ${header.length} (a ragged CSV). Give every row the same columns and choose it again.`,
      );
    values.push(
      fields.map((f, j) => {
        if (f === '' || /^[+-]?(nan|inf|infinity)$/i.test(f))
          throw new DataFileError(
            `Line ${l + 1} of the CSV file has ${f === '' ? 'an empty' : `a ${f}`} value in column "${header[j]}"; the metrics need finite values in every row. Remove or fill those rows and choose the file again.`,
          );
        if (!NUMBER.test(f))
          throw new DataFileError(
            `Line ${l + 1} of the CSV file has "${f.slice(0, 40)}" in column "${header[j]}", which is not a number. Keep only numeric columns below the header and choose it again.`,
          );
        return Number(f);
      }),
    );
  }
  const names = header.map((h) => h.trim());
  const keep = names.map((_, j) => j).filter((j) => !BOOKKEEPING.has(names[j].toLowerCase()));
  if (keep.length === 0)
    throw new DataFileError(
      `The CSV file has only bookkeeping columns (${names.join(', ')}), no observations. Add the observed values as columns and choose it again.`,
    );
  const notes: string[] = [];
  let rows = values;
  const member = names.findIndex((n) => n.toLowerCase() === 'member');
  if (member >= 0 && rows.length > 0) {
    // A preview export with an ensemble interleaves members row by row: keep the first member's rows.
    const first = rows[0][member];
    const all = new Set(rows.map((r) => r[member]));
    rows = rows.filter((r) => r[member] === first);
    if (all.size > 1) notes.push(`the rows of member ${first} (of ${all.size})`);
  }
  const dropped = names.filter((_, j) => !keep.includes(j));
  if (dropped.length > 0) notes.push(`columns ${dropped.map((n) => `"${n}"`).join(', ')} not compared`);
  checkRows(rows.length);
  const data = new Float64Array(rows.length * keep.length);
  rows.forEach((r, t) => keep.forEach((j, k) => (data[t * keep.length + k] = r[j])));
  return {
    columns: keep.map((j) => names[j]),
    rows: rows.length,
    data,
    note: notes.length ? notes.join('; ') : undefined,
  };
}

/** Reads a trajectory file by its extension. */
export function parseTrajectoryFile(fileName: string, bytes: Uint8Array): DataSet {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.npy')) return parseNpyTrajectory(bytes);
  if (lower.endsWith('.csv')) return parseCsvTrajectory(new TextDecoder('utf-8').decode(bytes));
  throw new DataFileError(`${fileName} is neither a .npy nor a .csv file. Save the trajectory as one of those.`);
}

/**
 * For each model output, the data column it is compared with (undefined: not compared). Outputs and columns with
 * the same name (case and spaces ignored: the model's dynamics.state_names against the CSV header) are paired
 * first; when the widths are equal and names do not pair everything, columns are taken in order.
 * `unmatched` lists the outputs left for the user to pair.
 */
export function matchColumns(
  outputs: readonly string[],
  columns: readonly string[],
): { readonly mapping: (number | undefined)[]; readonly unmatched: number[] } {
  const key = (s: string) => s.trim().toLowerCase().replace(/\s+/g, '');
  const mapping: (number | undefined)[] = outputs.map(() => undefined);
  const used = new Set<number>();
  outputs.forEach((o, i) => {
    const c = columns.findIndex((col, j) => !used.has(j) && key(col) === key(o));
    if (c >= 0) {
      mapping[i] = c;
      used.add(c);
    }
  });
  if (used.size < outputs.length && outputs.length === columns.length && used.size === 0)
    return { mapping: outputs.map((_, i) => i), unmatched: [] };
  return { mapping, unmatched: mapping.flatMap((m, i) => (m === undefined ? [i] : [])) };
}

/** Checks a saved or chosen mapping against the file it is for. */
export function validMapping(
  mapping: readonly (number | null | undefined)[],
  outputs: number,
  columns: number,
): boolean {
  return (
    mapping.length === outputs &&
    mapping.some((m) => m !== null && m !== undefined) &&
    mapping.every((m) => m === null || m === undefined || (Number.isInteger(m) && m >= 0 && m < columns))
  );
}
