import type MarkdownIt from 'markdown-it';
import * as vscode from 'vscode';
import type { Services } from '../services';
import { registerCommands } from '../commands/registry';
import { AnnotationController, type AnnotationState } from './annotations/annotationController';
import { annotateCommands } from './commands/annotateCommands';
import { commentCommands } from './commands/commentCommands';
import { noteCommands } from './commands/noteCommands';
import { PaperLinkFeatures } from './markdownFeatures';
import { PaperNotes } from './paperNotes';
import { NotesIndex } from './notesIndex';
import { PaperDirectory } from './paperDirectory';
import { NoteDecorations } from './noteDecorations';

/** What the notes capability adds to the extension's API. */
export interface NotesApi {
  /** `markdown.markdownItPlugins`: VS Code's Markdown preview calls this with its markdown-it instance. */
  extendMarkdownIt(md: MarkdownIt): MarkdownIt;
  /** The annotations of a note and where their passages are now. */
  annotationsOf(note: vscode.Uri): Promise<AnnotationState[]>;
  /** The passages of a paper's PDF annotated in its note (unresolved ones), to highlight when the PDF is shown. */
  pdfHighlightsOf(paperId: string): Promise<PdfPassageNote[]>;
}

/**
 * An open annotation of a passage in a paper's PDF: its page (1-based), the text as selected and its first
 * comment. The PDF editor shows these as highlights (its protocol's `PdfHighlight` has the same shape).
 */
export interface PdfPassageNote {
  readonly page: number;
  readonly quote: string;
  readonly comment: string;
}

/** Notes about papers, paper links in Markdown, and annotations. Nothing is read until first used. */
export function registerNotes(services: Services): NotesApi {
  const { context, log, store } = services;
  const index = new NotesIndex(log);
  const directory = new PaperDirectory(
    store,
    () => void vscode.commands.executeCommand('markdown.preview.refresh').then(undefined, () => undefined),
  );
  const links = new PaperLinkFeatures(directory, index, services.renderer);
  const notes = new PaperNotes(store, index, log);
  const annotations = new AnnotationController(log);

  context.subscriptions.push(
    index,
    links,
    annotations,
    new NoteDecorations(index),
    ...registerCommands(services.commands, [
      ...noteCommands(notes),
      ...annotateCommands({ store, notes, annotations }),
      ...commentCommands(annotations),
    ]),
  );

  return {
    extendMarkdownIt: (md) => links.extendMarkdownIt(md),
    annotationsOf: (note) => annotations.stateFor(note),
    pdfHighlightsOf: async (paperId) => {
      const note = await index.noteFor(paperId);
      if (!note) return [];
      return (await annotations.stateFor(note))
        .filter((a) => a.pdf && !a.resolved)
        .map((a) => ({ page: a.pdf!.page, quote: a.pdf!.quote, comment: a.comments[0] ?? '' }));
    },
  };
}
