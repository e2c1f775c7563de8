import * as vscode from 'vscode';
import { Disposable } from '../util/disposable';
import { notePaperId } from './noteDocument';
import { notesFolder, onNotesFolderChange } from './notesFolder';

/** Frontmatter sits at the top; reading this much of a note is enough to find its paper id. */
const HEAD_BYTES = 4096;

/**
 * Which papers have notes: the Markdown files of the notes folder, keyed by the `id` in their frontmatter (so
 * a renamed or hand-made note still counts). Built on first use, then kept current by a file watcher.
 */
export class NotesIndex extends Disposable {
  private byPaper = new Map<string, vscode.Uri>();
  private building: Promise<void> | undefined;
  private watcher: vscode.FileSystemWatcher | undefined;
  private readonly changed = this.register(new vscode.EventEmitter<readonly string[]>());
  /** Fires with the paper ids whose note appeared or disappeared. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly log: vscode.LogOutputChannel) {
    super();
    this.register(onNotesFolderChange(() => this.rebuild()));
    this.register({ dispose: () => this.watcher?.dispose() });
  }

  /** Known without waiting: false until the index is built (and it starts building). */
  hasNoteNow(paperId: string): boolean {
    void this.ready();
    return this.byPaper.has(paperId);
  }

  async noteFor(paperId: string): Promise<vscode.Uri | undefined> {
    await this.ready();
    return this.byPaper.get(paperId);
  }

  noteForNow(paperId: string): vscode.Uri | undefined {
    void this.ready();
    return this.byPaper.get(paperId);
  }

  /** Paper id of a note file, if it is one. */
  async paperOf(uri: vscode.Uri): Promise<string | undefined> {
    await this.ready();
    for (const [id, u] of this.byPaper) if (u.toString() === uri.toString()) return id;
    return undefined;
  }

  ready(): Promise<void> {
    this.building ??= this.build();
    return this.building;
  }

  /** Record a note Attractor just wrote, without waiting for the watcher. */
  add(paperId: string, uri: vscode.Uri): void {
    if (this.byPaper.get(paperId)?.toString() === uri.toString()) return;
    this.byPaper.set(paperId, uri);
    this.changed.fire([paperId]);
  }

  private rebuild(): void {
    const before = [...this.byPaper.keys()];
    this.byPaper = new Map();
    this.building = undefined;
    void this.ready().then(() => this.changed.fire([...new Set([...before, ...this.byPaper.keys()])]));
  }

  private async build(): Promise<void> {
    this.watcher?.dispose();
    this.watcher = undefined;
    const folder = notesFolder();
    if (folder.kind !== 'ok') return;
    const pattern = new vscode.RelativePattern(folder.uri, '**/*.{md,markdown}');
    this.watcher = vscode.workspace.createFileSystemWatcher(pattern);
    this.watcher.onDidCreate((u) => void this.update(u));
    this.watcher.onDidChange((u) => void this.update(u));
    this.watcher.onDidDelete((u) => this.remove(u));
    try {
      const files = await vscode.workspace.findFiles(pattern, undefined, 5000);
      await Promise.all(files.map((u) => this.update(u, false)));
      if (this.byPaper.size > 0) this.changed.fire([...this.byPaper.keys()]);
    } catch (err) {
      this.log.warn(`Could not list the notes folder: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private async update(uri: vscode.Uri, notify = true): Promise<void> {
    let id: string | undefined;
    try {
      const bytes = await vscode.workspace.fs.readFile(uri);
      id = notePaperId(Buffer.from(bytes.subarray(0, HEAD_BYTES)).toString('utf8'));
    } catch {
      id = undefined;
    }
    const changed: string[] = [];
    for (const [paperId, u] of this.byPaper) {
      if (u.toString() === uri.toString() && paperId !== id) {
        this.byPaper.delete(paperId);
        changed.push(paperId);
      }
    }
    if (id && !this.byPaper.has(id)) {
      this.byPaper.set(id, uri);
      changed.push(id);
    }
    if (notify && changed.length > 0) this.changed.fire(changed);
  }

  private remove(uri: vscode.Uri): void {
    const changed: string[] = [];
    for (const [paperId, u] of this.byPaper) {
      if (u.toString() === uri.toString()) {
        this.byPaper.delete(paperId);
        changed.push(paperId);
      }
    }
    if (changed.length > 0) this.changed.fire(changed);
  }
}
