/**
 * Runs last in the node suites: scans everything every node emitted during the run (messages,
 * statuses, logs, errors) for every secret and token the specs used.
 */
import assert from "node:assert/strict";
import { emissionTranscript, registeredSecrets } from "../support/emissions";

describe("no secret or token is ever emitted by a node", () => {
  it("the run's transcript holds none of the registered secrets", function () {
    const transcript = emissionTranscript();
    const secrets = registeredSecrets();
    if (transcript.length === 0 || secrets.length === 0) this.skip();
    const leaks: string[] = [];
    for (const line of transcript) {
      for (const secret of secrets) if (line.includes(secret)) leaks.push(`${secret.slice(0, 3)}… in: ${line.slice(0, 200)}`);
    }
    assert.deepEqual(leaks, [], `secrets found in emitted data:\n${leaks.join("\n")}`);
    assert.ok(transcript.length > 10, "the transcript should hold the run's emissions");
  });
});
