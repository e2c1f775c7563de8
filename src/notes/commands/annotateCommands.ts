import * as vscode from 'vscode';
import type { Command } from '../../commands/registry';
import type { PaperStore } from '../../papers/paperStore';
import { locateRenderedText } from '../annotations/anchoring';
import type { AnnotationController } from '../annotations/annotationController';
import type { PaperNotes } from '../paperNotes';

/** The note's section that holds the passages quoted from the paper's PDF. */
const PDF_SECTION = '## From the PDF';

/** The longest passage the panel may send for annotation (a whole abstract fits). */
const MAX_PASSAGE_CHARS = 20_000;

export interface AnnotateDeps {
  readonly store: PaperStore;
  readonly notes: PaperNotes;
  readonly annotations: AnnotationController;
}

/**
 * Annotate Selection in a note, and the passages the paper panel and the PDF editor send (a passage as rendered,
 * a passage of a PDF page): each asks for the comment and anchors it in the paper's note.
 */
export function annotateCommands(deps: AnnotateDeps): Command[] {
  const { store, notes, annotations } = deps;

  /** Asks for the comment, then anchors it on the passage. */
  async function annotatePassage(uri: vscode.Uri, range: vscode.Range, body?: string): Promise<string | undefined> {
    const doc = await vscode.workspace.openTextDocument(uri);
    const quote = doc.getText(range).replace(/\s+/g, ' ').trim();
    const text =
      body ??
      (await vscode.window.showInputBox({
        title: 'Annotate Selection',
        prompt: `Comment on “${quote.length > 60 ? `${quote.slice(0, 60)}…` : quote}”`,
        placeHolder: 'What about this passage?',
        ignoreFocusOut: true,
      }));
    if (!text?.trim()) return undefined;
    const id = await annotations.annotate(uri, range, text);
    const editor = await vscode.window.showTextDocument(uri, { preview: false });
    editor.selection = new vscode.Selection(range.start, range.end);
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    return id;
  }

  /**
   * A passage selected in the paper's PDF: the comment is asked for first (Escape leaves the note untouched), the
   * passage is added to the note's "From the PDF" section as a quote with its page, and the annotation is anchored
   * on that quote, with the page and text kept so the PDF can highlight it again.
   */
  async function annotatePdfPassage(paperId: string, page: number, text: string, body?: string) {
    const paper = await store.get(paperId);
    if (!paper) return undefined;
    const quote = text.replace(/\s+/g, ' ').trim();
    const comment =
      body ??
      (await vscode.window.showInputBox({
        title: 'Annotate Selection',
        prompt: `Comment on “${quote.length > 60 ? `${quote.slice(0, 60)}…` : quote}” (page ${page})`,
        placeHolder: 'What about this passage?',
        ignoreFocusOut: true,
      }));
    if (!comment?.trim()) return undefined;
    const note = await notes.ensureNote(paper);
    if (!note) return undefined;
    const doc = await vscode.workspace.openTextDocument(note.uri);
    const wasDirty = doc.isDirty;
    const source = doc.getText();
    const hasSection = source.split(/\r?\n/).some((line) => line.trim() === PDF_SECTION);
    const block = `${source.endsWith('\n') || source === '' ? '' : '\n'}${hasSection ? '' : `\n${PDF_SECTION}\n`}\n> p. ${page}: ${quote}\n`;
    const edit = new vscode.WorkspaceEdit();
    edit.insert(note.uri, doc.positionAt(source.length), block);
    if (!(await vscode.workspace.applyEdit(edit))) throw new Error('the note could not be edited');
    // A note with unsaved changes of the user's stays unsaved: saving would write their edits without asking.
    if (!wasDirty) await doc.save();
    const start = source.length + block.length - 1 - quote.length;
    const range = new vscode.Range(doc.positionAt(start), doc.positionAt(start + quote.length));
    const id = await annotations.annotate(note.uri, range, comment, undefined, { page, quote });
    const editor = await vscode.window.showTextDocument(note.uri, {
      preview: false,
      preserveFocus: true,
      viewColumn: vscode.ViewColumn.Beside,
    });
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    return id;
  }

  return [
    {
      id: 'attractor.annotateSelection',
      what: 'Could not annotate the selection',
      run: async (uri?: unknown, range?: unknown, body?: unknown) => {
        const editor = vscode.window.activeTextEditor;
        const target = uri instanceof vscode.Uri ? uri : editor?.document.uri;
        const where = range instanceof vscode.Range ? range : editor?.selection;
        if (!target || !where || !annotations.isNote(target)) {
          void vscode.window.showInformationMessage(
            'Attractor: open a note from the notes folder and select a passage to annotate.',
          );
          return undefined;
        }
        return annotatePassage(target, where, typeof body === 'string' ? body : undefined);
      },
    },
    // From the abstract panel: the passage as the user saw it rendered, found again in the note's source.
    {
      id: 'attractor.annotatePaperPassage',
      what: 'Could not annotate the passage',
      run: async (paperId?: unknown, passage?: unknown, body?: unknown) => {
        if (typeof paperId !== 'string' || typeof passage !== 'string' || passage.length > MAX_PASSAGE_CHARS)
          return undefined;
        const paper = await store.get(paperId);
        if (!paper) return undefined;
        const note = await notes.ensureNote(paper);
        if (!note) return undefined;
        const doc = await vscode.workspace.openTextDocument(note.uri);
        const source = doc.getText();
        const abstractAt = Math.max(0, source.indexOf('## Abstract'));
        const span = locateRenderedText(source, passage, abstractAt);
        if (!span) {
          await vscode.window.showTextDocument(doc, { preview: false });
          void vscode.window.showWarningMessage(
            'Attractor: the selected passage is not in the note’s abstract quote (was the note edited?). Select it in the note and use Annotate Selection.',
          );
          return undefined;
        }
        const range = new vscode.Range(doc.positionAt(span.start), doc.positionAt(span.end));
        return annotatePassage(note.uri, range, typeof body === 'string' ? body : undefined);
      },
    },
    // From the PDF editor: a passage of a page, as selected in pdf.js's text layer.
    {
      id: 'attractor.annotatePdfPassage',
      what: 'Could not annotate the PDF passage',
      run: async (paperId?: unknown, page?: unknown, passage?: unknown, body?: unknown) => {
        if (
          typeof paperId !== 'string' ||
          typeof page !== 'number' ||
          !Number.isInteger(page) ||
          page < 1 ||
          typeof passage !== 'string' ||
          !passage.trim() ||
          passage.length > MAX_PASSAGE_CHARS
        )
          return undefined;
        return annotatePdfPassage(paperId, page, passage, typeof body === 'string' ? body : undefined);
      },
    },
  ];
}
