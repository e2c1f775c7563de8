import * as path from 'node:path';
import * as vscode from 'vscode';
import { Disposable } from '../util/disposable';
import { OpenPages, WebviewPage, type PageHost } from '../webview/webviewPage';
import type { KindAnswers } from './kindAnswers';
import { ModelFileError } from './modelErrors';
import { renderCardError, renderModelCard } from './modelCardHtml';
import type { ModelPaperLink, ModelPaperLinks } from './paperProviders';
import { parseCardToHost, type CardToHost } from './previewProtocol';
import type { LazyRenderer } from '../render/lazyRenderer';
import type { ModelRuntime } from './runtime';
import type { ModelInfo } from './onnxFile';
import { recognise, refuseRun } from './signature';

export const MODEL_CARD_VIEW_TYPE = 'attractor.modelCard';

interface CardContext extends PageHost {
  readonly runtime: ModelRuntime;
  readonly answers: KindAnswers;
  readonly paperLinks: ModelPaperLinks;
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

const PROTOCOL = { name: 'a model card', parse: parseCardToHost };

/** One card of one model file: drawn as a whole (no script state to keep), again when the file changes. */
class ModelCard extends WebviewPage<CardToHost, never> {
  /** The paper link shown, for the `openPaper` message. */
  private link: ModelPaperLink | undefined;

  constructor(
    readonly uri: vscode.Uri,
    panel: vscode.WebviewPanel,
    private readonly ctx: CardContext,
    /** Told whether this card can start a preview, after each drawing. */
    private readonly previewable: (on: boolean) => void,
  ) {
    super(panel, ctx, PROTOCOL);
  }

  protected async handle(message: CardToHost): Promise<void> {
    switch (message.type) {
      case 'preview':
        await vscode.commands.executeCommand('attractor.previewModel', this.uri);
        return;
      case 'reveal':
        await vscode.commands.executeCommand('attractor.revealModel', this.uri);
        return;
      case 'openPaper':
        await this.link?.open();
        return;
    }
  }

  async render(): Promise<void> {
    const { uri, ctx } = this;
    const fileName = path.basename(uri.fsPath);
    let body: string;
    let previewable = false;
    try {
      const started = performance.now();
      const { info, refusal } = await ctx.runtime.inspect(uri.fsPath);
      const recognition = refuseRun(recognise(info, ctx.answers.get(uri)), ctx.runRefusal(uri, info, refusal));
      const metadata = recognition.ok ? recognition.signature.metadata : recognition.metadata;
      this.link = await ctx.paperLinks.linkFor({ file: uri.fsPath, metadata }, (err) =>
        ctx.log.warn(`A model paper link failed: ${String(err)}`),
      );
      const docHtml = info.docString ? await ctx.renderer.render(info.docString) : undefined;
      const link = this.link && { title: this.link.title, detail: this.link.detail };
      body = renderModelCard(fileName, info, recognition, link, docHtml);
      previewable = recognition.ok;
      ctx.log.debug(`Model card of ${fileName} read in ${(performance.now() - started).toFixed(1)} ms`);
    } catch (err) {
      if (!(err instanceof ModelFileError)) ctx.log.error(`Could not read ${uri.fsPath}`, err);
      else if (err.detail) ctx.log.info(`${uri.fsPath}: ${err.message} (${err.detail})`);
      body = renderCardError(fileName, err instanceof Error ? err : new Error(String(err)));
    }
    if (this.isDisposed) return;
    this.previewable(previewable);
    this.setPage({
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

/**
 * The read-only custom editor for *.onnx: a model card (file facts, inputs/outputs, metadata, ops, what Attractor
 * recognised) with a Preview button. It reads the file with onnx-proto only; onnxruntime is not loaded.
 */
export class ModelCardEditorProvider extends Disposable implements vscode.CustomReadonlyEditorProvider {
  private readonly open = this.register(new OpenPages<ModelCard>());
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
    for (const card of this.open.all()) await card.render();
  }

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  async resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel): Promise<void> {
    const key = document.uri.fsPath;
    const card = this.open.add(key, new ModelCard(document.uri, panel, this.ctx, (on) => this.setPreviewable(key, on)));
    panel.onDidDispose(() => {
      if (!this.open.has(key)) this.setPreviewable(key, false);
    });
    await card.render();
  }

  /** The file changed on disk: re-read it in every card showing it. */
  async fileChanged(uri: vscode.Uri): Promise<void> {
    for (const card of this.open.of(uri.fsPath)) await card.render();
  }

  private setPreviewable(file: string, on: boolean): void {
    if (on === this.previewable.has(file)) return;
    if (on) this.previewable.add(file);
    else this.previewable.delete(file);
    void vscode.commands.executeCommand('setContext', PREVIEWABLE_KEY, [...this.previewable]);
  }
}
