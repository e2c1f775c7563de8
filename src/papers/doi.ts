/** DOIs are case-insensitive (DOI Handbook, 2.4): compared and stored in lower case, without `doi:` or a resolver. */
export function normalizeDoi(doi: string): string {
  let d = doi.trim().replace(/^(?:https?:\/\/(?:dx\.)?doi\.org\/|doi:\s?)/i, '');
  try {
    d = decodeURI(d);
  } catch {
    // Kept as written: a stray `%` is part of some DOIs.
  }
  return d.toLowerCase();
}
