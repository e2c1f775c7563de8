import type * as vscode from 'vscode';
import type { PaperPanels } from '../papers/paperPanel';
import type { Command } from './registry';

/** The commands of the extension as a whole: its log, and the paper panel shared by several capabilities. */
export function extensionCommands(deps: {
  readonly log: vscode.LogOutputChannel;
  readonly paperPanels: PaperPanels;
}): Command[] {
  return [
    { id: 'attractor.showLog', what: 'Could not show the log', run: () => deps.log.show() },
    {
      id: 'attractor.annotatePanelSelection',
      what: 'Could not annotate the selection',
      run: () => deps.paperPanels.annotateActiveSelection(),
    },
  ];
}
