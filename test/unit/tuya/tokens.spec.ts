// Token lifecycle (reference §2) with a shared fake clock: the grant, expiry from the REMAINING
// seconds, proactive single-use refresh, fallback to a grant, single-flight, and 1010/1011/1012.
import assert from "node:assert/strict";
import { ApiError } from "../../../src/core/errors";
import { TuyaOpenApi } from "../../../src/tuya";
import { rejection, rig, type Rig } from "./helpers";

const T0 = Date.UTC(2025, 5, 1, 12, 0, 0);

describe("tuya tokens", () => {
  let now: number;
  let r: Rig;
  const clock = () => now;
  const status = () => r.api.get(`/v1.0/iot-03/devices/${r.ids.plug}/status`);
  const advance = (sec: number) => {
    now += sec * 1000;
  };

  beforeEach(async () => {
    now = T0;
    r = await rig({ now: clock, tokenLifetimeSec: 600 }, { now: clock, tokenMarginMs: 60_000 });
  });
  afterEach(() => r.close());

  it("gets a token with GET /v1.0/token?grant_type=1 on the first call, then reuses it", async () => {
    await status();
    await status();
    assert.equal(r.emu.stats.tokenGrants, 1);
    assert.equal(r.emu.stats.byPath["GET /v1.0/token"], 1);
    assert.equal(r.emu.stats.byPath["GET /v1.0/iot-03/devices/{device_id}/status"], 2);
    assert.equal(r.api.counter.snapshot().byEndpoint["GET /v1.0/token"], 1);
    assert.equal(r.api.isConnected(), true);
  });

  it("takes expire_time as the remaining seconds, not as a fresh 7200 s lifetime", async () => {
    await r.api.connect();
    advance(500);
    // A second program joins the project: the grant returns the same token with 100 s left.
    const late = new TuyaOpenApi({ endpoint: r.emu.url, accessId: r.emu.accessId, accessSecret: r.emu.accessSecret, now: clock, requestsPerSecond: 0 });
    try {
      await late.connect();
      assert.equal(r.emu.stats.tokenGrants, 2);
      assert.equal(late.isConnected(), true);
      advance(45); // 55 s left: inside the 60 s margin
      await late.get(`/v1.0/iot-03/devices/${r.ids.plug}/status`);
      assert.equal(r.emu.stats.tokenRefreshes, 1, "refreshed inside the margin of the remaining lifetime");
      assert.equal(r.emu.stats.errorsByCode["1010"], undefined);
    } finally {
      await late.close();
    }
  });

  it("isConnected() turns false once the token's lifetime has passed", async () => {
    await r.api.connect();
    advance(599);
    assert.equal(r.api.isConnected(), true);
    advance(1);
    assert.equal(r.api.isConnected(), false);
  });

  it("refreshes inside the margin with GET /v1.0/token/{refresh_token}, each refresh token once", async () => {
    await status();
    advance(539);
    await status();
    assert.equal(r.emu.stats.tokenRefreshes, 0, "outside the margin nothing happens");
    advance(2);
    await status();
    assert.equal(r.emu.stats.tokenRefreshes, 1);
    advance(541);
    await status();
    assert.equal(r.emu.stats.tokenRefreshes, 2, "the second refresh uses the new refresh token");
    assert.equal(r.emu.stats.tokenGrants, 1);
    assert.deepEqual(r.emu.stats.errorsByCode, {}, "no 1010 and no reused (1011) refresh token");
    assert.deepEqual(
      r.log.states.map((s) => s.state),
      ["connecting", "connected", "token-refreshed", "token-refreshed"],
    );
  });

  it("falls back to a fresh grant when the refresh is refused", async () => {
    await status();
    r.emu.faults.revokeTokens();
    advance(541);
    await status();
    assert.equal(r.emu.stats.errorsByCode["1011"], 1, "the refresh was tried and refused");
    assert.equal(r.emu.stats.tokenGrants, 2);
    assert.equal(r.api.isConnected(), true);
  });

  it("a refresh whose answer is lost is not repeated (the token is spent): a fresh grant instead", async () => {
    await status();
    r.emu.faults.failNext(1, { dropAfterExecute: true, path: "/v1.0/token/" });
    advance(541);
    assert.equal((await status()).success, true);
    assert.equal(r.emu.stats.tokenRefreshes, 1, "the server ran the refresh once");
    assert.equal(r.emu.stats.byPath["GET /v1.0/token/{refresh_token}"], 1);
    assert.equal(r.emu.stats.tokenGrants, 2);
    assert.equal(r.emu.stats.errorsByCode["1011"], undefined, "the spent refresh token was never sent again");
  });

  it("50 simultaneous calls at start make exactly one token request", async () => {
    const results = await Promise.all(Array.from({ length: 50 }, () => status()));
    assert.equal(results.length, 50);
    assert.equal(r.emu.stats.tokenGrants, 1);
    assert.equal(r.emu.stats.byPath["GET /v1.0/token"], 1);
  });

  it("50 simultaneous calls inside the margin make exactly one refresh", async () => {
    await status();
    advance(545);
    await Promise.all(Array.from({ length: 50 }, () => status()));
    assert.equal(r.emu.stats.tokenRefreshes, 1);
    assert.equal(r.emu.stats.byPath["GET /v1.0/token/{refresh_token}"], 1);
  });

  it("a token the server expired early (1010) is replaced and the call retried once", async () => {
    await status();
    r.emu.faults.expireTokens();
    const res = await status();
    assert.equal(res.success, true);
    assert.equal(r.emu.stats.errorsByCode["1010"], 1);
    assert.equal(r.emu.stats.tokenRefreshes, 1);
  });

  it("masks every token it has held, superseded ones too, when an error answer echoes them", async () => {
    await status();
    for (let i = 0; i < 3; i++) {
      advance(600);
      await status();
    }
    const issued = r.emu.issuedTokens();
    assert.ok(issued.length >= 8, "access and refresh tokens of four grants or refreshes");
    r.emu.faults.failNext(1, { code: 1106, echoTokens: true });
    const err = await rejection(status());
    assert.ok(err instanceof ApiError);
    const text = `${err.message} ${JSON.stringify(err)} ${err.responseText}`;
    assert.match(text, /session tokens/);
    for (const token of issued) assert.ok(!text.includes(token), "a superseded token reached the error");
  });

  it("50 calls rejected with 1010 at once share one new token", async () => {
    await status();
    r.emu.faults.expireTokens();
    await Promise.all(Array.from({ length: 50 }, () => status()));
    assert.equal(r.emu.stats.tokenRefreshes + r.emu.stats.tokenGrants, 2, "one refresh after the first grant");
  });

  for (const code of [1002, 1010, 1011, 1012]) {
    it(`${code}: a new token and one retry; a second ${code} is the caller's error`, async () => {
      await status();
      const path = `/devices/${r.ids.plug}/status`;
      r.emu.faults.failNext(1, { code, path });
      assert.equal((await status()).success, true);
      assert.equal(r.emu.stats.tokenRefreshes, 1, "a new token was fetched");
      r.emu.faults.failNext(2, { code, path });
      const before = r.emu.stats.byPath["GET /v1.0/iot-03/devices/{device_id}/status"];
      const err = await rejection(status());
      assert.ok(err instanceof ApiError);
      assert.equal(err.code, code);
      assert.equal(r.emu.stats.byPath["GET /v1.0/iot-03/devices/{device_id}/status"] - before, 2, "exactly one retry");
    });
  }

  it("connect() always makes a fresh grant, dropping the refresh token", async () => {
    await status();
    await r.api.connect();
    assert.equal(r.emu.stats.tokenGrants, 2);
    assert.equal(r.emu.stats.tokenRefreshes, 0);
  });

  it("a token answer without the fields is an ApiError, not a crash", async () => {
    r.emu.faults.failNext(1, { code: 1001, path: "/v1.0/token" });
    const err = await rejection(status());
    assert.ok(err instanceof ApiError);
    assert.equal(err.code, 1001);
    assert.equal(r.api.isConnected(), false);
    assert.deepEqual(r.log.states.at(-1), { state: "error", code: 1001, message: err.message });
    assert.equal((await status()).success, true, "the next call tries again");
  });
});
