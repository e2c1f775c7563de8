import { IndexSegment } from './indexSegment';

/**
 * A search index's main segment on disk, so a new window searches without building it again: a small JSON
 * header (which library and which change of it the segment covers, the paper ids and the vocabulary), then the
 * posting arrays as they are in memory (little-endian, 4-byte aligned), read back as views, not copies.
 * A cache: a file that does not read back is ignored and rebuilt.
 */
const MAGIC = 'ATTRIDX1';
const FORMAT = 1;

export interface SnapshotInfo {
  /** The library database's id (a new database has another). */
  readonly libraryId: string;
  /** The last paper change (`paper_changes.seq`) the segment includes. */
  readonly seq: number;
}

interface Header extends SnapshotInfo {
  readonly format: number;
  readonly avgLen: number;
  readonly termCount: number;
  readonly postingCount: number;
  readonly ids: readonly string[];
  readonly terms: readonly string[];
}

/** The bytes of a snapshot, in an ArrayBuffer of their own (so a worker can hand it over without a copy). */
export function encodeSnapshot(segment: IndexSegment, info: SnapshotInfo): Buffer {
  const { ids, terms, offsets, docs, weights, avgLen, byId } = segment.arrays();
  const header: Header = {
    format: FORMAT,
    libraryId: info.libraryId,
    seq: info.seq,
    avgLen,
    termCount: terms.length,
    postingCount: docs.length,
    ids,
    terms,
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const start = align(MAGIC.length + 4 + json.length);
  const size = start + 4 * (offsets.length + docs.length + weights.length + byId.length);
  const out = Buffer.allocUnsafeSlow(size);
  out.fill(0, 0, start);
  out.write(MAGIC, 0, 'latin1');
  out.writeUInt32LE(json.length, MAGIC.length);
  json.copy(out, MAGIC.length + 4);
  let at = start;
  for (const a of [offsets, docs, weights, byId]) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
    at += a.byteLength;
  }
  return out;
}

const align = (n: number) => (n + 3) & ~3;

/** The segment and what it covers; throws if the bytes are not a snapshot this version writes. */
export function decodeSnapshot(bytes: Uint8Array): { info: SnapshotInfo; segment: IndexSegment } {
  if (new Uint16Array(new Uint8Array([1, 0]).buffer)[0] !== 1) throw new Error('big-endian host');
  let buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.toString('latin1', 0, MAGIC.length) !== MAGIC) throw new Error('not a search index snapshot');
  const jsonLength = buf.readUInt32LE(MAGIC.length);
  const header = JSON.parse(buf.toString('utf8', MAGIC.length + 4, MAGIC.length + 4 + jsonLength)) as Header;
  if (header.format !== FORMAT) throw new Error(`snapshot format ${header.format}`);
  const { termCount, postingCount } = header;
  const n = header.ids.length;
  const start = align(MAGIC.length + 4 + jsonLength);
  if (buf.length !== start + 4 * (termCount + 1 + 2 * postingCount + n)) throw new Error('truncated snapshot');
  // Typed-array views need 4-byte alignment: a buffer read from a file normally starts at 0, else copy it.
  if (buf.byteOffset % 4 !== 0) buf = Buffer.from(buf);
  const view = <T>(make: new (b: ArrayBufferLike, o: number, n: number) => T, at: number, n: number) =>
    new make(buf.buffer, buf.byteOffset + at, n);
  const offsets = view(Int32Array, start, termCount + 1);
  const docs = view(Int32Array, start + 4 * (termCount + 1), postingCount);
  const weights = view(Float32Array, start + 4 * (termCount + 1 + postingCount), postingCount);
  const byId = view(Int32Array, start + 4 * (termCount + 1 + 2 * postingCount), n);
  if (offsets[termCount] !== postingCount || header.terms.length !== termCount)
    throw new Error('inconsistent snapshot');
  const segment = new IndexSegment({
    byId,
    ids: header.ids,
    terms: header.terms,
    offsets,
    docs,
    weights,
    avgLen: header.avgLen,
  });
  return { info: { libraryId: header.libraryId, seq: header.seq }, segment };
}
