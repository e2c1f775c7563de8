import * as vscode from 'vscode';
import { Disposable } from '../util/disposable';
import type { NotesIndex } from './notesIndex';

/**
 * Papers as resources, so views can show which papers have notes without knowing about notes: a tree item
 * sets `resourceUri = paperResourceUri(paper.id)` and the decoration provider below marks it.
 */
export const PAPER_RESOURCE_SCHEME = 'attractor-paper';

/** `attractor-paper:/<id>`, the same URI the Papers tree gives its paper rows. */
export function paperResourceUri(paperId: string): vscode.Uri {
  return vscode.Uri.from({ scheme: PAPER_RESOURCE_SCHEME, path: `/${paperId}` });
}

export function paperIdOfResource(uri: vscode.Uri): string | undefined {
  return uri.scheme === PAPER_RESOURCE_SCHEME ? uri.path.slice(1) || undefined : undefined;
}

export class NoteDecorations extends Disposable implements vscode.FileDecorationProvider {
  private readonly changed = this.register(new vscode.EventEmitter<vscode.Uri[]>());
  readonly onDidChangeFileDecorations = this.changed.event;

  constructor(private readonly index: NotesIndex) {
    super();
    this.register(index.onDidChange((ids) => this.changed.fire(ids.map(paperResourceUri))));
    this.register(vscode.window.registerFileDecorationProvider(this));
  }

  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    const id = paperIdOfResource(uri);
    if (!id || !this.index.hasNoteNow(id)) return undefined;
    return new vscode.FileDecoration(
      '✎',
      'Has a note in the workspace',
      new vscode.ThemeColor('attractor.paperWithNote'),
    );
  }
}
