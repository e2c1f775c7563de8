import * as vscode from 'vscode';

/**
 * A command's text argument when it was given one (by a test, a link, another command), else what the user types
 * in an input box; undefined when they close it.
 */
export async function textArgumentOrAsk(arg: unknown, ask: vscode.InputBoxOptions): Promise<string | undefined> {
  return typeof arg === 'string' ? arg : vscode.window.showInputBox(ask);
}
