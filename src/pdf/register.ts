import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { NotesApi } from '../notes/register';
import { paperIdFromArgument } from '../notes/paperNotes';
import type { PapersApi } from '../papers/register';
import { pickPaper } from '../papers/pickPaper';
import type { Services } from '../services';
import { showError } from '../util/errors';
import { userSetting } from '../util/userSettings';
import { HubDownloadError, formatMB, MB } from '../zoo/hubModels';
import { describeFindModelsError } from '../zoo/hubModels';
import { arxivPdfUrl, clampMaxPdfMB, downloadPdf } from './pdfDownload';
import { PDF_VIEW_TYPE, PdfEditorProvider } from './pdfEditor';
import { paperIdOfPdfFileName, pdfFileName } from './pdfFiles';

export const MAX_PDF_SETTING = 'attractor.pdf.maxDownloadMB';

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

  const download = async (paperId: string, arxivId: string, target: vscode.Uri): Promise<void> => {
    const arxiv = deps.papers.arxiv();
    const url = arxivPdfUrl(arxiv.endpoint, arxivId);
    const maxBytes = clampMaxPdfMB(userSetting<unknown>('attractor', 'pdf.maxDownloadMB')) * MB;
    const started = performance.now();
    const result = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Attractor: downloading the PDF of arXiv:${arxivId}`,
        cancellable: true,
      },
      async (progress, cancel) => {
        const abort = new AbortController();
        const sub = cancel.onCancellationRequested(() => abort.abort());
        try {
          return await downloadPdf({
            http: arxiv.http,
            url,
            target: target.fsPath,
            maxBytes,
            limitHint: `setting ${MAX_PDF_SETTING}`,
            signal: abort.signal,
            onProgress: (received, total) =>
              progress.report({ message: total ? `${formatMB(received)} of ${formatMB(total)}` : formatMB(received) }),
          });
        } finally {
          sub.dispose();
        }
      },
    );
    log.info(
      `Downloaded the PDF of ${paperId} from ${url} (${result.bytes} bytes) in ${(performance.now() - started).toFixed(0)} ms`,
    );
  };

  const openPaperPdf = async (arg?: unknown): Promise<void> => {
    const id = paperIdFromArgument(arg) ?? (await pickPaper(store));
    if (!id) return;
    const paper = await store.get(id);
    if (!paper) {
      void vscode.window.showWarningMessage(`Attractor: no paper with id "${id}" in the library.`);
      return;
    }
    const target = pdfFileOf(paper.id);
    if (!existsSync(target.fsPath)) {
      if (!paper.arxivId) {
        void vscode.window.showInformationMessage(
          `Attractor: "${paper.title}" has no PDF (no arXiv id is known for it yet). Add it by arXiv ID to link it.`,
        );
        return;
      }
      try {
        await download(paper.id, paper.arxivId, target);
      } catch (err) {
        if (err instanceof HubDownloadError && err.problem === 'cancelled') {
          void vscode.window.showInformationMessage(`Attractor: ${err.message}`);
          return;
        }
        log.error(`Open PDF ${paper.id}: ${err instanceof Error ? err.message : String(err)}`);
        const choice = await vscode.window.showErrorMessage(
          `Attractor: could not download the PDF of "${paper.title}". ${describeFindModelsError(err)}`,
          'Show Log',
        );
        if (choice) log.show();
        return;
      }
    }
    await vscode.commands.executeCommand('vscode.openWith', target, PDF_VIEW_TYPE, { preview: false });
  };

  context.subscriptions.push(
    editors,
    vscode.commands.registerCommand('attractor.papers.openPdf', async (arg?: unknown) => {
      try {
        await openPaperPdf(arg);
      } catch (err) {
        await showError(log, 'Could not open the PDF', err);
      }
    }),
    vscode.commands.registerCommand('attractor.annotatePdfSelection', async () => {
      if (!(await editors.annotateActiveSelection()))
        void vscode.window.showInformationMessage('Attractor: open a paper’s PDF and select text on a page first.');
    }),
  );

  return { pdfFileOf };
}
