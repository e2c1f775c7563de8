import { IndexSegment } from './indexSegment';
import { PackedStrings } from './packedStrings';

/**
 * A search index's main segment on disk, so a new window searches without building it again: a small JSON
 * header (which library and which change of it the segment covers, the array lengths), then the segment's
 * typed arrays as they are in memory (little-endian, 4-byte aligned), read back as views, not copies, and its
 * paper ids and vocabulary as two UTF-16 texts with their offsets (one decode each, exact for any string).
 * Nothing in it is parsed per entry, so loading costs about what reading the file costs.
 * A cache: a file that does not read back is ignored and rebuilt.
 */
const MAGIC = 'ATTRIDX2';
const FORMAT = 2;

export interface SnapshotInfo {
  /** The library database's id (a new database has another). */
  readonly libraryId: string;
  /** The last paper change (`paper_changes.seq`) the segment includes. */
  readonly seq: number;
}

interface Header extends SnapshotInfo {
  readonly format: number;
  readonly avgLen: number;
  readonly docCount: number;
  readonly termCount: number;
  readonly postingCount: number;
  /** Lengths of the id and vocabulary texts, in UTF-16 code units. */
  readonly idChars: number;
  readonly termChars: number;
}

const align = (n: number) => (n + 3) & ~3;

/** The sections after the header, in file order: [byte length, …]. */
function layout(h: Header): number[] {
  return [
    4 * (h.termCount + 1), // posting offsets
    4 * h.postingCount, // docs
    4 * h.postingCount, // weights
    4 * h.docCount, // byId
    4 * (h.docCount + 1), // id offsets
    4 * (h.termCount + 1), // term offsets
    align(2 * h.idChars), // id text
    align(2 * h.termChars), // term text
  ];
}

/** The bytes of a snapshot, in an ArrayBuffer of their own (so a worker can hand it over without a copy). */
export function encodeSnapshot(segment: IndexSegment, info: SnapshotInfo): Buffer {
  const { ids, terms, offsets, docs, weights, avgLen, byId } = segment.arrays();
  const header: Header = {
    format: FORMAT,
    libraryId: info.libraryId,
    seq: info.seq,
    avgLen,
    docCount: ids.length,
    termCount: terms.length,
    postingCount: docs.length,
    idChars: ids.text.length,
    termChars: terms.text.length,
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const start = align(MAGIC.length + 4 + json.length);
  const size = start + layout(header).reduce((a, b) => a + b, 0);
  const out = Buffer.allocUnsafeSlow(size);
  out.fill(0);
  out.write(MAGIC, 0, 'latin1');
  out.writeUInt32LE(json.length, MAGIC.length);
  json.copy(out, MAGIC.length + 4);
  let at = start;
  for (const a of [offsets, docs, weights, byId, ids.offsets, terms.offsets]) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
    at += a.byteLength;
  }
  for (const text of [ids.text, terms.text]) {
    out.write(text, at, 'utf16le');
    at += align(2 * text.length);
  }
  return out;
}

/** The segment and what it covers; throws if the bytes are not a snapshot this version writes. */
export function decodeSnapshot(bytes: Uint8Array): { info: SnapshotInfo; segment: IndexSegment } {
  if (new Uint16Array(new Uint8Array([1, 0]).buffer)[0] !== 1) throw new Error('big-endian host');
  let buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < MAGIC.length + 4 || buf.toString('latin1', 0, MAGIC.length) !== MAGIC)
    throw new Error('not a search index snapshot');
  const jsonLength = buf.readUInt32LE(MAGIC.length);
  const header = JSON.parse(buf.toString('utf8', MAGIC.length + 4, MAGIC.length + 4 + jsonLength)) as Header;
  if (header.format !== FORMAT) throw new Error(`snapshot format ${header.format}`);
  const sizes = layout(header);
  const start = align(MAGIC.length + 4 + jsonLength);
  if (!sizes.every((s) => Number.isSafeInteger(s) && s >= 0) || buf.length !== start + sizes.reduce((a, b) => a + b, 0))
    throw new Error('truncated snapshot');
  // Typed-array views need 4-byte alignment: a buffer read from a file normally starts at 0, else copy it.
  if (buf.byteOffset % 4 !== 0) buf = Buffer.from(buf);
  const { termCount, postingCount, docCount } = header;
  let at = start;
  const next = <T>(make: new (b: ArrayBufferLike, o: number, n: number) => T, k: number): T => {
    const a = new make(buf.buffer, buf.byteOffset + at, sizes[k] / 4);
    at += sizes[k];
    return a;
  };
  const offsets = next(Int32Array, 0);
  const docs = next(Int32Array, 1);
  const weights = next(Float32Array, 2);
  const byId = next(Int32Array, 3);
  const idOffsets = next(Int32Array, 4);
  const termOffsets = next(Int32Array, 5);
  const text = (chars: number, k: number) => {
    const s = buf.toString('utf16le', at, at + 2 * chars);
    at += sizes[k];
    return s;
  };
  const ids = new PackedStrings(text(header.idChars, 6), idOffsets);
  const terms = new PackedStrings(text(header.termChars, 7), termOffsets);
  if (offsets[termCount] !== postingCount || ids.length !== docCount || terms.length !== termCount)
    throw new Error('inconsistent snapshot');
  const segment = new IndexSegment({ byId, ids, terms, offsets, docs, weights, avgLen: header.avgLen });
  return { info: { libraryId: header.libraryId, seq: header.seq }, segment };
}
