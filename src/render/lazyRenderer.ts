import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { MacroCheck } from './macroCheck';
import type { MathMacro } from './mathMacros';
import { parseRenderWorkerMessage, type RenderWorkerMessage, type WorkerRequest } from './renderProtocol';
import { plainTextHtml } from './untrustedTex';

/**
 * The longest a render may take before its worker is terminated and the text shown plain. Real abstracts
 * render in under 5 ms (p95, `npm run bench -- render`); a limit 400 times that still passes on a busy
 * machine, and a user waits at most this long for a hostile one.
 */
export const RENDER_TIME_LIMIT_MS = 2_000;
/** Loading markdown-it and KaTeX in a new worker takes about 100 ms; the limit only catches a worker that hangs. */
const STARTUP_LIMIT_MS = 20_000;

export interface RendererOptions {
  readonly timeLimitMs?: number;
  /** The worker script; tests give one that never answers. */
  readonly workerFile?: string;
  /** Told when a render fails or is stopped (the extension logs it). */
  readonly onProblem?: (message: string) => void;
}

type Job =
  | { readonly kind: 'render'; readonly markdown: string; readonly resolve: (html: string) => void }
  | { readonly kind: 'check'; readonly resolve: (check: MacroCheck) => void };

interface RunningWorker {
  readonly worker: Worker;
  readonly ready: Promise<void>;
  /** The revision of the macros this worker renders with (0: none). */
  macrosRevision: number;
}

const NO_MACROS: MacroCheck = { accepted: [], rejected: [] };

/**
 * Renders untrusted Markdown with math (abstracts, model doc strings) to safe HTML in a worker thread, so
 * the extension host never blocks on markdown-it or KaTeX; one render at a time, each within a time limit.
 * The worker (and with it markdown-it and KaTeX) starts on the first render, never at activation. One
 * instance is owned by the extension and shared by every panel.
 */
export class LazyRenderer {
  private readonly timeLimitMs: number;
  private readonly workerFile: string;
  private current: RunningWorker | undefined;
  private readonly queue: Job[] = [];
  private running = false;
  private nextId = 1;
  /** The macros renders should use, bumped on every change; revision 0 is no macros. */
  private macros: readonly MathMacro[] = [];
  private macrosRevision = 0;
  private requestedMacros = '[]';
  private lastCheck: { readonly revision: number; readonly check: MacroCheck } = { revision: 0, check: NO_MACROS };
  private readonly macrosChanged = new Set<() => void>();
  private readonly macrosChecked = new Set<(check: MacroCheck) => void>();

  constructor(private readonly options: RendererOptions = {}) {
    this.timeLimitMs = options.timeLimitMs ?? RENDER_TIME_LIMIT_MS;
    // Beside this module: dist/ in the bundle, out/src/render/ when compiled for tests.
    this.workerFile = options.workerFile ?? join(__dirname, 'renderWorker.js');
  }

  /** HTML for the Markdown; never rejects: a failed or stopped render is the text, escaped, with a note. */
  render(markdown: string): Promise<string> {
    return new Promise((resolve) => {
      this.queue.push({ kind: 'render', markdown, resolve });
      void this.pump();
    });
  }

  /**
   * The user's macros for every later render. Nothing starts here: the worker checks them before its next
   * render (or at `checkMacros`), and renders with those that passed.
   */
  setMacros(macros: readonly MathMacro[]): void {
    const key = JSON.stringify(macros);
    if (key === this.requestedMacros) return;
    this.requestedMacros = key;
    this.macros = macros;
    this.macrosRevision++;
    for (const listener of this.macrosChanged) listener();
  }

  /** The macros that passed the check of the current settings, or undefined while they are not checked yet. */
  acceptedMacros(): readonly MathMacro[] | undefined {
    return this.lastCheck.revision === this.macrosRevision ? this.lastCheck.check.accepted : undefined;
  }

  /** Called after `setMacros` changed them: what shows rendered math renders it again. */
  onDidChangeMacros(listener: () => void): { dispose(): void } {
    this.macrosChanged.add(listener);
    return { dispose: () => this.macrosChanged.delete(listener) };
  }

  /** Called each time a worker has checked the macros (again when a worker is replaced: report each problem once). */
  onDidCheckMacros(listener: (check: MacroCheck) => void): { dispose(): void } {
    this.macrosChecked.add(listener);
    return { dispose: () => this.macrosChecked.delete(listener) };
  }

  /** The check of the current macros, made now if no worker has made it yet (no worker starts without macros). */
  checkMacros(): Promise<MacroCheck> {
    if (this.lastCheck.revision === this.macrosRevision) return Promise.resolve(this.lastCheck.check);
    return new Promise((resolve) => {
      this.queue.push({ kind: 'check', resolve });
      void this.pump();
    });
  }

  dispose(): void {
    void this.current?.worker.terminate();
    this.current = undefined;
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    const job = this.queue.shift();
    if (!job) return;
    this.running = true;
    try {
      if (job.kind === 'render') job.resolve(await this.run(job.markdown));
      else job.resolve(await this.check());
    } finally {
      this.running = false;
      void this.pump();
    }
  }

  private async started(): Promise<RunningWorker> {
    const running = this.worker();
    await running.ready;
    return running;
  }

