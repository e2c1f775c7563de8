import * as vscode from 'vscode';
import type { Paper } from '../papers/paper';
import type { PaperStore } from '../papers/paperStore';
import { pickPaper } from '../papers/pickPaper';
import { CommandFailure } from '../commands/registry';
import { renderNote } from './noteDocument';
import { noteFileName } from './noteFileName';
import type { NotesIndex } from './notesIndex';
import { explainNoNotesFolder, notesFolder, notesFolderEscape, writeNewFile } from './notesFolder';

/** A paper id from whatever invoked a command: an id, a Papers tree row (`{ paper }`) or a paper. */
export function paperIdFromArgument(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg || undefined;
  if (typeof arg !== 'object' || arg === null) return undefined;
  const o = arg as { id?: unknown; paper?: { id?: unknown } };
  if (o.paper && typeof o.paper.id === 'string') return o.paper.id;
  if (typeof o.id === 'string' && !o.id.includes('/')) return o.id;
  return undefined;
}

export interface NoteResult {
  readonly uri: vscode.Uri;
  readonly created: boolean;
}

/** Notes about papers: created from the paper (never over a file), opened. */
export class PaperNotes {
  constructor(
    private readonly store: PaperStore,
    private readonly index: NotesIndex,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  private async paperFrom(arg: unknown, title: string): Promise<Paper | undefined> {
    const id = paperIdFromArgument(arg) ?? (await pickPaper(this.store));
    if (!id) return undefined;
    const paper = await this.store.get(id);
    if (!paper) {
      void vscode.window.showWarningMessage(
        `Attractor: no paper with id "${id}" in the library, so there is nothing to ${title}. Refresh the Papers view and try again.`,
      );
    }
    return paper;
  }

  /**
   * The paper's note, created from the paper if there is none; never overwrites a file. Undefined (after telling
   * the user why) when there is no workspace to keep it in.
   */
  async ensureNote(paper: Paper): Promise<NoteResult | undefined> {
    const existing = await this.index.noteFor(paper.id);
    if (existing) return { uri: existing, created: false };
    const folder = notesFolder();
    if (folder.kind !== 'ok') {
      explainNoNotesFolder(folder);
      return undefined;
    }
    const escape = await notesFolderEscape(folder);
    if (escape) {
      explainNoNotesFolder({ kind: 'invalid', message: escape });
      return undefined;
    }
    const uri = vscode.Uri.joinPath(folder.uri, noteFileName(paper.id));
    const outcome = await writeNewFile(uri, renderNote(paper));
    if (outcome === 'exists') this.log.info(`Note ${uri.fsPath} exists already; opening it unchanged.`);
    else this.log.info(`Created note ${uri.fsPath} for "${paper.title}".`);
    this.index.add(paper.id, uri);
    return { uri, created: outcome === 'created' };
  }

  /** Attractor: Annotate Paper — create or open the note and put the cursor in its Notes section. */
  async annotate(arg?: unknown): Promise<vscode.TextEditor | undefined> {
    const paper = await this.paperFrom(arg, 'annotate');
    if (!paper) return undefined;
    const note = await this.ensureNote(paper);
    if (!note) return undefined;
    const editor = await vscode.window.showTextDocument(note.uri, { preview: false });
    if (note.created) {
      const end = editor.document.lineAt(editor.document.lineCount - 1).range.end;
      editor.selection = new vscode.Selection(end, end);
      editor.revealRange(new vscode.Range(end, end));
    }
    return editor;
  }

  /** Attractor: Open Note — the note if there is one, otherwise offer to create it. */
  async open(arg?: unknown): Promise<vscode.TextEditor | undefined> {
    const paper = await this.paperFrom(arg, 'open');
    if (!paper) return undefined;
    const existing = await this.index.noteFor(paper.id);
    if (existing) return await vscode.window.showTextDocument(existing, { preview: false });
    const choice = await vscode.window.showInformationMessage(
      `There is no note about "${paper.title}" yet.`,
      'Create Note',
    );
    if (choice !== 'Create Note') return undefined;
    try {
      return await this.annotate(paper.id);
    } catch (err) {
      throw new CommandFailure('Could not create the note', err);
    }
  }
}
