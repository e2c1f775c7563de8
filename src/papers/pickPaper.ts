import * as vscode from 'vscode';
import { formatDay } from './dayGroups';
import { describeAuthors } from './paper';
import type { PaperStore } from './paperStore';

/** When Open Paper is run from the palette without a paper, let the user choose one. */
export async function pickPaper(store: PaperStore): Promise<string | undefined> {
  const papers = await store.all();
  const picked = await vscode.window.showQuickPick(
    papers.map((p) => ({ label: p.title, description: describeAuthors(p), detail: formatDay(p.published), id: p.id })),
    {
      title: 'Open Paper',
      placeHolder: 'Type to filter papers by title',
      matchOnDescription: true,
      matchOnDetail: true,
    },
  );
  return picked?.id;
}
