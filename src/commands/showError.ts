import type * as vscode from 'vscode';
import { vscodeCommandHost } from './commandHost';
import { reportFailure } from './registry';

/**
 * A failure outside a command (a panel's message, an editor's load), reported as the command registry reports a
 * command's: details to the log, one message with Show Log.
 */
export function showError(log: vscode.LogOutputChannel, what: string, err: unknown): Promise<void> {
  return reportFailure(vscodeCommandHost(log), what, err);
}
