/**
 * A throw-away VS Code (code-server) for one test run: its own HOME, XDG dirs, TMPDIR, user-data and extensions
 * dirs, a free port, and the whole server process group killed by `stop()` (and when this process exits).
 */
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { codeServerEntry, extensionFolderName, repoRoot } from './paths';

/** The code-server command line, shared with `npm start` (scripts/lib/code-server.cjs). */
interface CodeServerCli {
  profileEnv(profileDir: string, extra?: Record<string, string>): NodeJS.ProcessEnv;
  makeProfile(profileDir: string): { userDataDir: string; extensionsDir: string; configFile: string };
  profileArgs(dirs: { userDataDir: string; extensionsDir: string; configFile: string }): string[];
  serveArgs(opts: {
    port: number;
    workspace: string;
    workspaceTrust?: boolean;
    userDataDir: string;
    extensionsDir: string;
    configFile: string;
  }): string[];
  isHealthy(baseUrl: string): Promise<boolean>;
}
const cli = require(path.join(repoRoot, 'scripts', 'lib', 'code-server.cjs')) as CodeServerCli;

export interface HostOptions {
  /** Folder to open. Default: a fresh copy of examples/workspace/ inside the run's temp dir. */
  workspace?: string;
  /** User settings, merged over the harness defaults and written to user-data/User/settings.json. */
  settings?: Record<string, unknown>;
  /**
   * Workspace trust as in a user's VS Code (the opened folder starts untrusted: Restricted Mode). Off by default:
   * code-server is started with --disable-workspace-trust and the setting is false.
   */
  workspaceTrust?: boolean;
  /**
   * How the extension is loaded:
   * - 'dev' (default): the repo is symlinked into the extensions dir as publisher.name-version;
   * - { vsix }: the package is installed with `--install-extension` first;
   * - 'none': not loaded (e.g. for `runInHostTests`, which loads it as the development extension).
   */
  extension?: 'dev' | 'none' | { vsix: string };
  /** The extension folder for 'dev' (default: the repo root). */
  extensionPath?: string;
  /** Extra environment for code-server; the extension host inherits it. */
  env?: Record<string, string>;
  /** Ms to wait for /healthz (default 60 000). */
  startTimeout?: number;
  /** Keep the temp dir after stop() (it is also kept when ATTRACTOR_KEEP_HOST_DIR=1). */
  keepDir?: boolean;
}

export interface Host {
  port: number;
  /** http://127.0.0.1:PORT (no trailing slash) */
  url: string;
  /** Absolute path of the opened folder. */
  workspace: string;
  /** The run's temp dir. */
  dir: string;
  /** Server output (stdout and stderr). */
  logFile: string;
  userDataDir: string;
  extensionsDir: string;
  /** The server output so far. */
  readLog(): string;
  /** Kills the server process group and removes the temp dir. Safe to call twice. */
  stop(): Promise<void>;
}

/** Settings that keep the workbench quiet and deterministic for tests. */
export const defaultSettings: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
  'chat.commandCenter.enabled': false,
  'window.restoreWindows': 'none',
  // Tests never touch the internet: no fetch when the Papers view opens, and the sources point at a closed
  // local port unless a test sets them to its fixture server.
  'attractor.papers.fetchOnOpen': false,
  'attractor.huggingface.endpoint': 'http://127.0.0.1:9',
  'attractor.arxiv.endpoint': 'http://127.0.0.1:9',
};

// ---- process-group bookkeeping: never leave a server behind -------------------------------------------------

/** Process group id → temp dir to remove at exit ('' to keep). */
const liveGroups = new Map<number, string>();
let exitHooksInstalled = false;

function killGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false; // already gone
  }
}

function registryFile(pid: number): string | undefined {
  // scripts/test.mjs sets this so it can kill hosts a crashed test process left behind.
  const dir = process.env.ATTRACTOR_HOST_REGISTRY;
  return dir ? path.join(dir, String(pid)) : undefined;
}

function installExitHooks(): void {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  process.on('exit', () => {
    for (const [pid, dir] of liveGroups) {
      killGroup(pid, 'SIGKILL');
      const reg = registryFile(pid);
      try {
        if (reg) fs.rmSync(reg, { force: true });
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
      } catch {
        /* best effort */
      }
    }
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => process.exit(sig === 'SIGINT' ? 130 : 143)); // the exit hook cleans up
  }
}

// ---- helpers ----------------------------------------------------------------------------------------------------

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function tail(text: string, lines = 60): string {
  return text.split('\n').slice(-lines).join('\n');
}

