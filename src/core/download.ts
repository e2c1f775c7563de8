/**
 * The one checked download of a file to disk (a Hub model, a paper's PDF): into `target.<random>.part` first,
 * then checked (the byte count against Content-Length, the sha256 against an ETag that is one, and the caller's
 * own check) and renamed, so a failed, cut, refused or cancelled download leaves nothing behind and the target
 * untouched. Through the one HTTP client (size limit, redirects, token rules). Unit-tested against the local
 * fixture server.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { describeSourceError, SourceError } from './httpErrors';
import { DownloadStopped, type BearerAuth, type HttpClient } from './http';

export const MB = 1024 * 1024;
export const formatMB = (bytes: number) => `${(bytes / MB).toFixed(bytes < 10 * MB ? 1 : 0)} MB`;

/** The sha256 an ETag or X-Linked-Etag names, when it looks like one (the Hub's LFS files); else undefined. */
export function etagSha256(headers: Readonly<Record<string, string | string[] | undefined>>): string | undefined {
  for (const name of ['x-linked-etag', 'etag']) {
    const raw = headers[name];
    const v = (Array.isArray(raw) ? raw[0] : raw)?.trim().replace(/^W\//, '').replace(/^"|"$/g, '').toLowerCase();
    if (v && /^[0-9a-f]{64}$/.test(v)) return v;
  }
  return undefined;
}

export type DownloadProblem = 'tooLarge' | 'integrity' | 'notFound' | 'unauthorized' | 'http' | 'cancelled';

export class DownloadError extends Error {
  constructor(
    readonly problem: DownloadProblem,
    message: string,
  ) {
    super(message);
    this.name = 'DownloadError';
  }
}

export interface DownloadRequest {
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
  /** Why a server may refuse (HTTP 401/403) and what to do, for the message. */
  readonly refusedHint?: string;
  /** Checks the complete file before it is kept (e.g. that it is a PDF): a message says why it is refused. */
  readonly verify?: (file: string) => Promise<string | undefined>;
}

export interface DownloadResult {
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
 * removed and `target` is untouched. Throws DownloadError, or the client's SourceError (network, 5xx, cut).
 */
export async function downloadFile(req: DownloadRequest): Promise<DownloadResult> {
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
        throw new DownloadError(
          'tooLarge',
          `${name} is ${size !== undefined ? `${formatMB(size)}, ` : ''}over ${limit}. Nothing was downloaded.`,
        );
      }
      if (err instanceof DownloadStopped && err.reason === 'cancelled')
        throw new DownloadError('cancelled', 'The download was cancelled. Nothing was kept.');
      throw err;
    }
    const host = new URL(req.url).host;
    if (result.status === 404) throw new DownloadError('notFound', `${host} has no such file (HTTP 404).`);
    if (result.status === 401 || result.status === 403) {
      throw new DownloadError(
        'unauthorized',
        `${host} refused the download (HTTP ${result.status})${req.refusedHint ? `: ${req.refusedHint}` : '.'}`,
      );
    }
    if (result.status < 200 || result.status >= 300)
      throw new DownloadError('http', `${host} answered HTTP ${result.status}.`);
    const announced = Number(result.headers['content-length'] ?? NaN);
    const size = (await fs.stat(temp)).size;
    if ((Number.isFinite(announced) && size !== announced) || size !== result.bytes) {
      throw new DownloadError(
        'integrity',
        `${name}: received ${size} bytes, but ${Number.isFinite(announced) ? announced : result.bytes} were announced. Nothing was kept.`,
      );
    }
    const expected = etagSha256(result.headers) ?? etagSha256(result.firstHeaders);
    if (expected) {
      const actual = await sha256File(temp);
      if (actual !== expected)
        throw new DownloadError(
          'integrity',
          `${name} does not match its checksum (sha256 ${actual.slice(0, 12)}…, expected ${expected.slice(0, 12)}…). Nothing was kept.`,
        );
    }
    const refused = await req.verify?.(temp);
    if (refused) throw new DownloadError('integrity', `${refused} Nothing was kept.`);
    await fs.rename(temp, req.target);
    return { file: req.target, bytes: size, sha256: expected };
  } finally {
    await fs.rm(temp, { force: true });
  }
}

/** What a failed download means for the user: the server's and the network's errors in one sentence each. */
export function describeDownloadError(err: unknown): string {
  if (err instanceof DownloadError) return err.message;
  if (err instanceof SourceError) {
    if (err.kind === 'truncated') return `The download from ${err.host} was cut off. Nothing was kept; try again.`;
    const text = describeSourceError(err).replace(/ The saved library is still available\.$/, '');
    return err.kind === 'unavailable' || err.kind === 'timeout' || err.kind === 'offline' || err.kind === 'rateLimited'
      ? `${text} Nothing was kept.`
      : text;
  }
  return err instanceof Error ? err.message : String(err);
}
