import { close, fstat, open, read, readSync } from 'node:fs';
import { promisify } from 'node:util';
import { IndexSegment, MemoryPostings, type PostingList, type PostingSource } from './indexSegment';
import { PackedStrings } from './packedStrings';

/**
 * A search index's main segment on disk, so a new window searches without building it again: a small JSON
 * header (which library and which change of it the segment covers, the array lengths), then the segment's
 * typed arrays as they are in memory (little-endian, 4-byte aligned), read back as views, not copies, and its
 * paper ids and vocabulary as two UTF-16 texts with their offsets (one decode each, exact for any string).
 * Nothing in it is parsed per entry, so loading costs about what reading the file costs.
 * A window opens it (`openSnapshot`) with everything but the postings in memory, and reads a word's postings from
 * the file when a query needs them.
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

/** The header of a snapshot, from its first bytes; throws if they are not a snapshot this version writes. */
function readHeader(head: Buffer): { header: Header; start: number; sizes: number[]; size: number } {
  if (new Uint16Array(new Uint8Array([1, 0]).buffer)[0] !== 1) throw new Error('big-endian host');
  if (head.length < MAGIC.length + 4 || head.toString('latin1', 0, MAGIC.length) !== MAGIC)
    throw new Error('not a search index snapshot');
  const jsonLength = head.readUInt32LE(MAGIC.length);
  if (head.length < MAGIC.length + 4 + jsonLength) throw new Error('truncated snapshot');
  const header = JSON.parse(head.toString('utf8', MAGIC.length + 4, MAGIC.length + 4 + jsonLength)) as Header;
  if (header.format !== FORMAT) throw new Error(`snapshot format ${header.format}`);
  const sizes = layout(header);
  if (!sizes.every((s) => Number.isSafeInteger(s) && s >= 0)) throw new Error('inconsistent snapshot');
  const start = align(MAGIC.length + 4 + jsonLength);
  return { header, start, sizes, size: start + sizes.reduce((a, b) => a + b, 0) };
}

/**
 * Everything but the postings, from `tail`: the sections after the weights (byId, id and term offsets, the
 * texts), `offsets` read before them.
 */
function tables(header: Header, sizes: number[], offsets: Int32Array, tail: Buffer) {
  let at = 0;
  const next = (k: number) => {
    const a = new Int32Array(tail.buffer, tail.byteOffset + at, sizes[k] / 4);
    at += sizes[k];
    return a;
  };
  const byId = next(3);
  const idOffsets = next(4);
  const termOffsets = next(5);
  const text = (chars: number, k: number) => {
    const s = tail.toString('utf16le', at, at + 2 * chars);
    at += sizes[k];
    return s;
  };
  const ids = new PackedStrings(text(header.idChars, 6), idOffsets);
  const terms = new PackedStrings(text(header.termChars, 7), termOffsets);
  if (
    offsets.length !== header.termCount + 1 ||
    offsets[header.termCount] !== header.postingCount ||
    ids.length !== header.docCount ||
    terms.length !== header.termCount
  )
    throw new Error('inconsistent snapshot');
  return { byId, ids, terms, offsets, avgLen: header.avgLen };
}

/** The segment and what it covers, all in memory; throws if the bytes are not a snapshot this version writes. */
export function decodeSnapshot(bytes: Uint8Array): { info: SnapshotInfo; segment: IndexSegment } {
  let buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const { header, start, sizes, size } = readHeader(buf);
  if (buf.length !== size) throw new Error('truncated snapshot');
  // Typed-array views need 4-byte alignment: a buffer read from a file normally starts at 0, else copy it.
  if (buf.byteOffset % 4 !== 0) buf = Buffer.from(buf);
  const view = <T>(make: new (b: ArrayBufferLike, o: number, n: number) => T, at: number, bytes: number): T =>
    new make(buf.buffer, buf.byteOffset + at, bytes / 4);
  const offsets = view(Int32Array, start, sizes[0]);
  const docs = view(Int32Array, start + sizes[0], sizes[1]);
  const weights = view(Float32Array, start + sizes[0] + sizes[1], sizes[2]);
  const tail = buf.subarray(start + sizes[0] + sizes[1] + sizes[2]);
  const segment = new IndexSegment(tables(header, sizes, offsets, tail), new MemoryPostings(offsets, docs, weights));
  return { info: { libraryId: header.libraryId, seq: header.seq }, segment };
}

const openFile = promisify(open);
const readFile = promisify(read);
const statFile = promisify(fstat);
/** The most postings bytes a window keeps of the words it read last. */
const CACHE_BYTES = 8 * 2 ** 20;

/** Closes a snapshot's file once its segment is garbage: a search result may outlive the index it came from. */
const fileCloser = new FinalizationRegistry<number>((fd) => close(fd, () => undefined));

/**
 * A snapshot's postings read from its file a word (or a piece of one) at a time, the words read last kept up to
 * CACHE_BYTES. The file stays open: a newer snapshot written meanwhile replaces the name, not this file.
 * Reads are synchronous, as a query is: a word's list is a few hundred kilobytes at most at 100,000 papers, a
 * read from the page cache well under a millisecond.
 */
