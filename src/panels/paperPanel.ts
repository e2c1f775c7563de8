import * as vscode from 'vscode';
import { arxivAbsUrl, arxivTitleSearchUrl, huggingFacePaperUrl, huggingFaceSearchUrl } from '../core/paperUrls';
import { formatDay } from '../papers/dayGroups';
import { citeKey, toBibtex } from '../papers/bibtex';
import { describeAuthors, type Paper } from '../papers/paper';
import type { PaperStore } from '../papers/paperStore';
import type { LazyRenderer } from '../render/lazyRenderer';
import { abstractAsMarkdown } from '../render/abstractMarkdown';
import { repairHfTex } from '../render/texRepair';
import { Disposable } from '../util/disposable';
import { showError } from '../util/errors';
import {
  parsePaperPanelState,
  parsePaperWebviewToHost,
  type HostToPaperWebview,
  type PaperWebviewToHost,
} from './paperProtocol';
import { extensionWebviewHtml, webviewOptions } from '../webview/extensionWebview';

export const PAPER_VIEW_TYPE = 'attractor.paper';

interface PanelContext {
  readonly extensionUri: vscode.Uri;
  readonly store: PaperStore;
  readonly renderer: LazyRenderer;
  readonly log: vscode.LogOutputChannel;
}

/** A paper's abstract rendered and posted to its panel. */
export interface RenderedAbstract {
  readonly paperId: string;
  /** From the request to render to the message posted, on the extension host's clock. */
  readonly ms: number;
  readonly abstractHtml: string;
}

interface PaperPanelContext extends PanelContext {
  readonly rendered: (r: RenderedAbstract) => void;
}

/** One webview panel showing one paper's abstract. */
class PaperPanel extends Disposable {
  constructor(
    readonly paper: Paper,
    readonly panel: vscode.WebviewPanel,
    private readonly ctx: PaperPanelContext,
  ) {
    super();
    this.register(panel.onDidDispose(() => this.dispose()));
    this.register(panel.webview.onDidReceiveMessage((m: unknown) => this.onMessage(m)));
    panel.title = paper.title;
    panel.iconPath = vscode.Uri.joinPath(ctx.extensionUri, 'media', 'paper.svg');
    panel.webview.options = webviewOptions(ctx.extensionUri);
    panel.webview.html = this.shell();
  }

  private shell(): string {
    return extensionWebviewHtml(this.panel.webview, this.ctx.extensionUri, {
      title: this.paper.title,
      script: 'paper',
      styles: [
        ['dist', 'webview', 'katex', 'katex.min.css'],
        ['media', 'paper.css'],
      ],
      body: '<main id="paper" aria-busy="true"><p class="loading">Loading…</p></main>',
    });
  }

  private async onMessage(raw: unknown): Promise<void> {
    const message = parsePaperWebviewToHost(raw);
    if (!message) {
      this.ctx.log.warn(`Ignored an invalid message from the paper panel: ${JSON.stringify(raw)?.slice(0, 200)}`);
      return;
    }
    await this.handle(message);
  }

  private async handle(message: PaperWebviewToHost): Promise<void> {
    const { paper } = this;
    switch (message.type) {
      case 'ready':
        return this.render();
      case 'copyAbstract':
        await vscode.env.clipboard.writeText(abstractAsMarkdown(paper.abstract));
        return this.status('Abstract copied as Markdown, math in $…$.');
      case 'copyBibtex':
        await vscode.env.clipboard.writeText(toBibtex(paper));
        return this.status(`BibTeX copied (@${citeKey(paper)}).`);
      case 'openArxiv':
        // Without an arXiv id, a title search stands in for the page.
        await vscode.env.openExternal(
          vscode.Uri.parse(paper.arxivId ? arxivAbsUrl(paper.arxivId) : arxivTitleSearchUrl(paper.title)),
        );
        return;
      case 'openHuggingFace':
        await vscode.env.openExternal(
          vscode.Uri.parse(paper.arxivId ? huggingFacePaperUrl(paper.arxivId) : huggingFaceSearchUrl(paper.title)),
        );
        return;
      case 'annotate':
        return this.runCommand('attractor.annotatePaper', 'Annotate');
      case 'annotateSelection':
        return this.runCommand('attractor.annotatePaperPassage', 'Annotate Selection', message.text);
    }
  }

  /** Actions other capabilities own run as their commands; a missing one is said in the panel, not thrown. */
  private async runCommand(command: string, label: string, ...args: unknown[]): Promise<void> {
    const known = await vscode.commands.getCommands(true);
    if (!known.includes(command)) {
      this.ctx.log.warn(`${label}: the command ${command} is not available`);
      return this.status(`${label} is not available in this version.`);
    }
    try {
      await vscode.commands.executeCommand(command, this.paper.id, ...args);
    } catch (err) {
      await this.status(`${label} failed; see Attractor: Show Log.`);
      await showError(this.ctx.log, `${label} failed for "${this.paper.title}"`, err);
    }
  }

