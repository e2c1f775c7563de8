/**
 * The HTTP clients of the paper sources, built from the settings they were read with and rebuilt whenever a
 * reading differs, so a value changed in Settings is used by the next request even if no change event came.
 */
import { HttpClient, RateQueue, type BearerAuth } from '../core/http';
import type { FeedSources } from './feeds';
import type { PaperSettings } from './settings';
import { ArxivSource } from './sources/arxiv';
import { CrossrefSource } from './sources/crossref';
import { HuggingFaceSource } from './sources/huggingface';

/** arXiv asks for at most one request every 3 seconds, one connection at a time. */
const ARXIV_INTERVAL_MS = 3_000;

export interface HuggingFaceHub {
  readonly endpoint: string;
  readonly http: HttpClient;
  /** The token bound to its origin, if it may go to this endpoint (asks the user for an origin it was not set for). */
  auth(): Promise<BearerAuth | undefined>;
}

interface Built {
  readonly settings: PaperSettings;
  readonly sources: FeedSources;
  readonly hfHttp: HttpClient;
  readonly arxivHttp: HttpClient;
  readonly crossref: CrossrefSource;
}

export class PaperClients {
  private built: Built | undefined;
  private readonly arxivQueue = new RateQueue(ARXIV_INTERVAL_MS);

  constructor(
    private readonly settings: () => PaperSettings,
    /** The Hub token for an endpoint (`HubTokenStore.authFor`). */
    private readonly hubAuth: (endpoint: string) => Promise<BearerAuth | undefined>,
    private readonly log: { info(message: string): void; warn(message: string): void },
  ) {}

  /** The settings the current clients were built with (undefined before the first request). */
  get builtWith(): PaperSettings | undefined {
    return this.built?.settings;
  }

  sources(): FeedSources {
    return this.current().sources;
  }

  /** The Hugging Face Hub as the user's settings say: endpoint, the HTTP client (retries, timeouts) and the token. */
  huggingFaceHub(): HuggingFaceHub {
    const endpoint = this.settings().huggingfaceEndpoint;
    return { endpoint, http: this.current().hfHttp, auth: () => this.hubAuth(this.settings().huggingfaceEndpoint) };
  }

  /** arXiv as the user's settings say: endpoint and its HTTP client (one request at a time, ≥ 3 s apart). */
  arxiv(): { readonly endpoint: string; readonly http: HttpClient } {
    return { endpoint: this.settings().arxivEndpoint, http: this.current().arxivHttp };
  }

  /** Crossref as the user's settings say (DOIs outside the library). */
  crossref(): CrossrefSource {
    return this.current().crossref;
  }

  private current(): Built {
    const s = this.settings();
    if (!this.built || !sameSettings(this.built.settings, s)) {
      this.built = this.build(s);
      // Which endpoints requests go to: the first thing to check when a fetch reaches the wrong server.
      this.log.info(
        `Paper sources: Hugging Face ${s.huggingfaceEndpoint}, arXiv ${s.arxivEndpoint}, Crossref ${s.crossrefEndpoint}, timeout ${s.timeoutMs / 1000} s`,
      );
    }
    return this.built;
  }

  private build(s: PaperSettings): Built {
    const onRetry = (i: { url: string; attempt: number; delayMs: number; reason: string }) =>
      this.log.warn(
        `Retrying ${new URL(i.url).host} in ${Math.round(i.delayMs)} ms after attempt ${i.attempt}: ${i.reason}`,
      );
    const hfHttp = new HttpClient({ timeoutMs: s.timeoutMs, onRetry });
    const arxivHttp = new HttpClient({
      timeoutMs: s.timeoutMs,
      onRetry,
      gate: (attempt) => this.arxivQueue.run(attempt),
    });
    const sources: FeedSources = {
      huggingface: new HuggingFaceSource({
        endpoint: s.huggingfaceEndpoint,
        http: hfHttp,
        auth: () => this.hubAuth(s.huggingfaceEndpoint),
      }),
      arxiv: new ArxivSource({ endpoint: s.arxivEndpoint, http: arxivHttp }),
    };
    const crossref = new CrossrefSource({
      endpoint: s.crossrefEndpoint,
      http: new HttpClient({ timeoutMs: s.timeoutMs, onRetry }),
    });
    return { settings: s, sources, hfHttp, arxivHttp, crossref };
  }
}

/** Whether two readings of the settings would build the same clients. */
function sameSettings(a: PaperSettings, b: PaperSettings): boolean {
  return (
    a.huggingfaceEndpoint === b.huggingfaceEndpoint &&
    a.arxivEndpoint === b.arxivEndpoint &&
    a.crossrefEndpoint === b.crossrefEndpoint &&
    a.timeoutMs === b.timeoutMs &&
    a.fetchOnOpen === b.fetchOnOpen
  );
}
