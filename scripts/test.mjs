// `npm test`: installs what is missing (Debian packages, npm dependencies, the code-server test host), builds,
// then runs the three test layers with live output and ends with one line `N passed, N failed`.
//
//   npm test                      all layers: checks (type checks, lint, format), unit, host (inside VS Code's
//                                 extension host), ui (browser)
//   npm test -- --unit            one layer (--checks, --unit, --host, --ui; may be combined)
//   npm test -- --grep "papers"   only tests whose full title matches
//   npm test -- --no-build        skip installs and the build (iterate on compiled tests in out/)
//
// Env: ATTRACTOR_UPDATE_SCREENSHOT=1 refreshes media/screenshot.png (ui layer);
//      ATTRACTOR_KEEP_HOST_DIR=1 keeps each host's temp dir (logs, settings, workspace).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { build, ensureDeps, ensureHost, ensureSystemPackages, log, repoRoot } from './lib/setup.mjs';

const started = Date.now();
const args = process.argv.slice(2);
let grep;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--grep' || args[i] === '-g') grep = args[++i];
  else if (args[i].startsWith('--grep=')) grep = args[i].slice('--grep='.length);
}
const allLayers = ['checks', 'unit', 'host', 'ui'];
const only = new Set(allLayers.filter((l) => args.includes(`--${l}`)));
// --grep selects tests, so on its own it runs the test layers only (the checks have no titles to match).
const layers = only.size ? allLayers.filter((l) => only.has(l)) : allLayers.filter((l) => !(grep && l === 'checks'));
const noBuild = args.includes('--no-build');
const known = new Set(['--checks', '--unit', '--host', '--ui', '--grep', '-g', '--no-build']);
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--grep' || args[i] === '-g') i++;
  else if (!known.has(args[i]) && !args[i].startsWith('--grep=')) {
    console.error(`unknown option ${args[i]} (use --checks, --unit, --host, --ui, --grep X, --no-build)`);
    process.exit(2);
  }
}

const outDir = path.join(repoRoot, 'out', 'test');
const resultsDir = path.join(repoRoot, 'test-results');
// Every host a test process starts is listed here (by test/harness/host.ts), so none outlives the run.
// One folder per run (named by this process id): concurrent runs leave each other's hosts alone.
const registryRoot = path.join(resultsDir, '.hosts');
const hostRegistry = path.join(registryRoot, String(process.pid));
const mochaBin = path.join(repoRoot, 'node_modules', 'mocha', 'bin', 'mocha.js');
const reporter = path.join(repoRoot, 'scripts', 'lib', 'mocha-reporter.cjs');

let currentChild;

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

function killRegisteredHosts(registry = hostRegistry) {
  if (!fs.existsSync(registry)) return;
  for (const name of fs.readdirSync(registry)) {
    const file = path.join(registry, name);
    const pid = Number(name);
    if (Number.isInteger(pid) && pid > 0) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    // Second line: the host's temp dir (see test/harness/host.ts).
    const dir = (fs.readFileSync(file, 'utf8').split('\n')[1] ?? '').trim();
    if (dir && path.basename(dir).startsWith('attractor-host-')) fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(file, { force: true });
  }
  if (registry !== hostRegistry) fs.rmSync(registry, { recursive: true, force: true });
}

/** Hosts of earlier runs that were killed hard; returns whether another run is going on now. */
function cleanUpAfterDeadRuns() {
  let othersRunning = false;
  if (!fs.existsSync(registryRoot)) return false;
  for (const name of fs.readdirSync(registryRoot)) {
    const pid = Number(name);
    if (pid === process.pid) continue;
    const dir = path.join(registryRoot, name);
    if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) othersRunning = true;
    else if (fs.statSync(dir).isDirectory()) killRegisteredHosts(dir);
    else fs.rmSync(dir, { force: true }); // a file from an older layout
  }
  return othersRunning;
}

function onSignal(sig) {
  log(`${sig}: stopping tests and hosts`);
  if (currentChild && currentChild.exitCode === null) {
    try {
      currentChild.kill('SIGTERM');
    } catch {
      /* gone */
    }
  }
  killRegisteredHosts();
  process.exit(sig === 'SIGINT' ? 130 : 143);
}
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
process.on('SIGHUP', onSignal);
process.on('exit', () => {
  killRegisteredHosts();
  fs.rmSync(hostRegistry, { recursive: true, force: true });
});

function findTests(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.test.js'))
    .map((e) => path.join(e.parentPath ?? e.path, e.name))
    .sort();
}