  /** Asks the webview for its selection; it answers with an `annotateSelection` message. */
  requestSelection(): Promise<void> {
    return this.post({ type: 'requestSelection' });
  }

  private status(message: string): Promise<void> {
    return this.post({ type: 'status', message });
  }

  /** Renders the abstract again (the math macros changed). */
  rerender(): Promise<void> {
    return this.render();
  }

  private async render(): Promise<void> {
    try {
      const started = performance.now();
      const abstractHtml = await this.ctx.renderer.render(repairHfTex(this.paper.abstract));
      this.ctx.log.debug(`Rendered "${this.paper.title}" in ${(performance.now() - started).toFixed(1)} ms`);
      await this.post({
        type: 'render',
        paper: {
          id: this.paper.id,
          title: this.paper.title,
          authors: describeAuthors(this.paper),
          date: formatDay(this.paper.published),
          abstractHtml,
          originalAbstract: this.paper.abstract,
          hasArxivId: Boolean(this.paper.arxivId),
        },
      });
      this.ctx.rendered({ paperId: this.paper.id, ms: performance.now() - started, abstractHtml });
    } catch (err) {
      await this.post({ type: 'error', message: 'The abstract could not be rendered; see Attractor: Show Log.' });
      await showError(this.ctx.log, `Could not render "${this.paper.title}"`, err);
    }
  }

  private async post(message: HostToPaperWebview): Promise<void> {
    if (!this.isDisposed) await this.panel.webview.postMessage(message);
  }
}

/** Opens one panel per paper (a second open reveals it) and restores panels after a window reload. */
export class PaperPanels extends Disposable implements vscode.WebviewPanelSerializer {
  private readonly open = new Map<string, PaperPanel>();
  private readonly renderedEmitter = this.register(new vscode.EventEmitter<RenderedAbstract>());
  /** An abstract was rendered (off the extension host's thread) and posted to its panel. */
  readonly onDidRender = this.renderedEmitter.event;
  private readonly ctx: PaperPanelContext;

  constructor(ctx: PanelContext) {
    super();
    this.ctx = { ...ctx, rendered: (r) => this.renderedEmitter.fire(r) };
    this.register(vscode.window.registerWebviewPanelSerializer(PAPER_VIEW_TYPE, this));
    this.register({ dispose: () => this.open.forEach((p) => p.dispose()) });
    this.register(ctx.renderer.onDidChangeMacros(() => this.open.forEach((p) => void p.rerender())));
  }

  async show(paperId: string): Promise<void> {
    const existing = this.open.get(paperId);
    if (existing) {
      existing.panel.reveal(undefined, true);
      return;
    }
    const paper = await this.ctx.store.get(paperId);
    if (!paper) {
      void vscode.window.showWarningMessage(
        `Attractor: no paper with id "${paperId}" in the library. Refresh the Papers view and try again.`,
      );
      return;
    }
    // The focus stays where the user was (the Papers view, the quick input's caller), as a file opened by a single
    // click in the Explorer does. A panel that took it gets it handed back by VS Code once its frame has loaded and
    // 50 ms after each focus (its workaround for microsoft/vscode#75209), which closed a palette the user had
    // opened meanwhile: the content arrives a moment after the tab, rendered off the extension host's thread.
    const panel = vscode.window.createWebviewPanel(
      PAPER_VIEW_TYPE,
      paper.title,
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: true },
      { ...webviewOptions(this.ctx.extensionUri), enableFindWidget: true },
    );
    this.track(new PaperPanel(paper, panel, this.ctx));
  }

  /** Annotate Selection from the panel's context menu: the focused paper panel sends its selection. */
  async annotateActiveSelection(): Promise<void> {
    const active = [...this.open.values()].find((p) => p.panel.active);
    await active?.requestSelection();
  }

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const saved = parsePaperPanelState(state);
    // The webview's state can miss a reload that comes right after the panel opened; its title, the paper's
    // title, still names the paper.
    const paper = saved
      ? await this.ctx.store.get(saved.paperId)
      : (await this.ctx.store.all()).find((p) => p.title === panel.title);
    if (!paper || this.open.has(paper.id)) {
      panel.dispose(); // the paper left the library, or is already shown: nothing to restore
      return;
    }
    this.track(new PaperPanel(paper, panel, this.ctx));
  }

  private track(view: PaperPanel): void {
    this.open.set(view.paper.id, view);
    view.panel.onDidDispose(() => this.open.delete(view.paper.id));
  }
}
