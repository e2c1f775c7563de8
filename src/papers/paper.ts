/** A paper as Attractor keeps it. Pure data: no vscode import, shared by every capability. */
export interface Paper {
  /** Stable id: the arXiv id when known, otherwise `local:<hash of the title>`. */
  readonly id: string;
  readonly arxivId?: string;
  readonly title: string;
  /** The abstract as the source gave it (untrusted text, possibly with mangled TeX). */
  readonly abstract: string;
  /** Author names; empty when the source only gave a count. */
  readonly authors: readonly string[];
  readonly authorCount: number;
  /** Publication day, ISO `YYYY-MM-DD`. */
  readonly published: string;
}

export function describeAuthors(paper: Paper): string {
  if (paper.authors.length > 0) {
    const [first] = paper.authors;
    return paper.authors.length === 1 ? first : `${first} et al.`;
  }
  return paper.authorCount === 1 ? '1 author' : `${paper.authorCount} authors`;
}
