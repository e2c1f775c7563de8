import type MarkdownIt from 'markdown-it';
import * as vscode from 'vscode';
import type { Services } from '../services';
import { showError } from '../util/errors';
import { locateRenderedText } from './annotations/anchoring';
import { AnnotationController, type AnnotationState } from './annotations/annotationController';
import { PaperLinkFeatures } from './markdownFeatures';
import { NoteCommands } from './noteCommands';
import { NotesIndex } from './notesIndex';
import { PaperDirectory } from './paperDirectory';
import { NoteDecorations } from './noteDecorations';

/** What the notes capability adds to the extension's API. */
export interface NotesApi {
  /** `markdown.markdownItPlugins`: VS Code's Markdown preview calls this with its markdown-it instance. */
  extendMarkdownIt(md: MarkdownIt): MarkdownIt;
  /** The annotations of a note and where their passages are now. */
  annotationsOf(note: vscode.Uri): Promise<AnnotationState[]>;
}

/** The longest passage the panel may send for annotation (a whole abstract fits). */
const MAX_PASSAGE_CHARS = 20_000;

/** Notes about papers, paper links in Markdown, and annotations. Nothing is read until first used. */
export function registerNotes(services: Services): NotesApi {
  const { context, log, store } = services;
  const index = new NotesIndex(log);
  const directory = new PaperDirectory(
    store,
    () => void vscode.commands.executeCommand('markdown.preview.refresh').then(undefined, () => undefined),
  );
  const links = new PaperLinkFeatures(directory, index);
  const notes = new NoteCommands(store, index, log);
  const annotations = new AnnotationController(log);

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

  context.subscriptions.push(
    index,
    links,
    annotations,
    new NoteDecorations(index),
    vscode.commands.registerCommand('attractor.annotatePaper', (arg?: unknown) => notes.annotate(arg)),
    vscode.commands.registerCommand('attractor.openNote', (arg?: unknown) => notes.open(arg)),
    vscode.commands.registerCommand(
      'attractor.annotateSelection',
      async (uri?: unknown, range?: unknown, body?: unknown) => {
        try {
          const editor = vscode.window.activeTextEditor;
          const target = uri instanceof vscode.Uri ? uri : editor?.document.uri;
          const where = range instanceof vscode.Range ? range : editor?.selection;
          if (!target || !where || !annotations.isNote(target)) {
            void vscode.window.showInformationMessage(
              'Attractor: open a note from the notes folder and select a passage to annotate.',
            );
            return undefined;
          }
          return await annotatePassage(target, where, typeof body === 'string' ? body : undefined);
        } catch (err) {
          await showError(log, 'Could not annotate the selection', err);
          return undefined;
        }
      },
    ),
    // From the abstract panel: the passage as the user saw it rendered, found again in the note's source.
    vscode.commands.registerCommand(
      'attractor.annotatePaperPassage',
      async (paperId?: unknown, passage?: unknown, body?: unknown) => {
        try {
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
          return await annotatePassage(note.uri, range, typeof body === 'string' ? body : undefined);
        } catch (err) {
          await showError(log, 'Could not annotate the passage', err);
          return undefined;
        }
      },
    ),
  );

  return {
    extendMarkdownIt: (md) => links.extendMarkdownIt(md),
    annotationsOf: (note) => annotations.stateFor(note),
  };
}