/** Where a layer writes its JSON summary: private to this run, then copied to test-results/<layer>.json. */
function summaryPath(layer) {
  return path.join(os.tmpdir(), `attractor-test-${process.pid}-${layer}.json`);
}

function readSummary(file) {
  try {
    const text = fs.readFileSync(file, 'utf8');
    fs.rmSync(file, { force: true });
    const layer = /-(\w+)\.json$/.exec(file)?.[1];
    if (layer) fs.writeFileSync(path.join(resultsDir, `${layer}.json`), text);
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function heading(text) {
  process.stdout.write(`\n\x1b[1m━━ ${text} ━━\x1b[0m\n`);
}

/**
 * Runs mocha over the files of one layer in a child process; resolves with {passes, failures}. `retries` gives a
 * failing test that many more tries (UI tests drive a real browser on a shared machine: a real bug fails every
 * try, a focus or timing hiccup does not).
 */
function runMochaLayer(name, files, timeoutMs, retries = 0) {
  const summaryFile = summaryPath(name);
  fs.rmSync(summaryFile, { force: true });
  const mochaArgs = [
    mochaBin,
    '--reporter',
    reporter,
    '--timeout',
    String(timeoutMs),
    '--retries',
    String(retries),
    '--exit',
  ];
  if (grep) mochaArgs.push('--grep', grep);
  mochaArgs.push(...files);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, mochaArgs, {
      cwd: repoRoot,
      stdio: 'inherit',
      env: { ...process.env, ATTRACTOR_TEST_RESULTS: summaryFile, ATTRACTOR_HOST_REGISTRY: hostRegistry },
    });
    currentChild = child;
    child.on('exit', (code, signal) => {
      currentChild = undefined;
      killRegisteredHosts();
      const summary = readSummary(summaryFile);
      if (!summary) {
        console.error(`${name}: mocha ended (${signal ?? `exit code ${code}`}) without a summary`);
        resolve({ passes: 0, failures: 1 });
        return;
      }
      let failures = summary.failures;
      if (failures === 0 && code !== 0) {
        console.error(`${name}: mocha exited with ${signal ?? code} although no test failed`);
        failures = 1;
      }
      resolve({
        passes: summary.passes,
        failures,
        flaky: summary.flaky ?? [],
        figures: summary.figures ?? [],
        ran: summary.tests?.length ?? 0,
      });
    });
  });
}

/** A layer that was asked for but has nothing to run is an error, not a green 0/0. */
function nothingToRun(what) {
  console.error(`${what}: nothing to run`);
  return { passes: 0, failures: 1, ran: 0 };
}

/**
 * The type checks (host and webview code, each with its own tsconfig), ESLint and Prettier, each counted as one
 * test: esbuild does not type-check, and the test build compiles src/ without the root flags.
 */
async function runChecks() {
  const bin = (name) => path.join(repoRoot, 'node_modules', '.bin', name);
  const checks = [
    ['type check (tsconfig.json)', bin('tsc'), ['-p', '.', '--noEmit']],
    ['type check (webview/tsconfig.json)', bin('tsc'), ['-p', 'webview', '--noEmit']],
    ['lint (eslint)', bin('eslint'), ['.']],
    ['format (prettier --check)', bin('prettier'), ['--check', '.', '--log-level', 'warn']],
  ];
  let passes = 0;
  let failures = 0;
  for (const [title, cmd, cmdArgs] of checks) {
    const t0 = Date.now();
    const code = await new Promise((resolve) => {
      const child = spawn(cmd, cmdArgs, { cwd: repoRoot, stdio: 'inherit' });
      currentChild = child;
      child.on('exit', (c, sig) => {
        currentChild = undefined;
        resolve(sig ? 1 : c);
      });
      child.on('error', () => resolve(1));
    });
    const secs = ((Date.now() - t0) / 1000).toFixed(1);
    if (code === 0) passes++;
    else failures++;
    process.stdout.write(`  ${code === 0 ? '\x1b[32m✔\x1b[0m' : '\x1b[31m✖\x1b[0m'} ${title} (${secs} s)\n`);
  }
  return { passes, failures, ran: checks.length };
}

async function runUnit() {
  const files = findTests(path.join(outDir, 'unit'));
  if (!files.length) return nothingToRun('unit: no test files');
  return runMochaLayer('unit', files, 10_000);
}

