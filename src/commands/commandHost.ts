import * as vscode from 'vscode';
import type { CommandHost } from './registry';

/** The registry's view of VS Code: commands register with `vscode.commands`, failures go to the Attractor log. */
export function vscodeCommandHost(log: vscode.LogOutputChannel): CommandHost {
  return {
    log,
    registerCommand: (id, handler) => vscode.commands.registerCommand(id, handler),
    showErrorMessage: (message, ...actions) => vscode.window.showErrorMessage(message, ...actions),
  };
}
