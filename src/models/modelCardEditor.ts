import * as path from 'node:path';
import * as vscode from 'vscode';
import { Disposable } from '../util/disposable';
import { extensionWebviewHtml, webviewOptions } from '../webview/extensionWebview';
import type { KindAnswers } from './kindAnswers';
import { ModelFileError } from './modelErrors';
import { renderCardError, renderModelCard } from './modelCardHtml';
import type { ModelPaperLink, ModelPaperLinks } from './paperProviders';
import { parseCardToHost } from './previewProtocol';
import type { LazyRenderer } from '../render/lazyRenderer';
import type { ModelRuntime } from './runtime';
import type { ModelInfo } from './onnxFile';
import { recognise, refuseRun } from './signature';

export const MODEL_CARD_VIEW_TYPE = 'attractor.modelCard';

interface CardContext {
  readonly extensionUri: vscode.Uri;
  readonly runtime: ModelRuntime;
  readonly answers: KindAnswers;
  readonly paperLinks: ModelPaperLinks;
  readonly log: vscode.LogOutputChannel;
  /** The project's Markdown + KaTeX renderer, for doc strings (the zoo writes its model card there). */
  readonly renderer: LazyRenderer;
  /** Why this file is shown but not run (Restricted Mode, external data), or undefined. */
  readonly runRefusal: (uri: vscode.Uri, info: ModelInfo, locationRefusal: string | undefined) => string | undefined;
}

/**
 * Context key: the files whose card can start a preview. The editor title's Preview Model button shows only on
 * those (not on a classifier, a cut-off file or a text file).
 */
const PREVIEWABLE_KEY = 'attractor.previewableModels';

/**
 * The read-only custom editor for *.onnx: a model card (file facts, inputs/outputs, metadata, ops, what Attractor
 * recognised) with a Preview button. It reads the file with onnx-proto only; onnxruntime is not loaded.
 */
export class ModelCardEditorProvider extends Disposable implements vscode.CustomReadonlyEditorProvider {
  private readonly open = new Map<string, Set<vscode.WebviewPanel>>();
  /** The paper link shown in each card, for its `openPaper` message. */
  private readonly links = new WeakMap<vscode.WebviewPanel, ModelPaperLink>();
  private readonly previewable = new Set<string>();

  constructor(private readonly ctx: CardContext) {
    super();
    this.register(
      vscode.window.registerCustomEditorProvider(MODEL_CARD_VIEW_TYPE, this, {
        supportsMultipleEditorsPerDocument: true,
        webviewOptions: { retainContextWhenHidden: false },
      }),
    );
    // Doc strings are Markdown with math: new math macros render them again.
    this.register(ctx.renderer.onDidChangeMacros(() => void this.renderAll()));
  }

  /** Draws every open card again: what it may offer changed (math macros, the workspace trusted). */
  async renderAll(): Promise<void> {
    for (const [file, panels] of this.open) for (const panel of panels) await this.render(vscode.Uri.file(file), panel);
  }

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  async resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel): Promise<void> {
    const key = document.uri.fsPath;
    const panels = this.open.get(key) ?? new Set();
    panels.add(panel);
    this.open.set(key, panels);
    panel.onDidDispose(() => {
      panels.delete(panel);
      if (panels.size === 0) {
        this.open.delete(key);
        this.setPreviewable(key, false);
      }
    });
    panel.webview.options = webviewOptions(this.ctx.extensionUri);
    panel.webview.onDidReceiveMessage(async (raw: unknown) => {
      const message = parseCardToHost(raw);
      if (!message) {
        this.ctx.log.warn(`Ignored an invalid message from a model card: ${JSON.stringify(raw)?.slice(0, 200)}`);
        return;
      }
      if (message.type === 'preview') await vscode.commands.executeCommand('attractor.previewModel', document.uri);
      else if (message.type === 'reveal') await vscode.commands.executeCommand('attractor.revealModel', document.uri);
      else if (message.type === 'openPaper') {
        const link = this.links.get(panel);
        if (link)
          await link
            .open()
            .catch((err: unknown) => this.ctx.log.error(`Could not open the paper of ${document.uri.fsPath}`, err));
      }
    });
    await this.render(document.uri, panel);
  }

  /** The file changed on disk: re-read it in every card showing it. */
  async fileChanged(uri: vscode.Uri): Promise<void> {
    for (const panel of this.open.get(uri.fsPath) ?? []) await this.render(uri, panel);
  }

  private setPreviewable(file: string, on: boolean): void {
    if (on === this.previewable.has(file)) return;
    if (on) this.previewable.add(file);
    else this.previewable.delete(file);
    void vscode.commands.executeCommand('setContext', PREVIEWABLE_KEY, [...this.previewable]);
  }

  private async render(uri: vscode.Uri, panel: vscode.WebviewPanel): Promise<void> {
    const fileName = path.basename(uri.fsPath);
    let body: string;
    let previewable = false;
    try {
      const started = performance.now();
      const { info, refusal } = await this.ctx.runtime.inspect(uri.fsPath);
      const recognition = refuseRun(
        recognise(info, this.ctx.answers.get(uri)),
        this.ctx.runRefusal(uri, info, refusal),
      );
      const metadata = recognition.ok ? recognition.signature.metadata : recognition.metadata;
      const link = await this.ctx.paperLinks.linkFor({ file: uri.fsPath, metadata }, (err) =>
        this.ctx.log.warn(`A model paper link failed: ${String(err)}`),
      );
      if (link) this.links.set(panel, link);
      else this.links.delete(panel);
      const docHtml = info.docString ? await this.ctx.renderer.render(info.docString) : undefined;
      body = renderModelCard(fileName, info, recognition, link && { title: link.title, detail: link.detail }, docHtml);
      previewable = recognition.ok;
      this.ctx.log.debug(`Model card of ${fileName} read in ${(performance.now() - started).toFixed(1)} ms`);
    } catch (err) {
      if (!(err instanceof ModelFileError)) this.ctx.log.error(`Could not read ${uri.fsPath}`, err);
      else if (err.detail) this.ctx.log.info(`${uri.fsPath}: ${err.message} (${err.detail})`);
      body = renderCardError(fileName, err instanceof Error ? err : new Error(String(err)));
    }
    this.setPreviewable(uri.fsPath, previewable);
    panel.webview.html = extensionWebviewHtml(panel.webview, this.ctx.extensionUri, {
      title: fileName,
      script: 'modelCard',
      styles: [
        ['dist', 'webview', 'katex', 'katex.min.css'],
        ['media', 'model.css'],
      ],
      body,
    });
  }
}
