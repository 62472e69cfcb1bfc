/**
 * Superseded tokens echoed back (issue 12 item 5, node level): every node type deployed on one
 * client per platform, its tokens expired and renewed several times while the nodes poll, then
 * each Tuya node and hobo-data (legacy) meets an error answer that echoes every token the service
 * has issued (the emulators' echoTokens fault). The error reaches a Catch node, and no token,
 * old or current, nor the access secret, client secret or a local_key appears in any message,
 * status, log line or error.
 */
import assert from "node:assert/strict";
import { helper } from "../support/node-red";
import { credentials, everyNodeFlow, MODULES, pollEveryNode, pollMessages, useEveryEmulator } from "../soak/every-node";
import { leaks, localKeys } from "./fuzz-run";

const RENEWALS = 4;

describe("echoed tokens: no node emits a token the service echoes, old or current", function () {
  this.timeout(120_000);
  const emulators = useEveryEmulator();

  it(`after ${RENEWALS} token renewals, an error echoing every token reaches each node's Catch masked`, async () => {
    const emu = emulators();
    await helper.load(MODULES, everyNodeFlow({ tuya: emu.tuya.url, hobo: emu.hobo.url, egauge: emu.egauge.url }), credentials(emu));
    const messages = pollMessages(emu);
    assert.deepEqual(await pollEveryNode(messages), []);
    for (let i = 0; i < RENEWALS; i++) {
      emu.tuya.faults.expireTokens();
      emu.hobo.faults.expireTokens();
      assert.deepEqual(await pollEveryNode(messages), [], `every node recovers from expired tokens (renewal ${i + 1})`);
    }
    const tuyaTokens = emu.tuya.issuedTokens();
    const hoboTokens = emu.hobo.issuedTokens();
    assert.ok(
      tuyaTokens.length >= 2 * (RENEWALS + 1) && hoboTokens.length >= RENEWALS + 1,
      `tokens were renewed (${tuyaTokens.length} Tuya, ${hoboTokens.length} HOBOlink)`,
    );

    const echoed: string[] = [];
    for (const id of ["status", "log", "command", "info", "request", "hobo"]) {
      if (id === "hobo") emu.hobo.faults.failNext(1, { status: 400, error: "VAL-006", echoTokens: "issued", path: "/ws/data" });
      else emu.tuya.faults.failNext(1, { code: 1106, echoTokens: true });
      const errors = await pollEveryNode({ [id]: messages[id] });
      assert.equal(errors.length, 1, `${id}: the echoing error reaches the Catch node`);
      echoed.push(errors[0]);
    }
    // The echo arrived (the error text names the session tokens), masked.
    assert.ok(
      echoed.every((e) => /session tokens/.test(e)),
      echoed.join("\n"),
    );
    const secrets = [
      emu.tuya.accessSecret,
      ...emu.tuya.issuedTokens(),
      ...localKeys(emu.tuya),
      emu.hobo.legacy.clientSecret,
      ...emu.hobo.issuedTokens(),
      ...emu.egauge.issuedTokens(),
      "owner-pass",
    ];
    assert.deepEqual(leaks(secrets), []);
  });
});
