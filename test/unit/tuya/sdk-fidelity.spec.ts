// Fidelity by a real third-party client: the official @tuya/tuya-connector-nodejs SDK against the
// emulator (its token and status reads are in test/unit/emulator/tuya-sign.spec.ts), and our
// client sharing one cloud project with it.
import assert from "node:assert/strict";
import { TuyaContext } from "@tuya/tuya-connector-nodejs";
import { rig, type Rig } from "./helpers";

describe("tuya fidelity: the official Node SDK", () => {
  let r: Rig;
  beforeEach(async () => {
    r = await rig();
  });
  afterEach(() => r.close());

  it("a wrong secret fails the SDK's token request with 1004 sign invalid", async () => {
    const ctx = new TuyaContext({ baseUrl: r.emu.url, accessKey: r.emu.accessId, secretKey: "wrong-secret-00000000000000000000" });
    await assert.rejects(ctx.request({ path: `/v1.0/iot-03/devices/${r.ids.plug}/status`, method: "GET" }), /GET_TOKEN_FAILED 1004, sign invalid/);
    assert.equal(r.emu.stats.errorsByCode["1004"], 1);
    assert.equal(r.emu.stats.tokenGrants, 0);
  });

  it("reads the same status as our client, and when it refreshes the shared token ours recovers", async () => {
    const ctx = new TuyaContext({ baseUrl: r.emu.url, accessKey: r.emu.accessId, secretKey: r.emu.accessSecret });
    const theirs = await ctx.request<{ code: string; value: unknown }[]>({ path: `/v1.0/iot-03/devices/${r.ids.light}/status`, method: "GET" });
    assert.equal(theirs.success, true, JSON.stringify(theirs));
    const ours = await r.devices.status(r.ids.light);
    assert.deepEqual(ours, theirs.result);
    assert.equal(r.emu.stats.tokenGrants, 2, "both got the project's current token");
    // The SDK refreshes on 1010, which kills the token our client holds (reference §2.3).
    r.emu.faults.expireTokens();
    assert.equal((await ctx.request({ path: `/v1.0/iot-03/devices/${r.ids.light}/status`, method: "GET" })).success, true);
    assert.equal(r.emu.stats.tokenRefreshes, 1);
    assert.deepEqual(await r.devices.status(r.ids.light), ours);
    assert.equal(r.emu.stats.errorsByCode["1010"], 2, "one each");
    // Our refresh token died with the SDK's refresh, so ours fell back to a fresh grant.
    assert.equal(r.emu.stats.errorsByCode["1011"], 1);
    assert.equal(r.emu.stats.tokenGrants, 3);
  });
});
