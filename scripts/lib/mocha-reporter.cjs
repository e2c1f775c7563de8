// Mocha reporter for scripts/test.mjs: the usual `spec` output for humans, plus a JSON summary
// {passes, failures, pending, flaky, figures, tests: [{title, state, err, tries}]} written to
// $ATTRACTOR_TEST_RESULTS at the end (`figures`: what tests measured in this run, see test/harness/figures.ts). A test that failed a try and passed a later one is listed in `flaky` with the failed try's error, and
// a line is printed the moment a try fails, so a retry never passes silently.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const Mocha = require('mocha');

const { Spec } = Mocha.reporters;
const { EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING, EVENT_TEST_RETRY, EVENT_RUN_END } =
  Mocha.Runner.constants;

class SpecWithSummary extends Spec {
  constructor(runner, options) {
    super(runner, options);
    const tests = [];
    const errText = (err) => (err && (err.stack || err.message)) || String(err);
    /** Errors of failed tries that were retried, by full title. */
    const failedTries = new Map();
    const tries = (t) => t.currentRetry() + 1;
    runner.on(EVENT_TEST_RETRY, (t, err) => {
      const title = t.fullTitle();
      failedTries.set(title, [...(failedTries.get(title) || []), errText(err)]);
      const first = String((err && err.message) || err).split('\n')[0];
      process.stdout.write(`      ↻ try ${tries(t)} failed, retrying: ${first}\n`);
    });
    runner.on(EVENT_TEST_PASS, (t) => tests.push({ title: t.fullTitle(), state: 'passed', tries: tries(t) }));
    runner.on(EVENT_TEST_PENDING, (t) => tests.push({ title: t.fullTitle(), state: 'pending' }));
    runner.on(EVENT_TEST_FAIL, (t, err) =>
      tests.push({ title: t.fullTitle(), state: 'failed', err: errText(err), tries: tries(t) }),
    );
    runner.once(EVENT_RUN_END, () => {
      // A test that failed every try shows only its last error in mocha's list; its earlier tries often failed
      // first and for another reason (the last try then failed on what the first left behind), so say them again
      // at the end, where a CI log's tail keeps them.
      for (const t of tests.filter((x) => x.state === 'failed' && failedTries.has(x.title)))
        for (const [i, err] of failedTries.get(t.title).entries())
          process.stdout.write(
            `  earlier try ${i + 1} of "${t.title}": ${err.split('\n').slice(0, 6).join('\n    ')}\n`,
          );
      const out = process.env.ATTRACTOR_TEST_RESULTS;
      if (!out) return;
      const stats = runner.stats || {};
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.writeFileSync(
        out,
        JSON.stringify(
          {
            passes: stats.passes || 0,
            failures: stats.failures || 0,
            pending: stats.pending || 0,
            flaky: tests
              .filter((t) => t.state === 'passed' && failedTries.has(t.title))
              .map((t) => ({ title: t.title, failedTries: failedTries.get(t.title) })),
            figures: globalThis.__attractorFigures || [],
            tests,
          },
          null,
          2,
        ),
      );
    });
  }
}

module.exports = SpecWithSummary;
