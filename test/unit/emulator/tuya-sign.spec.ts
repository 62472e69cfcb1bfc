// Signature verification against the reference's vectors (§3.7 D) and the failure codes around it.
import assert from "node:assert/strict";
import { TuyaContext } from "@tuya/tuya-connector-nodejs";
import { TuyaEmulator } from "../../../src/emulator/tuya";
import { TestClient } from "./tuya-test-client";

const D = {
  clientId: "emuclientid0000000001",
  secret: "emusecret00000000000000000000001",
  accessToken: "emuaccesstoken000000000000000001",
  refreshToken: "emurefreshtoken00000000000000001",
  t: 1700000000000,
};

describe("tuya emulator: signatures (reference §3)", () => {
  describe("vectors D with a fixed clock", () => {
    let emu: TuyaEmulator;
    let c: TestClient;
    before(async () => {
      emu = new TuyaEmulator({
        accessId: D.clientId,
        accessSecret: D.secret,
        now: () => D.t,
        fixedTokens: { accessToken: D.accessToken, refreshToken: D.refreshToken },
        deviceIds: ["dev1", "dev2", "dev3"],
      });
      c = new TestClient(await emu.start(), D.clientId, D.secret);
    });
    after(() => emu.stop());

    it("A1 token request is accepted and returns the fixed tokens", async () => {
      const r = await c.call({
        path: "/v1.0/token",
        query: { grant_type: 1 },
        tokenPath: true,
        t: D.t,
        sign: "78235B2402C73FB740334A7B43D9230C6B8DFD42574B1C27844F3A9C62757DF7",
      });
      assert.equal(r.success, true, JSON.stringify(r));
      assert.equal(r.result.access_token, D.accessToken);
      assert.equal(r.result.refresh_token, D.refreshToken);
      assert.equal(r.result.expire_time, 7200);
      assert.equal(r.t, D.t);
      c.accessToken = D.accessToken;
    });

    it("C1 batch status (comma list percent-encoded on the wire) is accepted", async () => {
      const r = await c.call({
        path: "/v1.0/iot-03/devices/status",
        query: { device_ids: "dev1,dev2,dev3" },
        t: D.t,
        sign: "C0BAE50D5E6A968C8325AF8F5B0A6E2840892F1CE0A710C6F6CE1426D24AAB56",
      });
      assert.equal(r.success, true, JSON.stringify(r));
      assert.deepEqual(
        r.result.map((x: { id: string }) => x.id),
        ["dev1", "dev2", "dev3"],
      );
    });

    it("D1 compact JSON body and D2 Python-spaced body are both accepted", async () => {
      const d1 = await c.call({
        method: "POST",
        path: "/v1.0/iot-03/devices/dev1/commands",
        body: '{"commands":[{"code":"switch_1","value":true}]}',
        t: D.t,
        sign: "1F197C5FFC69338BBF3A1184C19444A881006D502D33A78A47697CC1B60CF820",
      });
      assert.equal(d1.success, true, JSON.stringify(d1));
      const d2 = await c.call({
        method: "POST",
        path: "/v1.0/iot-03/devices/dev1/commands",
        body: '{"commands": [{"code": "switch_1", "value": true}]}',
        t: D.t,
        sign: "375FF10DD3EB552EC788EB2B3ECA1C4A420626B3B34CC6132114BA158C808DF8",
      });
      assert.equal(d2.success, true, JSON.stringify(d2));
    });

    it("E1 logs query with an encoded +/= cursor passes the signature (and then fails only on the unknown cursor)", async () => {
      const r = await c.call({
        path: "/v1.0/devices/dev1/logs",
        query: { type: 7, start_time: 1699990000000, end_time: 1700000000000, size: 100, start_row_key: "abc+/==" },
        t: D.t,
        sign: "BB6C202480FCFA6CB13AD8CB37E093E09A6BA410F075F82D9ED18DEED33027BB",
      });
      assert.equal(r.code, 1109, JSON.stringify(r));
    });

    it("F1 nonce + Signature-Headers is accepted", async () => {
      const r = await c.call({
        path: "/v1.0/iot-03/devices/dev1/status",
        t: D.t,
        nonce: "5f0e3c2a-1b2c-4d3e-8f90-a1b2c3d4e5f6",
        signatureHeaders: { client_id: D.clientId },
        sign: "2B5481BC53F70F6006DFF36B903BBA70961E0DA850E701CE139F95F900B4C607",
      });
      assert.equal(r.success, true, JSON.stringify(r));
    });

    it("a sign computed with the wrong secret answers 1004 sign invalid", async () => {
      const r = await c.call({ path: "/v1.0/iot-03/devices/dev1/status", t: D.t, secret: "wrongsecret0000000000000000000001" });
      assert.equal(r.success, false);
      assert.equal(r.code, 1004);
      assert.equal(r.msg, "sign invalid");
      assert.match(r.tid, /^[0-9a-f]{32}$/);
    });

    it("the signature covers query and body: a tampered value or body answers 1004", async () => {
      const t = String(D.t);
      const goodSign = c.sign({ path: "/v1.0/iot-03/devices/status", query: { device_ids: "dev1" } }, t, D.accessToken);
      const tampered = await c.call({ path: "/v1.0/iot-03/devices/status", query: { device_ids: "dev2" }, t: D.t, sign: goodSign });
      assert.equal(tampered.code, 1004);
      const body = '{"commands":[{"code":"switch_1","value":false}]}';
      const signedOtherBody = c.sign({ method: "POST", path: "/v1.0/iot-03/devices/dev1/commands", body: body.replace("false", "true") }, t, D.accessToken);
      const r = await c.call({ method: "POST", path: "/v1.0/iot-03/devices/dev1/commands", body, t: D.t, sign: signedOtherBody });
      assert.equal(r.code, 1004);
    });

    it("a token request signed with an access token answers 1004 (token paths are signed without it)", async () => {
      const t = String(D.t);
      const sign = c.sign({ path: "/v1.0/token", query: { grant_type: 1 } }, t, D.accessToken);
      const r = await c.call({ path: "/v1.0/token", query: { grant_type: 1 }, tokenPath: true, t: D.t, sign });
      assert.equal(r.code, 1004);
    });
  });

  describe("clock, client id and algorithms", () => {
    let emu: TuyaEmulator;
    let c: TestClient;
    beforeEach(async () => {
      emu = new TuyaEmulator({ clockOffsetMs: 30 * 60_000 });
      c = new TestClient(await emu.start(), emu.accessId, emu.accessSecret);
    });
    afterEach(() => emu.stop());

    it("a skewed t answers 1013 with the server t, and a client that adopts the offset succeeds", async () => {
      const local = Date.now();
      const r = await c.connect();
      assert.equal(r.code, 1013);
      assert.equal(r.msg, "request time is invalid");
      assert.ok(r.t - local >= 29 * 60_000, `server t ${r.t} should be ~30 min ahead of ${local}`);
      c.offsetMs = r.t - local;
      const ok = await c.connect();
      assert.equal(ok.success, true, JSON.stringify(ok));
    });

    it("an unknown client_id answers 1005", async () => {
      const r = await c.call({ path: "/v1.0/token", query: { grant_type: 1 }, tokenPath: true, clientId: "nobody", t: Date.now() + 30 * 60_000 });
      assert.equal(r.code, 1005);
      assert.equal(r.msg, "clientId invalid");
    });

    it("the legacy algorithm is accepted by default and refused when the project is new-only", async () => {
      c.offsetMs = 30 * 60_000;
      assert.equal((await c.call({ path: "/v1.0/token", query: { grant_type: 1 }, tokenPath: true, legacy: true })).success, true);
      await emu.stop();
      emu = new TuyaEmulator({ signAlgorithm: "new" });
      c = new TestClient(await emu.start(), emu.accessId, emu.accessSecret);
      assert.equal((await c.call({ path: "/v1.0/token", query: { grant_type: 1 }, tokenPath: true, legacy: true })).code, 1004);
      assert.equal((await c.connect()).success, true);
    });
  });

  it("works with the official @tuya/tuya-connector-nodejs client (GET with a {} body, sorted encoded query)", async () => {
    const emu = new TuyaEmulator();
    try {
      const baseUrl = await emu.start();
      const ctx = new TuyaContext({ baseUrl, accessKey: emu.accessId, secretKey: emu.accessSecret });
      const ids = emu.devices
        .slice(0, 3)
        .map((d) => d.id)
        .join(",");
      const res = await ctx.request<{ id: string }[]>({ path: "/v1.0/iot-03/devices/status", method: "GET", query: { device_ids: ids } });
      assert.equal(res.success, true, JSON.stringify(res));
      assert.equal(res.result.length, 3);
      const detail = await ctx.device.detail({ device_id: emu.devices[0].id });
      assert.equal(detail.success, true, JSON.stringify(detail));
      // The SDK refreshes with the legacy signature on 1010; the emulator accepts it.
      emu.faults.expireTokens();
      const again = await ctx.request({ path: `/v1.0/iot-03/devices/${emu.devices[0].id}/status`, method: "GET" });
      assert.equal(again.success, true, JSON.stringify(again));
      assert.equal(emu.stats.tokenRefreshes, 1);
    } finally {
      await emu.stop();
    }
  });
});
