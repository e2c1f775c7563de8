import type { PaperLibrary } from '../library/library';
import type { SearchIndex } from './searchIndex';

/**
 * The search index of a library, built on the first search (the module itself is imported then, so
 * activation never pays for it) and rebuilt when the library has changed since.
 */
export class LazySearch {
  private built: { version: number; index: SearchIndex } | undefined;
  private building: Promise<SearchIndex> | undefined;

  constructor(private readonly library: () => Promise<PaperLibrary>) {}

  async index(): Promise<SearchIndex> {
    const library = await this.library();
    if (this.built?.version === library.version) return this.built.index;
    this.building ??= (async () => {
      const { SearchIndex: Index } = await import('./searchIndex.js');
      const version = library.version;
      const index = new Index(library.all());
      this.built = { version, index };
      return index;
    })().finally(() => (this.building = undefined));
    return this.building;
  }
}