class FilePostings implements PostingSource {
  private readonly cache = new Map<number, PostingList>();
  private cached = 0;
  private readonly tops: Float32Array;
  /**
   * Where `whole` reads: reused, so a query reading a megabyte of lists does not fault in fresh pages for
   * each (allocating and zeroing them cost more than the reads: "similar" at 100k went from 2 to 20 ms).
   */
  private scratch = new ArrayBuffer(0);

  constructor(
    private readonly fd: number,
    private readonly offsets: Int32Array,
    private readonly docsAt: number,
    private readonly weightsAt: number,
    private readonly cacheBytes: number,
  ) {
    this.tops = new Float32Array(offsets.length - 1).fill(NaN);
  }

  private read(bytes: Uint8Array, at: number): void {
    for (let done = 0; done < bytes.length;) {
      const n = readSync(this.fd, bytes, done, bytes.length - done, at + done);
      if (n === 0) throw new Error('the search index snapshot is shorter than it says');
      done += n;
    }
  }

  slice(r: number, from: number, to: number): PostingList {
    const whole = this.cache.get(r);
    if (whole) {
      this.cache.delete(r); // most recent last
      this.cache.set(r, whole);
      return from === 0 && to === whole.docs.length
        ? whole
        : { docs: whole.docs.subarray(from, to), weights: whole.weights.subarray(from, to) };
    }
    const at = 4 * (this.offsets[r] + from);
    const n = to - from;
    // One buffer for both halves: half the allocations (a query reads many lists, and each is garbage soon).
    const buffer = new ArrayBuffer(8 * n);
    this.read(new Uint8Array(buffer, 0, 4 * n), this.docsAt + at);
    this.read(new Uint8Array(buffer, 4 * n, 4 * n), this.weightsAt + at);
    const list = { docs: new Int32Array(buffer, 0, n), weights: new Float32Array(buffer, 4 * n, n) };
    if (from === 0 && to === this.offsets[r + 1] - this.offsets[r]) this.remember(r, list);
    return list;
  }

  whole(r: number): PostingList {
    const n = this.offsets[r + 1] - this.offsets[r];
    if (this.cache.has(r)) return this.slice(r, 0, n);
    if (this.scratch.byteLength < 8 * n) this.scratch = new ArrayBuffer(Math.max(8 * n, 2 * this.scratch.byteLength));
    const at = 4 * this.offsets[r];
    this.read(new Uint8Array(this.scratch, 0, 4 * n), this.docsAt + at);
    this.read(new Uint8Array(this.scratch, 4 * n, 4 * n), this.weightsAt + at);
    return { docs: new Int32Array(this.scratch, 0, n), weights: new Float32Array(this.scratch, 4 * n, n) };
  }

  private remember(r: number, list: PostingList): void {
    this.cache.set(r, list);
    this.cached += 8 * list.docs.length;
    for (const [old, l] of this.cache) {
      if (this.cached <= this.cacheBytes || old === r) break;
      this.cache.delete(old);
      this.cached -= 8 * l.docs.length;
    }
  }

  top(r: number): number {
    if (Number.isNaN(this.tops[r])) {
      const top = new Float32Array(1);
      this.read(new Uint8Array(top.buffer), this.weightsAt + 4 * this.offsets[r]);
      this.tops[r] = top[0];
    }
    return this.tops[r];
  }
}

/**
 * The segment of a snapshot file and what it covers, its postings left in the file (read as queries need them);
 * throws if the file is not a snapshot this version writes.
 */
export async function openSnapshot(
  file: string,
  cacheBytes = CACHE_BYTES,
): Promise<{ info: SnapshotInfo; segment: IndexSegment }> {
  const fd = await openFile(file, 'r');
  try {
    const part = async (at: number, length: number) => {
      // Its own ArrayBuffer, 4-byte aligned for the typed-array views.
      const buf = Buffer.from(new ArrayBuffer(length));
      const { bytesRead } = await readFile(fd, buf, 0, length, at);
      if (bytesRead !== length) throw new Error('truncated snapshot');
      return buf;
    };
    const { size: fileSize } = await statFile(fd);
    const first = await part(0, Math.min(fileSize, 64 * 1024));
    // A header longer than the first read (ids are short, so never in practice) is read in full.
    const magic = first.length >= MAGIC.length + 4 && first.toString('latin1', 0, MAGIC.length) === MAGIC;
    const jsonEnd = magic ? MAGIC.length + 4 + first.readUInt32LE(MAGIC.length) : 0;
    const { header, start, sizes, size } = readHeader(
      jsonEnd > first.length && jsonEnd <= fileSize ? await part(0, jsonEnd) : first,
    );
    if (fileSize !== size) throw new Error('truncated snapshot');
    const offsetsBuf = await part(start, sizes[0]);
    const offsets = new Int32Array(offsetsBuf.buffer, 0, sizes[0] / 4);
    const docsAt = start + sizes[0];
    const weightsAt = docsAt + sizes[1];
    const tailAt = weightsAt + sizes[2];
    const tail = await part(tailAt, size - tailAt);
    const postings = new FilePostings(fd, offsets, docsAt, weightsAt, cacheBytes);
    const segment = new IndexSegment(tables(header, sizes, offsets, tail), postings);
    fileCloser.register(postings, fd);
    return { info: { libraryId: header.libraryId, seq: header.seq }, segment };
  } catch (err) {
    close(fd, () => undefined);
    throw err;
  }
}
