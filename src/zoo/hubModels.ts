/**
 * Hugging Face Hub models that cite a paper (`GET /api/models?filter=arxiv:ID&full=true`) and the download of
 * one of their `.onnx` files: size limit, integrity check (Content-Length, and sha256 against an ETag that is
 * one), written to a temporary name beside the target and renamed only when complete, so a failed, cut or
 * refused download leaves nothing behind. Unit-tested against the local fixture server.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { describeSourceError, SourceError } from '../core/httpErrors';
import { DownloadStopped, type BearerAuth, type HttpClient } from '../core/http';
import { isRecord } from '../core/validate';

export interface HubModel {
  /** `owner/name`. */
  readonly id: string;
  /** Paths of the repository's `.onnx` files. */
  readonly onnxFiles: readonly string[];
  readonly downloads?: number;
  readonly likes?: number;
  readonly pipelineTag?: string;
}

const REPO_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)?$/;
const MAX_FILES = 200;

const count = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.round(v) : undefined);

/** A repository path that is safe to put in a URL and to name a file after: relative, no `..`, ends in .onnx. */
export function isOnnxPath(p: string): boolean {
  return (
    p.length > 0 &&
    p.length < 500 &&
    /\.onnx$/i.test(p) &&
    !p.startsWith('/') &&
    !p.includes('\\') &&
    !p.split('/').some((s) => s === '' || s === '.' || s === '..')
  );
}

export function hubModelsUrl(endpoint: string, arxivId: string): string {
  return `${endpoint.replace(/\/+$/, '')}/api/models?filter=${encodeURIComponent(`arxiv:${arxivId}`)}&full=true&limit=100`;
}

export function hubFileUrl(endpoint: string, repo: string, file: string): string {
  return `${endpoint.replace(/\/+$/, '')}/${repo.split('/').map(encodeURIComponent).join('/')}/resolve/main/${file.split('/').map(encodeURIComponent).join('/')}`;
}

export function hubModelPage(endpoint: string, repo: string): string {
  return `${endpoint.replace(/\/+$/, '')}/${repo.split('/').map(encodeURIComponent).join('/')}`;
}

