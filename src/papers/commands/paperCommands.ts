import * as vscode from 'vscode';
import type { Command } from '../../commands/registry';
import { huggingFaceSearchUrl, paperUrls } from '../../core/paperUrls';
import { toBibtex } from '../bibtex';
import { describeAuthors, type Paper } from '../paper';
import type { PapersCommandContext } from './papersCommandContext';

/** One paper: open, star, copy its BibTeX or link, its pages on arXiv and Hugging Face, remove, find similar. */
export function paperCommands(ctx: PapersCommandContext): Command[] {
  /** A command on the paper its argument names (or the user picks); nothing happens when there is none. */
  const onPaper = (id: string, what: string, run: (paper: Paper) => unknown): Command => ({
    id,
    what,
    run: async (arg?: unknown) => {
      const paper = await ctx.paperFrom(arg);
      return paper ? run(paper) : undefined;
    },
  });

  return [
    {
      id: 'attractor.openPaper',
      what: 'Could not open the paper',
      run: async (arg?: unknown) => {
        const paper = await ctx.paperFrom(arg);
        if (paper) await ctx.openPaper(paper.id);
        else if (typeof arg === 'string') await ctx.showPaperPanel(arg); // shows the "not in the library" message
      },
    },
    onPaper('attractor.papers.star', 'Could not star the paper', async (paper) =>
      (await ctx.library()).setStarred(paper.id, true),
    ),
    onPaper('attractor.papers.unstar', 'Could not unstar the paper', async (paper) =>
      (await ctx.library()).setStarred(paper.id, false),
    ),
    onPaper('attractor.papers.copyBibtex', 'Could not copy the BibTeX entry', async (paper) => {
      const bib = toBibtex(paper);
      await vscode.env.clipboard.writeText(bib);
      void vscode.window.setStatusBarMessage('Attractor: BibTeX copied', 3000);
      return bib;
    }),
    onPaper('attractor.papers.copyLink', 'Could not copy the link', async (paper) => {
      const link = paperUrls(paper).arxiv ?? huggingFaceSearchUrl(paper.title);
      await vscode.env.clipboard.writeText(link);
      void vscode.window.setStatusBarMessage('Attractor: link copied', 3000);
      return link;
    }),
    onPaper('attractor.papers.openArxiv', 'Could not open arXiv', (paper) =>
      openUrl(paperUrls(paper).arxiv, 'arXiv page'),
    ),
    onPaper('attractor.papers.openHuggingFace', 'Could not open Hugging Face', (paper) =>
      openUrl(paperUrls(paper).huggingface ?? huggingFaceSearchUrl(paper.title), 'Hugging Face page'),
    ),
    onPaper('attractor.papers.remove', 'Could not remove the paper', async (paper) => {
      const lib = await ctx.library();
      const removed = lib.snapshot(paper.id);
      if (!removed || !lib.remove(paper.id)) return;
      const choice = await vscode.window.showInformationMessage(
        `Attractor: removed "${paper.title}" from the library.`,
        'Undo',
      );
      if (choice === 'Undo') lib.restore(removed);
    }),
    onPaper('attractor.papers.similar', 'Could not find similar papers', async (paper) => {
      const index = await ctx.search.index();
      const hits = index.similar(paper, 10);
      if (hits.length === 0) {
        void vscode.window.showInformationMessage('Attractor: no similar papers in the library yet.');
        return [];
      }
      const picked = await vscode.window.showQuickPick(
        hits.map((h) => ({
          label: h.paper.title,
          description: describeAuthors(h.paper),
          detail: `similarity ${h.score.toFixed(1)}`,
          id: h.paper.id,
        })),
        { title: `Papers like "${paper.title}"`, matchOnDescription: true },
      );
      if (picked) await ctx.openPaper(picked.id);
      return hits.map((h) => h.paper.id);
    }),
  ];
}

async function openUrl(url: string | undefined, what: string): Promise<void> {
  if (!url) {
    void vscode.window.showInformationMessage(
      `Attractor: this paper has no ${what} (no arXiv id is known for it yet). Add it by arXiv ID to link it.`,
    );
    return;
  }
  await vscode.env.openExternal(vscode.Uri.parse(url));
}
