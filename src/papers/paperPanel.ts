import * as vscode from 'vscode';
import { arxivAbsUrl, arxivTitleSearchUrl, huggingFacePaperUrl, huggingFaceSearchUrl } from '../core/paperUrls';
import { formatDay } from './dayGroups';
import { citeKey, toBibtex } from './bibtex';
import { describeAuthors, type Paper } from './paper';
import type { PaperStore } from './paperStore';
import type { LazyRenderer } from '../render/lazyRenderer';
import { abstractAsMarkdown } from '../render/abstractMarkdown';
import { repairHfTex } from '../render/texRepair';
import { Disposable } from '../util/disposable';
import { showError } from '../commands/showError';
import {
  parsePaperPanelState,
  parsePaperWebviewToHost,
  type HostToPaperWebview,
  type PaperWebviewToHost,
} from './paperProtocol';
import { webviewOptions } from '../webview/extensionWebview';
import { OpenPages, restorePages, WebviewPage, type PageHost } from '../webview/webviewPage';

export const PAPER_VIEW_TYPE = 'attractor.paper';

interface PanelContext extends PageHost {
  readonly store: PaperStore;
  readonly renderer: LazyRenderer;
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

const PROTOCOL = { name: 'the paper panel', parse: parsePaperWebviewToHost };

/** One webview panel showing one paper's abstract. */
class PaperPanel extends WebviewPage<PaperWebviewToHost, HostToPaperWebview> {
  constructor(
    readonly paper: Paper,
    panel: vscode.WebviewPanel,
    private readonly ctx: PaperPanelContext,
  ) {
    super(panel, ctx, PROTOCOL);
    panel.title = paper.title;
    panel.iconPath = vscode.Uri.joinPath(ctx.extensionUri, 'media', 'paper.svg');
    this.setPage({
      title: paper.title,
      script: 'paper',
      styles: [
        ['dist', 'webview', 'katex', 'katex.min.css'],
        ['media', 'paper.css'],
      ],
      body: '<main id="paper" aria-busy="true"><p class="loading">Loading…</p></main>',
    });
  }

  protected override ready(): Promise<void> {
    return this.render();
  }

  protected async handle(message: Exclude<PaperWebviewToHost, { type: 'ready' }>): Promise<void> {
    const { paper } = this;
    switch (message.type) {
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
}

/** Opens one panel per paper (a second open reveals it) and restores panels after a window reload. */
export class PaperPanels extends Disposable {
  private readonly open = this.register(new OpenPages<PaperPanel>());
  private readonly renderedEmitter = this.register(new vscode.EventEmitter<RenderedAbstract>());
  /** An abstract was rendered (off the extension host's thread) and posted to its panel. */
  readonly onDidRender = this.renderedEmitter.event;
  private readonly ctx: PaperPanelContext;

  constructor(ctx: PanelContext) {
    super();
    this.ctx = { ...ctx, rendered: (r) => this.renderedEmitter.fire(r) };
    this.register(restorePages(PAPER_VIEW_TYPE, (panel, state) => this.restore(panel, state)));
    this.register(ctx.renderer.onDidChangeMacros(() => this.open.all().forEach((p) => void p.rerender())));
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
    this.open.add(paper.id, new PaperPanel(paper, panel, this.ctx));
  }

  /** Annotate Selection from the panel's context menu: the focused paper panel sends its selection. */
  async annotateActiveSelection(): Promise<void> {
    await this.open.active()?.requestSelection();
  }

  private async restore(panel: vscode.WebviewPanel, state: unknown): Promise<PaperPanel | undefined> {
    const saved = parsePaperPanelState(state);
    // The webview's state can miss a reload that comes right after the panel opened; its title, the paper's
    // title, still names the paper.
    const paper = saved
      ? await this.ctx.store.get(saved.paperId)
      : (await this.ctx.store.all()).find((p) => p.title === panel.title);
    // The paper left the library, or is already shown: nothing to restore.
    if (!paper || this.open.has(paper.id)) return undefined;
    return this.open.add(paper.id, new PaperPanel(paper, panel, this.ctx));
  }
}
