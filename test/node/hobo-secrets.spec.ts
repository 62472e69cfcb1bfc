/**
 * No secret leaves a HOBOlink node: after every suite of the run (a root hook, so it runs last
 * whatever order the files load in, and also when only the hobo-* specs run, which leaves out
 * test/node/zz-no-secrets.spec.ts), everything the nodes emitted (messages, statuses, logs,
 * errors, runtime log events) is scanned for every client secret, API token and access token
 * the specs registered (in a full node run that includes the other nodes' secrets too).
 */
import assert from "node:assert/strict";
import { emissionTranscript, registeredSecrets } from "../support/emissions";

/** The leaks in the transcript, as "abc… in: <line>". */
function leaks(): string[] {
  const found: string[] = [];
  for (const line of emissionTranscript()) {
    for (const secret of registeredSecrets()) if (line.includes(secret)) found.push(`${secret.slice(0, 3)}… in: ${line.slice(0, 200)}`);
  }
  return found;
}

after("no secret in anything the nodes emitted", () => {
  const transcript = emissionTranscript();
  if (transcript.length === 0 || registeredSecrets().length === 0) return;
  const found = leaks();
  assert.deepEqual(found, [], `secrets found in what the nodes emitted:\n${found.join("\n")}`);
  assert.ok(transcript.some((line) => line.startsWith("status ")), "the transcript holds the nodes' statuses");
});
