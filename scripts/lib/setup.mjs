// Idempotent setup helpers shared by `npm start` and `npm test`.
// Only Node built-ins here: this module runs before `npm install`.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CODE_SERVER_VERSION = '4.100.3';
/** npm used to install code-server: npm 11 blocks the install scripts that code-server's postinstall needs. */
const HOST_NPM_VERSION = '10.9.4';
/** @vscode/ripgrep (a code-server dependency) downloads rg unless its cache already has this archive. */
const RIPGREP_CACHE = {
  dir: 'vscode-ripgrep-cache-1.15.11',
  file: 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz',
};

export const hostDir = path.join(repoRoot, '.vscode-test');
export const codeServerEntry = path.join(hostDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');

export function log(msg) {
  process.stdout.write(`[attractor] ${msg}\n`);
}

export function readPackageJson() {
  return JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
}

/** `publisher.name-version`, the folder name VS Code expects in an extensions dir. */
export function extensionFolderName() {
  const pkg = readPackageJson();
  return `${pkg.publisher}.${pkg.name}-${pkg.version}`;
}

/** Runs a command with inherited stdio; resolves on exit code 0, rejects otherwise. */
export function run(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: 'inherit', cwd: repoRoot, ...opts });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${cmd} ${args.join(' ')} failed (${signal ?? `exit code ${code}`})`));
    });
  });
}

function which(bin) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, bin);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      /* not here */
    }
  }
  return undefined;
}

function hasKrb5Dev() {
  if (fs.existsSync('/usr/include/krb5.h')) return true;
  const r = spawnSync('dpkg', ['-s', 'libkrb5-dev'], { stdio: 'ignore' });
  return r.status === 0;
}

function mtime(p) {
  try {
    return fs.statSync(p).mtimeMs;
  } catch {
    return undefined;
  }
}

/**
 * Debian packages: libkrb5-dev (code-server's kerberos addon builds against it), ripgrep (VS Code search and the
 * @vscode/ripgrep cache) and chromium (UI tests). Installs them with apt-get when missing and we are root.
 */
export async function ensureSystemPackages({ chromium = true } = {}) {
  const missing = [];
  if (!hasKrb5Dev()) missing.push('libkrb5-dev');
  if (!which('rg')) missing.push('ripgrep');
  if (chromium && !fs.existsSync('/usr/bin/chromium')) missing.push('chromium');
  if (missing.length === 0) return;
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    throw new Error(
      `Missing system packages: ${missing.join(', ')}. Install them first, e.g.\n` +
        `  sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}`,
    );
  }
  log(`installing system packages: ${missing.join(', ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await run('apt-get', ['update'], { env });
  await run('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { env });
}

/** `npm ci` (or `npm install` without a lockfile) when node_modules is missing or older than package-lock.json. */
export async function ensureDeps() {
  const lock = path.join(repoRoot, 'package-lock.json');
  const hidden = path.join(repoRoot, 'node_modules', '.package-lock.json');
  const lockTime = mtime(lock);
  const hiddenTime = mtime(hidden);
  const stale =
    !fs.existsSync(path.join(repoRoot, 'node_modules')) ||
    hiddenTime === undefined ||
    (lockTime !== undefined && lockTime > hiddenTime + 1000);
  if (!stale) return;
  const env = { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' };
  const npmArgs = lockTime !== undefined ? ['ci'] : ['install'];
  log(`installing dependencies: npm ${npmArgs.join(' ')}`);
  await run('npm', [...npmArgs, '--no-audit', '--no-fund'], { env });
}

/** code-server (VS Code in a browser) as the test and dev host, in the git-ignored `.vscode-test/`. */
export async function ensureHost() {
  const vscodeModules = path.join(hostDir, 'node_modules', 'code-server', 'lib', 'vscode', 'node_modules');
  if (fs.existsSync(codeServerEntry) && fs.existsSync(vscodeModules)) return;

  const started = Date.now();
  log(`installing the test host code-server@${CODE_SERVER_VERSION} into .vscode-test/ (about a minute, once)`);
  fs.mkdirSync(hostDir, { recursive: true });
  const hostPkg = path.join(hostDir, 'package.json');
  if (!fs.existsSync(hostPkg)) {
    fs.writeFileSync(hostPkg, JSON.stringify({ name: 'attractor-test-host', private: true }, null, 2) + '\n');
  }

  // 1. npm 10 for this install: npm 11 blocks dependency install scripts, and code-server's postinstall runs
  //    nested `npm install`s that need them (native addons).
  const toolsDir = path.join(hostDir, 'tools');
  const toolsBin = path.join(toolsDir, 'node_modules', '.bin');
  if (!fs.existsSync(path.join(toolsBin, 'npm'))) {
    log(`  npm@${HOST_NPM_VERSION} for the host install`);
    await run('npm', ['i', '--prefix', toolsDir, '--no-audit', '--no-fund', `npm@${HOST_NPM_VERSION}`], {
      env: { ...process.env, npm_config_yes: 'true' },
    });
  }

  // 2. Seed @vscode/ripgrep's download cache with Debian's rg (no download from the internet).
  const tmp = path.join(hostDir, 'tmp');
  const cacheDir = path.join(tmp, RIPGREP_CACHE.dir);
  const archive = path.join(cacheDir, RIPGREP_CACHE.file);
  if (!fs.existsSync(archive)) {
    const rg = which('rg');
    if (!rg) throw new Error('ripgrep (rg) is missing: apt-get install -y ripgrep');
    const rgReal = fs.realpathSync(rg);
    fs.mkdirSync(cacheDir, { recursive: true });
    // The archive must hold a file named `rg` at its root.
    const stage = fs.mkdtempSync(path.join(tmp, 'rg-'));
    fs.copyFileSync(rgReal, path.join(stage, 'rg'));
    fs.chmodSync(path.join(stage, 'rg'), 0o755);
    await run('tar', ['-czf', archive, '-C', stage, 'rg']);
    fs.rmSync(stage, { recursive: true, force: true });
  }

  // 3. code-server itself, with npm 10 first on PATH (also for the nested installs of its postinstall).
  log(`  code-server@${CODE_SERVER_VERSION}`);
  const env = {
    ...process.env,
    PATH: `${toolsBin}${path.delimiter}${process.env.PATH ?? ''}`,
    TMPDIR: tmp,
    npm_config_nodedir: '/usr',
    npm_config_unsafe_perm: 'true',
    npm_config_yes: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  };
  await run('npm', ['i', '--save-exact', `code-server@${CODE_SERVER_VERSION}`], { cwd: hostDir, env });
  if (!fs.existsSync(codeServerEntry) || !fs.existsSync(vscodeModules)) {
    throw new Error(
      `code-server install finished but ${path.relative(repoRoot, codeServerEntry)} or its lib/vscode/node_modules is missing`,
    );
  }
  log(`  test host ready in ${Math.round((Date.now() - started) / 1000)} s`);
}

/**
 * Deletes compiled files in out/ whose TypeScript source is gone (a deleted test must not keep running).
 * out/ is not wiped before compiling, so that a concurrent test run keeps its files.
 */
function removeStaleOutput() {
  const out = path.join(repoRoot, 'out');
  if (!fs.existsSync(out)) return;
  for (const entry of fs.readdirSync(out, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath ?? entry.path, entry.name);
    const m = /^(.*)\.js(\.map)?$/.exec(path.relative(out, file));
    if (!m) continue;
    if (!fs.existsSync(path.join(repoRoot, `${m[1]}.ts`))) fs.rmSync(file, { force: true });
  }
}

/**
 * Builds the extension (scripts/build.mjs → dist/) and, unless `tests: false`, compiles the tests
 * (test/tsconfig.json → out/test/ and out/src/).
 */
export async function build({ tests = true } = {}) {
  const started = Date.now();
  log('building the extension');
  await run(process.execPath, [path.join(repoRoot, 'scripts', 'build.mjs')]);
  if (!tests) return;
  log('compiling the tests');
  const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  await run(process.execPath, [tsc, '-p', path.join(repoRoot, 'test', 'tsconfig.json')]);
  removeStaleOutput();
  log(`built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
