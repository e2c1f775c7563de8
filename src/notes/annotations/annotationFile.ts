import type { TextAnchor } from './anchoring';
import { isRecord } from '../../core/validate';

/**
 * The sidecar file that keeps a note's annotations (`<note>.annotations.json`, next to the note): plain,
 * pretty-printed JSON the user can read, diff and commit. What is read is validated; an entry that cannot be
 * understood is kept verbatim and written back unchanged, so nothing the user wrote is ever dropped.
 */

export const ANNOTATION_FILE_VERSION = 1;

export interface AnnotationComment {
  readonly id: string;
  readonly author: string;
  readonly body: string;
  readonly created: string;
  readonly edited?: string;
}

/** Where in the paper's PDF a passage was selected (the note holds it as a quote the annotation is anchored on). */
export interface PdfAnchor {
  /** 1-based page number. */
  readonly page: number;
  /** The text selected on the page, whitespace collapsed. */
  readonly quote: string;
}

export interface Annotation {
  readonly id: string;
  readonly anchor: TextAnchor;
  readonly pdf?: PdfAnchor;
  readonly comments: readonly AnnotationComment[];
  readonly resolved: boolean;
  readonly created: string;
}

export interface AnnotationFile {
  readonly version: number;
  readonly note: string;
  readonly annotations: readonly Annotation[];
  /** Entries this version could not read, preserved as they were. */
  readonly unreadable: readonly unknown[];
}

export class AnnotationFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AnnotationFileError';
  }
}

const str = (v: unknown): v is string => typeof v === 'string';

function readComment(v: unknown): AnnotationComment | undefined {
  if (!isRecord(v) || !str(v.id) || !str(v.body)) return undefined;
  return {
    id: v.id,
    author: str(v.author) ? v.author : 'unknown',
    body: v.body,
    created: str(v.created) ? v.created : '',
    ...(str(v.edited) ? { edited: v.edited } : {}),
  };
}

function readPdfAnchor(v: unknown): PdfAnchor | undefined {
  if (!isRecord(v) || !str(v.quote) || v.quote === '') return undefined;
  const page = v.page;
  return typeof page === 'number' && Number.isInteger(page) && page >= 1 ? { page, quote: v.quote } : undefined;
}

function readAnnotation(v: unknown): Annotation | undefined {
  if (!isRecord(v) || !str(v.id) || !str(v.quote) || v.quote === '' || !Array.isArray(v.comments)) return undefined;
  const comments = v.comments.map(readComment);
  if (comments.some((c) => c === undefined)) return undefined;
  return {
    id: v.id,
    anchor: {
      quote: v.quote,
      prefix: str(v.prefix) ? v.prefix : '',
      suffix: str(v.suffix) ? v.suffix : '',
      offset: typeof v.offset === 'number' && Number.isFinite(v.offset) ? v.offset : 0,
    },
    ...(readPdfAnchor(v.pdf) ? { pdf: readPdfAnchor(v.pdf) } : {}),
    comments: comments as AnnotationComment[],
    resolved: v.resolved === true,
    created: str(v.created) ? v.created : '',
  };
}

export function emptyAnnotationFile(note: string): AnnotationFile {
  return { version: ANNOTATION_FILE_VERSION, note, annotations: [], unreadable: [] };
}

export function parseAnnotationFile(text: string, note: string): AnnotationFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new AnnotationFileError(`the annotations file is not valid JSON (${(err as Error).message})`);
  }
  if (!isRecord(json) || !Array.isArray(json.annotations)) {
    throw new AnnotationFileError('the annotations file has no "annotations" list');
  }
  if (typeof json.version === 'number' && json.version > ANNOTATION_FILE_VERSION) {
    throw new AnnotationFileError(`the annotations file was written by a newer Attractor (version ${json.version})`);
  }
  const annotations: Annotation[] = [];
  const unreadable: unknown[] = [];
  for (const entry of json.annotations) {
    const a = readAnnotation(entry);
    if (a) annotations.push(a);
    else unreadable.push(entry);
  }
  return { version: ANNOTATION_FILE_VERSION, note: str(json.note) ? json.note : note, annotations, unreadable };
}

export function serializeAnnotationFile(file: AnnotationFile): string {
  const annotations: unknown[] = file.annotations.map((a) => ({
    id: a.id,
    quote: a.anchor.quote,
    prefix: a.anchor.prefix,
    suffix: a.anchor.suffix,
    offset: a.anchor.offset,
    ...(a.pdf ? { pdf: { page: a.pdf.page, quote: a.pdf.quote } } : {}),
    resolved: a.resolved,
    created: a.created,
    comments: a.comments.map((c) => ({
      id: c.id,
      author: c.author,
      body: c.body,
      created: c.created,
      ...(c.edited ? { edited: c.edited } : {}),
    })),
  }));
  return `${JSON.stringify({ version: ANNOTATION_FILE_VERSION, note: file.note, annotations: [...annotations, ...file.unreadable] }, null, 2)}\n`;
}
