import { randomUUID } from 'node:crypto';
import * as os from 'node:os';
import * as vscode from 'vscode';
import { Disposable } from '../../util/disposable';
import { showError } from '../../commands/showError';
import { annotationsFileName } from '../noteFileName';
import { notesFolder, replaceFile } from '../notesFolder';
import { captureAnchor, resolveAnchor, type TextSpan } from './anchoring';
import {
  emptyAnnotationFile,
  parseAnnotationFile,
  serializeAnnotationFile,
  type Annotation,
  type AnnotationComment,
  type AnnotationFile,
  type PdfAnchor,
} from './annotationFile';

export const CONTROLLER_ID = 'attractor.annotations';
const REANCHOR_DELAY_MS = 120;
const ORPHAN_QUOTE_CHARS = 80;
const LABEL_QUOTE_CHARS = 60;

/** Every assignment to a thread property redraws its widget in the editor: assign only what changed. */
function setIfChanged<K extends 'label' | 'contextValue'>(
  thread: vscode.CommentThread,
  key: K,
  value: vscode.CommentThread[K],
): void {
  if (thread[key] !== value) thread[key] = value;
}

function shorten(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

/** What tests and other extensions can read about a note's annotations. */
export interface AnnotationState {
  readonly id: string;
  readonly quote: string;
  /** Offsets in the document as it is now; undefined when the passage is gone (orphaned). */
  readonly span: TextSpan | undefined;
  readonly comments: readonly string[];
  readonly resolved: boolean;
  /** The page and text of the paper's PDF the passage was selected from. */
  readonly pdf?: PdfAnchor;
}

/** One comment as the Comments API shows it, tied to the stored comment it came from. */
export class CommentView implements vscode.Comment {
  mode = vscode.CommentMode.Preview;
  body: string | vscode.MarkdownString;
  readonly author: vscode.CommentAuthorInformation;
  readonly timestamp: Date | undefined;
  readonly contextValue = 'annotationComment';
  /** The body before an edit started, for Cancel. */
  savedBody: string | vscode.MarkdownString;

  constructor(
    readonly data: AnnotationComment,
    readonly thread: vscode.CommentThread,
  ) {
    this.body = data.body;
    this.savedBody = data.body;
    this.author = { name: data.author };
    this.timestamp = data.created ? new Date(data.created) : undefined;
  }
}

/** One note's annotations: the sidecar's content, the threads showing them and where each passage is now. */
class NoteAnnotations {
  readonly threads = new Map<string, vscode.CommentThread>();
  readonly spans = new Map<string, TextSpan | undefined>();
  timer: NodeJS.Timeout | undefined;
  /** Writes of the sidecar, one after another, so the file always ends with the latest state. */
  writing: Promise<void> = Promise.resolve();

  constructor(
    readonly note: vscode.Uri,
    readonly sidecar: vscode.Uri,
    public file: AnnotationFile,
  ) {}
}

function bodyText(body: string | vscode.MarkdownString): string {
  return typeof body === 'string' ? body : body.value;
}

function author(): string {
  try {
    return os.userInfo().username || 'you';
  } catch {
    return 'you';
  }
}

/**
 * Annotations on notes through VS Code's Comments API: select a passage of a note, add a comment; reply, edit,
 * delete, resolve. Each note's annotations live in a sidecar file next to it, anchored by quote and context,
 * so they follow the passage when the note is edited; a passage that is gone leaves its annotation orphaned
 * (a file-level thread saying so), never deleted.
 */
export class AnnotationController extends Disposable {
  private readonly controller: vscode.CommentController;
  private readonly notes = new Map<string, NoteAnnotations>();
  private readonly loading = new Map<string, Promise<NoteAnnotations | undefined>>();
  private readonly highlight = this.register(
    vscode.window.createTextEditorDecorationType({
      backgroundColor: new vscode.ThemeColor('attractor.annotationBackground'),
      borderRadius: '2px',
      overviewRulerColor: new vscode.ThemeColor('attractor.annotationBackground'),
      overviewRulerLane: vscode.OverviewRulerLane.Right,
    }),
  );

  constructor(private readonly log: vscode.LogOutputChannel) {
    super();
    this.controller = this.register(vscode.comments.createCommentController(CONTROLLER_ID, 'Attractor Annotations'));
    this.controller.options = { prompt: 'Add a comment…', placeHolder: 'What about this passage?' };
    this.controller.commentingRangeProvider = {
      provideCommentingRanges: (doc) =>
        this.isNote(doc.uri) ? [new vscode.Range(0, 0, Math.max(0, doc.lineCount - 1), 0)] : undefined,
    };
    this.register(vscode.workspace.onDidOpenTextDocument((d) => void this.track(d)));
    this.register(vscode.workspace.onDidChangeTextDocument((e) => this.scheduleReanchor(e.document)));
    this.register(vscode.workspace.onDidSaveTextDocument((d) => void this.onSaved(d)));
    this.register(vscode.window.onDidChangeVisibleTextEditors(() => this.decorateAll()));
    this.register({ dispose: () => this.notes.forEach((n) => clearTimeout(n.timer)) });
    for (const d of vscode.workspace.textDocuments) void this.track(d);
  }

  /** Markdown files in the notes folder can be annotated. */
  isNote(uri: vscode.Uri): boolean {
    const folder = notesFolder();
    if (folder.kind !== 'ok' || !/\.(md|markdown)$/i.test(uri.path)) return false;
    const base = folder.uri.path.endsWith('/') ? folder.uri.path : `${folder.uri.path}/`;
    return uri.scheme === folder.uri.scheme && uri.authority === folder.uri.authority && uri.path.startsWith(base);
  }

  private sidecarOf(note: vscode.Uri): vscode.Uri {
    const name = note.path.slice(note.path.lastIndexOf('/') + 1);
    return vscode.Uri.joinPath(note, '..', annotationsFileName(name));
  }

  private async track(doc: vscode.TextDocument): Promise<NoteAnnotations | undefined> {
    if (!this.isNote(doc.uri)) return undefined;
    const key = doc.uri.toString();
    const known = this.notes.get(key);
    if (known) return known;
    let pending = this.loading.get(key);
    if (!pending) {
      pending = this.load(doc).finally(() => this.loading.delete(key));
      this.loading.set(key, pending);
    }
    return pending;
  }

  private async load(doc: vscode.TextDocument): Promise<NoteAnnotations | undefined> {
    const sidecar = this.sidecarOf(doc.uri);
    const noteName = doc.uri.path.slice(doc.uri.path.lastIndexOf('/') + 1);
    let file: AnnotationFile;
    try {
      const bytes = await vscode.workspace.fs.readFile(sidecar);
      file = parseAnnotationFile(Buffer.from(bytes).toString('utf8'), noteName);
    } catch (err) {
      if (err instanceof vscode.FileSystemError && err.code === 'FileNotFound') file = emptyAnnotationFile(noteName);
      else {
        // Never overwrite a sidecar that could not be read: the note is not tracked until it is fixed.
        await showError(
          this.log,
          `Could not read the annotations of ${noteName} (${vscode.workspace.asRelativePath(sidecar)}); fix or move that file`,
          err,
        );
        return undefined;
      }
    }
    const state = new NoteAnnotations(doc.uri, sidecar, file);
    this.notes.set(doc.uri.toString(), state);
    for (const a of file.annotations) this.createThread(state, a);
    this.reanchor(state, doc);
    return state;
  }

  private createThread(state: NoteAnnotations, a: Annotation, existing?: vscode.CommentThread): vscode.CommentThread {
    const thread = existing ?? this.controller.createCommentThread(state.note, new vscode.Range(0, 0, 0, 0), []);
    thread.comments = a.comments.map((c) => new CommentView(c, thread));
    if (thread.canReply !== true) thread.canReply = true;
    const threadState = a.resolved ? vscode.CommentThreadState.Resolved : vscode.CommentThreadState.Unresolved;
    if (thread.state !== threadState) thread.state = threadState;
    setIfChanged(thread, 'contextValue', a.resolved ? 'annotation-resolved' : 'annotation');
    // Threads loaded with the note start collapsed; one the user is working in keeps its state.
    if (!existing) thread.collapsibleState = vscode.CommentThreadCollapsibleState.Collapsed;
    state.threads.set(a.id, thread);
    return thread;
  }

  private scheduleReanchor(doc: vscode.TextDocument): void {
    const state = this.notes.get(doc.uri.toString());
    if (!state) return;
    clearTimeout(state.timer);
    state.timer = setTimeout(() => this.reanchor(state, doc), REANCHOR_DELAY_MS);
  }

  /** Finds every annotated passage in the document as it is now and moves threads and highlights there. */
  private reanchor(state: NoteAnnotations, doc: vscode.TextDocument): void {
    state.timer = undefined;
    const text = doc.getText();
    for (const a of state.file.annotations) {
      const span = resolveAnchor(text, a.anchor);
      state.spans.set(a.id, span);
      const thread = state.threads.get(a.id);
      if (!thread) continue;
      if (span) {
        const range = new vscode.Range(doc.positionAt(span.start), doc.positionAt(span.end));
        if (!thread.range?.isEqual(range)) thread.range = range;
        setIfChanged(thread, 'label', `On “${shorten(doc.getText().slice(span.start, span.end), LABEL_QUOTE_CHARS)}”`);
        setIfChanged(thread, 'contextValue', a.resolved ? 'annotation-resolved' : 'annotation');
      } else {
        if (thread.range !== undefined) thread.range = undefined;
        setIfChanged(
          thread,
          'label',
          `Orphaned: the passage “${shorten(a.anchor.quote, ORPHAN_QUOTE_CHARS)}” is no longer in the note`,
        );
        setIfChanged(thread, 'contextValue', 'annotation-orphaned');
      }
    }
    this.decorate(state);
  }

  private decorateAll(): void {
    for (const state of this.notes.values()) this.decorate(state);
  }

  private decorate(state: NoteAnnotations): void {
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document.uri.toString() !== state.note.toString()) continue;
      const ranges = state.file.annotations
        .filter((a) => !a.resolved)
        .map((a) => state.spans.get(a.id))
        .filter((s): s is TextSpan => s !== undefined)
        .map((s) => new vscode.Range(editor.document.positionAt(s.start), editor.document.positionAt(s.end)));
      editor.setDecorations(this.highlight, ranges);
    }
  }

  /** Anchors re-captured from the saved text, so the next edit is measured from where passages are now. */
  private async onSaved(doc: vscode.TextDocument): Promise<void> {
    const state = this.notes.get(doc.uri.toString());
    if (!state || state.file.annotations.length === 0) return;
    this.reanchor(state, doc);
    const text = doc.getText();
    let changed = false;
    const annotations = state.file.annotations.map((a) => {
      const span = state.spans.get(a.id);
      if (!span) return a;
      const anchor = captureAnchor(text, span.start, span.end);
      if (JSON.stringify(anchor) === JSON.stringify(a.anchor)) return a;
      changed = true;
      return { ...a, anchor };
    });
    if (changed) await this.save(state, { ...state.file, annotations });
  }

  private save(state: NoteAnnotations, file: AnnotationFile): Promise<void> {
    state.file = file;
    const write = state.writing.then(() => replaceFile(state.sidecar, serializeAnnotationFile(state.file)));
    state.writing = write.catch(() => undefined);
    return write;
  }

  private async stateOf(uri: vscode.Uri): Promise<NoteAnnotations> {
    const doc = await vscode.workspace.openTextDocument(uri);
    const state = await this.track(doc);
    if (!state)
      throw new Error(
        `${vscode.workspace.asRelativePath(uri)} is not a note in the notes folder, or its annotations file could not be read`,
      );
    return state;
  }

  private findByThread(thread: vscode.CommentThread): { state: NoteAnnotations; annotation: Annotation } | undefined {
    for (const state of this.notes.values()) {
      for (const a of state.file.annotations) if (state.threads.get(a.id) === thread) return { state, annotation: a };
    }
    return undefined;
  }

  /** The passage a new thread is about: its range, or the line's text without quote markers if nothing was selected. */
  private passageSpan(doc: vscode.TextDocument, range: vscode.Range): TextSpan | undefined {
    let start = doc.offsetAt(range.start);
    let end = doc.offsetAt(range.end);
    if (doc.getText().slice(start, end).trim() === '') {
      const line = doc.lineAt(range.start.line);
      const content = /^\s*(?:>\s?)*/.exec(line.text)?.[0].length ?? 0;
      start = doc.offsetAt(line.range.start) + content;
      end = doc.offsetAt(line.range.end);
    }
    const text = doc.getText();
    while (start < end && /\s/.test(text[start])) start++;
    while (end > start && /\s/.test(text[end - 1])) end--;
    return end > start ? { start, end } : undefined;
  }

  /** Adds an annotation on a passage of a note; the thread appears there. */
  async annotate(
    uri: vscode.Uri,
    range: vscode.Range,
    body: string,
    thread?: vscode.CommentThread,
    pdf?: PdfAnchor,
  ): Promise<string> {
    const state = await this.stateOf(uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    const span = this.passageSpan(doc, range);
    if (!span) throw new Error('select the passage to annotate first (the selection is empty)');
    const now = new Date().toISOString();
    const annotation: Annotation = {
      id: randomUUID(),
      anchor: captureAnchor(doc.getText(), span.start, span.end),
      ...(pdf ? { pdf } : {}),
      comments: [{ id: randomUUID(), author: author(), body, created: now }],
      resolved: false,
      created: now,
    };
    await this.save(state, { ...state.file, annotations: [...state.file.annotations, annotation] });
    const t = this.createThread(state, annotation, thread);
    t.collapsibleState = vscode.CommentThreadCollapsibleState.Expanded;
    this.reanchor(state, doc);
    return annotation.id;
  }

  async createFromReply(reply: vscode.CommentReply): Promise<void> {
    const { thread, text } = reply;
    if (!text.trim()) return;
    if (!thread.range) throw new Error('an annotation needs a passage of the note');
    await this.annotate(thread.uri, thread.range, text, thread);
  }

  async reply(reply: vscode.CommentReply): Promise<void> {
    const found = this.findByThread(reply.thread);
    if (!found) return this.createFromReply(reply);
    if (!reply.text.trim()) return;
    const comment: AnnotationComment = {
      id: randomUUID(),
      author: author(),
      body: reply.text,
      created: new Date().toISOString(),
    };
    await this.replaceAnnotation(found.state, {
      ...found.annotation,
      comments: [...found.annotation.comments, comment],
    });
  }

  private async replaceAnnotation(
    state: NoteAnnotations,
    next: Annotation | undefined,
    removeId?: string,
  ): Promise<void> {
    const id = next?.id ?? removeId;
    const annotations = state.file.annotations.flatMap((a) => (a.id === id ? (next ? [next] : []) : [a]));
    await this.save(state, { ...state.file, annotations });
    const thread = id ? state.threads.get(id) : undefined;
    if (next && thread) this.createThread(state, next, thread);
    else if (!next && id && thread) {
      thread.dispose();
      state.threads.delete(id);
      state.spans.delete(id);
    }
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === state.note.toString());
    if (doc) this.reanchor(state, doc);
  }

  setMode(comment: CommentView, mode: vscode.CommentMode): void {
    const thread = comment.thread;
    thread.comments = thread.comments.map((c) => {
      if (c === comment) c.mode = mode;
      return c;
    });
  }

  async saveComment(comment: CommentView): Promise<void> {
    const found = this.findByThread(comment.thread);
    if (!found) return;
    const body = bodyText(comment.body);
    const comments = found.annotation.comments.map((c) =>
      c.id === comment.data.id ? { ...c, body, edited: new Date().toISOString() } : c,
    );
    await this.replaceAnnotation(found.state, { ...found.annotation, comments });
  }

  cancelEdit(comment: CommentView): void {
    comment.body = comment.savedBody;
    this.setMode(comment, vscode.CommentMode.Preview);
  }

  async deleteComment(comment: CommentView): Promise<void> {
    const found = this.findByThread(comment.thread);
    if (!found) return;
    const comments = found.annotation.comments.filter((c) => c.id !== comment.data.id);
    if (comments.length === 0) await this.replaceAnnotation(found.state, undefined, found.annotation.id);
    else await this.replaceAnnotation(found.state, { ...found.annotation, comments });
  }

  async deleteThread(thread: vscode.CommentThread): Promise<void> {
    const found = this.findByThread(thread);
    if (!found) {
      thread.dispose();
      return;
    }
    await this.replaceAnnotation(found.state, undefined, found.annotation.id);
  }

  async setResolved(thread: vscode.CommentThread, resolved: boolean): Promise<void> {
    const found = this.findByThread(thread);
    if (found) await this.replaceAnnotation(found.state, { ...found.annotation, resolved });
  }

  /** The annotations of a note as they stand now (for tests and the API). */
  async stateFor(uri: vscode.Uri): Promise<AnnotationState[]> {
    const state = await this.stateOf(uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    if (state.timer) this.reanchor(state, doc);
    return state.file.annotations.map((a) => ({
      id: a.id,
      quote: a.anchor.quote,
      span: state.spans.get(a.id),
      comments: a.comments.map((c) => c.body),
      resolved: a.resolved,
      ...(a.pdf ? { pdf: a.pdf } : {}),
    }));
  }
}