function runToEnd(args: string[], env: NodeJS.ProcessEnv, logFile: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const fd = fs.openSync(logFile, 'a');
    const child = spawn(process.execPath, [codeServerEntry, ...args], { env, stdio: ['ignore', fd, fd] });
    fs.closeSync(fd);
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve();
      else
        reject(
          new Error(`code-server ${args.join(' ')} exited with ${code}:\n${tail(fs.readFileSync(logFile, 'utf8'))}`),
        );
    });
  });
}

// ---- startHost --------------------------------------------------------------------------------------------------

export async function startHost(opts: HostOptions = {}): Promise<Host> {
  if (!fs.existsSync(codeServerEntry)) {
    throw new Error(
      `code-server is not installed (${codeServerEntry}); run \`npm test\` or \`npm start\` once to install it`,
    );
  }
  installExitHooks();

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attractor-host-'));
  const { userDataDir, extensionsDir, configFile } = cli.makeProfile(dir);
  const logFile = path.join(dir, 'server.log');
  fs.writeFileSync(
    path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify(
      {
        ...defaultSettings,
        ...(opts.workspaceTrust ? { 'security.workspace.trust.enabled': true } : {}),
        ...opts.settings,
      },
      null,
      2,
    ),
  );
  fs.writeFileSync(configFile, 'auth: none\ncert: false\n');

  let workspace = opts.workspace;
  if (!workspace) {
    workspace = path.join(dir, 'workspace');
    const example = path.join(repoRoot, 'examples', 'workspace');
    if (fs.existsSync(example)) fs.cpSync(example, workspace, { recursive: true });
    else fs.mkdirSync(workspace, { recursive: true });
  }
  workspace = path.resolve(workspace);

  const env = cli.profileEnv(dir, opts.env);
  const dirArgs = cli.profileArgs({ userDataDir, extensionsDir, configFile });

  const extension = opts.extension ?? 'dev';
  if (extension === 'dev') {
    const extensionPath = path.resolve(opts.extensionPath ?? repoRoot);
    fs.symlinkSync(extensionPath, path.join(extensionsDir, extensionFolderName(extensionPath)), 'dir');
  } else if (extension !== 'none') {
    try {
      await runToEnd([...dirArgs, '--install-extension', path.resolve(extension.vsix)], env, logFile);
    } catch (err) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  }

  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const fd = fs.openSync(logFile, 'a');
  const child: ChildProcess = spawn(
    process.execPath,
    [
      codeServerEntry,
      ...cli.serveArgs({
        port,
        workspace,
        workspaceTrust: opts.workspaceTrust,
        userDataDir,
        extensionsDir,
        configFile,
      }),
    ],
    { env, detached: true, stdio: ['ignore', fd, fd] },
  );
  fs.closeSync(fd);
  const pid = child.pid!;
  const keep = !!opts.keepDir || process.env.ATTRACTOR_KEEP_HOST_DIR === '1';
  liveGroups.set(pid, keep ? '' : dir);
  const reg = registryFile(pid);
  if (reg) {
    fs.mkdirSync(path.dirname(reg), { recursive: true });
    fs.writeFileSync(reg, `${pid}\n${keep ? '' : dir}\n`);
  }
  let exited: number | null | undefined;
  const exitPromise = new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => {
      exited = code ?? (signal ? -1 : null);
      resolve();
    });
  });

  const readLog = () => {
    try {
      return fs.readFileSync(logFile, 'utf8');
    } catch {
      return '';
    }
  };

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    killGroup(pid, 'SIGTERM');
    const done = await Promise.race([
      exitPromise.then(() => true),
      new Promise<boolean>((r) => setTimeout(() => r(false), 5000)),
    ]);
    // The extension host and file watchers are in the same group; make sure none of them lingers.
    killGroup(pid, 'SIGKILL');
    if (!done) await Promise.race([exitPromise, new Promise((r) => setTimeout(r, 2000))]);
    liveGroups.delete(pid);
    if (reg) fs.rmSync(reg, { force: true });
    if (!keep) fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  };

  const deadline = Date.now() + (opts.startTimeout ?? 60_000);
  for (;;) {
    if (exited !== undefined) {
      const log = readLog();
      await stop();
      throw new Error(`code-server exited (${exited}) before it was ready. Its output:\n${tail(log)}`);
    }
    if (await cli.isHealthy(url)) break;
    if (Date.now() > deadline) {
      const log = readLog();
      await stop();
      throw new Error(`code-server did not answer ${url}/healthz in time. Its output:\n${tail(log)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }

  return { port, url, workspace, dir, logFile, userDataDir, extensionsDir, readLog, stop };
}
