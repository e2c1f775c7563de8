import * as path from 'node:path';
import * as vscode from 'vscode';
import { replaceUri } from '../util/writeUri';
import { webviewOptions } from '../webview/extensionWebview';
import { OpenPages, restorePages, WebviewPage, type PageHost } from '../webview/webviewPage';
import { PreviewAnalysis } from './insight/analysisPanel';
import { Disposable } from '../util/disposable';
import { compareWithData, type DataChoice } from './dataComparison';
import { pickDataChoice, restoreDataChoice } from './commands/pickData';
import { rolloutSimulator, type CompletedRun, type LastRows, type PreviewComparisons } from './comparisons';
import { trajectoryCsv, trajectoryNpy } from './exportFormats';
import type { KindAnswers } from './kindAnswers';
import { describeForPreview, ensembleStates } from './previewDefaults';
import { ModelFileError, ModelRunError } from './modelErrors';
import {
  parsePreviewToHost,
  parsePreviewPanelState,
  type HostToPreview,
  type PreviewModel,
  type PreviewToHost,
  type RunParameters,
  type SavedDataChoice,
} from './previewProtocol';
import type { ModelRuntime, RolloutChunk } from './runtime';
import type { ModelInfo } from './onnxFile';
import { emitWidth, recognise, refuseRun, wholeStateSignature, type Signature } from './signature';
import { countText } from '../core/countText';

export const MODEL_PREVIEW_VIEW_TYPE = 'attractor.modelPreview';

export interface PreviewContext extends PageHost {
  readonly runtime: ModelRuntime;
  readonly answers: KindAnswers;
  readonly comparisons: PreviewComparisons;
  /** Why this file is shown but not run (Restricted Mode, external data), or undefined. */
  readonly runRefusal: (uri: vscode.Uri, info: ModelInfo, locationRefusal: string | undefined) => string | undefined;
}

interface RunState {
  readonly id: number;
  readonly params: RunParameters;
  readonly signature: Signature;
  readonly signal: { cancelled: boolean; reason?: 'cancelled' | 'fileChanged' };
  readonly chunks: RolloutChunk[];
  readonly timeStep: number;
  finished: boolean;
}

const PROTOCOL = { name: 'a model preview', parse: parsePreviewToHost };

/** One preview panel for one model file. */
class ModelPreviewPanel extends WebviewPage<PreviewToHost, HostToPreview> {
  private signature: Signature | undefined;
  private model: PreviewModel | undefined;
  private run: RunState | undefined;
  private runCount = 0;
  /** The data file that replaces the true system as ground truth ("Compare with Data…"), when one is chosen. */
  private data: { readonly choice: DataChoice; readonly saved: SavedDataChoice } | undefined;
  /** "Analyse dynamics": fixed points, cycles, subregions (src/insight). */
  private readonly analysis: PreviewAnalysis;
  /** Resolved when the model is loaded (the Analyse command may arrive before the webview is ready). */
  private loaded: Promise<void>;
  private markLoaded: () => void = () => undefined;

  constructor(
    readonly uri: vscode.Uri,
    panel: vscode.WebviewPanel,
    private readonly ctx: PreviewContext,
    /** The data choice saved in the webview's state before a reload, read again once the model is loaded. */
    private restoreData?: SavedDataChoice,
    /** The file version of the analysis saved in the webview's state before a reload (see PreviewAnalysis). */
    restoredAnalysis?: string | null,
  ) {
    super(panel, ctx, PROTOCOL);
    this.register({ dispose: () => this.cancel('cancelled') });
    this.analysis = new PreviewAnalysis(ctx.runtime, ctx.log, (m) => this.post(m), restoredAnalysis);
    this.register({ dispose: () => this.analysis.cancel() });
    this.loaded = new Promise<void>((resolve) => (this.markLoaded = resolve));
    panel.title = `Preview: ${path.basename(uri.fsPath)}`;
    panel.iconPath = vscode.Uri.joinPath(ctx.extensionUri, 'media', 'model.svg');
    this.setPage({
      title: panel.title,
      script: 'modelPreview',
      styles: [
        ['dist', 'webview', 'uplot', 'uPlot.min.css'],
        ['media', 'model.css'],
        ['media', 'analysis.css'],
      ],
      body: '<main id="preview" aria-busy="true"><p class="loading">Reading the model…</p></main>',
    });
  }

