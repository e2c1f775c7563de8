/**
 * Runs a mocha suite inside the real extension host, the way @vscode/test-electron does, but through code-server:
 * the page is opened with a `payload` naming the extension as the development extension and the tests module,
 * and the host reports the result by calling `codeAutomationExit(code)` in the page.
 *
 * Start the host with `extension: 'none'`: the payload loads the extension from `extensionPath`.
 */
import * as path from 'path';
import type { ConsoleMessage } from 'playwright-core';
import type { Host } from './host';
import { repoRoot } from './paths';
import { IN_HOST_LINE_MARKER } from './protocol';
import { launchChromium } from './workbench';

export interface InHostOptions {
  /** The extension to develop (default: the repo root). */
  extensionPath?: string;
  /** Ms until the run is given up (default 10 minutes). */
  timeout?: number;
  /** Where the forwarded console lines go (default: stdout). */
  write?: (line: string) => void;
  /** Ends the run early when it settles (the window is closed; resolves with -1): for tests that kill the host. */
  stopWhen?: Promise<unknown>;
}

/** Resolves with the exit code the tests reported (0 = all passed). */
export async function runInHostTests(host: Host, testsDir: string, opts: InHostOptions = {}): Promise<number> {
  const write = opts.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const extensionPath = path.resolve(opts.extensionPath ?? repoRoot);
  const remote = (p: string) => `vscode-remote://127.0.0.1:${host.port}${path.resolve(p)}`;
  const payload = JSON.stringify([
    ['extensionDevelopmentPath', remote(extensionPath)],
    ['extensionTestsPath', remote(testsDir)],
  ]);

  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    let settle!: (code: number) => void;
    let fail!: (err: Error) => void;
    const result = new Promise<number>((resolve, reject) => {
      settle = resolve;
      fail = reject;
    });
    await page.exposeFunction('codeAutomationExit', (code: unknown) => settle(Number(code ?? 0)));
    page.on('console', (msg) => {
      const line = extensionHostLine(msg);
      if (line !== undefined) write(line);
    });
    page.on('crash', () => fail(new Error('the workbench page crashed')));

    const url = `${host.url}/?folder=${encodeURIComponent(host.workspace)}&payload=${encodeURIComponent(payload)}`;
    await page.goto(url);

    const timeout = opts.timeout ?? 10 * 60_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<number>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the in-host tests did not finish within ${timeout / 1000} s`)),
        timeout,
      );
    });
    try {
      const stopped = opts.stopWhen?.then(() => -1);
      return await Promise.race([result, timedOut, ...(stopped ? [stopped] : [])]);
    } finally {
      clearTimeout(timer);
    }
  } finally {
    await browser.close().catch(() => undefined);
  }
}

/** The text of a console line printed by the in-host test run (see protocol.ts), or undefined for other lines. */
function extensionHostLine(msg: ConsoleMessage): string | undefined {
  const text = msg.text();
  const at = text.indexOf(IN_HOST_LINE_MARKER);
  if (at < 0) return undefined;
  return text.slice(at + IN_HOST_LINE_MARKER.length);
}
