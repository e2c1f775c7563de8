import * as vscode from 'vscode';
import { extensionWebviewHtml, webviewOptions } from '../webview/extensionWebview';
import {
  parsePdfWebviewMessage,
  type HostToPdfWebview,
  type PdfHighlight,
  type PdfWebviewToHost,
} from '../panels/pdfProtocol';
import { Disposable } from '../util/disposable';
import { showError } from '../util/errors';

export const PDF_VIEW_TYPE = 'attractor.pdf';

export interface PdfEditorContext {
  readonly extensionUri: vscode.Uri;
  readonly log: vscode.LogOutputChannel;
  /** The library paper a PDF file is, if any (a downloaded paper's PDF); workspace PDFs usually are none. */
  paperIdOf(uri: vscode.Uri): string | undefined;
  highlightsOf(paperId: string): Promise<PdfHighlight[]>;
  /** Annotates a passage of the paper's PDF in its note; resolves once it is saved (or the user cancelled). */
  annotate(paperId: string, page: number, text: string): Thenable<unknown>;
}

/** The toolbar: static markup (nothing from the PDF or the network), wired up by webview/pdf/main.ts. */
const TOOLBAR = `
<div class="pdf-toolbar" role="toolbar" aria-label="PDF">
  <div class="group">
    <vscode-button id="previous-page" secondary icon="arrow-up" title="Previous page" aria-label="Previous page"></vscode-button>
    <vscode-button id="next-page" secondary icon="arrow-down" title="Next page" aria-label="Next page"></vscode-button>
    <vscode-textfield id="page-number" aria-label="Page number" value="1"></vscode-textfield>
    <span id="page-count"></span>
  </div>
  <div class="group">
    <vscode-button id="zoom-out" secondary icon="zoom-out" title="Zoom out" aria-label="Zoom out"></vscode-button>
    <span id="zoom-level"></span>
    <vscode-button id="zoom-in" secondary icon="zoom-in" title="Zoom in" aria-label="Zoom in"></vscode-button>
    <vscode-button id="zoom-fit" secondary icon="screen-normal" title="Fit the page width" aria-label="Fit width"></vscode-button>
  </div>
  <div class="group">
    <vscode-textfield id="find-text" placeholder="Find" aria-label="Find in the PDF"></vscode-textfield>
    <vscode-button id="find-previous" secondary icon="arrow-up" title="Previous match (Shift+Enter)" aria-label="Previous match"></vscode-button>
    <vscode-button id="find-next" secondary icon="arrow-down" title="Next match (Enter)" aria-label="Next match"></vscode-button>
    <span id="find-status" role="status" aria-live="polite"></span>
  </div>
  <div class="group">
    <vscode-button id="annotate-selection" secondary icon="comment-add" title="Comment on the selected text in the paper’s note">Annotate Selection</vscode-button>
  </div>
  <span id="status" role="status" aria-live="polite"></span>
</div>
<div id="viewerContainer" data-vscode-context='{"webviewSection":"pdf"}'>
  <div id="viewer" class="pdfViewer"></div>
</div>`;

/** One PDF shown in one editor. */
class PdfView extends Disposable {
  readonly paperId: string | undefined;

  constructor(
    readonly uri: vscode.Uri,
    readonly panel: vscode.WebviewPanel,
    private readonly ctx: PdfEditorContext,
  ) {
    super();
    this.paperId = ctx.paperIdOf(uri);
    const webview = panel.webview;
    // The bytes are posted to the webview, so it needs no access to where the file is: only the bundles and media.
    webview.options = webviewOptions(ctx.extensionUri);
    const pdfjs = webview.asWebviewUri(vscode.Uri.joinPath(ctx.extensionUri, 'dist', 'webview', 'pdfjs')).toString();
    webview.html = extensionWebviewHtml(webview, ctx.extensionUri, {
      title: uri.path.slice(uri.path.lastIndexOf('/') + 1),
      script: 'pdf',
      styles: [
        ['dist', 'webview', 'pdfjs', 'pdf_viewer.css'],
        ['media', 'pdf.css'],
      ],
      body: `<div id="pdf-root" data-pdfjs="${pdfjs.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}">${TOOLBAR}</div>`,
      worker: true,
    });
    this.register(panel.onDidDispose(() => this.dispose()));
    this.register(webview.onDidReceiveMessage((m: unknown) => this.onMessage(m)));
  }

  private async onMessage(raw: unknown): Promise<void> {
    const message = parsePdfWebviewMessage(raw);
    if (!message) {
      this.ctx.log.warn(`Ignored an invalid message from the PDF editor: ${JSON.stringify(raw)?.slice(0, 200)}`);
      return;
    }
    try {
      await this.handle(message);
    } catch (err) {
      await showError(this.ctx.log, `The PDF ${vscode.workspace.asRelativePath(this.uri)} failed`, err);
    }
  }

  private async handle(message: PdfWebviewToHost): Promise<void> {
    switch (message.type) {
      case 'ready': {
        const bytes = await vscode.workspace.fs.readFile(this.uri);
        // A plain Uint8Array (readFile may give a Node Buffer), which every host posts as binary.
        const data = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        const highlights = this.paperId ? await this.ctx.highlightsOf(this.paperId) : [];
        return this.post({ type: 'load', data, highlights, canAnnotate: this.paperId !== undefined });
      }
      case 'annotateSelection': {
        if (!this.paperId) return;
        await this.ctx.annotate(this.paperId, message.page, message.text);
        return this.refreshHighlights();
      }
      case 'failed':
        this.ctx.log.warn(`pdf.js could not open ${this.uri.toString(true)}: ${message.message}`);
        return;
    }
  }

  async refreshHighlights(): Promise<void> {
    if (this.paperId) await this.post({ type: 'highlights', highlights: await this.ctx.highlightsOf(this.paperId) });
  }

  requestSelection(): Promise<void> {
    return this.post({ type: 'requestSelection' });
  }

  private async post(message: HostToPdfWebview): Promise<void> {
    if (!this.isDisposed) await this.panel.webview.postMessage(message);
  }
}

/**
 * PDFs in an editor tab, drawn by pdf.js in a webview: papers' PDFs downloaded into global storage and, when the
 * user picks this editor (Reopen Editor With…), PDFs of the workspace.
 */
export class PdfEditorProvider extends Disposable implements vscode.CustomReadonlyEditorProvider {
  private readonly views = new Set<PdfView>();

  constructor(private readonly ctx: PdfEditorContext) {
    super();
    this.register(
      vscode.window.registerCustomEditorProvider(PDF_VIEW_TYPE, this, {
        webviewOptions: { retainContextWhenHidden: false, enableFindWidget: false },
        supportsMultipleEditorsPerDocument: true,
      }),
    );
    this.register({ dispose: () => this.views.forEach((v) => v.dispose()) });
  }

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel): void {
    const view = new PdfView(document.uri, panel, this.ctx);
    this.views.add(view);
    panel.onDidDispose(() => this.views.delete(view));
  }

  /** Annotate Selection from the keybinding or the context menu: the focused PDF editor sends its selection. */
  async annotateActiveSelection(): Promise<boolean> {
    const active = [...this.views].find((v) => v.panel.active);
    if (!active) return false;
    await active.requestSelection();
    return true;
  }
}
