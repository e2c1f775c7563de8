import type { Command } from '../../commands/registry';
import { textArgumentOrAsk } from '../../commands/textArgument';
import { showSearchPick } from '../searchPick';
import type { PapersCommandContext } from './papersCommandContext';

/** Search in the library (as you type), search arXiv online, and clear the online results. */
export function searchCommands(ctx: PapersCommandContext): Command[] {
  return [
    {
      id: 'attractor.searchPapers',
      what: 'Search failed',
      run: (initial?: unknown) =>
        showSearchPick(
          {
            library: () => ctx.library(),
            search: ctx.search,
            openPaper: (id) => ctx.openPaper(id),
            searchOnline: (q) => ctx.searchOnline(q),
            log: ctx.log,
          },
          typeof initial === 'string' ? initial : '',
        ),
    },
    {
      id: 'attractor.searchOnline',
      what: 'Online search failed',
      run: async (query?: unknown) => {
        const q = await textArgumentOrAsk(query, {
          title: 'Search Papers Online',
          prompt: 'Words, or an arXiv query such as cat:math.DS AND abs:koopman',
        });
        if (q?.trim()) await ctx.searchOnline(q.trim());
      },
    },
    {
      id: 'attractor.papers.clearSearch',
      what: 'Could not clear the search',
      run: async () => (await ctx.library()).clearSearch(),
    },
  ];
}
