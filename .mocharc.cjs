// Shared mocha settings: TypeScript through tsx, the secret scan as a root hook (it runs after
// every suite, whatever files run), and a reporter that also tallies counts for scripts/test.mjs.
module.exports = {
  require: ["tsx/cjs", "./test/support/secret-scan.hooks.ts"],
  extension: ["ts"],
  timeout: 20000,
  reporter: require.resolve("./test/support/tally-reporter.cjs"),
  exit: false,
};
