import { toBibtex } from '../papers/bibtex';
import type { Paper } from '../papers/paper';
import { mergeBib, parseBib, type BibMerge, type WantedEntry } from './bibFile';
import { resolveCitation, type CitationLookup } from './citationFinder';

/**
 * What the workspace bibliography should hold for the keys cited in the workspace. A key keeps the paper its
 * Attractor entry was written for (the marker names it), so adding papers to the library never moves a key to
 * another paper; other keys resolve as `[[…]]` links do (library id, arXiv id, unique cite key). Keys of
 * hand-written entries and keys the library does not know are left alone. No I/O.
 */
export function planBibliography(
  bibText: string,
  cited: Iterable<string>,
  lookup: CitationLookup,
): BibMerge & { unknown: string[] } {
  const entries = parseBib(bibText);
  const owned = new Map(entries.filter((e) => e.owned).map((e) => [e.key.toLowerCase(), e]));
  const wanted: WantedEntry[] = [];
  const unknown: string[] = [];
  const seen = new Set<string>();
  for (const key of cited) {
    const k = key.toLowerCase();
    if (seen.has(k)) continue;
    seen.add(k);
    const mine = owned.get(k);
    let paper: Paper | undefined;
    if (mine?.owned) {
      paper = lookup.get(mine.owned.paperId);
      // The paper left the library: its entry stays as written rather than vanish from a cited key.
      if (!paper) {
        wanted.push({ key: mine.key, paperId: mine.owned.paperId, entry: bibText.slice(mine.start, mine.end) });
        continue;
      }
    } else paper = resolveCitation(lookup, { kind: 'key', key: key.replace(/^arxiv:/i, '') });
    if (!paper) {
      unknown.push(key);
      continue;
    }
    wanted.push({ key, paperId: paper.id, entry: toBibtex(paper, key) });
  }
  return { ...mergeBib(bibText, wanted), unknown };
}
