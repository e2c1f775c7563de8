import type { Paper } from './paper';

export interface DayGroup {
  /** ISO `YYYY-MM-DD`. */
  readonly date: string;
  readonly papers: readonly Paper[];
}

/** Papers grouped by publication day, newest day first; within a day, by title. */
export function groupByDay(papers: readonly Paper[]): DayGroup[] {
  const byDay = new Map<string, Paper[]>();
  for (const paper of papers) {
    const list = byDay.get(paper.published) ?? [];
    list.push(paper);
    byDay.set(paper.published, list);
  }
  return [...byDay.entries()]
    .sort(([a], [b]) => (a < b ? 1 : a > b ? -1 : 0))
    .map(([date, list]) => ({ date, papers: list.sort((a, b) => a.title.localeCompare(b.title)) }));
}

const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `2025-10-29` → `Oct 29, 2025` (locale-independent, so tests and screenshots are stable). */
export function formatDay(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number);
  return `${MONTH_NAMES[m - 1] ?? '?'} ${d}, ${y}`;
}

/** `YYYY-MM-DD` of a local date. */
export function isoDate(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** The `YYYY-MM-DD` `days` after (or before, when negative) a `YYYY-MM-DD`. */
export function shiftDay(iso: string, days: number): string {
  const [y, m, d] = iso.split('-').map(Number);
  return isoDate(new Date(y, m - 1, d + days));
}
