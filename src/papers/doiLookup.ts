import { normalizeDoi } from './doi';
import type { Paper } from './paper';
import type { CrossrefSource } from './sources/crossref';

/** DOIs remembered; a hover over a few hundred different DOIs in a session is already a lot. */
const CACHED = 500;

/**
 * Crossref lookups of DOIs outside the library, one request per DOI: the hover that asks first starts it, later
 * hovers (and Add Paper by DOI) share the answer. A failure is not kept, so the next hover asks again.
 */
export class DoiLookup {
  private readonly cache = new Map<string, Promise<Paper | undefined>>();

  constructor(private readonly source: () => CrossrefSource) {}

  lookup(doi: string): Promise<Paper | undefined> {
    const key = normalizeDoi(doi);
    let found = this.cache.get(key);
    if (!found) {
      found = this.source().byDoi(key);
      found.catch(() => this.cache.delete(key));
      this.cache.set(key, found);
      while (this.cache.size > CACHED) this.cache.delete(this.cache.keys().next().value!);
    }
    return found;
  }

  /** Forgets every answer (the endpoint changed). */
  clear(): void {
    this.cache.clear();
  }
}
