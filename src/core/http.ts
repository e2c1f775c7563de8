import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { LookupFunction } from 'node:net';
import { SourceError } from './httpErrors';

export interface HttpResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly text: string;
}

export interface HttpClientOptions {
  /** Per attempt, until the whole body has arrived. */
  readonly timeoutMs?: number;
  /** Attempts in all (first try included) for retryable failures: 429, 5xx, resets, timeouts. */
  readonly maxAttempts?: number;
  /** First backoff; doubles per retry, with jitter. */
  readonly baseDelayMs?: number;
  /** A Retry-After longer than this is not waited for: the request fails with the time to wait in the message. */
  readonly maxRetryAfterMs?: number;
  /** Bodies larger than this are refused. */
  readonly maxBytes?: number;
  readonly userAgent?: string;
  /** Runs each attempt (a rate-limit queue, e.g. arXiv's one request per 3 s). */
  readonly gate?: <T>(attempt: () => Promise<T>) => Promise<T>;
  /** DNS lookup (tests inject failures). */
  readonly lookup?: LookupFunction;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Where retries are reported (the log). */
  readonly onRetry?: (info: { url: string; attempt: number; delayMs: number; reason: string }) => void;
}

/** A bearer token and the one origin (scheme, host and port) it may be sent to. */
export interface BearerAuth {
  readonly token: string;
  readonly origin: string;
}

export interface RequestOptions {
  /** Never `authorization`: a token goes in `auth`, so this client alone decides where it is sent. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly auth?: BearerAuth;
}

/**
 * Hosts where plain http may carry a token: the machine itself (a local mirror, the tests' fixture server).
 * Traffic to them never leaves the machine, so there is nothing on the wire to read; anywhere else http would
 * hand the token to every network in between.
 */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '127.0.0.1' || h === '::1';
}

/** The origin of a URL (`https://huggingface.co`, `http://127.0.0.1:8080`); undefined for a non-URL. */
export function originOf(url: string): string | undefined {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a token bound to `origin` may go with a request to `url`: the same origin, over https or loopback http. */
export function mayCarryToken(url: string | URL, origin: string): boolean {
  const u = typeof url === 'string' ? new URL(url) : url;
  if (u.origin !== origin) return false;
  return u.protocol === 'https:' || (u.protocol === 'http:' && isLoopbackHost(u.hostname));
}

/**
 * The token a redirect from `from` to `to` may keep: only on the same origin. Origins, not hosts: an https →
 * http redirect on the same host would otherwise send the token in clear.
 */
export function authAfterRedirect(from: URL, to: URL, auth: BearerAuth | undefined): BearerAuth | undefined {
  return from.origin === to.origin ? auth : undefined;
}

/** The request headers: the caller's, without any `authorization`, plus the token where it may go. */
function requestHeaders(target: URL, options: RequestOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(options.headers ?? {})) if (k.toLowerCase() !== 'authorization') headers[k] = v;
  if (options.auth && mayCarryToken(target, options.auth.origin))
    headers.authorization = `Bearer ${options.auth.token}`;
  return headers;
}

export interface DownloadOptions extends RequestOptions {
  /** A body larger than this (announced by Content-Length or X-Linked-Size, or received) is refused. */
  readonly maxBytes: number;
  /** Bytes received so far in this attempt, and the announced total when known. */
  readonly onProgress?: (received: number, total: number | undefined) => void;
  /** Aborting stops the transfer (DownloadStopped 'cancelled'); it is not retried. */
  readonly signal?: AbortSignal;
  /** Redirects followed per attempt (default 5); the token is dropped at the first change of origin. */
  readonly maxRedirects?: number;
}

export interface DownloadResult {
  /** The final status; for a non-2xx status nothing was written. */
  readonly status: number;
  /** Headers of the final response. */
  readonly headers: http.IncomingHttpHeaders;
  /** Headers of the first response (the Hub puts X-Linked-Etag and X-Linked-Size on its redirect to a CDN). */
  readonly firstHeaders: http.IncomingHttpHeaders;
  /** Bytes written to the file. */
  readonly bytes: number;
}