async function runHostLayer() {
  const testsDir = path.join(outDir, 'host');
  if (!findTests(testsDir).length) return nothingToRun('host: no test files');
  const require = createRequire(import.meta.url);
  const { startHost } = require(path.join(outDir, 'harness', 'host.js'));
  const { runInHostTests } = require(path.join(outDir, 'harness', 'inHost.js'));
  const summaryFile = summaryPath('host');
  fs.rmSync(summaryFile, { force: true });
  process.env.ATTRACTOR_HOST_REGISTRY = hostRegistry;
  const env = { ATTRACTOR_TEST_RESULTS: summaryFile, ATTRACTOR_TEST_COLOR: process.stdout.isTTY ? '1' : '0' };
  if (grep) env.ATTRACTOR_TEST_GREP = grep;
  let host;
  let code;
  try {
    host = await startHost({ extension: 'none', env });
    code = await runInHostTests(host, testsDir);
  } catch (err) {
    console.error(`host: ${err instanceof Error ? err.message : String(err)}`);
    if (host) console.error(`server log:\n${host.readLog().split('\n').slice(-40).join('\n')}`);
    code = -1;
  } finally {
    await host?.stop();
  }
  const summary = readSummary(summaryFile);
  if (!summary) {
    console.error(`host: the in-host run ended (exit code ${code}) without a summary`);
    return { passes: 0, failures: 1 };
  }
  let failures = summary.failures;
  if (failures === 0 && code !== 0) {
    console.error(`host: the in-host run reported exit code ${code} although no test failed`);
    failures = 1;
  }
  return {
    passes: summary.passes,
    failures,
    flaky: summary.flaky ?? [],
    figures: summary.figures ?? [],
    ran: summary.tests?.length ?? 0,
  };
}

async function runUi() {
  const files = findTests(path.join(outDir, 'ui'));
  if (!files.length) return nothingToRun('ui: no test files');
  return runMochaLayer('ui', files, 120_000, 1);
}

async function main() {
  if (!noBuild) {
    await ensureSystemPackages({ chromium: layers.includes('ui') || layers.includes('host') });
    await ensureDeps();
    if (layers.includes('host') || layers.includes('ui')) await ensureHost();
    await build();
  }
  fs.mkdirSync(hostRegistry, { recursive: true });
  if (cleanUpAfterDeadRuns()) {
    log('another test run is going on in this folder: its hosts are left alone, but builds may collide');
  } else {
    // Screenshots, logs and summaries of the previous run.
    for (const entry of fs.readdirSync(resultsDir)) {
      if (entry !== '.hosts') fs.rmSync(path.join(resultsDir, entry), { recursive: true, force: true });
    }
  }

  const runners = { checks: runChecks, unit: runUnit, host: runHostLayer, ui: runUi };
  const titles = {
    checks: 'checks (type checks, lint, format)',
    unit: 'unit tests',
    host: 'in-host tests (VS Code extension host)',
    ui: 'UI tests (workbench in Chromium)',
  };
  let passes = 0;
  let failures = 0;
  let ran = 0;
  const flaky = [];
  const figures = [];
  const timings = [];
  for (const layer of layers) {
    heading(titles[layer]);
    const t0 = Date.now();
    const r = await runners[layer]();
    passes += r.passes;
    failures += r.failures;
    ran += r.ran;
    flaky.push(...(r.flaky ?? []).map((f) => f.title));
    figures.push(...(r.figures ?? []));
    // With --grep a layer may match nothing (it is said); when the whole run matched nothing it fails below.
    if (r.ran === 0 && r.failures === 0)
      log(`${layer}: no test matched${grep ? ` --grep ${JSON.stringify(grep)}` : ''}`);
    timings.push(`${layer} ${r.passes}/${r.passes + r.failures} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  if (ran === 0 && failures === 0) {
    console.error(`no test ran${grep ? `: --grep ${JSON.stringify(grep)} matches no test` : ''}`);
    failures = 1;
  }
  process.stdout.write(`\n${timings.join(' · ')} · total ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  // Figures the tests measured in this run (test/harness/figures.ts), e.g. the first chunk of a preview drawn.
  for (const f of figures)
    process.stdout.write(`measured: ${f.name}: ${f.value} ${f.unit}${f.beside ? ` (${f.beside})` : ''}\n`);
  // Tests that failed a try and passed on the retry: reported here (the closing line stays `N passed, N failed`).
  if (flaky.length) process.stdout.write(`${flaky.length} flaky: ${flaky.join('; ')}\n`);
  fs.writeFileSync(
    path.join(resultsDir, 'summary.json'),
    JSON.stringify({ passes, failures, flaky, figures }, null, 2),
  );
  process.stdout.write(`${passes} passed, ${failures} failed\n`);
  process.exitCode = failures > 0 ? 1 : 0;
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.stdout.write('0 passed, 1 failed\n');
  process.exitCode = 1;
});
