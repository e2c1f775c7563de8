import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { CommandFailure, type Command } from '../../commands/registry';
import type { HttpClient } from '../../core/http';
import { paperIdFromArgument } from '../../notes/paperNotes';
import type { PaperStore } from '../../papers/paperStore';
import { pickPaper } from '../../papers/pickPaper';
import { userSetting } from '../../util/userSettings';
import { describeDownloadError, DownloadError, formatMB, MB } from '../../core/download';
import { arxivPdfUrl, clampMaxPdfMB, downloadPdf } from '../pdfDownload';
import { PDF_VIEW_TYPE, type PdfEditorProvider } from '../pdfEditor';

export const MAX_PDF_SETTING = 'attractor.pdf.maxDownloadMB';

export interface PdfCommandDeps {
  readonly log: vscode.LogOutputChannel;
  readonly store: PaperStore;
  readonly editors: PdfEditorProvider;
  /** Where a paper's PDF is (or would be) kept. */
  pdfFileOf(paperId: string): vscode.Uri;
  /** arXiv as the settings say: its endpoint and its HTTP client (one request at a time). */
  arxiv(): { readonly endpoint: string; readonly http: HttpClient };
}

/** Open PDF (downloaded once from arXiv, then opened in Attractor's PDF editor) and Annotate Selection in it. */
export function pdfCommands(deps: PdfCommandDeps): Command[] {
  const { log, store, editors, pdfFileOf } = deps;

  const download = async (paperId: string, arxivId: string, target: vscode.Uri): Promise<void> => {
    const arxiv = deps.arxiv();
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
        if (err instanceof DownloadError && err.problem === 'cancelled') {
          void vscode.window.showInformationMessage(`Attractor: ${err.message}`);
          return;
        }
        throw new CommandFailure(`could not download the PDF of "${paper.title}"`, err);
      }
    }
    await vscode.commands.executeCommand('vscode.openWith', target, PDF_VIEW_TYPE, { preview: false });
  };

  return [
    {
      id: 'attractor.papers.openPdf',
      what: 'Could not open the PDF',
      run: openPaperPdf,
      describe: describeDownloadError,
    },
    {
      id: 'attractor.annotatePdfSelection',
      what: 'Could not annotate the selection',
      run: async () => {
        if (!(await editors.annotateActiveSelection()))
          void vscode.window.showInformationMessage('Attractor: open a paper’s PDF and select text on a page first.');
      },
    },
  ];
}
