import { createHash } from 'node:crypto';

/**
 * File names of notes, derived from paper ids. Ids come from the network (`../../etc/passwd`, `CON`,
 * `local:3f2a…`), so the name keeps only `[A-Za-z0-9._-]`, never starts with a dot, never is a name Windows
 * reserves, and stays short. When anything had to change, a hash of the id is appended so two different ids
 * never share a note. The result depends on the id alone: the same paper finds the same note on every run.
 */

const MAX_STEM = 80;
/** Names Windows refuses for a file whatever the extension (`CON.md` is the console). */
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i;

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

/** The stem (no extension) of a paper's note file. */
export function noteStem(paperId: string): string {
  const cleaned = paperId
    .normalize('NFKC')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/-{2,}/g, '-')
    .replace(/^[.-]+|[.-]+$/g, '');
  const reserved = WINDOWS_RESERVED.test(cleaned.split('.')[0] ?? '');
  const lossless = cleaned !== '' && cleaned === paperId && !reserved && cleaned.length <= MAX_STEM;
  if (lossless) return cleaned;
  const base = (reserved ? `paper-${cleaned}` : cleaned).slice(0, MAX_STEM).replace(/[.-]+$/, '');
  return base ? `${base}-${shortHash(paperId)}` : `paper-${shortHash(paperId)}`;
}

export function noteFileName(paperId: string): string {
  return `${noteStem(paperId)}.md`;
}

/** The sidecar that stores a note's annotations, next to it: `2306.04406.md` → `2306.04406.annotations.json`. */
export function annotationsFileName(noteFile: string): string {
  return `${noteFile.replace(/\.(md|markdown)$/i, '')}.annotations.json`;
}

/**
 * Checks the `attractor.notes.folder` setting: a relative path inside the workspace folder, `/`-separated.
 * Returns the cleaned segments, or an error message saying what is wrong.
 */
export function parseNotesFolder(setting: string): { segments: string[] } | { error: string } {
  const raw = setting.trim().replace(/\\/g, '/');
  if (/^([A-Za-z]:)?\//.test(raw))
    return { error: `"${setting}" is an absolute path; use a folder inside the workspace, such as papers/` };
  const segments = raw.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.some((s) => s === '..'))
    return { error: `"${setting}" leaves the workspace; use a folder inside it, such as papers/` };
  // Control characters are invalid in file names on Windows and unreadable everywhere.
  // eslint-disable-next-line no-control-regex
  if (segments.some((s) => /[<>:"|?*\u0000-\u001f]/.test(s) || WINDOWS_RESERVED.test(s.split('.')[0]))) {
    return { error: `"${setting}" is not a valid folder name` };
  }
  return { segments };
}
