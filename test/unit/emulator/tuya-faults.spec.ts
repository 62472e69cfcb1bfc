// Fault injection, throttling, quota, stats and the unsigned /_emulator/ admin paths.
import assert from "node:assert/strict";
import { parseQpsFlags, TuyaEmulator } from "../../../src/emulator/tuya";
import { TestClient } from "./tuya-test-client";

describe("tuya emulator: faults, throttling, quota and admin", () => {
  let emu: TuyaEmulator;
  let c: TestClient;
  let plug: string;
  beforeEach(async () => {
    emu = new TuyaEmulator({ qps: 0 });
    c = new TestClient(await emu.start(), emu.accessId, emu.accessSecret);
    await c.connect();
    plug = emu.devices[0].id;
  });
  afterEach(() => emu.stop());

  const statusPath = () => `/v1.0/iot-03/devices/${plug}/status`;

  it("failNext with a code answers Tuya error envelopes for the next n requests, then recovers", async () => {
    emu.faults.failNext(2, { code: 1111 });
    const a = await c.get(statusPath());
    assert.equal(a.success, false);
    assert.equal(a.code, 1111);
    assert.equal(a.msg, "system is busy, please retry later");
    assert.equal((await c.get(statusPath())).code, 1111);
    assert.equal((await c.get(statusPath())).success, true);
    emu.faults.failNext(1, { code: 1010, msg: "token is expired" });
    assert.equal((await c.get(statusPath())).msg, "token is expired");
    assert.equal(emu.stats.errorsByCode["1111"], 2);
  });

  it("a path filter only hits matching requests", async () => {
    emu.faults.failNext(1, { code: 500, path: "/logs" });
    assert.equal((await c.get(statusPath())).success, true);
    const r = await c.get(`/v1.0/devices/${plug}/logs`, { type: 7, start_time: Date.now() - 3_600_000, end_time: Date.now() });
    assert.equal(r.code, 500);
  });

  it("httpStatus answers that status with a JSON body; html answers a 502 page like a proxy", async () => {
    emu.faults.failNext(1, { httpStatus: 503, retryAfterSec: 2 });
    const res = await c.raw({ path: statusPath() });
    assert.equal(res.status, 503);
    assert.equal(res.headers.get("retry-after"), "2");
    assert.equal(((await res.json()) as { success: boolean }).success, false);
    emu.faults.failNext(1, { html: true });
    const page = await c.raw({ path: statusPath() });
    assert.equal(page.status, 502);
    assert.match(page.headers.get("content-type") ?? "", /text\/html/);
    assert.match(await page.text(), /<html>/);
  });

  it("drop destroys the socket without executing; dropAfterExecute executes the command and then drops", async () => {
    const body = { commands: [{ code: "switch_1", value: false }] };
    emu.faults.failNext(1, { drop: true });
    await assert.rejects(c.post(`/v1.0/iot-03/devices/${plug}/commands`, body));
    assert.equal(emu.stats.commandsExecuted, 0);
    assert.equal(emu.status(plug).find((s) => s.code === "switch_1")!.value, true);
    emu.faults.failNext(1, { dropAfterExecute: true });
    await assert.rejects(c.post(`/v1.0/iot-03/devices/${plug}/commands`, body));
    assert.equal(emu.stats.commandsExecuted, 1);
    assert.equal(emu.status(plug).find((s) => s.code === "switch_1")!.value, false);
  });

  it("hang holds a request unanswered without executing it until the client gives up; the next one is answered", async () => {
    emu.faults.failNext(1, { hang: true, path: "/commands" });
    const body = JSON.stringify({ commands: [{ code: "switch_1", value: false }] });
    const gaveUp = new AbortController();
    const hung = fetch(`${emu.url}/v1.0/iot-03/devices/${plug}/commands`, { method: "POST", body, signal: gaveUp.signal });
    // The hung request is counted on arrival: wait for it, then give up as a client's timeout would.
    while (emu.stats.inFlight === 0) await new Promise((resolve) => setImmediate(resolve));
    gaveUp.abort();
    await assert.rejects(hung);
    assert.equal(emu.stats.commandsExecuted, 0);
    assert.equal((await c.post(`/v1.0/iot-03/devices/${plug}/commands`, { commands: [{ code: "switch_1", value: false }] })).success, true);
    assert.equal(emu.stats.commandsExecuted, 1);
  });

  it("a tokens fault expires or revokes every token as this request arrives, which is then handled as usual", async () => {
    emu.faults.failNext(1, { tokens: "expire", path: "/status" });
    assert.equal((await c.get(`/v1.0/iot-03/devices/${plug}`)).success, true, "another path is not hit");
    assert.equal((await c.get(statusPath())).code, 1010);
    assert.equal((await c.refresh()).success, true, "an expired token's refresh still works");
    assert.equal((await c.get(statusPath())).success, true);
    emu.faults.failNext(1, { tokens: "revoke" });
    assert.equal((await c.get(statusPath())).code, 1010);
    assert.equal((await c.refresh()).success, false, "a revoked pair cannot be refreshed");
  });

  it("a clock skew set while running: requests signed with the old time get 1013 and the answer's t shows the server's time", async () => {
    emu.faults.setClockSkew(30 * 60_000);
    const r = await c.get(statusPath());
    assert.equal(r.code, 1013);
    assert.ok(Math.abs((r.t as number) - (Date.now() + 30 * 60_000)) < 60_000);
    c.offsetMs = 30 * 60_000;
    assert.equal((await c.get(statusPath())).success, true);
    emu.faults.clear();
    assert.equal((await c.get(statusPath())).code, 1013, "clear() puts the clock back");
  });

  it("latency delays answers but they still arrive; clear() removes pending faults and latency", async () => {
    emu.faults.setLatency(50);
    assert.equal((await c.get(statusPath())).success, true);
    emu.faults.failNext(5, { code: 500 });
    emu.faults.clear();
    assert.equal((await c.get(statusPath())).success, true);
  });

  it("throttles per client and endpoint template with the configured code", async () => {
    for (const [code, msg] of [
      [1199, "your requests are too frequent"],
      [1110, "concurrent request over limit"],
    ] as const) {
      const e = new TuyaEmulator({ qps: 2, throttleCode: code });
      try {
        const k = new TestClient(await e.start(), e.accessId, e.accessSecret);
        await k.connect();
        const burst = await Promise.all(Array.from({ length: 8 }, () => k.get(`/v1.0/iot-03/devices/${plug}/status`)));
        const limited = burst.filter((r) => r.code === code);
        assert.ok(limited.length >= 1 && limited.length <= 6, `limited ${limited.length}`);
        assert.equal(limited[0].msg, msg);
        // Another endpoint template has its own budget.
        assert.equal((await k.get(`/v1.0/iot-03/devices/${plug}`)).success, true);
      } finally {
        await e.stop();
      }
    }
  });

  it("throttles each endpoint template at its own limit: Tuya's per-API table by default, overridable per template", async () => {
    const commands = `/v1.0/iot-03/devices/${plug}/commands`;
    const burst = async (n: number, call: () => Promise<{ success: boolean }>) =>
      (await Promise.all(Array.from({ length: n }, call))).filter((r) => r.success).length;
    const byDefault = new TuyaEmulator();
    try {
      const k = new TestClient(await byDefault.start(), byDefault.accessId, byDefault.accessSecret);
      await k.connect();
      // Commands: 4 a second, as Tuya publishes for "send properties"; status: 50.
      assert.equal(await burst(8, () => k.post(commands, { commands: [{ code: "switch_1", value: true }] })), 4);
      assert.equal(await burst(30, () => k.get(`/v1.0/iot-03/devices/${plug}/status`)), 30);
    } finally {
      await byDefault.stop();
    }
    const tuned = new TuyaEmulator({ qps: 3, qpsByTemplate: { "GET /v1.0/iot-03/devices/{device_id}/status": 6 } });
    try {
      const k = new TestClient(await tuned.start(), tuned.accessId, tuned.accessSecret);
      await k.connect();
      assert.equal(await burst(10, () => k.get(`/v1.0/iot-03/devices/${plug}/status`)), 6);
      assert.equal(await burst(10, () => k.get(`/v1.0/iot-03/devices/${plug}`)), 3);
    } finally {
      await tuned.stop();
    }
  });

  it("reads --tuya-qps values: N for every template, METHOD /path=N for one; refuses anything else", () => {
    assert.deepEqual(parseQpsFlags(["40", "GET /v1.0/iot-03/devices/{device_id}/logs=10"]), {
      qps: 40,
      qpsByTemplate: { "GET /v1.0/iot-03/devices/{device_id}/logs": 10 },
    });
    for (const bad of ["x", "-1", "GET /a=", "/v1.0/token=3", "GET /a=two"]) assert.throws(() => parseQpsFlags([bad]), /--tuya-qps/, bad);
  });

  it("a trial quota answers 28841004 once used up (token calls are free)", async () => {
    const e = new TuyaEmulator({ monthlyQuota: 2 });
    try {
      const k = new TestClient(await e.start(), e.accessId, e.accessSecret);
      await k.connect();
      assert.equal((await k.get(`/v1.0/iot-03/devices/${plug}`)).success, true);
      assert.equal((await k.get(`/v1.0/iot-03/devices/${plug}`)).success, true);
      assert.equal((await k.get(`/v1.0/iot-03/devices/${plug}`)).code, 28841004);
      assert.equal((await k.connect()).success, true);
    } finally {
      await e.stop();
    }
  });

  it("counts requests by endpoint template; reset() zeroes the counters", async () => {
    await c.get(statusPath());
    await c.get(statusPath());
    assert.equal(emu.stats.byPath["GET /v1.0/iot-03/devices/{device_id}/status"], 2);
    assert.equal(emu.stats.byPath["GET /v1.0/token"], 1);
    assert.equal(emu.stats.requests, 3);
    assert.equal(emu.stats.tokenGrants, 1);
    emu.stats.reset();
    assert.equal(emu.stats.requests, 0);
    assert.deepEqual(emu.stats.byPath, {});
  });

  describe("admin paths (unsigned)", () => {
    const admin = (path: string, body?: unknown) =>
      fetch(emu.url + path, body === undefined ? {} : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

    it("POST /_emulator/faults, /latency, /clear", async () => {
      assert.equal((await admin("/_emulator/faults", { count: 1, code: 2009 })).status, 200);
      assert.equal((await c.get(statusPath())).code, 2009);
      await admin("/_emulator/latency", { ms: 10 });
      await admin("/_emulator/faults", { count: 3, code: 500 });
      await admin("/_emulator/clear", {});
      assert.equal((await c.get(statusPath())).success, true);
    });

    it("POST /_emulator/clock moves the server's clock", async () => {
      await admin("/_emulator/clock", { skewMs: -3_600_000 });
      assert.equal((await c.get(statusPath())).code, 1013);
      await admin("/_emulator/clock", { skewMs: 0 });
      assert.equal((await c.get(statusPath())).success, true);
    });

    it("POST /_emulator/tokens/expire and /tokens/revoke", async () => {
      await admin("/_emulator/tokens/expire", {});
      assert.equal((await c.get(statusPath())).code, 1010);
      assert.equal((await c.refresh()).success, true);
      await admin("/_emulator/tokens/revoke", {});
      assert.equal((await c.refresh()).code, 1011);
    });

    it("no CORS allowance, and a POST that is not JSON is refused (a web page cannot drive the admin paths)", async () => {
      const stats = await admin("/_emulator/stats");
      assert.equal(stats.headers.get("access-control-allow-origin"), null);
      const preflight = await fetch(`${emu.url}/_emulator/faults`, {
        method: "OPTIONS",
        headers: { origin: "https://evil.example", "access-control-request-method": "POST" },
      });
      assert.equal(preflight.headers.get("access-control-allow-origin"), null);
      // What a cross-site form or no-cors fetch can send: text/plain, no preflight.
      const simple = await fetch(`${emu.url}/_emulator/faults`, {
        method: "POST",
        headers: { "content-type": "text/plain" },
        body: JSON.stringify({ count: 1, code: 2009 }),
      });
      assert.equal(simple.status, 415);
      assert.equal((await c.get(statusPath())).success, true, "no fault was queued");
    });

    it("GET /_emulator/stats and /_emulator/devices; unknown admin path → 404", async () => {
      await c.get(statusPath());
      const stats = (await (await admin("/_emulator/stats")).json()) as { requests: number; byPath: Record<string, number> };
      assert.equal(stats.requests, 2);
      assert.equal(stats.byPath["GET /v1.0/iot-03/devices/{device_id}/status"], 1);
      const devices = (await (await admin("/_emulator/devices")).json()) as { devices: { id: string; status: unknown[] }[] };
      assert.equal(devices.devices.length, 5);
      assert.ok(Array.isArray(devices.devices[0].status));
      assert.equal((await admin("/_emulator/nope")).status, 404);
      assert.equal(emu.stats.requests, 2, "admin calls are not counted");
    });
  });
});
