// Mocha reporter: the usual spec output, plus the run's counts appended as one JSON line to
// $TALLY_FILE so scripts/test.mjs can print a single "N passed, N failed, N skipped" line.
const fs = require("node:fs");
const Mocha = require("mocha");
const { EVENT_RUN_END } = Mocha.Runner.constants;

class TallyReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(EVENT_RUN_END, () => {
      const file = process.env.TALLY_FILE;
      if (!file) return;
      const s = runner.stats || {};
      const line = { suite: process.env.TALLY_SUITE || "mocha", passed: s.passes || 0, failed: s.failures || 0, skipped: s.pending || 0 };
      fs.appendFileSync(file, JSON.stringify(line) + "\n");
    });
  }
}
module.exports = TallyReporter;
