/**
 * Mocha glue for UI tests: one host + workbench per file (or per `describe`), a screenshot and the server log of
 * every failing try in test-results/, and browser and host always stopped.
 *
 * A UI test that fails gets one more try (scripts/test.mjs). With `freshHostForRetry` that try starts from a clean
 * state: the host and workbench are replaced by fresh ones (new profile, new copy of the workspace, `prepare` run
 * again), so nothing the failed try wrote can make the retry pass; otherwise it runs in the same host. The runner reports such a test as flaky, and the failed try's
 * screenshot and log stay in test-results/ as `<title>.try1.*`.
 *
 *   describe('papers', function () {
 *     const ui = useWorkbench({ host: { settings: { ... } } });
 *     it('shows the tree', async () => { await ui.wb.openViewContainer('Attractor'); ... });
 *   });
 */
import * as fs from 'fs';
import * as path from 'path';
import { type Host, type HostOptions, startHost } from './host';
import { fileSafe, resultsDir } from './paths';
import { openWorkbench, type Workbench, type WorkbenchOptions } from './workbench';

export interface UseWorkbenchOptions {
  host?: HostOptions;
  workbench?: WorkbenchOptions;
  /** Skip opening the browser (host only). */
  noBrowser?: boolean;
  /** Retry a failed test on a new host and workbench (for suites whose tests do not build on each other). */
  freshHostForRetry?: boolean;
  /** Sets up each new host before the workbench opens (workspace files, ...); runs again for a retry's host. */
  prepare?: (host: Host) => void | Promise<void>;
}

export interface WorkbenchFixture {
  /** The host; available from `before` on. */
  readonly host: Host;
  /** The workbench; available from `before` on. */
  readonly wb: Workbench;
}

export function useWorkbench(opts: UseWorkbenchOptions = {}): WorkbenchFixture {
  let host: Host | undefined;
  let wb: Workbench | undefined;

  const start = async (title: string) => {
    host = await startHost(opts.host);
    await opts.prepare?.(host);
    if (!opts.noBrowser) {
      try {
        wb = await openWorkbench(host, opts.workbench);
        if (opts.host?.extension !== 'none') await extensionCommandsListed(wb);
      } catch (err) {
        await saveServerLog(host, title);
        throw err;
      }
    }
  };

  before(async function () {
    this.timeout(180_000);
    await start(`${this.test?.parent?.fullTitle() ?? 'before'} (before all)`);
  });

  afterEach(async function () {
    const test = this.currentTest;
    if (!test || test.state === 'passed' || test.pending) return;
    // Mocha marks a test failed only after its last try: a try that will be retried has no state yet.
    // (`currentRetry` is public in mocha, protected only in its type definitions.)
    const tryIndex = (test as unknown as { currentRetry(): number }).currentRetry();
    const retrying = test.state !== 'failed' && tryIndex < test.retries();
    const name = fileSafe(test.fullTitle()).slice(0, 140) + (retrying || tryIndex > 0 ? `.try${tryIndex + 1}` : '');
    if (wb) {
      const file = path.join(resultsDir, `${name}.png`);
      try {
        await wb.screenshot(file);
        console.log(`      screenshot: ${path.relative(process.cwd(), file)}`);
      } catch (err) {
        console.log(`      (no screenshot: ${(err as Error).message})`);
      }
    }
    if (host) await saveServerLog(host, name);
    // A fresh host for the retry only where the suite asks for it: most suites build on the state earlier tests
    // left (papers fetched, views open), and on a fresh host their later tests failed in turn (seen in CI).
    if (retrying && opts.freshHostForRetry) {
      this.timeout(180_000);
      console.log('      retrying on a fresh host and workbench');
      await wb?.close().catch(() => undefined);
      await host?.stop();
      wb = undefined;
      await start(`${test.fullTitle()} (restart for retry)`);
    }
  });

  after(async function () {
    this.timeout(60_000);
    await wb?.close();
    await host?.stop();
  });

  return {
    get host(): Host {
      if (!host) throw new Error('the host is not started (use it inside tests or hooks)');
      return host;
    },
    get wb(): Workbench {
      if (!wb) throw new Error('the workbench is not open (use it inside tests or hooks)');
      return wb;
    },
  };
}

/**
 * Waits until the command palette lists the extension's commands. A fresh workbench can be shown before the
 * extension host has registered the extension, and a palette opened then never lists them (seen on retries).
 */
async function extensionCommandsListed(wb: Workbench): Promise<void> {
  const { page } = wb;
  const input = page.locator('.quick-input-widget .quick-input-box input');
  const row = page.locator('.quick-input-list .monaco-list-row .label-name', { hasText: /^Attractor: Show Log$/ });
  const deadline = Date.now() + 60_000;
  for (;;) {
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill('>Attractor: Show Log');
    const listed = await row
      .first()
      .waitFor({ timeout: 3_000 })
      .then(() => true)
      .catch(() => false);
    await page.keyboard.press('Escape');
    if (listed) return;
    if (Date.now() > deadline) throw new Error('the command palette never listed the Attractor commands');
  }
}

async function saveServerLog(host: Host, name: string): Promise<void> {
  try {
    fs.mkdirSync(resultsDir, { recursive: true });
    const file = path.join(resultsDir, `${fileSafe(name)}.server.log`);
    fs.writeFileSync(file, host.readLog());
    const exthost = findExtensionHostLogs(host.userDataDir);
    for (const log of exthost) {
      fs.appendFileSync(file, `\n===== ${path.relative(host.userDataDir, log)} =====\n${fs.readFileSync(log, 'utf8')}`);
    }
  } catch {
    /* best effort */
  }
}

/** remoteexthost.log and extension output channels under user-data/logs/. */
function findExtensionHostLogs(userDataDir: string): string[] {
  const logs = path.join(userDataDir, 'logs');
  if (!fs.existsSync(logs)) return [];
  const found: string[] = [];
  for (const entry of fs.readdirSync(logs, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    if (/exthost|Attractor/i.test(entry.name) || /exthost/i.test(entry.parentPath ?? '')) {
      found.push(path.join(entry.parentPath ?? logs, entry.name));
    }
  }
  return found.slice(0, 20);
}
