import { isRecord } from '../../core/validate';
import { arxivQueryProblem } from './arxivQuery';

/**
 * The feeds of the Papers view, as the settings define them: one per arXiv category (optionally narrowed by
 * keywords) and one per saved query. A feed's id is the arXiv query it fetches, so its saved listing follows
 * what is asked: editing a category's keywords starts a new listing rather than mixing two.
 */
export interface FeedDefinition {
  /** The arXiv `search_query`; also the key of the feed's listing in the library. */
  readonly id: string;
  readonly kind: 'category' | 'query';
  /** The row's label: the category, or the name the user gave the query. */
  readonly label: string;
  /** Papers are kept only if their title or abstract has one of these (none: every paper). */
  readonly keywords: readonly string[];
}

export const DEFAULT_CATEGORIES: readonly string[] = ['nlin.CD', 'math.DS', 'cs.LG'];
/** cs.LG is large: only its papers about the dynamical-systems side of machine learning. */
export const DEFAULT_KEYWORDS: Readonly<Record<string, readonly string[]>> = {
  'cs.LG': ['reservoir', 'Koopman', 'PLRNN', 'attractor', 'chaotic', 'SINDy', 'neural ODE'],
};

export interface QueryFeedSetting {
  readonly name: string;
  readonly query: string;
}

/** `nlin.CD`, `math.DS`, `cs.LG`, `physics.comp-ph`, `hep-th`, `q-bio.NC`. */
const CATEGORY = /^[a-z][a-z-]*(\.[A-Za-z][A-Za-z-]*)?$/;
/** A keyword goes into the query as a phrase: no quotes or brackets, a sensible length. */
const KEYWORD = /^[^"()]{1,60}$/;

export function categoryProblem(category: string): string | undefined {
  return CATEGORY.test(category)
    ? undefined
    : `"${category}" is not an arXiv category (like nlin.CD, math.DS or cs.LG).`;
}

/** The arXiv query of a category narrowed by keywords: each keyword in the title or the abstract. */
export function categoryQuery(category: string, keywords: readonly string[]): string {
  if (keywords.length === 0) return `cat:${category}`;
  const term = (k: string) => (/\s/.test(k) ? `"${k}"` : k);
  const any = keywords.flatMap((k) => [`ti:${term(k)}`, `abs:${term(k)}`]).join(' OR ');
  return `cat:${category} AND (${any})`;
}

export interface FeedSettingsInput {
  readonly categories: unknown;
  readonly keywords: unknown;
  readonly queries: unknown;
}

/**
 * The feeds the settings describe, in order (categories, then queries), and what was wrong with the entries
 * left out (for the log). Duplicates (the same query twice) are shown once.
 */
export function readFeedSettings(input: FeedSettingsInput): { feeds: FeedDefinition[]; problems: string[] } {
  const problems: string[] = [];
  const feeds: FeedDefinition[] = [];
  const add = (feed: FeedDefinition) => {
    if (!feeds.some((f) => f.id === feed.id)) feeds.push(feed);
  };
  const keywordsOf = (category: string): string[] => {
    const list = isRecord(input.keywords) ? input.keywords[category] : undefined;
    if (!Array.isArray(list)) return [];
    return list.flatMap((k) => {
      if (typeof k === 'string' && KEYWORD.test(k.trim())) return [k.trim().replace(/\s+/g, ' ')];
      problems.push(
        `attractor.feeds.keywords: ${JSON.stringify(k)} for ${category} is not a keyword (no quotes or brackets, at most 60 characters)`,
      );
      return [];
    });
  };
  for (const c of Array.isArray(input.categories) ? input.categories : []) {
    const category = typeof c === 'string' ? c.trim() : '';
    const problem = categoryProblem(category);
    if (problem) {
      problems.push(
        `attractor.feeds.categories: ${typeof c === 'string' ? problem : `${JSON.stringify(c)} is not a category`}`,
      );
      continue;
    }
    const keywords = keywordsOf(category);
    add({ id: categoryQuery(category, keywords), kind: 'category', label: category, keywords });
  }
  for (const q of Array.isArray(input.queries) ? input.queries : []) {
    const entry = isRecord(q) ? q : {};
    const query = typeof entry.query === 'string' ? entry.query.trim() : '';
    const problem = arxivQueryProblem(query);
    if (problem) {
      problems.push(`attractor.feeds.queries: ${JSON.stringify(q)}: ${problem}`);
      continue;
    }
    const name = typeof entry.name === 'string' && entry.name.trim() ? entry.name.trim() : query;
    add({ id: query, kind: 'query', label: name, keywords: [] });
  }
  return { feeds, problems };
}

/** Lower case, every run of other characters than letters and digits one space: "Neural-ODEs" → "neural odes". */
const normalize = (text: string) =>
  ` ${text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()} `;

/**
 * Whether a paper's title or abstract has one of the keywords, as a word or the start of one (case, hyphens
 * and plurals aside: "neural ODE" matches "Neural-ODEs", "attractor" matches "attractors"). arXiv's own search
 * stems words ("chaotic" also finds "chaos"); this keeps what the user wrote.
 */
export function matchesKeywords(paper: { title: string; abstract: string }, keywords: readonly string[]): boolean {
  if (keywords.length === 0) return true;
  const text = normalize(`${paper.title} ${paper.abstract}`);
  return keywords.some((k) => {
    const key = normalize(k).trimEnd();
    return key.trim() !== '' && text.includes(key);
  });
}
