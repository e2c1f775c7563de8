/**
 * arXiv identifiers: new style `YYMM.NNNN(N)` and old style `archive(.SUB)/YYMMNNN`, each with an optional
 * version `vN`; and the inputs users paste (ids, `arXiv:` prefixes, abs/pdf/Hugging Face URLs).
 */

export interface ArxivRef {
  /** Without version. */
  readonly id: string;
  readonly version?: number;
}

const NEW_STYLE = /^(\d{4}\.\d{4,5})(?:v(\d+))?$/;
const OLD_STYLE = /^([a-z][a-z-]*(?:\.[A-Z]{2})?\/\d{7})(?:v(\d+))?$/;

/** Reads a bare id (`2306.04406`, `2306.04406v2`, `math/0211159`). */
export function parseArxivId(text: string): ArxivRef | undefined {
  const t = text.trim();
  const m = NEW_STYLE.exec(t) ?? OLD_STYLE.exec(t);
  if (!m) return undefined;
  if (NEW_STYLE.test(t)) {
    const month = Number(t.slice(2, 4));
    if (month < 1 || month > 12) return undefined;
  }
  return m[2] ? { id: m[1], version: Number(m[2]) } : { id: m[1] };
}

export function formatArxivRef(ref: ArxivRef): string {
  return ref.version ? `${ref.id}v${ref.version}` : ref.id;
}

/** What Add Paper accepts, for the message shown when the input is something else. */
export const ARXIV_INPUT_HINT =
  'an arXiv id such as 2306.04406 or arXiv:2306.04406v2, or a link to https://arxiv.org/abs/…, https://arxiv.org/pdf/… or https://huggingface.co/papers/…';

const URL_PATHS: readonly RegExp[] = [
  /^\/(?:abs|pdf|html)\/(.+?)(?:\.pdf)?\/?$/, // arxiv.org
  /^\/papers\/(.+?)\/?$/, // huggingface.co
];
const URL_HOSTS = /^(?:www\.|export\.)?(?:arxiv\.org|huggingface\.co|hf\.co)$/i;

/** Reads what a user pasted into Add Paper; undefined when it is none of the accepted forms. */
export function parseArxivInput(text: string): ArxivRef | undefined {
  const t = text.trim();
  if (!t) return undefined;
  const prefixed = /^arxiv:\s*(.+)$/i.exec(t);
  if (prefixed) return parseArxivId(prefixed[1]);
  if (/^https?:\/\//i.test(t)) {
    let url: URL;
    try {
      url = new URL(t);
    } catch {
      return undefined;
    }
    if (!URL_HOSTS.test(url.hostname)) return undefined;
    for (const pattern of URL_PATHS) {
      const m = pattern.exec(decodeURIComponent(url.pathname));
      if (m) return parseArxivId(m[1]);
    }
    return undefined;
  }
  return parseArxivId(t);
}
