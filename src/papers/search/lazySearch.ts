import type { Library } from '../library/library';
import type { SearchIndex } from './searchIndex';

/**
 * The search index of a library, built on the first search (the module itself is imported then, so
 * activation never pays for it) and rebuilt only when papers were added, changed or removed since (a star,
 * a collection or an opened paper leaves it as it is).
 */
export class LazySearch {
  private built: { version: number; index: SearchIndex } | undefined;
  private building: Promise<SearchIndex> | undefined;

  constructor(private readonly library: () => Promise<Library>) {}

  async index(): Promise<SearchIndex> {
    const library = await this.library();
    if (this.built?.version === library.papersVersion) return this.built.index;
    this.building ??= (async () => {
      const { SearchIndex: Index } = await import('./searchIndex.js');
      const version = library.papersVersion;
      const index = new Index(library.all());
      this.built = { version, index };
      return index;
    })().finally(() => (this.building = undefined));
    return this.building;
  }
}
