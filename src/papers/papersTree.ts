import * as vscode from 'vscode';
import { formatDay, groupByDay, type DayGroup } from './dayGroups';
import { describeAuthors, type Paper } from './paper';
import type { PaperStore } from './paperStore';

/** Lines of the abstract shown in a row's tooltip. */
const TOOLTIP_CHARS = 400;

export type PapersNode = DayNode | PaperNode | ErrorNode;

export class DayNode extends vscode.TreeItem {
  readonly kind = 'day';
  constructor(readonly group: DayGroup) {
    super(formatDay(group.date), vscode.TreeItemCollapsibleState.Expanded);
    this.id = `day:${group.date}`;
    this.description = group.papers.length === 1 ? '1 paper' : `${group.papers.length} papers`;
    this.iconPath = new vscode.ThemeIcon('calendar');
    this.contextValue = 'day';
  }
}

export class PaperNode extends vscode.TreeItem {
  readonly kind = 'paper';
  constructor(readonly paper: Paper, parentId: string) {
    super(paper.title, vscode.TreeItemCollapsibleState.None);
    this.id = `${parentId}/${paper.id}`;
    this.description = describeAuthors(paper);
    this.tooltip = paperTooltip(paper);
    this.iconPath = new vscode.ThemeIcon('file-text');
    this.contextValue = 'paper';
    this.command = { command: 'attractor.openPaper', title: 'Open Paper', arguments: [paper.id] };
    this.accessibilityInformation = { label: `${paper.title}, ${describeAuthors(paper)}`, role: 'treeitem' };
  }
}

export class ErrorNode extends vscode.TreeItem {
  readonly kind = 'error';
  constructor(message: string) {
    super(message, vscode.TreeItemCollapsibleState.None);
    this.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
    this.tooltip = `${message}\nClick to retry.`;
    this.command = { command: 'attractor.refreshPapers', title: 'Retry' };
  }
}

/** Titles and abstracts are untrusted: appendText escapes them, and the tooltip is not trusted. */
function paperTooltip(paper: Paper): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, false);
  md.appendMarkdown('**').appendText(paper.title).appendMarkdown('**\n\n');
  md.appendText(`${describeAuthors(paper)} · ${formatDay(paper.published)}`).appendMarkdown('\n\n');
  const abstract = paper.abstract.length > TOOLTIP_CHARS ? `${paper.abstract.slice(0, TOOLTIP_CHARS).trimEnd()}…` : paper.abstract;
  md.appendText(abstract);
  return md;
}

/** The Papers view: papers grouped by day, newest first. */
export class PapersTreeProvider implements vscode.TreeDataProvider<PapersNode> {
  private readonly changed = new vscode.EventEmitter<PapersNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(
    private readonly store: PaperStore,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  refresh(): void {
    this.store.reset();
    this.changed.fire(undefined);
  }

  getTreeItem(node: PapersNode): vscode.TreeItem {
    return node;
  }

  async getChildren(node?: PapersNode): Promise<PapersNode[]> {
    if (node instanceof DayNode) return node.group.papers.map((p) => new PaperNode(p, node.id ?? ''));
    if (node) return [];
    try {
      return groupByDay(await this.store.all()).map((g) => new DayNode(g));
    } catch (err) {
      const detail = err instanceof Error ? err.message : String(err);
      this.log.error(`Could not load the paper library: ${detail}`);
      return [new ErrorNode(`Could not load the paper library: ${detail}`)];
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}