  /** Said in the panel, where the run that failed is shown. */
  protected override async failed(err: unknown): Promise<void> {
    const why = err instanceof Error ? err.message : String(err);
    this.ctx.log.error(`Model preview of ${this.uri.fsPath}: ${why}`, err);
    await this.post({
      type: 'runFailed',
      runId: null,
      problem: 'internal',
      message: `Something went wrong: ${why} (details in Attractor: Show Log).`,
    });
  }

  protected override async ready(): Promise<void> {
    await this.load();
  }

  protected async handle(message: Exclude<PreviewToHost, { type: 'ready' }>): Promise<void> {
    switch (message.type) {
      case 'run':
        return this.start(message.params);
      case 'cancel':
        return this.cancel('cancelled');
      case 'export':
        return this.exportTrajectory(message.format);
      case 'exportPng':
        return this.exportPng(message.dataUrl);
      case 'compare':
        if (this.run?.finished) await this.compare(this.run);
        return;
      case 'chooseData':
        return this.chooseData();
      case 'analyse':
        return this.analyse();
      case 'cancelAnalysis':
        return this.analysis.cancel();
      case 'copyAnalysis':
        return this.analysis.copy(message.markdown);
      case 'clearData':
        this.data = undefined;
        await this.post({ type: 'dataChosen', label: null, saved: null });
        if (this.run?.finished) await this.compare(this.run);
        return;
    }
  }

  /** "Compare with Data…": the chosen file becomes the ground truth of the metrics and the overlay. */
  async chooseData(): Promise<void> {
    if (!this.model) {
      void vscode.window.showWarningMessage('Attractor: this preview has no model it can run, so nothing to compare.');
      return;
    }
    const picked = await pickDataChoice(this.model.stateNames);
    if (!picked) return;
    this.data = picked;
    await this.post({ type: 'dataChosen', label: picked.choice.label, saved: picked.saved });
    if (this.run?.finished) await this.compare(this.run);
    else
      await this.post({
        type: 'notice',
        message: `Run the model: its metrics will be computed against ${picked.choice.label}.`,
      });
  }

  /** Tells the webview (after each init, which rebuilds it) which data the metrics compare with. */
  private async sendData(): Promise<void> {
    if (this.restoreData && this.model) {
      const saved = this.restoreData;
      this.restoreData = undefined;
      const { choice, problem } = await restoreDataChoice(saved, this.model.width);
      if (choice) this.data = { choice, saved };
      if (problem) {
        this.ctx.log.warn(`Preview ${this.uri.fsPath}: ${problem}`);
        await this.post({ type: 'notice', message: `${problem} The metrics compare with the true system.` });
      }
    }
    await this.post(
      this.data
        ? { type: 'dataChosen', label: this.data.choice.label, saved: this.data.saved }
        : { type: 'dataChosen', label: null, saved: null },
    );
  }

  /** Reads the file, recognises it (asking map-or-flow once when needed) and sends the webview its defaults. */
  async load(): Promise<boolean> {
    const file = this.uri.fsPath;
    try {
      const { info, refusal } = await this.ctx.runtime.inspect(file);
      const whyNot = this.ctx.runRefusal(this.uri, info, refusal);
      let recognition = refuseRun(recognise(info, this.ctx.answers.get(this.uri)), whyNot);
      if (recognition.ok && recognition.signature.ambiguous) {
        const answer = await this.ctx.answers.ask(this.uri, recognition.signature.kind);
        if (answer) recognition = refuseRun(recognise(info, answer), whyNot);
      }
      if (!recognition.ok) {
        this.signature = undefined;
        await this.post({ type: 'runFailed', runId: null, problem: 'signature', message: recognition.reason });
        return false;
      }
      this.signature = recognition.signature;
      this.model = describeForPreview(file, recognition.signature);
      await this.post({ type: 'init', model: this.model });
      await this.sendData();
      await this.analysis.loaded(file);
      this.markLoaded();
      void this.ctx.runtime.prepare(file, recognition.signature);
      return true;
    } catch (err) {
      await this.fail(null, err);
      return false;
    }
  }