/** The answer of /api/models: entries without a usable id are skipped, models with .onnx files come first. */
export function parseHubModels(text: string, host: string): HubModel[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new SourceError('parse', host, `invalid JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(json)) throw new SourceError('parse', host, 'expected a JSON array of models');
  const models: HubModel[] = [];
  for (const entry of json) {
    if (!isRecord(entry)) continue;
    const id = typeof entry.id === 'string' ? entry.id : typeof entry.modelId === 'string' ? entry.modelId : undefined;
    if (!id || !REPO_ID.test(id) || id.length > 200) continue;
    const siblings = Array.isArray(entry.siblings) ? entry.siblings.slice(0, 5000) : [];
    const onnxFiles = siblings
      .flatMap((s) => (isRecord(s) && typeof s.rfilename === 'string' && isOnnxPath(s.rfilename) ? [s.rfilename] : []))
      .slice(0, MAX_FILES);
    models.push({
      id,
      onnxFiles,
      downloads: count(entry.downloads),
      likes: count(entry.likes),
      pipelineTag: typeof entry.pipeline_tag === 'string' ? entry.pipeline_tag.slice(0, 100) : undefined,
    });
  }
  return models.sort((a, b) => Number(b.onnxFiles.length > 0) - Number(a.onnxFiles.length > 0));
}

/**
 * One flat file name per repository file (the Models view lists the downloads folder flat), different for
 * different files: `owner/name` + `dir/file.onnx` → `owner--name--dir--file.onnx` when that can be read back
 * unambiguously (no `--` or edge `-` in a part, nothing replaced). Otherwise (`a--b/c` and `a/b--c` would
 * both give `a--b--c`) the name gets `+` and a hash of the exact repository and path: `+` never appears in the
 * readable form, so the two kinds of names cannot meet.
 */
export function downloadedFileName(repo: string, file: string): string {
  const parts = [...repo.split('/'), ...file.split('/')];
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '_');
  const readable = parts.map(safe).join('--');
  const clean =
    repo.split('/').length === 2 &&
    parts.every((p) => p.length > 0 && safe(p) === p && !p.includes('--') && !p.startsWith('-') && !p.endsWith('-'));
  const name = clean
    ? readable
    : `${readable.replace(/\.onnx$/i, '')}+${createHash('sha256').update(`${repo}\n${file}`).digest('hex').slice(0, 16)}`;
  return /\.onnx$/i.test(name) ? name : `${name}.onnx`;
}

/** Quick-pick text from the network: `$(name)` would be drawn as an icon, so it is escaped to show as typed. */
export function escapeIcons(text: string): string {
  return text.replace(/\$\(/g, '\\$(');
}

/** The sha256 an ETag or X-Linked-Etag names, when it looks like one (the Hub's LFS files); else undefined. */
export function etagSha256(headers: Readonly<Record<string, string | string[] | undefined>>): string | undefined {
  for (const name of ['x-linked-etag', 'etag']) {
    const raw = headers[name];
    const v = (Array.isArray(raw) ? raw[0] : raw)?.trim().replace(/^W\//, '').replace(/^"|"$/g, '').toLowerCase();
    if (v && /^[0-9a-f]{64}$/.test(v)) return v;
  }
  return undefined;
}

export type HubDownloadProblem = 'tooLarge' | 'integrity' | 'notFound' | 'unauthorized' | 'http' | 'cancelled';

export class HubDownloadError extends Error {
  constructor(
    readonly problem: HubDownloadProblem,
    message: string,
  ) {
    super(message);
    this.name = 'HubDownloadError';
  }
}

export const MB = 1024 * 1024;
export const DEFAULT_MAX_DOWNLOAD_MB = 200;
/** The setting's own maximum (package.json), enforced here too: a value from anywhere else is cut to it. */
export const MAX_DOWNLOAD_MB_LIMIT = 10_000;

/** The download limit in MB from the setting's raw value: a number in [1, 10000], else the default. */
export function clampMaxDownloadMB(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return DEFAULT_MAX_DOWNLOAD_MB;
  return Math.min(MAX_DOWNLOAD_MB_LIMIT, Math.max(1, value));
}
export const formatMB = (bytes: number) => `${(bytes / MB).toFixed(bytes < 10 * MB ? 1 : 0)} MB`;

export interface HubDownloadRequest {
  readonly http: HttpClient;
  readonly url: string;
  /** Where the file goes; written only when complete and checked. */
  readonly target: string;
  readonly maxBytes: number;
  /** How the limit is set, for the message (e.g. the setting's name). */
  readonly limitHint?: string;
  /** Sent only to its origin; dropped at the first redirect to another (the Hub's CDN). */
  readonly auth?: BearerAuth;
  readonly onProgress?: (received: number, total: number | undefined) => void;
  readonly signal?: AbortSignal;
  /** Checks the complete file before it is kept (e.g. that it is a PDF): a message says why it is refused. */
  readonly verify?: (file: string) => Promise<string | undefined>;
}

export interface HubDownloadResult {
  readonly file: string;
  readonly bytes: number;
  /** The sha256 that was checked, when the server named one. */
  readonly sha256?: string;
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Downloads `url` to `target`: into `target.<random>.part` first, then checked (the byte count against
 * Content-Length, the sha256 against an ETag that is one) and renamed. Whatever fails, the temporary file is
 * removed and `target` is untouched. Throws HubDownloadError, or the client's SourceError (network, 5xx, cut).
 */
export async function downloadHubFile(req: HubDownloadRequest): Promise<HubDownloadResult> {
  const name = path.basename(req.target);
  const limit = `the limit of ${formatMB(req.maxBytes)}${req.limitHint ? ` (${req.limitHint})` : ''}`;
  await fs.mkdir(path.dirname(req.target), { recursive: true });
  const temp = `${req.target}.${randomBytes(6).toString('hex')}.part`;
  try {
    let result;
    try {
      result = await req.http.download(req.url, temp, {
        maxBytes: req.maxBytes,
        auth: req.auth,
        onProgress: req.onProgress,
        signal: req.signal,
      });
    } catch (err) {
      if (err instanceof SourceError && err.kind === 'tooLarge') {
        const size = err.detail?.bytes;
        throw new HubDownloadError(
          'tooLarge',
          `${name} is ${size !== undefined ? `${formatMB(size)}, ` : ''}over ${limit}. Nothing was downloaded.`,
        );
      }
      if (err instanceof DownloadStopped && err.reason === 'cancelled')
        throw new HubDownloadError('cancelled', 'The download was cancelled. Nothing was kept.');
      throw err;
    }
    const host = new URL(req.url).host;
    if (result.status === 404) throw new HubDownloadError('notFound', `${host} has no such file (HTTP 404).`);
    if (result.status === 401 || result.status === 403) {
      throw new HubDownloadError(
        'unauthorized',
        `${host} refused the download (HTTP ${result.status}): the model may be gated or private. Set a token with "Attractor: Set Hugging Face Token…".`,
      );
    }
    if (result.status < 200 || result.status >= 300)
      throw new HubDownloadError('http', `${host} answered HTTP ${result.status}.`);
    const announced = Number(result.headers['content-length'] ?? NaN);
    const size = (await fs.stat(temp)).size;
    if ((Number.isFinite(announced) && size !== announced) || size !== result.bytes) {
      throw new HubDownloadError(
        'integrity',
        `${name}: received ${size} bytes, but ${Number.isFinite(announced) ? announced : result.bytes} were announced. Nothing was kept.`,
      );
    }
    const expected = etagSha256(result.headers) ?? etagSha256(result.firstHeaders);
    if (expected) {
      const actual = await sha256File(temp);
      if (actual !== expected)
        throw new HubDownloadError(
          'integrity',
          `${name} does not match its checksum (sha256 ${actual.slice(0, 12)}…, expected ${expected.slice(0, 12)}…). Nothing was kept.`,
        );
    }
    const refused = await req.verify?.(temp);
    if (refused) throw new HubDownloadError('integrity', `${refused} Nothing was kept.`);
    await fs.rename(temp, req.target);
    return { file: req.target, bytes: size, sha256: expected };
  } finally {
    await fs.rm(temp, { force: true });
  }
}

/** What a failure means for the user: the Hub's and the network's errors in one sentence each. */
export function describeFindModelsError(err: unknown): string {
  if (err instanceof HubDownloadError) return err.message;
  if (err instanceof SourceError) {
    if (err.kind === 'truncated') return `The download from ${err.host} was cut off. Nothing was kept; try again.`;
    const text = describeSourceError(err).replace(/ The saved library is still available\.$/, '');
    return err.kind === 'unavailable' || err.kind === 'timeout' || err.kind === 'offline' || err.kind === 'rateLimited'
      ? `${text} Nothing was kept.`
      : text;
  }
  return err instanceof Error ? err.message : String(err);
}
