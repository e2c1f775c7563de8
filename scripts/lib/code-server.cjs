// The code-server command line shared by `npm start` and the test harness: VS Code served on 127.0.0.1 from a
// private profile (its own HOME, XDG dirs and TMPDIR), with no gallery, telemetry or update checks.
// CommonJS so that both the ESM scripts and the compiled TypeScript harness can load it.
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');

/** The environment of a code-server whose profile lives under `profileDir`; `extra` wins. */
function profileEnv(profileDir, extra = {}) {
  const home = path.join(profileDir, 'home');
  const env = {
    ...process.env,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    TMPDIR: path.join(profileDir, 'tmp'),
    EXTENSIONS_GALLERY: '{}',
    ...extra,
  };
  // A parent VS Code or code-server session must not leak into ours.
  for (const key of Object.keys(env)) {
    if (/^(VSCODE_|ELECTRON_RUN_AS_NODE$|CODE_SERVER_)/.test(key) && !(key in extra)) delete env[key];
  }
  return env;
}

/** Creates the folders of a profile under `profileDir` (idempotent) and returns those code-server is given. */
function makeProfile(profileDir) {
  const home = path.join(profileDir, 'home');
  const userDataDir = path.join(profileDir, 'user-data');
  const extensionsDir = path.join(profileDir, 'extensions');
  for (const d of [
    path.join(home, '.config'),
    path.join(home, '.local', 'share'),
    path.join(profileDir, 'tmp'),
    path.join(userDataDir, 'User'),
    extensionsDir,
  ]) {
    fs.mkdirSync(d, { recursive: true });
  }
  return { userDataDir, extensionsDir, configFile: path.join(profileDir, 'config.yaml') };
}

/** `--user-data-dir`, `--extensions-dir` and `--config`: also needed by `--install-extension`. */
function profileArgs({ userDataDir, extensionsDir, configFile }) {
  return ['--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--config', configFile];
}

/**
 * Arguments after `node <code-server entry>` to serve `workspace` on 127.0.0.1:`port`. Workspace trust is off
 * unless `workspaceTrust` is set (the Restricted Mode test turns it on).
 */
function serveArgs({ port, workspace, workspaceTrust = false, ...dirs }) {
  return [
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    ...(workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    '--ignore-last-opened',
    ...profileArgs(dirs),
    workspace,
  ];
}

/** Whether the server at `baseUrl` answers its health check (false while it starts or when it is gone). */
function isHealthy(baseUrl) {
  return new Promise((resolve) => {
    const req = http.get(`${baseUrl}/healthz`, { timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
  });
}

module.exports = { profileEnv, makeProfile, profileArgs, serveArgs, isHealthy };
