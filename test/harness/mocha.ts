/**
 * Mocha glue for UI tests: one host + workbench per file (or per `describe`), a screenshot and the server log of
 * every failing test in test-results/, and browser and host always stopped.
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

  before(async function () {
    this.timeout(180_000);
    host = await startHost(opts.host);
    if (!opts.noBrowser) {
      try {
        wb = await openWorkbench(host, opts.workbench);
      } catch (err) {
        await saveServerLog(host, `${this.test?.parent?.fullTitle() ?? 'before'} (before all)`);
        throw err;
      }
    }
  });

  afterEach(async function () {
    const test = this.currentTest;
    if (!test || test.state !== 'failed') return;
    const name = fileSafe(test.fullTitle());
    if (wb) {
      const file = path.join(resultsDir, `${name}.png`);
      try {
        await wb.screenshot(file);
        console.log(`      screenshot: ${path.relative(process.cwd(), file)}`);
      } catch (err) {
        console.log(`      (no screenshot: ${(err as Error).message})`);
      }
    }
    if (host) await saveServerLog(host, test.fullTitle());
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

async function saveServerLog(host: Host, title: string): Promise<void> {
  try {
    fs.mkdirSync(resultsDir, { recursive: true });
    const file = path.join(resultsDir, `${fileSafe(title)}.server.log`);
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
