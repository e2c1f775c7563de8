/**
 * Dates as the Hugging Face Daily Papers page prints them: `Sep 5, 2023`, or `Jan 28` for the current year.
 * Scraped listings sometimes carry a stray count after the date (`Oct 23 3`, `Aug 26, 2024 2`); it is ignored.
 */
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DATE = /^\s*([A-Za-z]{3})[a-z]*\.?\s+(\d{1,2})(?:\s*,\s*(\d{4}))?(?:\s+\d+)?\s*$/;

export interface ListingDate {
  readonly month: number;
  readonly day: number;
  /** Absent when the page left it out (the listing's own year). */
  readonly year?: number;
}

export function parseListingDate(text: string): ListingDate | undefined {
  const m = DATE.exec(text);
  if (!m) return undefined;
  const month = MONTHS.indexOf(m[1].toLowerCase()) + 1;
  const day = Number(m[2]);
  if (month === 0 || day < 1 || day > 31) return undefined;
  return m[3] ? { month, day, year: Number(m[3]) } : { month, day };
}

/**
 * The year of a listing whose yearless dates mean "this year". The page prints a year only for earlier
 * years, so the listing's year is after the newest explicit one; with none, the caller's current year.
 */
export function inferListingYear(dates: readonly (ListingDate | undefined)[], currentYear: number): number {
  const years = dates.flatMap((d) => (d?.year === undefined ? [] : [d.year]));
  return years.length > 0 ? Math.max(...years) + 1 : currentYear;
}

export function toIsoDate(date: ListingDate, listingYear: number): string {
  const year = date.year ?? listingYear;
  return `${year}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;
}
