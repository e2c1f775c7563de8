/**
 * Builds the search index's main segment off the extension host's thread: reads every paper from the library
 * database (one read transaction, so the papers and the change number they are at agree), builds the segment,
 * writes its snapshot beside the database (atomically), and hands the bytes to the host (transferred, not
 * copied) only if it could not save them. Bundled on its own (dist/indexWorker.js); loaded only when an index has to be built in full.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { writeFileAtomic } from '../../core/atomicWrite';
import type { Paper } from '../paper';
import { buildSegment } from './indexSegment';
import { encodeSnapshot } from './indexSnapshot';

export interface IndexWorkerInput {
  readonly dbFile: string;
  readonly snapshotFile: string;
}

export type IndexWorkerOutput =
  | { readonly ok: true; readonly saved: true; readonly seq: number }
  | { readonly ok: true; readonly saved: false; readonly bytes: ArrayBuffer; readonly seq: number }
  | { readonly ok: false; readonly error: string };

async function main(input: IndexWorkerInput): Promise<IndexWorkerOutput> {
  const { default: Sqlite } = await import('libsql');
  const db = new Sqlite(input.dbFile);
  let papers: Paper[];
  let seq: number;
  let libraryId: string;
  try {
    db.exec('PRAGMA busy_timeout = 5000');
    db.exec('BEGIN');
    seq = Number((db.prepare('SELECT coalesce(max(seq), 0) FROM paper_changes').raw().get() as unknown[])[0]);
    libraryId = String((db.prepare("SELECT value FROM meta WHERE key = 'library_id'").raw().get() as unknown[])[0]);
    papers = (db.prepare('SELECT data FROM papers ORDER BY rowid').raw().all() as unknown[][]).map(
      (r) => JSON.parse(r[0] as string) as Paper,
    );
    db.exec('COMMIT');
  } finally {
    db.close();
  }
  const bytes = encodeSnapshot(buildSegment(papers), { libraryId, seq });
  try {
    await writeFileAtomic(input.snapshotFile, bytes);
    // The host reads the saved file as a new window does. Not the bytes as well: 68 MB at 100,000 papers landing
    // in the host's heap as garbage made V8 collect it at once, a 35–65 ms pause on the extension host's thread.
    return { ok: true, saved: true, seq };
  } catch {
    // A cache: the index still works from the bytes, and the next window builds it again.
    return { ok: true, saved: false, bytes: bytes.buffer as ArrayBuffer, seq };
  }
}

if (parentPort) {
  const port = parentPort;
  main(workerData as IndexWorkerInput).then(
    (out) => port.postMessage(out, out.ok && !out.saved ? [out.bytes] : []),
    (err: unknown) => port.postMessage({ ok: false, error: String(err) } satisfies IndexWorkerOutput),
  );
}