  /** Analyses the model's dynamics, from the finished run when there is one (waits for the model to load). */
  async analyse(): Promise<void> {
    await this.loaded;
    const run = this.run?.finished ? this.run : undefined;
    await this.analysis.analyse({
      file: this.uri.fsPath,
      fileName: path.basename(this.uri.fsPath),
      signature: this.signature,
      model: this.model,
      run: run
        ? {
            ...this.rows(run),
            burnIn: Math.min(
              run.params.burnIn,
              run.chunks.reduce((n, c) => n + c.steps, 0),
            ),
            initialState: run.params.initialState,
            dt: run.params.dt,
          }
        : undefined,
    });
  }

  private async start(params: RunParameters): Promise<void> {
    this.cancel('cancelled');
    const sig = this.signature;
    if (!sig || !this.model) {
      await this.post({
        type: 'runFailed',
        runId: null,
        problem: 'signature',
        message: 'This model cannot be previewed (see above).',
      });
      return;
    }
    const id = ++this.runCount;
    const steps = Math.round(params.steps);
    const members = Math.round(params.members);
    const burnIn = Math.max(0, Math.min(Math.round(params.burnIn), steps - 1));
    const timeStep = sig.kind === 'map' ? (sig.metadata.dt ?? 1) : params.dt;
    const run: RunState = {
      id,
      params: { ...params, steps, members, burnIn },
      signature: sig,
      signal: { cancelled: false },
      chunks: [],
      timeStep,
      finished: false,
    };
    this.run = run;
    const received = performance.now();
    try {
      const width = emitWidth(sig);
      await this.post({ type: 'runStarted', runId: id, steps, members, width, burnIn, timeStep });
      let first = 0;
      const result = await this.ctx.runtime.rollout(
        this.uri.fsPath,
        {
          signature: sig,
          initialStates: ensembleStates(params.initialState, members, params.perturbation),
          steps,
          dt: params.dt,
        },
        async (chunk) => {
          run.chunks.push(chunk);
          if (!first) first = performance.now() - received;
          await this.post({
            type: 'chunk',
            runId: id,
            start: chunk.start,
            steps: chunk.steps,
            members: chunk.members,
            width: chunk.width,
            data: chunk.data,
          });
        },
        run.signal,
      );
      run.finished = true;
      const how =
        result.path === 'loop'
          ? `one ONNX Loop per chunk, ${result.stepsPerIteration} step${result.stepsPerIteration > 1 ? 's' : ''} per iteration`
          : result.path === 'rollout'
            ? "the model's own rollout"
            : 'one runtime call per step';
      const summary = `${countText(steps)} steps × ${members} in ${result.elapsedMs.toFixed(0)} ms (${how}; ${result.chunks} chunks; first points after ${first.toFixed(0)} ms).`;
      this.ctx.log.info(
        `Preview ${path.basename(this.uri.fsPath)}: ${summary} Session ${result.sessionMs.toFixed(0)} ms.`,
      );
      await this.post({ type: 'runFinished', runId: id, steps, summary });
      await this.compare(run);
    } catch (err) {
      await this.fail(id, err);
    }
  }

  cancel(reason: 'cancelled' | 'fileChanged'): void {
    const run = this.run;
    if (run && !run.finished && !run.signal.cancelled) {
      run.signal.cancelled = true;
      run.signal.reason = reason;
    }
  }

  /** The workspace became trusted: a preview that was refused reads its model again. */
  async trustGranted(): Promise<void> {
    if (this.signature) return;
    if (await this.load())
      await this.post({ type: 'notice', message: 'The workspace is trusted now: this model can run.' });
  }

  /** The watcher saw the file change or go: stop a run, then re-read it (or say it is gone). */
  async fileChanged(kind: 'changed' | 'deleted'): Promise<void> {
    this.cancel('fileChanged');
    this.analysis.cancel('fileChanged');
    if (kind === 'deleted') {
      this.signature = undefined;
      await this.post({
        type: 'runFailed',
        runId: null,
        problem: 'missing',
        message: `The model file ${path.basename(this.uri.fsPath)} was deleted. Close this preview, or restore the file and reopen it.`,
      });
      return;
    }
    if (await this.load()) {
      await this.post({
        type: 'notice',
        message: 'The model file changed on disk; it was read again and the next run uses the new version.',
      });
    }
  }

