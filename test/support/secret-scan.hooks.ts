/**
 * The secret scan, a mocha root hook (registered in .mocharc.cjs, so it runs after every suite
 * whatever files run and in whatever order, on every Node-RED runtime): everything the nodes
 * emitted during the run (messages, statuses, logs, errors, runtime log events, admin route
 * answers; see emissions.ts) is searched for every secret, token and device key the suites
 * registered. When a platform's node specs ran, an empty transcript or an empty secret list
 * fails too: the scan must not pass without looking. Runs without node specs (unit, e2e) have
 * nothing to scan.
 */
import assert from "node:assert/strict";
import { emissionTranscript, leaks, recordedFor, suitesRan } from "./emissions";

export const mochaHooks = {
  afterAll(this: Mocha.Context): void {
    // Tens of megabytes of transcript on a loaded machine: the scan is not a test of speed.
    this.timeout(300_000);
    const platforms = suitesRan();
    if (platforms.length === 0) return;
    for (const name of platforms) {
      const recorded = recordedFor(name);
      assert.ok(recorded.lines > 0, `${name} node specs ran but nothing they emitted was recorded`);
      assert.ok(recorded.secrets > 0, `${name} node specs ran but registered no secret to look for`);
    }
    assert.ok(
      emissionTranscript().some((line) => line.startsWith("status ")),
      "the transcript holds the nodes' statuses",
    );
    const found = leaks();
    assert.deepEqual(found, [], `secrets found in what the nodes emitted:\n${found.join("\n")}`);
  },
};
