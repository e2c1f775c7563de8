/** A paper as Attractor keeps it. Pure data: no vscode import, shared by every capability. */
export interface Paper {
  /**
   * Stable id, never changed once given: the arXiv id (without version) for papers first seen from a source
   * that knew it, otherwise `local:<hash of the title>` (the default library). A local paper matched to an
   * arXiv id later keeps its local id and gains `arxivId`.
   */
  readonly id: string;
  /** The arXiv id without version, e.g. `2306.04406` or `math/0211159`. */
  readonly arxivId?: string;
  /** The newest arXiv version seen (`2` for `2306.04406v2`). */
  readonly arxivVersion?: number;
  readonly title: string;
  /** The abstract as the source gave it (untrusted text, possibly with mangled TeX). */
  readonly abstract: string;
  /** Author names; empty when the source only gave a count. */
  readonly authors: readonly string[];
  readonly authorCount: number;
  /** Publication day, ISO `YYYY-MM-DD`. */
  readonly published: string;
  /** Hugging Face upvotes, when the paper came from there. */
  readonly upvotes?: number;
  /** arXiv categories, the primary one first (e.g. `math.DS`). */
  readonly categories?: readonly string[];
  /** The published version as arXiv's authors gave it (`Phys. Rev. E 101, 012345 (2020)`), when there is one. */
  readonly journalRef?: string;
  /** Links the source gave besides the arXiv and Hugging Face pages (which follow from `arxivId`). */
  readonly links?: PaperLinks;
  /** Where the paper has been seen. */
  readonly sources?: readonly PaperSourceName[];
}

export type PaperSourceName = 'seed' | 'huggingface' | 'arxiv' | 'crossref';

export interface PaperLinks {
  readonly github?: string;
  readonly project?: string;
  readonly doi?: string;
}

export function describeAuthors(paper: Paper): string {
  if (paper.authors.length > 0) {
    const [first] = paper.authors;
    return paper.authors.length === 1 ? first : `${first} et al.`;
  }
  return paper.authorCount === 1 ? '1 author' : `${paper.authorCount} authors`;
}
