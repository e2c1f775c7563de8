/**
 * The host side of a preview's "Analyse dynamics": one analysis at a time per preview, cancelled by the webview's
 * Cancel, a new analysis, the file changing or the panel closing; progress posted at most every 100 ms; the table
 * copied to the clipboard as Markdown. The analysis modules load on the first Analyse. The webview keeps the last
 * view across reloads; it is keyed by the file's version (mtime and size), and a view of another version is
 * dropped when the model is (re)loaded, so a changed model never shows the old model's fixed points.
 */
import { promises as fs } from 'node:fs';
import * as vscode from 'vscode';
import type { ModelRuntime } from '../runtime';
import type { PreviewModel } from '../previewProtocol';
import type { Signature } from '../signature';
import type { AnalysisToPreview } from './analysisProtocol';
import type { RunRows } from './analysisRunner';

const runner = () => require('./analysisRunner') as typeof import('./analysisRunner');

export interface AnalysisContext {
  readonly file: string;
  readonly fileName: string;
  readonly signature: Signature | undefined;
  readonly model: PreviewModel | undefined;
  /** The finished run's rows after the burn-in, and its parameters. */
  readonly run: (RunRows & { readonly initialState: readonly number[]; readonly dt: number }) | undefined;
}

/** `mtimeMs:size` of the file, or undefined when it cannot be read. */
export async function fileVersion(file: string): Promise<string | undefined> {
  try {
    const s = await fs.stat(file);
    return `${s.mtimeMs}:${s.size}`;
  } catch {
    return undefined;
  }
}

export class PreviewAnalysis {
  private signal: { cancelled: boolean; reason?: 'cancelled' | 'fileChanged' } | undefined;

  constructor(
    private readonly runtime: ModelRuntime,
    private readonly log: vscode.LogOutputChannel,
    private readonly post: (message: AnalysisToPreview) => Promise<void>,
    /**
     * The version of the file the webview's saved view was made of: restored from the panel's state after a reload
     * (null for a view saved without one), then set by each analysis shown; undefined when no view is shown.
     */
    private shown: string | null | undefined = undefined,
  ) {}

  /** After the model was (re)loaded and the webview rebuilt: drops a view of another version of the file. */
  async loaded(file: string): Promise<void> {
    if (this.shown === undefined) return;
    const current = await fileVersion(file);
    if (current !== undefined && current === this.shown) return;
    this.shown = undefined;
    await this.post({
      type: 'analysisFailed',
      stale: true,
      message:
        'The model file changed since it was analysed: the analysis of the old version was dropped. Analyse again.',
    });
  }

  cancel(reason: 'cancelled' | 'fileChanged' = 'cancelled'): void {
    if (this.signal && !this.signal.cancelled) {
      this.signal.cancelled = true;
      this.signal.reason = reason;
    }
  }

  async analyse(ctx: AnalysisContext): Promise<void> {
    this.cancel();
    const sig = ctx.signature;
    const model = ctx.model;
    if (!sig || !model) {
      await this.post({ type: 'analysisFailed', message: 'This model cannot be previewed, so it cannot be analysed.' });
      return;
    }
    const signal: { cancelled: boolean; reason?: 'cancelled' | 'fileChanged' } = { cancelled: false };
    this.signal = signal;
    await this.post({ type: 'analysisStarted' });
    let last = 0;
    const dt = ctx.run?.dt ?? model.defaults.dt;
    const version = await fileVersion(ctx.file);
    try {
      const view = await runner().analyseModel(this.runtime, {
        file: ctx.file,
        fileName: ctx.fileName,
        signature: sig,
        run: ctx.run,
        initialState: ctx.run?.initialState ?? model.defaults.initialState,
        dt,
        timeStep: sig.kind === 'map' ? (sig.metadata.dt ?? 1) : dt,
        signal,
        onProgress: async (fraction, message) => {
          const now = performance.now();
          if (now - last < 100) return;
          last = now;
          await this.post({ type: 'analysisProgress', fraction, message });
        },
      });
      if (signal.cancelled) throw new Error('cancelled');
      this.log.info(
        `Analysis of ${ctx.fileName}: ${view.markers.length} fixed points/cycles (${view.method}) in ${view.elapsedMs.toFixed(0)} ms.`,
      );
      await this.post({ type: 'analysis', view: version === undefined ? view : { ...view, version } });
      this.shown = version ?? null;
    } catch (err) {
      if (signal.cancelled) {
        await this.post({
          type: 'analysisFailed',
          message:
            signal.reason === 'fileChanged'
              ? 'Analysis cancelled: the model file changed. Analyse again.'
              : 'Analysis cancelled.',
        });
        return;
      }
      this.log.warn(`Analysis of ${ctx.file} failed: ${err instanceof Error ? err.message : String(err)}`);
      await this.post({
        type: 'analysisFailed',
        message: `The analysis failed: ${err instanceof Error ? err.message : String(err)} (details in Attractor: Show Log).`,
      });
    } finally {
      if (this.signal === signal) this.signal = undefined;
    }
  }

  async copy(markdown: string): Promise<void> {
    await vscode.env.clipboard.writeText(markdown);
    void vscode.window.showInformationMessage('Attractor: the dynamics table was copied as Markdown.');
  }
}
