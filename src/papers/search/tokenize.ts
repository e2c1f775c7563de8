/** Words not worth indexing in titles and abstracts. */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  'a an and are as at be but by can for from has have in into is it its of on or our such than that the their these this to we which with via'.split(
    ' ',
  ),
);

const TOKEN = /\d{4}\.\d{4,5}|[a-z]+\/\d{7}|[\p{L}\p{N}]+/gu;
/** The same pattern for ASCII text, where `[\p{L}\p{N}]` is `[a-z0-9]` once lower-cased (much faster). */
const ASCII_TOKEN = /\d{4}\.\d{4,5}|[a-z]+\/\d{7}|[a-z0-9]+/g;
// eslint-disable-next-line no-control-regex -- the ASCII range starts at NUL on purpose
const NON_ASCII = /[^\x00-\x7f]/;

/** Lower-case, accent-free words; arXiv ids (`2306.04406`, `math/0211159`) stay whole. */
export function tokenize(text: string): string[] {
  // ASCII text is its own NFKD form: skip the normalisation and the Unicode-aware pattern.
  if (!NON_ASCII.test(text)) return text.toLowerCase().match(ASCII_TOKEN) ?? [];
  const folded = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
  return folded.match(TOKEN) ?? [];
}
