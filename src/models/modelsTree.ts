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

/** A dynamical system the bundled models belong to (Lorenz-63, Arneodo, …). */
export class ModelSystemItem extends vscode.TreeItem {
  constructor(
    readonly system: string,
    label: string,
    readonly models: readonly BundledModel[],
  ) {
    super(label, vscode.TreeItemCollapsibleState.Collapsed);
    this.id = `models:bundled:${system}`;
    this.contextValue = 'modelSystem';
    this.description = String(models.length);
  }
}

/** One .onnx file. Clicking opens its model card. */
export class ModelItem extends vscode.TreeItem {
  constructor(
    readonly uri: vscode.Uri,
    readonly source: ModelSource,
    description: string,
    label = path.basename(uri.fsPath),
  ) {
    super(label, vscode.TreeItemCollapsibleState.None);
    this.id = `model:${uri.toString()}`;
    this.resourceUri = uri;
    this.description = description;
    this.tooltip = label === path.basename(uri.fsPath) ? uri.fsPath : `${label}\n${description}\n${uri.fsPath}`;
    this.contextValue = source === 'workspace' ? 'model.workspace' : 'model';
    this.iconPath = new vscode.ThemeIcon('pulse');
    this.command = { command: 'attractor.openModelCard', title: 'Open Model Card', arguments: [uri] };
  }
}

type Node = ModelGroupItem | ModelSystemItem | ModelItem;

/** A bundled model as the zoo's index.json names it, with its card's one-line summary. */
export interface BundledModel {
  readonly file: string;
  readonly label: string;
  readonly system: string;
  readonly summary: string;
}

/** "Arneodo (RK4 map)" → "Arneodo · RK4 map"; "Lorenz-63, SINDy" → "Lorenz-63 · SINDy". */
export function zooLabel(title: string): { label: string; systemName: string } {
  const paren = /^(.*\S)\s*\(([^()]*)\)$/.exec(title);
  const comma = /^([^,]+),\s*(.+)$/.exec(title);
  const parts = paren ?? comma;
  if (!parts) return { label: title, systemName: title };
  return { label: `${parts[1]} · ${parts[2]}`, systemName: parts[1] };
}

/** The first paragraph of a zoo card (after its `#` title): what the model is, in one line. */
export function cardSummary(markdown: string): string {
  const line = markdown
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l.length > 0 && !l.startsWith('#'));
  return line ?? '';
}

/**
 * The Models view: the extension's bundled models (media/models/), every *.onnx in the workspace (kept current
 * by a file watcher) and downloaded models (the extension's global storage, models/).
 */
export class ModelsTreeProvider extends Disposable implements vscode.TreeDataProvider<Node> {
  private readonly changed = this.register(new vscode.EventEmitter<Node | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private workspace: Promise<vscode.Uri[]> | undefined;
  private zoo: Promise<ModelSystemItem[] | undefined> | undefined;

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
    if (node instanceof ModelSystemItem) {
      return node.models.map(
        (m) => new ModelItem(vscode.Uri.joinPath(this.bundledDir, m.file), 'bundled', m.summary, m.label),
      );
    }
    if (node instanceof ModelGroupItem) {
      if (node.source === 'bundled') {
        const systems = await (this.zoo ??= this.readZoo());
        if (systems) return systems;
      }
      const uris = await this.list(node.source);
      return Promise.all(uris.map(async (u) => new ModelItem(u, node.source, await this.describe(u, node.source))));
    }
    return [];
  }

  /**
   * Every model the view lists, for the palette's picker. The workspace is searched afresh: a file saved a moment
   * ago must be offered even when the file watcher's event is late or was dropped (they are, under load), and the
   * view is redrawn when the search finds what it did not show.
   */
  async all(): Promise<{ uri: vscode.Uri; source: ModelSource }[]> {
    const shown = this.workspace;
    this.workspace = undefined;
    const fresh = await this.list('workspace');
    const key = (uris: readonly vscode.Uri[]) =>
      uris
        .map((u) => u.fsPath)
        .sort()
        .join('\n');
    const before = shown ? await shown.then(key, () => undefined) : undefined;
    if (before !== key(fresh)) this.changed.fire(undefined);
    const out: { uri: vscode.Uri; source: ModelSource }[] = [];
    for (const source of ['bundled', 'workspace', 'downloaded'] as const)
      for (const uri of await this.list(source)) out.push({ uri, source });
    return out;
  }

  /**
   * The bundled zoo grouped by system, labelled as its index.json titles them with each card's summary; undefined
   * when there is no index (then the files are listed by name).
   */
  private async readZoo(): Promise<ModelSystemItem[] | undefined> {
    try {
      const index = JSON.parse(await fs.readFile(path.join(this.bundledDir.fsPath, 'index.json'), 'utf8')) as {
        models?: { file?: unknown; card?: unknown; title?: unknown; system?: unknown }[];
      };
      const bySystem = new Map<string, { name: string; models: BundledModel[] }>();
      for (const m of index.models ?? []) {
        if (typeof m.file !== 'string' || typeof m.title !== 'string' || typeof m.system !== 'string') continue;
        const card =
          typeof m.card === 'string'
            ? await fs.readFile(path.join(this.bundledDir.fsPath, path.basename(m.card)), 'utf8').catch(() => '')
            : '';
        const { label, systemName } = zooLabel(m.title);
        const group = bySystem.get(m.system) ?? { name: systemName, models: [] };
        // "Van der Pol (μ = 1)" and "Van der Pol": the group takes the shorter name.
        if (systemName.length < group.name.length) group.name = systemName;
        group.models.push({ file: path.basename(m.file), label, system: m.system, summary: cardSummary(card) });
        bySystem.set(m.system, group);
      }
      return [...bySystem.entries()].map(([id, g]) => new ModelSystemItem(id, g.name, g.models));
    } catch (err) {
      this.log.warn(`Could not read the zoo index: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
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
