import * as vscode from 'vscode';
import { CommandFailure, type Command } from '../../commands/registry';
import { textArgumentOrAsk } from '../../commands/textArgument';
import { normalizeDoi } from '../doi';
import type { DoiLookup } from '../doiLookup';
import type { PapersCommandContext } from './papersCommandContext';

const DOI_SHAPE = /^10\.\d{4,9}(?:\.\d+)*\/\S+$/;

/**
 * Add Paper by DOI: a paper outside arXiv, read from Crossref (the hover's lookup, so a hovered DOI is not asked
 * again), stored in the library under its DOI and opened. A DOI the library already has just opens.
 */
export function addPaperByDoiCommand(ctx: PapersCommandContext, dois: DoiLookup): Command {
  return {
    id: 'attractor.addPaperByDoi',
    what: 'Could not add the paper',
    run: async (input?: unknown) => {
      const text = await textArgumentOrAsk(input, {
        title: 'Add Paper by DOI',
        placeHolder: '10.1103/PhysRevE.101.012345, https://doi.org/…',
        validateInput: (v) => (!v.trim() || DOI_SHAPE.test(normalizeDoi(v)) ? undefined : 'Expected a DOI (10.…/…).'),
      });
      if (text === undefined || !text.trim()) return undefined;
      const doi = normalizeDoi(text);
      if (!DOI_SHAPE.test(doi)) {
        void vscode.window.showErrorMessage(`Attractor: "${text.trim().slice(0, 80)}" is not a DOI.`);
        return undefined;
      }
      const library = await ctx.library();
      let paper = library.byDoi(doi);
      if (!paper) {
        const found = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: `Attractor: adding doi:${doi}…` },
          () =>
            dois.lookup(doi).then(
              (p) => ({ paper: p }),
              (err: unknown) => ({ err }),
            ),
        );
        if ('err' in found) throw new CommandFailure(`could not add doi:${doi}`, found.err);
        if (!found.paper) throw new CommandFailure(`could not add doi:${doi}`, new Error('Crossref does not know it'));
        [paper] = library.merge([found.paper]);
      }
      await ctx.openPaper(paper.id);
      await ctx.revealGroup('recent');
      return paper.id;
    },
  };
}
