/**
 * The web pages of a paper, built in one place: the arXiv abstract and PDF and the Hugging Face paper page exist
 * for papers with an arXiv id; without one, a title search stands in for a page.
 */

export interface PaperAddress {
  readonly title: string;
  readonly arxivId?: string;
  readonly arxivVersion?: number;
}

export const arxivAbsUrl = (arxivId: string): string => `https://arxiv.org/abs/${arxivId}`;

/** `version` pins the PDF to the version the library holds (arXiv serves the latest without it). */
export const arxivPdfUrl = (arxivId: string, version?: number): string =>
  `https://arxiv.org/pdf/${version ? `${arxivId}v${version}` : arxivId}`;

/** A DOI's resolver link; brackets escaped so the link survives Markdown. */
export const doiUrl = (doi: string): string =>
  `https://doi.org/${encodeURI(doi).replace(/[()]/g, (c) => `%${c.charCodeAt(0).toString(16)}`)}`;

export const huggingFacePaperUrl = (arxivId: string): string => `https://huggingface.co/papers/${arxivId}`;

export const huggingFaceSearchUrl = (title: string): string =>
  `https://huggingface.co/papers?q=${encodeURIComponent(title)}`;

export const arxivTitleSearchUrl = (title: string): string =>
  `https://arxiv.org/search/?searchtype=title&query=${encodeURIComponent(title)}`;

/** The pages that exist for the paper (none without an arXiv id). */
export function paperUrls(paper: PaperAddress): { arxiv?: string; pdf?: string; huggingface?: string } {
  if (!paper.arxivId) return {};
  return {
    arxiv: arxivAbsUrl(paper.arxivId),
    pdf: arxivPdfUrl(paper.arxivId, paper.arxivVersion),
    huggingface: huggingFacePaperUrl(paper.arxivId),
  };
}

/** One page to open for the paper: its arXiv abstract, or a Hugging Face search for its title. */
export const paperWebUrl = (paper: PaperAddress): string =>
  paper.arxivId ? arxivAbsUrl(paper.arxivId) : huggingFaceSearchUrl(paper.title);
