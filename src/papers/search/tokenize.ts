/** Words not worth indexing in titles and abstracts. */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  'a an and are as at be but by can for from has have in into is it its of on or our such than that the their these this to we which with via'.split(' '),
);

const TOKEN = /\d{4}\.\d{4,5}|[a-z]+\/\d{7}|[\p{L}\p{N}]+/gu;

/** Lower-case, accent-free words; arXiv ids (`2306.04406`, `math/0211159`) stay whole. */
export function tokenize(text: string): string[] {
  const folded = text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  return folded.match(TOKEN) ?? [];
}
