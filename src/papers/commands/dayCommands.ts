import * as vscode from 'vscode';
import type { Command } from '../../commands/registry';
import { formatDay, isoDate, shiftDay } from '../dayGroups';
import type { PapersCommandContext } from './papersCommandContext';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The Daily group: refresh, the day before or after, a day picked, and Retry of a failed fetch. */
export function dayCommands(ctx: PapersCommandContext): Command[] {
  return [
    { id: 'attractor.refreshPapers', what: 'Could not refresh the papers', run: () => ctx.fetchDay(ctx.selectedDay()) },
    {
      id: 'attractor.papers.retry',
      what: 'Could not retry',
      run: async (key?: unknown) => {
        if (typeof key !== 'string') return ctx.fetchDay(ctx.selectedDay());
        if (key.startsWith('day:')) return ctx.fetchDay(key.slice(4));
        if (key.startsWith('feed:')) return ctx.retryFeed(key);
        const lib = await ctx.library();
        if (key === 'search' && lib.search) return ctx.searchOnline(lib.search.query);
        return undefined;
      },
    },
    {
      id: 'attractor.papers.previousDay',
      what: 'Could not fetch the day',
      run: () => ctx.fetchDay(shiftDay(ctx.selectedDay(), -1)),
    },
    {
      id: 'attractor.papers.nextDay',
      what: 'Could not fetch the day',
      run: () => ctx.fetchDay(shiftDay(ctx.selectedDay(), 1)),
    },
    {
      id: 'attractor.papers.pickDay',
      what: 'Could not fetch the day',
      run: async (date?: unknown) => {
        const day = (typeof date === 'string' && date) || (await askDay(ctx.selectedDay()));
        if (!day) return;
        if (!ISO_DATE.test(day)) throw new Error(`"${day}" is not a date. Enter it as YYYY-MM-DD.`);
        await ctx.fetchDay(day);
      },
    },
  ];
}

/** One of the last 14 days, or another date typed. */
async function askDay(selected: string): Promise<string | undefined> {
  const today = isoDate(new Date());
  const recent = Array.from({ length: 14 }, (_, i) => shiftDay(today, -i));
  const OTHER = 'Other date…';
  const picked = await vscode.window.showQuickPick(
    [...recent.map((d) => ({ label: formatDay(d), date: d })), { label: OTHER, date: '' }],
    { title: 'Daily Papers for which day?' },
  );
  if (!picked) return undefined;
  if (picked.date) return picked.date;
  const typed = await vscode.window.showInputBox({
    title: 'Daily Papers for which day?',
    prompt: 'A date as YYYY-MM-DD',
    value: selected,
    validateInput: (v) =>
      ISO_DATE.test(v.trim()) && !Number.isNaN(Date.parse(v.trim()))
        ? undefined
        : 'Enter a date as YYYY-MM-DD, e.g. 2025-10-29',
  });
  return typed?.trim();
}
