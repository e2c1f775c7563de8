import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Disposable } from '../util/disposable';

export type ModelSource = 'bundled' | 'workspace' | 'downloaded';

const GROUP_LABELS: Record<ModelSource, string> = {
  bundled: 'Bundled',
  workspace: 'Workspace',
  downloaded: 'Downloaded',
};

/** A group row: Bundled, Workspace, Downloaded. */
export class ModelGroupItem extends vscode.TreeItem {
  constructor(
    readonly source: ModelSource,
    count: number,
  ) {
    super(
      GROUP_LABELS[source],
      count > 0 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None,
    );
    this.id = `models:${source}`;
    this.contextValue = 'modelGroup';
    this.description = count === 0 ? 'none' : String(count);
  }
}

/** One .onnx file. Clicking opens its model card. */
export class ModelItem extends vscode.TreeItem {
  constructor(
    readonly uri: vscode.Uri,
    readonly source: ModelSource,
    description: string,
  ) {
    super(path.basename(uri.fsPath), vscode.TreeItemCollapsibleState.None);
    this.id = `model:${uri.toString()}`;
    this.resourceUri = uri;
    this.description = description;
    this.tooltip = uri.fsPath;
    this.contextValue = source === 'workspace' ? 'model.workspace' : 'model';
    this.iconPath = new vscode.ThemeIcon('pulse');
    this.command = { command: 'attractor.openModelCard', title: 'Open Model Card', arguments: [uri] };
  }
}

type Node = ModelGroupItem | ModelItem;

/**
 * The Models view: the extension's bundled models (media/models/), every *.onnx in the workspace (kept current
 * by a file watcher) and downloaded models (the extension's global storage, models/).
 */
export class ModelsTreeProvider extends Disposable implements vscode.TreeDataProvider<Node> {
  private readonly changed = this.register(new vscode.EventEmitter<Node | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private workspace: Promise<vscode.Uri[]> | undefined;

  constructor(
    private readonly bundledDir: vscode.Uri,
    private readonly downloadedDir: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
  }

  /** Re-lists the workspace (called by the file watcher) or everything. */
  refresh(): void {
    this.workspace = undefined;
    this.changed.fire(undefined);
  }

  getTreeItem(node: Node): vscode.TreeItem {
    return node;
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (!node) {
      const [bundled, workspace, downloaded] = await Promise.all([
        this.list('bundled'),
        this.list('workspace'),
        this.list('downloaded'),
      ]);
      const groups = [new ModelGroupItem('bundled', bundled.length), new ModelGroupItem('workspace', workspace.length)];
      if (downloaded.length > 0) groups.push(new ModelGroupItem('downloaded', downloaded.length));
      return groups;
    }
    if (node instanceof ModelGroupItem) {
      const uris = await this.list(node.source);
      return Promise.all(uris.map(async (u) => new ModelItem(u, node.source, await this.describe(u, node.source))));
    }
    return [];
  }

  /** Every model the view lists, for the palette's picker. */
  async all(): Promise<{ uri: vscode.Uri; source: ModelSource }[]> {
    const out: { uri: vscode.Uri; source: ModelSource }[] = [];
    for (const source of ['bundled', 'workspace', 'downloaded'] as const)
      for (const uri of await this.list(source)) out.push({ uri, source });
    return out;
  }

  private async describe(uri: vscode.Uri, source: ModelSource): Promise<string> {
    let size = '';
    try {
      const s = await fs.stat(uri.fsPath);
      size = s.size < 1024 * 1024 ? `${(s.size / 1024).toFixed(0)} KB` : `${(s.size / 1024 / 1024).toFixed(1)} MB`;
    } catch {
      /* listed a moment ago, gone now: the watcher refreshes */
    }
    if (source !== 'workspace') return size;
    const folder = path.dirname(vscode.workspace.asRelativePath(uri, false));
    return folder === '.' ? size : `${folder} · ${size}`;
  }

  private async list(source: ModelSource): Promise<vscode.Uri[]> {
    try {
      if (source === 'workspace') {
        this.workspace ??= Promise.resolve(vscode.workspace.findFiles('**/*.onnx', '**/{node_modules,.git}/**', 1000));
        const found = await this.workspace;
        return [...found].sort((a, b) => a.fsPath.localeCompare(b.fsPath));
      }
      const dir = source === 'bundled' ? this.bundledDir : this.downloadedDir;
      const names = await fs.readdir(dir.fsPath).catch(() => [] as string[]);
      return names
        .filter((n) => n.toLowerCase().endsWith('.onnx'))
        .sort()
        .map((n) => vscode.Uri.joinPath(dir, n));
    } catch (err) {
      this.log.warn(`Could not list ${source} models: ${err instanceof Error ? err.message : String(err)}`);
      return [];
    }
  }
}
