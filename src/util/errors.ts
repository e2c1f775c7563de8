import * as vscode from 'vscode';

/** One place turns failures into what the user reads; details go to the log. */
export async function showError(log: vscode.LogOutputChannel, what: string, err: unknown): Promise<void> {
  const detail = err instanceof Error ? err.message : String(err);
  log.error(`${what}: ${detail}`, err instanceof Error && err.stack ? err.stack : '');
  const choice = await vscode.window.showErrorMessage(`Attractor: ${what}. ${detail}`, 'Show Log');
  if (choice === 'Show Log') log.show();
}