  private async fail(runId: number | null, err: unknown): Promise<void> {
    if (err instanceof ModelRunError || err instanceof ModelFileError) {
      const level =
        err instanceof ModelRunError && (err.problem === 'cancelled' || err.problem === 'diverged') ? 'info' : 'warn';
      this.ctx.log[level](`Preview ${this.uri.fsPath}: ${err.message}${err.detail ? ` (${err.detail})` : ''}`);
      await this.post({
        type: 'runFailed',
        runId,
        problem: err instanceof ModelRunError ? err.problem : err.problem,
        message: err.message,
        step: err instanceof ModelRunError ? err.step : undefined,
      });
      return;
    }
    this.ctx.log.error(`Preview ${this.uri.fsPath} failed`, err);
    await this.post({
      type: 'runFailed',
      runId,
      problem: 'internal',
      message: `The preview failed: ${err instanceof Error ? err.message : String(err)} (details in Attractor: Show Log).`,
    });
  }

  /** The finished run's rows after the burn-in, `[steps, members, width]`. */
  private rows(run: RunState): { data: Float32Array; steps: number; members: number; width: number } {
    const members = run.params.members;
    const width = emitWidth(run.signature);
    const total = run.chunks.reduce((s, c) => s + c.steps, 0);
    const burnIn = Math.min(run.params.burnIn, total);
    const data = new Float32Array((total - burnIn) * members * width);
    let offset = 0;
    for (const c of run.chunks) {
      const skip = Math.max(0, burnIn - c.start);
      if (skip >= c.steps) continue;
      const part = c.data.subarray(skip * members * width);
      data.set(part, offset);
      offset += part.length;
    }
    return { data, steps: total - burnIn, members, width };
  }

