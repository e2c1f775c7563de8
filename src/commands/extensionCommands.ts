import type * as vscode from 'vscode';
import type { Command } from './registry';

/** The commands of the extension as a whole: its log, and the paper panel shared by several capabilities. */
export function extensionCommands(deps: {
  readonly log: vscode.LogOutputChannel;
  /** The focused paper panel sends its selection to Annotate Selection. */
  readonly annotatePanelSelection: () => Promise<void>;
}): Command[] {
  return [
    { id: 'attractor.showLog', what: 'Could not show the log', run: () => deps.log.show() },
    {
      id: 'attractor.annotatePanelSelection',
      what: 'Could not annotate the selection',
      run: () => deps.annotatePanelSelection(),
    },
  ];
}