  private async check(): Promise<MacroCheck> {
    if (this.lastCheck.revision === this.macrosRevision) return this.lastCheck.check;
    try {
      await this.syncMacros(await this.started());
    } catch (err) {
      this.stop();
      this.options.onProblem?.(`The renderer could not start to check the math macros (${String(err)})`);
      return NO_MACROS;
    }
    return this.lastCheck.check;
  }

  /** Gives the worker the current macros if it has other ones; a check past the time limit drops them all. */
  private async syncMacros(running: RunningWorker): Promise<void> {
    if (running.macrosRevision === this.macrosRevision) return;
    const revision = this.macrosRevision;
    const reply = await this.exchange(running, { type: 'macros', id: this.nextId++, macros: this.macros });
    if (reply.type === 'macrosChecked') {
      running.macrosRevision = revision;
      this.reportCheck(revision, { accepted: reply.accepted, rejected: reply.rejected });
      return;
    }
    const note =
      reply.type === 'timeout'
        ? `took longer than ${this.timeLimitMs / 1000} s to check, so no macro is applied`
        : 'could not be checked (the renderer stopped), so no macro is applied';
    this.options.onProblem?.(`The math macros ${note}`);
    const rejected = this.macros.map((m) => ({ setting: m.setting, name: m.name, reason: note }));
    // Renders go on without macros, instead of each waiting for the same check to time out again.
    this.macros = [];
    this.macrosRevision++;
    this.reportCheck(this.macrosRevision, { accepted: [], rejected });
  }

  private reportCheck(revision: number, check: MacroCheck): void {
    this.lastCheck = { revision, check };
    for (const listener of this.macrosChecked) listener(check);
  }

  private async run(markdown: string): Promise<string> {
    const fail = (note: string, detail: string) => {
      this.options.onProblem?.(`${note} (${detail})`);
      return plainTextHtml(markdown, note);
    };
    let running: RunningWorker;
    try {
      running = await this.started();
      await this.syncMacros(running);
      if (this.current !== running) {
        // The check failed and stopped that worker: render in a new one, without macros.
        running = await this.started();
        await this.syncMacros(running);
      }
    } catch (err) {
      this.stop();
      return fail('The renderer could not start; the text is shown as plain text.', String(err));
    }
    const reply = await this.exchange(running, { type: 'render', id: this.nextId++, markdown });
    if (reply.type === 'rendered') return reply.html;
    if (reply.type === 'timeout')
      return fail(
        `Rendering took longer than ${this.timeLimitMs / 1000} s and was stopped; the text is shown as plain text.`,
        `${markdown.length} characters`,
      );
    const detail = reply.type === 'exit' ? `worker exit code ${reply.code}` : `unexpected answer ${reply.type}`;
    return fail('The renderer stopped; the text is shown as plain text.', detail);
  }

  /** One request and its answer, within the time limit (past it the worker is stopped). */
  private exchange(
    running: RunningWorker,
    request: WorkerRequest,
  ): Promise<RenderWorkerMessage | { readonly type: 'timeout' } | { readonly type: 'exit'; readonly code: number }> {
    const { worker } = running;
    return new Promise((resolve) => {
      const done = (answer: Awaited<ReturnType<LazyRenderer['exchange']>>) => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('exit', onExit);
        resolve(answer);
      };
      const onMessage = (raw: unknown) => {
        const message = parseRenderWorkerMessage(raw);
        if (message && message.type !== 'ready' && message.id === request.id) done(message);
      };
      const onExit = (code: number) => done({ type: 'exit', code });
      const timer = setTimeout(() => {
        this.stop();
        done({ type: 'timeout' });
      }, this.timeLimitMs);
      worker.on('message', onMessage);
      worker.on('exit', onExit);
      worker.postMessage(request);
    });
  }

  private worker(): RunningWorker {
    if (this.current) return this.current;
    // A worker's heap is capped, so even output the caps miss cannot take the host's memory.
    const worker = new Worker(this.workerFile, { resourceLimits: { maxOldGenerationSizeMb: 256 } });
    // The time limit's timer keeps the process alive while a render runs; an idle worker must not.
    worker.unref();
    // A worker error ends it ('exit' follows); without a listener it would be thrown in the host.
    worker.on('error', (err) => this.options.onProblem?.(`The render worker failed: ${String(err)}`));
    worker.on('exit', () => {
      if (this.current?.worker === worker) this.current = undefined;
    });
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the render worker did not start')), STARTUP_LIMIT_MS);
      const settle = (ok: boolean, err?: Error) => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('exit', onExit);
        if (ok) resolve();
        else reject(err);
      };
      const onMessage = (raw: unknown) => {
        if (parseRenderWorkerMessage(raw)?.type === 'ready') settle(true);
      };
      const onExit = (code: number) => settle(false, new Error(`the render worker exited with code ${code}`));
      worker.on('message', onMessage);
      worker.on('exit', onExit);
    });
    this.current = { worker, ready, macrosRevision: 0 };
    return this.current;
  }

  private stop(): void {
    const stopping = this.current;
    this.current = undefined;
    if (stopping) void stopping.worker.terminate();
  }
}
