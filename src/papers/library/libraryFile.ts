import { readFile, rename } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { LibraryFormatError, readLibraryData, type LibraryData } from './schema';

export type LibraryLoad =
  | { readonly status: 'ok'; readonly data: LibraryData; readonly dropped: number }
  | { readonly status: 'missing' }
  /** The file could not be read as a library; it was moved to `setAsideAs` (never deleted). */
  | { readonly status: 'setAside'; readonly reason: string; readonly setAsideAs: string };

/** Reads the library file; a corrupt, truncated or foreign file is renamed aside and reported. */
export async function loadLibraryFile(file: string, now = new Date()): Promise<LibraryLoad> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'missing' };
    throw err;
  }
  let reason: string;
  try {
    const { data, dropped } = readLibraryData(JSON.parse(text) as unknown);
    return { status: 'ok', data, dropped };
  } catch (err) {
    if (!(err instanceof SyntaxError) && !(err instanceof LibraryFormatError)) throw err;
    reason =
      err instanceof SyntaxError ? `it is not valid JSON (${err.message}); it may have been cut off` : err.message;
  }
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const setAsideAs = join(dirname(file), `${basename(file, '.json')}.corrupt-${stamp}.json`);
  await rename(file, setAsideAs);
  return { status: 'setAside', reason, setAsideAs };
}

export function serializeLibrary(data: LibraryData): string {
  return JSON.stringify(data);
}
