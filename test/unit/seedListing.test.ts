import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatDay, groupByDay } from '../../src/papers/dayGroups';
import { DEFAULT_LISTING_PATH } from '../../src/papers/defaultLibrary';
import { inferListingYear, parseListingDate, toIsoDate } from '../../src/papers/listingDate';
import { ListingFormatError, localPaperId, parseSeedListing } from '../../src/papers/seedListing';

const repoRoot = join(__dirname, '..', '..', '..');
const seed: unknown = JSON.parse(readFileSync(join(repoRoot, DEFAULT_LISTING_PATH), 'utf8'));

describe('listing dates', () => {
  it('reads dates with and without a year, ignoring a stray trailing count', () => {
    assert.deepEqual(parseListingDate('Sep 5, 2023'), { month: 9, day: 5, year: 2023 });
    assert.deepEqual(parseListingDate('Jan 28'), { month: 1, day: 28 });
    assert.deepEqual(parseListingDate('Oct 23 3'), { month: 10, day: 23 });
    assert.deepEqual(parseListingDate('Aug 26, 2024 2'), { month: 8, day: 26, year: 2024 });
    assert.equal(parseListingDate('yesterday'), undefined);
    assert.equal(parseListingDate('Foo 3, 2020'), undefined);
  });

  it('reads a yearless date as the year after the newest printed year', () => {
    const dates = ['Dec 10, 2024', 'Jan 28', 'Mar 2, 2017'].map(parseListingDate);
    assert.equal(inferListingYear(dates, 2030), 2025);
    assert.equal(inferListingYear([parseListingDate('Jan 28')], 2030), 2030);
    assert.equal(toIsoDate({ month: 1, day: 28 }, 2025), '2025-01-28');
  });
});

describe('the default library', () => {
  const papers = parseSeedListing(seed, 2026);

  it('has all 38 papers, none dropped, with stable distinct ids', () => {
    assert.equal(papers.length, 38);
    assert.equal(new Set(papers.map((p) => p.id)).size, 38);
    assert.equal(
      localPaperId('  Limits and Powers of  Koopman Learning '),
      localPaperId('limits and powers of koopman learning'),
    );
  });

  it('groups by day, newest first, yearless dates in the listing year', () => {
    const groups = groupByDay(papers);
    assert.equal(
      groups.reduce((n, g) => n + g.papers.length, 0),
      38,
    );
    const days = groups.map((g) => g.date);
    assert.deepEqual(days, [...days].sort().reverse());
    assert.equal(days[0], '2025-10-29');
    assert.equal(days.at(-1), '2011-05-27');
    assert.equal(formatDay('2025-10-29'), 'Oct 29, 2025');
    assert.equal(groups.find((g) => g.date === '2025-05-23')?.papers.length, 2);
  });

  it('rejects a listing that is not a list of papers, saying which entry is wrong', () => {
    assert.throws(() => parseSeedListing({}, 2026), ListingFormatError);
    assert.throws(() => parseSeedListing([{ title: 'A', date: 'Jan 1' }], 2026), /entry 1 \("A"\) has no abstract/);
  });
});