/** A download that stopped for a reason of ours, not the network's: cancelled, or the file could not be written. */
export class DownloadStopped extends Error {
  constructor(
    readonly reason: 'cancelled' | 'write',
    message: string,
  ) {
    super(message);
    this.name = 'DownloadStopped';
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

const DEFAULTS = {
  timeoutMs: 20_000,
  maxAttempts: 3,
  baseDelayMs: 1_000,
  maxRetryAfterMs: 30_000,
  maxBytes: 32 * 1024 * 1024,
  userAgent: 'Attractor (VS Code extension)',
};

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);
const OFFLINE_CODES = new Set([
  'ECONNREFUSED',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ECONNRESET',
  'EPIPE',
  'ENETDOWN',
  'ECONNABORTED',
]);
const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME']);

/** Seconds (`120`) or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  if (/^\s*\d+\s*$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * GET requests for the paper sources: bounded retries with backoff that honours Retry-After, a timeout per
 * attempt, a size limit, and coalescing: a second request for a URL already in flight shares its answer.
 * Plain Node (no vscode), so it is unit-tested against the local fixture server.
 */
export class HttpClient {
  private readonly inFlight = new Map<string, Promise<HttpResponse>>();
  private readonly opts: Required<Omit<HttpClientOptions, 'gate' | 'lookup' | 'onRetry'>> & HttpClientOptions;

  constructor(options: HttpClientOptions = {}) {
    this.opts = { ...DEFAULTS, sleep: (ms) => new Promise((r) => setTimeout(r, ms)), ...options };
  }

  /** Resolves with any final status (callers decide what 404 or 400 mean); rejects with a SourceError. */
  get(url: string, options: RequestOptions = {}): Promise<HttpResponse> {
    const key = `${url}\n${options.auth ? `auth ${options.auth.origin}` : ''}`;
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const host = new URL(url).host;
    const request = this.withRetries(url, () => this.once(url, host, options)).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, request);
    return request;
  }

  /**
   * Streams a GET body into `file` (written afresh by each attempt), with the retries, backoff and gate of get().
   * Follows redirects. The timeout is for silence (no bytes for timeoutMs), not for the whole transfer. A body
   * that ends before its Content-Length is 'truncated' (retried). On failure the file may hold part of a body:
   * callers download to a temporary name and remove it.
   */
  download(url: string, file: string, options: DownloadOptions): Promise<DownloadResult> {
    return this.withRetries(url, () => this.downloadOnce(url, file, options, 0, undefined));
  }

  private async withRetries<T extends Pick<HttpResponse, 'status' | 'headers'>>(
    url: string,
    attemptOnce: () => Promise<T>,
  ): Promise<T> {
    const host = new URL(url).host;
    for (let attempt = 1; ; attempt++) {
      let outcome: T | SourceError;
      try {
        outcome = await (this.opts.gate ? this.opts.gate(attemptOnce) : attemptOnce());
      } catch (err) {
        if (err instanceof DownloadStopped) throw err;
        outcome = err instanceof SourceError ? err : new SourceError('offline', host, String(err));
      }
      const failure = this.classify(outcome, host);
      if (!failure) return outcome as T;
      const retryAfterMs = outcome instanceof SourceError ? undefined : parseRetryAfter(outcome.headers['retry-after']);
      const retryable =
        failure.kind === 'rateLimited' ||
        failure.kind === 'unavailable' ||
        failure.kind === 'timeout' ||
        (failure.kind === 'offline' && failure.detail?.code === 'ECONNRESET') ||
        failure.kind === 'truncated';
      if (!retryable || attempt >= this.opts.maxAttempts) throw failure;
      if (retryAfterMs !== undefined && retryAfterMs > this.opts.maxRetryAfterMs) throw failure;
      const backoff = this.opts.baseDelayMs * 2 ** (attempt - 1) * (0.75 + Math.random() * 0.5);
      const delayMs = retryAfterMs ?? backoff;
      this.opts.onRetry?.({ url, attempt, delayMs, reason: failure.message });
      await this.opts.sleep(delayMs);
    }
  }

