import { createHash } from 'node:crypto';

/**
 * The workspace bibliography, read and merged without touching what the user wrote. An entry Attractor writes is
 * preceded by a marker comment line that names the paper and a hash of the entry as written:
 *
 *     % attractor: paper=2306.04406 sha=1f2e3d4c5b6a
 *     @misc{hess2023generalized,
 *
 * Only such entries are Attractor's: it updates them, and removes them when no file cites their key any more.
 * An entry whose text no longer matches its hash was edited by hand and is the user's from then on; every
 * other byte of the file (hand-written entries, `@string`, `@comment`, text between entries) is kept as it was.
 * No I/O.
 */

export interface BibEntry {
  /** `article`, `misc`, `string`, … in lower case. */
  readonly type: string;
  /** The key as written; empty for `@string`, `@preamble`, `@comment`. */
  readonly key: string;
  /** Offsets of the entry from `@` to its closing delimiter. */
  readonly start: number;
  readonly end: number;
  /** Attractor's marker line before it, when it has one and the entry is as Attractor wrote it. */
  readonly owned?: { readonly paperId: string; readonly markerStart: number };
}

export class BibParseError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'BibParseError';
  }
}

const MARKER = /^% attractor: paper=(\S+) sha=([0-9a-f]{12})[ \t]*\r?\n[ \t]*$/;
const SPECIAL = new Set(['string', 'preamble', 'comment']);

export function entryHash(entry: string): string {
  return createHash('sha256').update(entry).digest('hex').slice(0, 12);
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * Reads the entries of a .bib text. Text outside entries is BibTeX's comment and is left alone; an entry whose
 * braces never close is an error naming its line (nothing is written to a file that is not understood).
 */
export function parseBib(text: string): BibEntry[] {
  const entries: BibEntry[] = [];
  const head = /@[ \t]*([A-Za-z]+)[ \t\r\n]*([{(])/g;
  let m: RegExpExecArray | null;
  while ((m = head.exec(text))) {
    const start = m.index;
    const type = m[1].toLowerCase();
    const openChar = m[2];
    const closeChar = openChar === '{' ? '}' : ')';
    let depth = 1;
    let i = head.lastIndex;
    for (; i < text.length && depth > 0; i++) {
      const c = text[i];
      if (c === '{' || (openChar === '(' && c === '(')) depth++;
      else if (c === '}' || (openChar === '(' && c === ')')) depth--;
      if (depth === 0 && c !== closeChar) throw new BibParseError(`unbalanced braces in @${m[1]}`, lineOf(text, start));
    }
    if (depth > 0) throw new BibParseError(`the @${m[1]} entry starting here is never closed`, lineOf(text, start));
    const end = i;
    head.lastIndex = end;
    const body = text.slice(start + m[0].length, end);
    const key = SPECIAL.has(type) ? '' : (/^\s*([^,\s]+)\s*,/.exec(body)?.[1] ?? '');
    entries.push({ type, key, start, end, ...ownership(text, start, end) });
  }
  return entries;
}

function ownership(text: string, start: number, end: number): { owned?: BibEntry['owned'] } {
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  if (text.slice(lineStart, start).trim() !== '') return {};
  const markerStart = text.lastIndexOf('\n', lineStart - 2) + 1;
  if (lineStart === 0) return {};
  const marker = MARKER.exec(text.slice(markerStart, start));
  if (!marker || marker[2] !== entryHash(text.slice(start, end))) return {};
  return { owned: { paperId: marker[1], markerStart } };
}

/** An entry Attractor wants in the file: its key (as cited), the paper it is for, and its text (`@…{key, …}`). */
export interface WantedEntry {
  readonly key: string;
  readonly paperId: string;
  readonly entry: string;
}

export interface BibMerge {
  readonly text: string;
  readonly added: string[];
  readonly updated: string[];
  readonly removed: string[];
  /** Cited keys that a hand-written entry already defines (left as the user wrote them). */
  readonly handWritten: string[];
}

/** The marker and the entry, in the file's line endings (the hash is of the entry as it stands in the file). */
function marked(w: WantedEntry, eol: string): string {
  const entry = w.entry.replace(/\r?\n/g, eol);
  return `% attractor: paper=${w.paperId} sha=${entryHash(entry)}${eol}${entry}`;
}

/**
 * The file with Attractor's entries brought in line with `wanted`: owned entries updated in place or removed,
 * new ones appended; hand-written entries win over Attractor's for the same key (compared case-insensitively, as
 * BibTeX does). Every byte outside Attractor's own entries is kept.
 */
export function mergeBib(text: string, wanted: readonly WantedEntry[]): BibMerge {
  const entries = parseBib(text);
  const byKey = new Map(wanted.map((w) => [w.key.toLowerCase(), w]));
  const handKeys = new Set(entries.filter((e) => !e.owned && e.key).map((e) => e.key.toLowerCase()));
  const added: string[] = [];
  const updated: string[] = [];
  const removed: string[] = [];
  const handWritten = wanted.filter((w) => handKeys.has(w.key.toLowerCase())).map((w) => w.key);
  const done = new Set<string>();
  const eol = /\r\n/.test(text) ? '\r\n' : '\n';
  let out = '';
  let at = 0;
  for (const e of entries) {
    if (!e.owned) continue;
    const k = e.key.toLowerCase();
    const want = handKeys.has(k) || done.has(k) ? undefined : byKey.get(k);
    out += text.slice(at, e.owned.markerStart);
    if (want) {
      const next = marked(want, eol);
      if (text.slice(e.owned.markerStart, e.end) !== next) updated.push(want.key);
      out += next;
      done.add(k);
      at = e.end;
    } else {
      removed.push(e.key);
      // The entry goes with its line break and one blank line after it, so removals leave no gaps.
      at = e.end;
      const rest = /^[ \t]*\r?\n(?:[ \t]*\r?\n)?/.exec(text.slice(at));
      if (rest) at += rest[0].length;
      // The last entry also takes the blank line that was put before it when it was appended.
      if (!text.slice(at).trim()) out = out.replace(/(\r?\n)[ \t]*\r?\n$/, '$1');
    }
  }
  out += text.slice(at);
  const append = wanted.filter((w) => {
    const k = w.key.toLowerCase();
    return !handKeys.has(k) && !done.has(k);
  });
  for (const w of append) {
    if (done.has(w.key.toLowerCase())) continue;
    done.add(w.key.toLowerCase());
    if (out.length > 0 && !out.endsWith('\n')) out += eol;
    if (out.length > 0 && !/\n[ \t]*\r?\n$/.test(out)) out += eol;
    out += `${marked(w, eol)}${eol}`;
    added.push(w.key);
  }
  return { text: out, added, updated, removed, handWritten };
}
