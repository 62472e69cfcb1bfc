// Token lifecycle (reference §2): remaining lifetime, expiry, single-use refresh, fault hooks.
import assert from "node:assert/strict";
import { TuyaEmulator } from "../../../src/emulator/tuya";
import { TestClient } from "./tuya-test-client";

describe("tuya emulator: tokens (reference §2)", () => {
  let clock: number;
  let emu: TuyaEmulator;
  let c: TestClient;
  let plug: string;

  beforeEach(async () => {
    clock = 1_700_000_000_000;
    // A wide window lets the test move the server clock by hours while signing with that clock.
    emu = new TuyaEmulator({ now: () => clock, tokenLifetimeSec: 7200, timeWindowMs: 365 * 86_400_000 });
    c = new TestClient(await emu.start(), emu.accessId, emu.accessSecret);
    plug = emu.devices[0].id;
  });
  afterEach(() => emu.stop());

  const status = () => c.call({ path: `/v1.0/iot-03/devices/${plug}/status`, t: clock });

  it("a grant returns 32-hex tokens, the uid and the full lifetime; a second grant returns the same token with less time", async () => {
    const first = await c.call({ path: "/v1.0/token", query: { grant_type: 1 }, tokenPath: true, t: clock });
    assert.equal(first.success, true);
    assert.match(first.result.access_token, /^[0-9a-f]{32}$/);
    assert.match(first.result.refresh_token, /^[0-9a-f]{32}$/);
    assert.equal(first.result.expire_time, 7200);
    assert.equal(typeof first.result.uid, "string");
    clock += 1_000_000;
    const second = await c.call({ path: "/v1.0/token", query: { grant_type: 1 }, tokenPath: true, t: clock });
    assert.equal(second.result.access_token, first.result.access_token);
    assert.equal(second.result.expire_time, 6200);
    assert.equal(emu.stats.tokenGrants, 2);
  });

  it("grant_type other than 1 answers 1003", async () => {
    const r = await c.call({ path: "/v1.0/token", query: { grant_type: 2 }, tokenPath: true, t: clock });
    assert.equal(r.code, 1003);
  });

  it("business calls need a token: missing → 1002 (reference §5.2), unknown → 1010, after the lifetime → 1010", async () => {
    const missing = await status();
    assert.deepEqual([missing.code, missing.msg], [1002, "access_token is null"]);
    c.accessToken = "0".repeat(32);
    assert.equal((await status()).code, 1010);
    await c.call({ path: "/v1.0/token", query: { grant_type: 1 }, tokenPath: true, t: clock }).then((r) => (c.accessToken = r.result.access_token));
    assert.equal((await status()).success, true);
    clock += 7200 * 1000;
    const expired = await status();
    assert.equal(expired.code, 1010);
    assert.equal(expired.msg, "token invalid");
    // A new grant after expiry issues a fresh token.
    const again = await c.call({ path: "/v1.0/token", query: { grant_type: 1 }, tokenPath: true, t: clock });
    assert.notEqual(again.result.access_token, c.accessToken);
    assert.equal(again.result.expire_time, 7200);
  });

  it("expiredTokenMsg selects the 1010 message", async () => {
    await emu.stop();
    emu = new TuyaEmulator({ expiredTokenMsg: "token is expired" });
    c = new TestClient(await emu.start(), emu.accessId, emu.accessSecret);
    await c.connect();
    emu.faults.expireTokens();
    const r = await c.get(`/v1.0/iot-03/devices/${plug}/status`);
    assert.equal(r.code, 1010);
    assert.equal(r.msg, "token is expired");
  });

  it("refresh issues a new pair, kills both old tokens, and is single-use (reuse → 1011)", async () => {
    await c.call({ path: "/v1.0/token", query: { grant_type: 1 }, tokenPath: true, t: clock }).then((r) => {
      c.accessToken = r.result.access_token;
      c.refreshToken = r.result.refresh_token;
    });
    const oldAccess = c.accessToken;
    const oldRefresh = c.refreshToken;
    clock += 60_000;
    const r = await c.call({ path: `/v1.0/token/${oldRefresh}`, tokenPath: true, t: clock });
    assert.equal(r.success, true, JSON.stringify(r));
    assert.notEqual(r.result.access_token, oldAccess);
    assert.notEqual(r.result.refresh_token, oldRefresh);
    assert.equal(r.result.expire_time, 7200);
    assert.equal(emu.stats.tokenRefreshes, 1);
    assert.equal((await status()).code, 1010, "old access token is dead");
    c.accessToken = r.result.access_token;
    assert.equal((await status()).success, true);
    const reuse = await c.call({ path: `/v1.0/token/${oldRefresh}`, tokenPath: true, t: clock });
    assert.equal(reuse.code, 1011);
    assert.equal(reuse.msg, "token invalid");
  });

  it("refresh works with an empty access_token header and with an already-expired access token", async () => {
    await c.call({ path: "/v1.0/token", query: { grant_type: 1 }, tokenPath: true, t: clock }).then((r) => (c.refreshToken = r.result.refresh_token));
    clock += 8000 * 1000;
    const r = await c.call({ path: `/v1.0/token/${c.refreshToken}`, tokenPath: true, t: clock, accessToken: "" });
    assert.equal(r.success, true, JSON.stringify(r));
  });

  it("faults.expireTokens keeps refresh tokens valid; faults.revokeTokens forgets everything", async () => {
    c.offsetMs = clock - Date.now();
    await c.connect();
    emu.faults.expireTokens();
    assert.equal((await c.get(`/v1.0/iot-03/devices/${plug}/status`)).code, 1010);
    assert.equal((await c.refresh()).success, true);
    assert.equal((await c.get(`/v1.0/iot-03/devices/${plug}/status`)).success, true);
    emu.faults.revokeTokens();
    assert.equal((await c.get(`/v1.0/iot-03/devices/${plug}/status`)).code, 1010);
    assert.equal((await c.refresh()).code, 1011);
    assert.equal((await c.connect()).success, true);
  });
});
