import * as vscode from 'vscode';
import type { Services } from '../services';
import { showError } from '../util/errors';
import { PapersTreeProvider } from './papersTree';
import { pickPaper } from './pickPaper';

/** The Papers view and its commands. */
export function registerPapers(services: Services): PapersTreeProvider {
  const { context, log, store, paperPanels } = services;
  const tree = new PapersTreeProvider(store, log);
  context.subscriptions.push(
    tree,
    vscode.window.createTreeView('attractor.papers', { treeDataProvider: tree, showCollapseAll: true }),
    vscode.commands.registerCommand('attractor.openPaper', async (paperId?: unknown) => {
      try {
        const id = typeof paperId === 'string' ? paperId : await pickPaper(store);
        if (id) await paperPanels.show(id);
      } catch (err) {
        await showError(log, 'Could not open the paper', err);
      }
    }),
    vscode.commands.registerCommand('attractor.refreshPapers', () => tree.refresh()),
  );
  return tree;
}
