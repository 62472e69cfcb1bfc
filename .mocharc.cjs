// Shared mocha settings: TypeScript through tsx, and a reporter that also tallies counts for scripts/test.mjs.
module.exports = {
  require: ["tsx/cjs"],
  extension: ["ts"],
  timeout: 20000,
  reporter: require.resolve("./test/support/tally-reporter.cjs"),
  exit: false,
};
