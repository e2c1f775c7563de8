/**
 * Entry point of the in-host tests (VS Code's `extensionTestsPath`): runs every out/test/host/**\/*.test.js with
 * mocha inside the extension host, writes a JSON summary to $ATTRACTOR_TEST_RESULTS and rejects on failures.
 * The code-server environment (and so ATTRACTOR_TEST_RESULTS, ATTRACTOR_TEST_GREP) is inherited by the host.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as util from 'util';
import { recordedFigures } from '../harness/figures';
import { IN_HOST_LINE_MARKER } from '../harness/protocol';
import Mocha = require('mocha'); // the repo's mocha, resolved from out/test/host/

interface TestRecord {
  title: string;
  state: 'passed' | 'failed' | 'pending';
  err?: string;
}

function findTests(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.test.js'))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

/**
 * The host's console reaches the page (and so the terminal of runInHostTests) mixed with the workbench's own log
 * lines: mark the reporter's. (VS Code makes `console.log` & co. read-only in the extension host, so only mocha's
 * output is marked; the extension's own console output stays in the host's log.)
 */
function markReporterOutput(): () => void {
  const log = console.log;
  const savedBase = Mocha.reporters.Base.consoleLog;
  Mocha.reporters.Base.consoleLog = (...args: unknown[]) =>
    log.call(console, `${IN_HOST_LINE_MARKER}${util.format(...args)}`);
  return () => {
    Mocha.reporters.Base.consoleLog = savedBase;
  };
}

export function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'bdd',
    reporter: 'spec',
    timeout: 60_000,
    color: process.env.ATTRACTOR_TEST_COLOR === '1',
  });
  const grep = process.env.ATTRACTOR_TEST_GREP;
  if (grep) mocha.grep(grep);
  for (const file of findTests(__dirname)) mocha.addFile(file);

  const tests: TestRecord[] = [];
  const errText = (err: unknown) => (err instanceof Error ? (err.stack ?? err.message) : String(err));

  const restoreOutput = markReporterOutput();
  return new Promise<void>((resolve, reject) => {
    let runner: Mocha.Runner;
    try {
      runner = mocha.run((failures) => {
        restoreOutput();
        const summary = {
          passes: runner.stats?.passes ?? tests.filter((t) => t.state === 'passed').length,
          failures,
          pending: runner.stats?.pending ?? 0,
          tests,
          // What the tests measured (test/harness/figures.ts): npm test prints them before its closing line.
          figures: recordedFigures(),
        };
        const out = process.env.ATTRACTOR_TEST_RESULTS;
        if (out) {
          fs.mkdirSync(path.dirname(out), { recursive: true });
          fs.writeFileSync(out, JSON.stringify(summary, null, 2));
        }
        if (failures > 0) reject(new Error(`${failures} in-host test(s) failed`));
        else resolve();
      });
    } catch (err) {
      restoreOutput();
      reject(err);
      return;
    }
    runner.on('pass', (t) => tests.push({ title: t.fullTitle(), state: 'passed' }));
    runner.on('pending', (t) => tests.push({ title: t.fullTitle(), state: 'pending' }));
    runner.on('fail', (t, err) => tests.push({ title: t.fullTitle(), state: 'failed', err: errText(err) }));
  });
}