  private async compare(run: RunState): Promise<void> {
    const comparisons = this.ctx.comparisons.applicable({ file: this.uri.fsPath, metadata: run.signature.metadata });
    const data = this.data;
    if (comparisons.length === 0 && !data) return;
    const rows = this.rows(run);
    const lastRows: LastRows = (...args) => this.ctx.runtime.lastRows(...args);
    const simulate = rolloutSimulator(
      (file, request, onChunk, signal) => this.ctx.runtime.rollout(file, request, onChunk, signal),
      this.uri.fsPath,
      run.signature,
      run.params.dt,
      run.signal,
      lastRows,
    );
    // A model whose emitted values are the first of a larger state (an ESN's [x, reservoir]) is also run with
    // whole states returned, so measures can carry its hidden state (drivenStates in src/metrics/modelRuns.ts).
    const whole = wholeStateSignature(run.signature);
    const simulateState = whole
      ? rolloutSimulator(
          (file, request, onChunk, signal) => this.ctx.runtime.rollout(file, request, onChunk, signal),
          this.uri.fsPath,
          whole,
          run.params.dt,
          run.signal,
          lastRows,
        )
      : undefined;
    const completed: CompletedRun = {
      file: this.uri.fsPath,
      signature: run.signature,
      metadata: run.signature.metadata,
      params: run.params,
      timeStep: run.timeStep,
      simulate,
      simulateState,
      ...rows,
    };
    if (data) {
      try {
        const protocol =
          vscode.workspace.getConfiguration('attractor').get<string>('metrics.protocol') === 'papers'
            ? 'papers'
            : 'preview';
        const result = await compareWithData(completed, data.choice, run.signal, protocol);
        if (this.run === run && this.data === data)
          await this.post({ type: 'metrics', runId: run.id, table: result.table, reference: result.reference });
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        this.ctx.log.warn(`Comparison with ${data.choice.label} failed for ${this.uri.fsPath}: ${message}`);
        await this.post({ type: 'notice', message: `The comparison with ${data.choice.label} failed: ${message}` });
      }
      return;
    }
    for (const c of comparisons) {
      try {
        const result = await c.compare(completed, run.signal);
        if (result && this.run === run)
          await this.post({ type: 'metrics', runId: run.id, table: result.table, reference: result.reference });
      } catch (err) {
        this.ctx.log.warn(
          `Comparison ${c.id} failed for ${this.uri.fsPath}: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
    }
  }

  private async exportTrajectory(format: 'csv' | 'npy'): Promise<void> {
    const run = this.run;
    if (!run || run.chunks.length === 0) {
      void vscode.window.showWarningMessage('Attractor: run the preview first; there is no trajectory to export yet.');
      return;
    }
    const base = path.basename(this.uri.fsPath, '.onnx');
    const target = await vscode.window.showSaveDialog({
      title: `Export the trajectory as ${format === 'csv' ? 'CSV' : 'NumPy .npy'}`,
      defaultUri: vscode.Uri.joinPath(
        vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(path.dirname(this.uri.fsPath)),
        `${base}-trajectory.${format}`,
      ),
      filters: format === 'csv' ? { CSV: ['csv'] } : { NumPy: ['npy'] },
    });
    if (!target) return;
    const rows = this.rows(run);
    const bytes =
      format === 'csv'
        ? new TextEncoder().encode(
            trajectoryCsv({
              ...rows,
              names: this.model?.stateNames ?? [],
              firstStep: run.params.burnIn + 1,
              timeStep: run.timeStep,
            }),
          )
        : trajectoryNpy(rows);
    await replaceUri(target, bytes);
    void vscode.window.showInformationMessage(
      `Attractor: trajectory written to ${vscode.workspace.asRelativePath(target)}.`,
    );
  }

  private async exportPng(dataUrl: string): Promise<void> {
    const target = await vscode.window.showSaveDialog({
      title: 'Export the plots as PNG',
      defaultUri: vscode.Uri.joinPath(
        vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(path.dirname(this.uri.fsPath)),
        `${path.basename(this.uri.fsPath, '.onnx')}-preview.png`,
      ),
      filters: { PNG: ['png'] },
    });
    if (!target) return;
    await replaceUri(target, Buffer.from(dataUrl.slice('data:image/png;base64,'.length), 'base64'));
    void vscode.window.showInformationMessage(
      `Attractor: plots written to ${vscode.workspace.asRelativePath(target)}.`,
    );
  }
}

/** Opens one preview per model file (a second open reveals it) and restores them after a reload. */
export class ModelPreviews extends Disposable {
  private readonly open = this.register(new OpenPages<ModelPreviewPanel>());

  constructor(private readonly ctx: PreviewContext) {
    super();
    this.register(restorePages(MODEL_PREVIEW_VIEW_TYPE, (panel, state) => this.restore(panel, state)));
  }

  show(uri: vscode.Uri): void {
    const existing = this.open.get(uri.fsPath);
    if (existing) {
      existing.panel.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      MODEL_PREVIEW_VIEW_TYPE,
      `Preview: ${path.basename(uri.fsPath)}`,
      vscode.ViewColumn.Active,
      {
        ...webviewOptions(this.ctx.extensionUri),
        retainContextWhenHidden: true,
      },
    );
    this.open.add(uri.fsPath, new ModelPreviewPanel(uri, panel, this.ctx));
  }

  /** "Attractor: Analyse Model Dynamics": the given model's preview (opened if needed), else the active one. */
  async analyse(uri: vscode.Uri | undefined): Promise<boolean> {
    if (uri) this.show(uri);
    const target = uri ? this.open.get(uri.fsPath) : this.open.active(true);
    if (!target) return false;
    target.panel.reveal();
    await target.analyse();
    return true;
  }

  /** "Attractor: Compare with Data…" from the palette: the active preview, else the only one open. */
  async compareWithData(): Promise<void> {
    const target = this.open.active(true);
    if (!target) {
      void vscode.window.showInformationMessage(
        'Attractor: open a model preview first (Attractor: Preview Model), then compare it with data.',
      );
      return;
    }
    await target.chooseData();
  }

  private restore(panel: vscode.WebviewPanel, state: unknown): ModelPreviewPanel | undefined {
    const saved = parsePreviewPanelState(state);
    if (!saved || this.open.has(saved.file)) return undefined;
    return this.open.add(
      saved.file,
      new ModelPreviewPanel(vscode.Uri.file(saved.file), panel, this.ctx, saved.data, saved.analysisVersion),
    );
  }

  /** Called by the file watcher. */
  async fileChanged(uri: vscode.Uri, kind: 'changed' | 'deleted'): Promise<void> {
    await this.open.get(uri.fsPath)?.fileChanged(kind);
  }

  /**
   * The user trusted the workspace: a preview that refused to run a workspace model (Restricted Mode) reads it
   * again and can run it, without being closed and opened again.
   */
  async trustGranted(): Promise<void> {
    for (const view of this.open.all()) await view.trustGranted();
  }
}
