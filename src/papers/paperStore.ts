import type { Paper } from './paper';

/**
 * The papers the extension knows, loaded once on first use (never at activation) and shared by the tree
 * and the panels. Concurrent callers share one load.
 */
export class PaperStore {
  private loading: Promise<readonly Paper[]> | undefined;
  private byId = new Map<string, Paper>();

  constructor(private readonly load: () => Promise<Paper[]>) {}

  all(): Promise<readonly Paper[]> {
    this.loading ??= this.load().then(
      (papers) => {
        this.byId = new Map(papers.map((p) => [p.id, p]));
        return papers;
      },
      (err: unknown) => {
        this.loading = undefined; // a later call retries instead of repeating the failure forever
        throw err;
      },
    );
    return this.loading;
  }

  async get(id: string): Promise<Paper | undefined> {
    await this.all();
    return this.byId.get(id);
  }

  /** Forget what was loaded; the next call loads again. */
  reset(): void {
    this.loading = undefined;
  }
}
