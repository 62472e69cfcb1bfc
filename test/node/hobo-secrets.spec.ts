/**
 * No secret leaves a HOBOlink node: after every suite of the run (a root hook, so it runs last
 * whatever order the files load in, and also when only the hobo-* specs run, which leaves out
 * test/node/zz-no-secrets.spec.ts), everything the nodes emitted (messages, statuses, logs,
 * errors, runtime log events, admin route answers) is scanned for every client secret, API token
 * and access token the specs registered (in a full node run that includes the other nodes'
 * secrets too). When HOBO specs ran, an empty transcript or secret list fails: the scan must not
 * pass without looking.
 */
import assert from "node:assert/strict";
import { emissionTranscript, recordedFor, registeredSecrets, suiteRan } from "../support/emissions";

/** The leaks in the transcript, as "abc… in: <line>". */
function leaks(): string[] {
  const found: string[] = [];
  for (const line of emissionTranscript()) {
    for (const secret of registeredSecrets()) if (line.includes(secret)) found.push(`${secret.slice(0, 3)}… in: ${line.slice(0, 200)}`);
  }
  return found;
}

after("no secret in anything the nodes emitted", () => {
  // Only this file loaded (no HOBO spec ran): there is nothing of theirs to scan.
  if (!suiteRan("HOBOlink")) return;
  const transcript = emissionTranscript();
  const recorded = recordedFor("HOBOlink");
  assert.ok(recorded.lines > 0, "HOBO specs ran but nothing they emitted was recorded");
  assert.ok(recorded.secrets > 0, "HOBO specs ran but registered no secret to look for");
  const found = leaks();
  assert.deepEqual(found, [], `secrets found in what the nodes emitted:\n${found.join("\n")}`);
  assert.ok(transcript.some((line) => line.startsWith("status ")), "the transcript holds the nodes' statuses");
});
