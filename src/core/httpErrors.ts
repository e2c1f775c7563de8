/** Why a request to a paper source failed: one kind per cause, one user message per kind. */
export type SourceErrorKind =
  | 'offline' // connection refused / network unreachable / reset before an answer
  | 'dns' // the host name does not resolve
  | 'timeout'
  | 'rateLimited' // 429 after the bounded retries
  | 'unavailable' // 5xx after the bounded retries
  | 'http' // another non-success status
  | 'truncated' // the body ended before its announced length
  | 'tooLarge'
  | 'parse' // the body is not the JSON / Atom expected
  | 'api' // the service answered with an error of its own (arXiv's error entry)
  | 'notFound';

export class SourceError extends Error {
  constructor(
    readonly kind: SourceErrorKind,
    /** The host asked, for the message (never the full URL: it may carry a query the user typed). */
    readonly host: string,
    message: string,
    readonly detail?: { status?: number; retryAfterSeconds?: number; code?: string; bytes?: number },
  ) {
    super(message);
    this.name = 'SourceError';
  }
}

/** The sentence the user reads; details (codes, URLs) go to the log. */
export function describeSourceError(err: unknown): string {
  if (!(err instanceof SourceError)) return err instanceof Error ? err.message : String(err);
  const { host, detail } = err;
  switch (err.kind) {
    case 'offline':
      return `Could not connect to ${host}: you may be offline. The saved library is still available.`;
    case 'dns':
      return `Could not find ${host} (DNS lookup failed). Check your network, or the endpoint in Settings.`;
    case 'timeout':
      return `${host} did not answer in time. Try again later.`;
    case 'rateLimited':
      return detail?.retryAfterSeconds
        ? `${host} is limiting requests (HTTP 429). Try again in ${detail.retryAfterSeconds} s.`
        : `${host} is limiting requests (HTTP 429). Try again in a minute.`;
    case 'unavailable':
      return `${host} is having trouble (HTTP ${detail?.status ?? 503}). Try again later.`;
    case 'http':
      return `${host} answered HTTP ${detail?.status ?? '?'}.`;
    case 'truncated':
      return `The answer from ${host} was cut off. Nothing was changed; try again.`;
    case 'tooLarge':
      return `The answer from ${host} is too large to read. Nothing was changed.`;
    case 'parse':
      return `The answer from ${host} could not be read (${err.message}). Nothing was changed.`;
    case 'api':
      return `${host} reported an error: ${err.message}`;
    case 'notFound':
      return err.message;
  }
}
