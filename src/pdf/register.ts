import * as path from 'node:path';
import * as vscode from 'vscode';
import { registerCommands } from '../commands/registry';
import type { NotesApi } from '../notes/register';
import type { PapersApi } from '../papers/register';
import type { Services } from '../services';
import { pdfCommands } from './commands/pdfCommands';
import { PdfEditorProvider } from './pdfEditor';
import { paperIdOfPdfFileName, pdfFileName } from './pdfFiles';

/** What the PDF capability offers in-host tests and other extensions. */
export interface PdfApi {
  /** Where a paper's PDF is (or would be) kept. */
  pdfFileOf(paperId: string): vscode.Uri;
}

/**
 * Open PDF: the paper's PDF downloaded once into global storage (`pdfs/`), then opened in Attractor's PDF editor;
 * Annotate Selection on its text writes to the paper's note. The editor is also offered for workspace PDFs.
 */
export function registerPdf(services: Services, deps: { papers: PapersApi; notes: NotesApi }): PdfApi {
  const { context, log, store } = services;
  const pdfsDir = vscode.Uri.joinPath(context.globalStorageUri, 'pdfs');
  const pdfFileOf = (paperId: string) => vscode.Uri.joinPath(pdfsDir, pdfFileName(paperId));

  const editors = new PdfEditorProvider({
    extensionUri: context.extensionUri,
    log,
    paperIdOf: (uri) =>
      uri.scheme === 'file' && path.dirname(uri.fsPath) === pdfsDir.fsPath
        ? paperIdOfPdfFileName(path.basename(uri.fsPath))
        : undefined,
    highlightsOf: (paperId) => deps.notes.pdfHighlightsOf(paperId),
    annotate: (paperId, page, text) =>
      vscode.commands.executeCommand('attractor.annotatePdfPassage', paperId, page, text),
  });

  context.subscriptions.push(
    editors,
    ...registerCommands(
      services.commands,
      pdfCommands({ log, store, editors, pdfFileOf, arxiv: () => deps.papers.arxiv() }),
    ),
  );

  return { pdfFileOf };
}
