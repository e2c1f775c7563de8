// Mocha reporter for scripts/test.mjs: the usual `spec` output for humans, plus a JSON summary
// {passes, failures, pending, tests: [{title, state, err}]} written to $ATTRACTOR_TEST_RESULTS at the end.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const Mocha = require('mocha');

const { Spec } = Mocha.reporters;
const { EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING, EVENT_RUN_END } = Mocha.Runner.constants;

class SpecWithSummary extends Spec {
  constructor(runner, options) {
    super(runner, options);
    const tests = [];
    const errText = (err) => (err && (err.stack || err.message)) || String(err);
    runner.on(EVENT_TEST_PASS, (t) => tests.push({ title: t.fullTitle(), state: 'passed' }));
    runner.on(EVENT_TEST_PENDING, (t) => tests.push({ title: t.fullTitle(), state: 'pending' }));
    runner.on(EVENT_TEST_FAIL, (t, err) => tests.push({ title: t.fullTitle(), state: 'failed', err: errText(err) }));
    runner.once(EVENT_RUN_END, () => {
      const out = process.env.ATTRACTOR_TEST_RESULTS;
      if (!out) return;
      const stats = runner.stats || {};
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.writeFileSync(
        out,
        JSON.stringify(
          { passes: stats.passes || 0, failures: stats.failures || 0, pending: stats.pending || 0, tests },
          null,
          2,
        ),
      );
    });
  }
}

module.exports = SpecWithSummary;
