// The whole test gate (npm test): build, lint, type-check, every mocha suite (unit and node
// suites on Node-RED 4.1 with coverage, node suites again on Node-RED 5.0, the fault suite on both,
// the fuzz, soak and redeploy suites on both, the scorecard, the
// end-to-end suites: examples and demo on a real Node-RED, the editor in chromium when it is
// installed), then one closing line "N passed, N failed, N skipped".
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

const outDir = ".test-output";
mkdirSync(outDir, { recursive: true });
const tally = join(outDir, "tally.jsonl");
rmSync(tally, { force: true });

const failedSteps = [];
function run(title, cmd, args, env = {}) {
  console.log(`\n=== ${title} ===`);
  const res = spawnSync(cmd, args, { stdio: "inherit", env: { ...process.env, TALLY_FILE: tally, TALLY_SUITE: title, ...env } });
  if (res.status !== 0) failedSteps.push(title);
  return res.status === 0;
}
const npx = (bin) => join("node_modules", ".bin", bin);

if (!run("build", "npm", ["run", "--silent", "build"])) finish();
run("lint", "npm", ["run", "--silent", "lint"]);
run("typecheck", "npm", ["run", "--silent", "typecheck"]);
run("unit + node suites on Node-RED 4.1 (coverage)", npx("c8"), [npx("mocha"), "test/unit/**/*.spec.ts", "test/node/**/*.spec.ts"]);
run("node suites on Node-RED 5.0", npx("mocha"), ["test/node/**/*.spec.ts"], { NODE_RED_RUNTIME: "node-red-5" });
// The fault matrix (every emulator fault per node) on both runtimes; the SIGTERM-and-restart case needs the CLI and runs with the end-to-end suites.
run("fault suite on Node-RED 4.1", npx("mocha"), ["test/fault/**/*.spec.ts"]);
run("fault suite on Node-RED 5.0", npx("mocha"), ["test/fault/**/*.spec.ts"], { NODE_RED_RUNTIME: "node-red-5" });
// Fuzz (1,000 messages per node), the 24-hour soak on fake timers and 100 redeploys (issue 12 item 8), on both runtimes.
const robustness = ["test/fuzz/**/*.spec.ts", "test/soak/**/*.spec.ts"];
run("fuzz, soak and redeploy suites on Node-RED 4.1", npx("mocha"), robustness);
run("fuzz, soak and redeploy suites on Node-RED 5.0", npx("mocha"), robustness, { NODE_RED_RUNTIME: "node-red-5" });
run("scorecard", npx("mocha"), ["test/scorecard/**/*.spec.ts"]);
// The example-flow and demo specs need no browser; the editor spec skips itself, saying so, without chromium.
const chromium = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
if (!existsSync(chromium)) console.log(`\nNOTE: ${chromium} is not installed (apt-get install -y chromium): the editor's browser tests will be skipped.`);
// --exit: a browser a failed test could not close would otherwise keep mocha (and CI) waiting after the last test.
run("end to end (Node-RED CLI, demo, browser)", npx("mocha"), ["--timeout", "300000", "--exit", "test/e2e/**/*.spec.ts"], { CHROMIUM_PATH: chromium });
finish();

function finish() {
  let passed = 0,
    failed = 0,
    skipped = 0;
  const counted = new Map();
  if (existsSync(tally)) {
    for (const line of readFileSync(tally, "utf8").split("\n").filter(Boolean)) {
      const t = JSON.parse(line);
      passed += t.passed;
      failed += t.failed;
      skipped += t.skipped;
      counted.set(t.suite, (counted.get(t.suite) ?? 0) + t.failed);
    }
  }
  // A step that failed without a counted test failure (build, lint, a crashed suite) counts once.
  for (const step of failedSteps) if (!counted.get(step)) failed += 1;
  if (failedSteps.length) console.log(`\nFailed steps: ${failedSteps.join(", ")}`);
  console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
  process.exit(failedSteps.length ? 1 : 0);
}
