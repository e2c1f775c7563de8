import * as vscode from 'vscode';
import { PaperPanels } from './panels/paperPanel';
import { loadDefaultLibrary } from './papers/defaultLibrary';
import type { Paper } from './papers/paper';
import { PapersTreeProvider } from './papers/papersTree';
import { PaperStore } from './papers/paperStore';
import { pickPaper } from './papers/pickPaper';
import { LazyRenderer } from './render/lazyRenderer';
import { showError } from './util/errors';

/** What `activate` returns: used by in-host tests and by other extensions. */
export interface AttractorApi {
  listPapers(): Promise<readonly Paper[]>;
  readonly papersTree: vscode.TreeDataProvider<unknown>;
}

/** Only wiring happens here: the library, the renderer and KaTeX load when first needed. */
export function activate(context: vscode.ExtensionContext): AttractorApi {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('Attractor', { log: true });
  const store = new PaperStore(() => loadDefaultLibrary(context.extensionPath));
  const tree = new PapersTreeProvider(store, log);
  const panels = new PaperPanels({ extensionUri: context.extensionUri, store, renderer: new LazyRenderer(), log });

  context.subscriptions.push(
    log,
    tree,
    panels,
    vscode.window.createTreeView('attractor.papers', { treeDataProvider: tree, showCollapseAll: true }),
    vscode.commands.registerCommand('attractor.openPaper', async (paperId?: unknown) => {
      try {
        const id = typeof paperId === 'string' ? paperId : await pickPaper(store);
        if (id) await panels.show(id);
      } catch (err) {
        await showError(log, 'Could not open the paper', err);
      }
    }),
    vscode.commands.registerCommand('attractor.refreshPapers', () => tree.refresh()),
    vscode.commands.registerCommand('attractor.showLog', () => log.show()),
  );

  log.info(`Attractor activated in ${(performance.now() - started).toFixed(1)} ms`);
  return { listPapers: () => store.all(), papersTree: tree };
}

export function deactivate(): void {}
