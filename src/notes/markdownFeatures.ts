import type MarkdownIt from 'markdown-it';
import * as vscode from 'vscode';
import { citeKey } from '../papers/bibtex';
import { formatDay } from '../papers/dayGroups';
import { describeAuthors } from '../papers/paper';
import type { LazyRenderer } from '../render/lazyRenderer';
import { ATTRACTOR_MACROS_SETTING, prependMacroDefinitions } from '../render/mathMacros';
import { markdownText } from '../render/untrustedMarkdown';
import { Disposable } from '../util/disposable';
import type { NotesIndex } from './notesIndex';
import { PaperDirectory } from './paperDirectory';
import { arxivAbsUrl, paperWebUrl } from '../core/paperUrls';
import { paperLinkAt, paperLinksPlugin, type PaperRef, type ResolvedPaperLink } from './bracketLinks';
import { previewMathLimitPlugin } from './previewMathLimit';

const MARKDOWN: vscode.DocumentSelector = [{ language: 'markdown' }];
const HOVER_ABSTRACT_CHARS = 500;

/**
 * Paper links in Markdown: `[[arXiv:…]]` rendered in the preview, hovers with the paper, completion after `[[`,
 * and Go to Definition to the paper's note.
 */
export class PaperLinkFeatures
  extends Disposable
  implements vscode.HoverProvider, vscode.CompletionItemProvider, vscode.DefinitionProvider
{
  constructor(
    private readonly directory: PaperDirectory,
    private readonly index: NotesIndex,
    private readonly renderer: LazyRenderer,
  ) {
    super();
    this.register(vscode.languages.registerHoverProvider(MARKDOWN, this));
    this.register(vscode.languages.registerCompletionItemProvider(MARKDOWN, this, '['));
    this.register(vscode.languages.registerDefinitionProvider(MARKDOWN, this));
    this.register(renderer.onDidChangeMacros(() => void vscode.commands.executeCommand('markdown.preview.refresh')));
  }

  /** The `markdown.markdownItPlugins` entry point: VS Code's preview passes its markdown-it here. */
  extendMarkdownIt(md: MarkdownIt): MarkdownIt {
    void this.directory.refresh().catch(() => undefined);
    void this.index.ready();
    md.core.ruler.push('attractor_math_macros', (state) => {
      prependMacroDefinitions(state.tokens, this.previewMacros());
      return true;
    });
    md.use(previewMathLimitPlugin);
    return md.use(paperLinksPlugin, (ref: PaperRef) => this.resolveForPreview(ref));
  }

  /**
   * The checked `attractor.math.macros` for the preview (VS Code's math extension applies `markdown.math.macros`
   * itself). Not checked yet: the preview renders without them and is refreshed once the worker has checked.
   */
  private previewMacros() {
    const accepted = this.renderer.acceptedMacros();
    if (!accepted) {
      void this.renderer.checkMacros().then(() => vscode.commands.executeCommand('markdown.preview.refresh'));
      return [];
    }
    return accepted.filter((m) => m.setting === ATTRACTOR_MACROS_SETTING);
  }

  private resolveForPreview(ref: PaperRef): ResolvedPaperLink | undefined {
    const paper = this.directory.resolve(ref);
    if (!paper) return undefined;
    const note = this.index.noteForNow(paper.id);
    // A note opens in the editor (a path from the workspace root); otherwise the paper's page on the web.
    const href = note
      ? `/${vscode.workspace.asRelativePath(note, false).split('/').map(encodeURIComponent).join('/')}`
      : paperWebUrl(paper);
    return { title: paper.title, href };
  }

  private async linkAt(document: vscode.TextDocument, position: vscode.Position) {
    const line = document.lineAt(position.line).text;
    const link = paperLinkAt(line, position.character);
    if (!link) return undefined;
    await this.directory.refresh().catch(() => undefined);
    const paper = this.directory.resolve(link.ref);
    const range = new vscode.Range(position.line, link.start, position.line, link.end);
    return { link, paper, range };
  }

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const found = await this.linkAt(document, position);
    if (!found) return undefined;
    const md = new vscode.MarkdownString(undefined, true);
    md.isTrusted = { enabledCommands: ['attractor.openPaper', 'attractor.openNote', 'attractor.annotatePaper'] };
    if (!found.paper) {
      if (found.link.ref.kind !== 'arxiv') return undefined;
      md.appendText(`arXiv:${found.link.ref.arxivId} is not in the library. `);
      md.appendMarkdown(`[Open on arXiv](${arxivAbsUrl(found.link.ref.arxivId)})`);
      return new vscode.Hover(md, found.range);
    }
    const p = found.paper;
    // This hover trusts three commands: network text goes in through markdownText, never appendText, which
    // leaves `<command:…>` autolinks (and `$(icon)`) working.
    md.appendMarkdown(`**${markdownText(p.title)}**\n\n`);
    md.appendMarkdown(`${markdownText(`${describeAuthors(p)} · ${formatDay(p.published)} · @${citeKey(p)}`)}\n\n`);
    const abstract =
      p.abstract.length > HOVER_ABSTRACT_CHARS ? `${p.abstract.slice(0, HOVER_ABSTRACT_CHARS).trimEnd()}…` : p.abstract;
    md.appendMarkdown(`${markdownText(abstract)}\n\n`);
    const args = encodeURIComponent(JSON.stringify([p.id]));
    const hasNote = (await this.index.noteFor(p.id)) !== undefined;
    md.appendMarkdown(`[Open Paper](command:attractor.openPaper?${args}) · `);
    md.appendMarkdown(
      hasNote
        ? `[Open Note](command:attractor.openNote?${args})`
        : `[Annotate Paper](command:attractor.annotatePaper?${args})`,
    );
    md.appendMarkdown(` · [Web page](${paperWebUrl(p)})`);
    return new vscode.Hover(md, found.range);
  }

  async provideCompletionItems(
    document: vscode.TextDocument,
    position: vscode.Position,
  ): Promise<vscode.CompletionItem[] | undefined> {
    const before = document.lineAt(position.line).text.slice(0, position.character);
    const open = /\[\[([^[\]]*)$/.exec(before);
    if (!open) return undefined;
    await this.directory.refresh().catch(() => undefined);
    const after = document.lineAt(position.line).text.slice(position.character);
    const closing = after.startsWith(']]') ? '' : ']]';
    const range = new vscode.Range(
      position.line,
      position.character - open[1].length,
      position.line,
      position.character,
    );
    return [...this.directory.all()]
      .sort((a, b) => b.published.localeCompare(a.published))
      .map((p, i) => {
        const link = PaperDirectory.linkTextOf(p);
        const item = new vscode.CompletionItem(
          { label: p.title, description: link },
          vscode.CompletionItemKind.Reference,
        );
        item.insertText = `${link}${closing}`;
        item.filterText = `${link} ${citeKey(p)} ${p.title}`;
        item.sortText = String(i).padStart(6, '0');
        item.range = range;
        item.detail = `${describeAuthors(p)} · ${formatDay(p.published)} · @${citeKey(p)}`;
        item.documentation = new vscode.MarkdownString(markdownText(p.abstract.slice(0, HOVER_ABSTRACT_CHARS)));
        return item;
      });
  }

  async provideDefinition(
    document: vscode.TextDocument,
    position: vscode.Position,
  ): Promise<vscode.Definition | undefined> {
    const found = await this.linkAt(document, position);
    if (!found?.paper) return undefined;
    const note = await this.index.noteFor(found.paper.id);
    return note ? new vscode.Location(note, new vscode.Position(0, 0)) : undefined;
  }
}
