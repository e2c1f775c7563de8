import * as vscode from 'vscode';
import { writeFileAtomic } from '../core/atomicWrite';

/**
 * Replaces the file at a URI (an export the user named, a sidecar Attractor owns): on disk atomically, through
 * `core/atomicWrite`; on another file system (a remote or virtual workspace) through VS Code, which writes it
 * the way that file system does.
 */
export async function replaceUri(uri: vscode.Uri, data: string | Uint8Array): Promise<void> {
  if (uri.scheme === 'file') await writeFileAtomic(uri.fsPath, data);
  else await vscode.workspace.fs.writeFile(uri, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
}
