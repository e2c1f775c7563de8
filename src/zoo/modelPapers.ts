import type { Catalog, CatalogEntry } from './catalog';

/**
 * Which zoo models belong to which paper: a paper matches a model when its arXiv id or its normalised title
 * equals one of the model's `papers`. The default library has no arXiv ids, so titles carry the match there.
 */
export interface PaperLike {
  readonly id: string;
  readonly title: string;
  readonly arxivId?: string;
}

export const normaliseTitle = (t: string): string =>
  t
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

export function modelsForPaper(catalog: Catalog, paper: PaperLike): CatalogEntry[] {
  const title = normaliseTitle(paper.title);
  return catalog.models.filter((m) =>
    m.papers.some((p) => (p.arxiv && paper.arxivId && p.arxiv === paper.arxivId) || normaliseTitle(p.title) === title),
  );
}

/** The library paper a model links to: its papers in order, the first one the library has. */
export function paperForModel<P extends PaperLike>(
  model: Pick<CatalogEntry, 'papers'>,
  library: readonly P[],
): P | undefined {
  for (const ref of model.papers) {
    const title = normaliseTitle(ref.title);
    const found = library.find((p) => (ref.arxiv && p.arxivId === ref.arxiv) || normaliseTitle(p.title) === title);
    if (found) return found;
  }
  return undefined;
}
