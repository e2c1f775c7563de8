// `npm start`: installs what is missing, builds, and serves VS Code (code-server) with the extension loaded on
// http://127.0.0.1:${ATTRACTOR_PORT || 8080}, opening examples/workspace/. Ctrl-C stops it.
// The profile (settings, state, extensions dir) persists in the git-ignored .vscode-test/start-profile/.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {
  build,
  codeServerEntry,
  ensureDeps,
  ensureHost,
  ensureSystemPackages,
  extensionFolderName,
  hostDir,
  log,
  repoRoot,
} from './lib/setup.mjs';
import codeServer from './lib/code-server.cjs';

const { profileEnv, makeProfile, serveArgs, isHealthy } = codeServer;

const port = Number(process.env.ATTRACTOR_PORT || 8080);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error(`ATTRACTOR_PORT=${process.env.ATTRACTOR_PORT} is not a port number`);
  process.exit(2);
}

function portIsFree(p) {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(p, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

async function main() {
  if (!(await portIsFree(port))) {
    console.error(
      `Port ${port} on 127.0.0.1 is already in use (another \`npm start\`?).\n` +
        `Pick another one, e.g.:  ATTRACTOR_PORT=${port === 8081 ? 8082 : 8081} npm start`,
    );
    process.exit(1);
  }

  await ensureSystemPackages({ chromium: false });
  await ensureDeps();
  await ensureHost();
  await build({ tests: false }); // the tests are compiled by `npm test`

  const profile = path.join(hostDir, 'start-profile');
  const { userDataDir: userData, extensionsDir, configFile } = makeProfile(profile);
  const settingsFile = path.join(userData, 'User', 'settings.json');
  if (!fs.existsSync(settingsFile)) {
    fs.writeFileSync(
      settingsFile,
      JSON.stringify(
        { 'workbench.startupEditor': 'none', 'telemetry.telemetryLevel': 'off', 'update.mode': 'none' },
        null,
        2,
      ),
    );
  }
  fs.writeFileSync(configFile, 'auth: none\ncert: false\n');

  // The extension: the repo itself, linked as publisher.name-version (stale links of other versions removed).
  const linkName = extensionFolderName();
  const prefix = linkName.slice(0, linkName.lastIndexOf('-') + 1);
  for (const entry of fs.readdirSync(extensionsDir)) {
    if (entry.startsWith(prefix) && entry !== linkName)
      fs.rmSync(path.join(extensionsDir, entry), { recursive: true, force: true });
  }
  const link = path.join(extensionsDir, linkName);
  let linkOk = false;
  try {
    linkOk = fs.realpathSync(link) === fs.realpathSync(repoRoot);
  } catch {
    /* missing or dangling */
  }
  if (!linkOk) {
    fs.rmSync(link, { recursive: true, force: true });
    fs.symlinkSync(repoRoot, link, 'dir');
  }

  const workspace = path.join(repoRoot, 'examples', 'workspace');
  fs.mkdirSync(workspace, { recursive: true });

  const env = profileEnv(profile);
  const child = spawn(
    process.execPath,
    [codeServerEntry, ...serveArgs({ port, workspace, userDataDir: userData, extensionsDir, configFile })],
    { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );

  // Server output goes to a log file (and errors to the terminal); the process group dies with us.
  const logFile = path.join(profile, 'server.log');
  const logStream = fs.createWriteStream(logFile, { flags: 'w' });
  child.stdout.pipe(logStream);
  child.stderr.on('data', (chunk) => {
    logStream.write(chunk);
  });

  let stopping = false;
  const stop = (code) => {
    if (stopping) return;
    stopping = true;
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      /* gone */
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
      process.exit(code);
    }, 3000);
    child.once('exit', () => {
      clearTimeout(timer);
      try {
        process.kill(-child.pid, 'SIGKILL'); // the extension host and watchers of the group
      } catch {
        /* gone */
      }
      process.exit(code);
    });
  };
  process.on('SIGINT', () => {
    process.stdout.write('\n');
    log('stopping');
    stop(0);
  });
  process.on('SIGTERM', () => stop(0));
  process.on('SIGHUP', () => stop(0));
  process.on('exit', () => {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  });

  let ready = false;
  child.once('exit', (code, signal) => {
    if (stopping) return;
    console.error(
      `code-server exited (${signal ?? `exit code ${code}`})${ready ? '' : ' before it was ready'}; its log: ${path.relative(repoRoot, logFile)}`,
    );
    try {
      console.error(fs.readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n'));
    } catch {
      /* no log */
    }
    process.exit(1);
  });

  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (!(await isHealthy(base))) {
    if (Date.now() > deadline) {
      console.error(`code-server did not answer ${base}/healthz within 60 s; see ${path.relative(repoRoot, logFile)}`);
      stop(1);
      return;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  ready = true;
  log(`Attractor is running: open ${base}/?folder=${workspace}`);
  log(`server log: ${path.relative(repoRoot, logFile)} · Ctrl-C to stop`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
