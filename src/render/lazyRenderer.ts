import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { parseRenderWorkerMessage, type RenderRequest } from './renderProtocol';
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

interface Job {
  readonly request: RenderRequest;
  readonly resolve: (html: string) => void;
}

interface RunningWorker {
  readonly worker: Worker;
  readonly ready: Promise<void>;
}

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

  constructor(private readonly options: RendererOptions = {}) {
    this.timeLimitMs = options.timeLimitMs ?? RENDER_TIME_LIMIT_MS;
    // Beside this module: dist/ in the bundle, out/src/render/ when compiled for tests.
    this.workerFile = options.workerFile ?? join(__dirname, 'renderWorker.js');
  }

  /** HTML for the Markdown; never rejects: a failed or stopped render is the text, escaped, with a note. */
  render(markdown: string): Promise<string> {
    return new Promise((resolve) => {
      this.queue.push({ request: { id: this.nextId++, markdown }, resolve });
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
      job.resolve(await this.run(job.request));
    } finally {
      this.running = false;
      void this.pump();
    }
  }

  private async run(request: RenderRequest): Promise<string> {
    const fail = (note: string, detail: string) => {
      this.options.onProblem?.(`${note} (${detail})`);
      return plainTextHtml(request.markdown, note);
    };
    let running: RunningWorker;
    try {
      running = this.worker();
      await running.ready;
    } catch (err) {
      this.stop();
      return fail('The renderer could not start; the text is shown as plain text.', String(err));
    }
    const { worker } = running;
    return new Promise<string>((resolve) => {
      const done = (html: string) => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('exit', onExit);
        resolve(html);
      };
      const onMessage = (raw: unknown) => {
        const message = parseRenderWorkerMessage(raw);
        if (message?.type === 'rendered' && message.id === request.id) done(message.html);
      };
      const onExit = (code: number) => {
        done(fail('The renderer stopped; the text is shown as plain text.', `worker exit code ${code}`));
      };
      const timer = setTimeout(() => {
        this.stop();
        done(
          fail(
            `Rendering took longer than ${this.timeLimitMs / 1000} s and was stopped; the text is shown as plain text.`,
            `${request.markdown.length} characters`,
          ),
        );
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
    this.current = { worker, ready };
    return this.current;
  }

  private stop(): void {
    const stopping = this.current;
    this.current = undefined;
    if (stopping) void stopping.worker.terminate();
  }
}
