import * as vscode from 'vscode';
import { CommandFailure, type Command } from '../../commands/registry';
import { textArgumentOrAsk } from '../../commands/textArgument';
import { ARXIV_INPUT_HINT, formatArxivRef, parseArxivInput } from '../arxivId';
import type { PapersCommandContext } from './papersCommandContext';

/** Add Paper by arXiv ID or URL: fetched from arXiv and Hugging Face, merged into the library and opened. */
export function addPaperCommand(ctx: PapersCommandContext): Command {
  return {
    id: 'attractor.addPaper',
    what: 'Could not add the paper',
    run: async (input?: unknown) => {
      const text = await textArgumentOrAsk(input, {
        title: 'Add Paper by arXiv ID or URL',
        placeHolder: '2306.04406, arXiv:2306.04406v2, https://arxiv.org/abs/…, https://huggingface.co/papers/…',
        validateInput: (v) => (!v.trim() || parseArxivInput(v) ? undefined : `Expected ${ARXIV_INPUT_HINT}.`),
      });
      if (text === undefined || !text.trim()) return undefined;
      const ref = parseArxivInput(text);
      if (!ref) {
        void vscode.window.showErrorMessage(
          `Attractor: "${text.trim().slice(0, 80)}" is not an arXiv paper. Expected ${ARXIV_INPUT_HINT}.`,
        );
        return undefined;
      }
      const task = ctx.feeds.addPaper(ref);
      const papers = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Attractor: adding arXiv:${formatArxivRef(ref)}…` },
        () =>
          task.then(
            (p) => ({ papers: p }),
            (err: unknown) => ({ err }),
          ),
      );
      if ('err' in papers) throw new CommandFailure(`could not add arXiv:${formatArxivRef(ref)}`, papers.err);
      const [paper] = papers.papers;
      await ctx.openPaper(paper.id);
      await ctx.revealGroup('recent');
      return paper.id;
    },
  };
}