  /** A response that should not be returned as is becomes a SourceError; a success stays undefined. */
  private classify(
    outcome: Pick<HttpResponse, 'status' | 'headers'> | SourceError,
    host: string,
  ): SourceError | undefined {
    if (outcome instanceof SourceError) return outcome;
    const { status } = outcome;
    if (!RETRYABLE_STATUS.has(status)) return undefined;
    const retryAfterMs = parseRetryAfter(outcome.headers['retry-after']);
    const retryAfterSeconds = retryAfterMs === undefined ? undefined : Math.ceil(retryAfterMs / 1000);
    return status === 429
      ? new SourceError('rateLimited', host, `HTTP 429 from ${host}`, { status, retryAfterSeconds })
      : new SourceError('unavailable', host, `HTTP ${status} from ${host}`, { status, retryAfterSeconds });
  }

  private downloadOnce(
    url: string,
    file: string,
    options: DownloadOptions,
    redirects: number,
    firstHeaders: http.IncomingHttpHeaders | undefined,
  ): Promise<DownloadResult> {
    const target = new URL(url);
    const host = target.host;
    const transport = target.protocol === 'https:' ? https : http;
    return new Promise<DownloadResult>((resolve, reject) => {
      let settled = false;
      let out: fs.WriteStream | undefined;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const finish = () => {
        settled = true;
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
      };
      const fail = (err: Error) => {
        if (settled) return;
        finish();
        req.destroy();
        out?.destroy();
        reject(err);
      };
      const onAbort = () => fail(new DownloadStopped('cancelled', 'the download was cancelled'));
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(
          () => fail(new SourceError('timeout', host, `no data for ${this.opts.timeoutMs} ms`)),
          this.opts.timeoutMs,
        );
      };
      const sizeOf = (headers: http.IncomingHttpHeaders, name: string) => {
        const v = Number(headers[name] ?? NaN);
        return Number.isFinite(v) && v >= 0 ? v : undefined;
      };
      const req = transport.get(
        target,
        {
          headers: { 'user-agent': this.opts.userAgent, accept: '*/*', ...requestHeaders(target, options) },
          lookup: this.opts.lookup,
        },
        (res) => {
          arm();
          const status = res.statusCode ?? 0;
          const first = firstHeaders ?? res.headers;
          const linked = sizeOf(res.headers, 'x-linked-size');
          if (linked !== undefined && linked > options.maxBytes) {
            fail(new SourceError('tooLarge', host, `${linked} bytes`, { bytes: linked }));
            return;
          }
          const location = res.headers.location;
          if (REDIRECTS.has(status) && location) {
            res.resume();
            if (redirects >= (options.maxRedirects ?? 5)) {
              fail(new SourceError('http', host, `more than ${options.maxRedirects ?? 5} redirects`, { status }));
              return;
            }
            const next = new URL(location, target);
            // Once dropped it stays dropped, even if a later hop comes back to the first origin.
            const auth = authAfterRedirect(target, next, options.auth);
            finish();
            this.downloadOnce(next.toString(), file, { ...options, auth }, redirects + 1, first).then(resolve, reject);
            return;
          }
          if (status < 200 || status >= 300) {
            res.resume();
            finish();
            resolve({ status, headers: res.headers, firstHeaders: first, bytes: 0 });
            return;
          }
          const announced = sizeOf(res.headers, 'content-length');
          if (announced !== undefined && announced > options.maxBytes) {
            fail(new SourceError('tooLarge', host, `${announced} bytes`, { bytes: announced }));
            return;
          }
          const sink = fs.createWriteStream(file);
          out = sink;
          sink.on('error', (err) => fail(new DownloadStopped('write', `could not write the file: ${err.message}`)));
          let received = 0;
          res.on('data', (chunk: Buffer) => {
            if (settled) return;
            arm();
            received += chunk.length;
            if (received > options.maxBytes) {
              fail(new SourceError('tooLarge', host, `more than ${options.maxBytes} bytes`));
              return;
            }
            if (!sink.write(chunk)) {
              res.pause();
              sink.once('drain', () => res.resume());
            }
            options.onProgress?.(received, announced);
          });
          const cut = () =>
            fail(
              new SourceError(
                'truncated',
                host,
                `the connection closed after ${received}${announced !== undefined ? ` of ${announced}` : ''} bytes`,
              ),
            );
          res.on('aborted', cut);
          res.on('error', cut);
          res.on('end', () => {
            if (settled) return;
            if (!res.complete || (announced !== undefined && received !== announced)) {
              cut();
              return;
            }
            sink.end(() => {
              if (settled) return;
              finish();
              resolve({ status, headers: res.headers, firstHeaders: first, bytes: received });
            });
          });
        },
      );
      if (options.signal?.aborted) {
        onAbort();
        return;
      }
      options.signal?.addEventListener('abort', onAbort);
      arm();
      req.on('error', (err: NodeJS.ErrnoException) => {
        const code = err.code ?? '';
        if (DNS_CODES.has(code)) fail(new SourceError('dns', host, `${code} ${host}`, { code }));
        else if (OFFLINE_CODES.has(code) && !out) fail(new SourceError('offline', host, `${code} ${host}`, { code }));
        else fail(new SourceError(out ? 'truncated' : 'offline', host, err.message, { code }));
      });
    });
  }

  private once(url: string, host: string, options: RequestOptions): Promise<HttpResponse> {
    const target = new URL(url);
    const transport = target.protocol === 'https:' ? https : http;
    return new Promise<HttpResponse>((resolve, reject) => {
      let settled = false;
      const fail = (err: SourceError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        req.destroy();
        reject(err);
      };
      const req = transport.get(
        target,
        {
          headers: {
            'user-agent': this.opts.userAgent,
            accept: 'application/json, application/atom+xml;q=0.9, */*;q=0.1',
            ...requestHeaders(target, options),
          },
          lookup: this.opts.lookup,
        },
        (res) => {
          const announced = Number(res.headers['content-length'] ?? NaN);
          if (announced > this.opts.maxBytes) {
            fail(new SourceError('tooLarge', host, `${announced} bytes`));
            return;
          }
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > this.opts.maxBytes)
              fail(new SourceError('tooLarge', host, `more than ${this.opts.maxBytes} bytes`));
            else chunks.push(chunk);
          });
          res.on('aborted', () =>
            fail(new SourceError('truncated', host, 'the connection closed before the end of the answer')),
          );
          res.on('error', () =>
            fail(new SourceError('truncated', host, 'the connection closed before the end of the answer')),
          );
          res.on('end', () => {
            if (!res.complete || (Number.isFinite(announced) && size < announced)) {
              fail(new SourceError('truncated', host, `received ${size} of ${announced} bytes`));
              return;
            }
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              text: Buffer.concat(chunks).toString('utf8'),
            });
          });
        },
      );
      const timer = setTimeout(
        () => fail(new SourceError('timeout', host, `no complete answer within ${this.opts.timeoutMs} ms`)),
        this.opts.timeoutMs,
      );
      req.on('error', (err: NodeJS.ErrnoException) => {
        const code = err.code ?? '';
        if (DNS_CODES.has(code)) fail(new SourceError('dns', host, `${code} ${host}`, { code }));
        else if (OFFLINE_CODES.has(code)) fail(new SourceError('offline', host, `${code} ${host}`, { code }));
        else fail(new SourceError(settled ? 'truncated' : 'offline', host, err.message, { code }));
      });
    });
  }
}

/** One request at a time, at least `intervalMs` apart (arXiv asks for one every 3 s). */
export class RateQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private last = -Infinity;

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number = () => Date.now(),
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(async () => {
      const wait = this.last + this.intervalMs - this.now();
      if (wait > 0) await this.sleep(wait);
      try {
        return await task();
      } finally {
        this.last = this.now();
      }
    });
    this.tail = result.catch(() => undefined);
    return result;
  }
}
