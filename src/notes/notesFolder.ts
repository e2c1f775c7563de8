import * as vscode from 'vscode';
import { writeFileAtomic } from '../core/atomicWrite';
import { replaceUri } from '../util/writeUri';
import { escapesRoot } from './confinedPath';
import { parseNotesFolder } from './noteFileName';

export const NOTES_FOLDER_SETTING = 'folder';
const SECTION = 'attractor.notes';

export type NotesFolder =
  | {
      readonly kind: 'ok';
      readonly uri: vscode.Uri;
      readonly workspace: vscode.WorkspaceFolder;
      readonly relative: string;
    }
  | { readonly kind: 'noWorkspace' }
  | { readonly kind: 'invalid'; readonly message: string };

/** The folder notes live in: `attractor.notes.folder` (default `papers/`) inside the first workspace folder. */
export function notesFolder(): NotesFolder {
  const workspace = vscode.workspace.workspaceFolders?.[0];
  if (!workspace) return { kind: 'noWorkspace' };
  const setting = vscode.workspace
    .getConfiguration(SECTION, workspace.uri)
    .get<string>(NOTES_FOLDER_SETTING, 'papers/');
  const parsed = parseNotesFolder(typeof setting === 'string' ? setting : 'papers/');
  if ('error' in parsed)
    return { kind: 'invalid', message: `The setting attractor.notes.folder is not usable: ${parsed.error}.` };
  return {
    kind: 'ok',
    uri: vscode.Uri.joinPath(workspace.uri, ...parsed.segments),
    workspace,
    relative: parsed.segments.join('/'),
  };
}

export function onNotesFolderChange(listener: () => void): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`${SECTION}.${NOTES_FOLDER_SETTING}`)) listener();
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(listener),
  );
}

/** Says why there is nowhere to put notes, and offers the way out (without waiting for the user to answer). */
export function explainNoNotesFolder(folder: Exclude<NotesFolder, { kind: 'ok' }>): void {
  if (folder.kind === 'invalid') {
    void vscode.window.showErrorMessage(`Attractor: ${folder.message}`, 'Open Settings').then((choice) => {
      if (choice === 'Open Settings')
        void vscode.commands.executeCommand('workbench.action.openSettings', 'attractor.notes.folder');
    });
    return;
  }
  void vscode.window
    .showWarningMessage(
      'Attractor: notes are saved in your workspace, and no folder is open. Open a folder to keep notes about papers.',
      'Open Folder…',
    )
    .then((choice) => {
      if (choice === 'Open Folder…') void vscode.commands.executeCommand('workbench.action.files.openFolder');
    });
}

export type WriteOutcome = 'created' | 'exists';

/** Why the notes folder may not be written (a symbolic link on the way leads out of the workspace), or undefined. */
export async function notesFolderEscape(folder: Extract<NotesFolder, { kind: 'ok' }>): Promise<string | undefined> {
  if (folder.uri.scheme !== 'file') return undefined;
  const outside = await escapesRoot(folder.workspace.uri.fsPath, folder.uri.fsPath);
  return outside
    ? `The notes folder ${folder.relative}/ leads outside the workspace (through a symbolic link, to ${outside}), so Attractor does not write notes there. Make the setting attractor.notes.folder name a real folder inside the workspace.`
    : undefined;
}

/** Refuses a write whose real location (symbolic links followed) is outside the workspace folder it names. */
async function assertInsideWorkspace(uri: vscode.Uri): Promise<void> {
  const workspace = vscode.workspace.getWorkspaceFolder(uri);
  if (!workspace || workspace.uri.scheme !== 'file') return;
  const outside = await escapesRoot(workspace.uri.fsPath, uri.fsPath);
  if (outside)
    throw new Error(
      `${vscode.workspace.asRelativePath(uri)} leads outside the workspace (through a symbolic link, to ${outside}), so Attractor does not write it. Make the notes folder (setting attractor.notes.folder) a real folder inside the workspace.`,
    );
}

/** Writes a new file atomically and never over an existing one (a note the user may have edited). */
export async function writeNewFile(uri: vscode.Uri, text: string): Promise<WriteOutcome> {
  if (uri.scheme !== 'file') {
    try {
      await vscode.workspace.fs.stat(uri);
      return 'exists';
    } catch {
      await vscode.workspace.fs.writeFile(uri, Buffer.from(text, 'utf8'));
      return 'created';
    }
  }
  await assertInsideWorkspace(uri);
  return (await writeFileAtomic(uri.fsPath, text, { overwrite: false })) === 'written' ? 'created' : 'exists';
}

/** Replaces a file atomically; for files Attractor owns, such as annotation sidecars. */
export async function replaceFile(uri: vscode.Uri, text: string): Promise<void> {
  if (uri.scheme === 'file') await assertInsideWorkspace(uri);
  await replaceUri(uri, text);
}
