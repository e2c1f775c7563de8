import * as vscode from 'vscode';
import { OpenPages, WebviewPage, type PageHost } from '../webview/webviewPage';
import { parsePdfWebviewMessage, type HostToPdfWebview, type PdfHighlight, type PdfWebviewToHost } from './pdfProtocol';
import { Disposable } from '../util/disposable';
import { showError } from '../commands/showError';

export const PDF_VIEW_TYPE = 'attractor.pdf';

export interface PdfEditorContext extends PageHost {
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

const PROTOCOL = { name: 'the PDF editor', parse: parsePdfWebviewMessage };

/** One PDF shown in one editor. */
class PdfView extends WebviewPage<PdfWebviewToHost, HostToPdfWebview> {
  readonly paperId: string | undefined;

  constructor(
    readonly uri: vscode.Uri,
    panel: vscode.WebviewPanel,
    private readonly ctx: PdfEditorContext,
  ) {
    // The bytes are posted to the webview, so it needs no access to where the file is: only the bundles and media.
    super(panel, ctx, PROTOCOL);
    this.paperId = ctx.paperIdOf(uri);
    const pdfjs = panel.webview
      .asWebviewUri(vscode.Uri.joinPath(ctx.extensionUri, 'dist', 'webview', 'pdfjs'))
      .toString();
    this.setPage({
      title: uri.path.slice(uri.path.lastIndexOf('/') + 1),
      script: 'pdf',
      styles: [
        ['dist', 'webview', 'pdfjs', 'pdf_viewer.css'],
        ['media', 'pdf.css'],
      ],
      body: `<div id="pdf-root" data-pdfjs="${pdfjs.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}">${TOOLBAR}</div>`,
      worker: true,
    });
  }

  protected override failed(err: unknown): Promise<void> {
    return showError(this.ctx.log, `The PDF ${vscode.workspace.asRelativePath(this.uri)} failed`, err);
  }

  protected override async ready(): Promise<void> {
    const bytes = await vscode.workspace.fs.readFile(this.uri);
    // A plain Uint8Array (readFile may give a Node Buffer), which every host posts as binary.
    const data = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const highlights = this.paperId ? await this.ctx.highlightsOf(this.paperId) : [];
    return this.post({ type: 'load', data, highlights, canAnnotate: this.paperId !== undefined });
  }

  protected async handle(message: Exclude<PdfWebviewToHost, { type: 'ready' }>): Promise<void> {
    switch (message.type) {
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
}

/**
 * PDFs in an editor tab, drawn by pdf.js in a webview: papers' PDFs downloaded into global storage and, when the
 * user picks this editor (Reopen Editor With…), PDFs of the workspace.
 */
export class PdfEditorProvider extends Disposable implements vscode.CustomReadonlyEditorProvider {
  private readonly views = this.register(new OpenPages<PdfView>());

  constructor(private readonly ctx: PdfEditorContext) {
    super();
    this.register(
      vscode.window.registerCustomEditorProvider(PDF_VIEW_TYPE, this, {
        webviewOptions: { retainContextWhenHidden: false, enableFindWidget: false },
        supportsMultipleEditorsPerDocument: true,
      }),
    );
  }

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel): void {
    this.views.add(document.uri.toString(), new PdfView(document.uri, panel, this.ctx));
  }

  /** Annotate Selection from the keybinding or the context menu: the focused PDF editor sends its selection. */
  async annotateActiveSelection(): Promise<boolean> {
    const active = this.views.active();
    if (!active) return false;
    await active.requestSelection();
    return true;
  }
}
