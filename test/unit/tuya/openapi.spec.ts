// TuyaOpenApi's request face: get/post/put/delete with query or body, input checks, timeouts,
// the client-side rate limit, cancellation and close().
import assert from "node:assert/strict";
import { AbortError, ApiError, InputError } from "../../../src/core/errors";
import { rejection, rig, type Rig } from "./helpers";

describe("tuya openapi requests", () => {
  let r: Rig;
  afterEach(() => r.close());

  describe("methods and inputs", () => {
    beforeEach(async () => {
      r = await rig();
    });

    it("get with a query, post with a body; put and delete are signed and sent too", async () => {
      const ids = [r.ids.plug, r.ids.light];
      const got = await r.api.get<{ id: string }[]>("/v1.0/iot-03/devices/status", { device_ids: ids });
      assert.deepEqual(
        got.result.map((x) => x.id),
        ids,
        "a list is sent comma-joined",
      );
      assert.equal(typeof got.t, "number");
      assert.match(got.tid ?? "", /^[0-9a-f]{32}$/);
      const posted = await r.api.post(`/v1.0/iot-03/devices/${r.ids.plug}/commands`, { commands: [{ code: "switch_1", value: false }] });
      assert.equal(posted.result, true);
      // The emulator has no PUT or DELETE routes: 1108 proves the signature passed (1004 comes first).
      assert.equal(((await rejection(r.api.put(`/v1.0/iot-03/devices/${r.ids.plug}`, { name: "x" }))) as ApiError).code, 1108);
      assert.equal(((await rejection(r.api.delete(`/v1.0/iot-03/devices/${r.ids.plug}`, { force: true }))) as ApiError).code, 1108);
      assert.equal(r.emu.stats.errorsByCode["1004"], undefined);
    });

    it("a query in the path is merged with the query object, which wins; null and undefined are left out", async () => {
      const res = await r.api.get<{ id: string }[]>(`/v1.0/iot-03/devices/status?device_ids=${r.ids.pir}&x=1`, {
        device_ids: r.ids.climate,
        skip: undefined,
        none: null,
      });
      assert.deepEqual(
        res.result.map((x) => x.id),
        [r.ids.climate],
      );
    });

    it("a body given as text is sent exactly as given", async () => {
      const res = await r.api.post(`/v1.0/iot-03/devices/${r.ids.plug}/commands`, '{"commands": [{"code": "switch_1", "value": false}]}');
      assert.equal(res.result, true);
      assert.equal(r.emu.status(r.ids.plug).find((x) => x.code === "switch_1")?.value, false);
    });

    it("refuses a bad method, path or query before sending anything", async () => {
      await assert.rejects(r.api.request({ method: "PATCH" as never, path: "/v1.0/x" }), InputError);
      await assert.rejects(r.api.get("v1.0/no-slash"), InputError);
      await assert.rejects(r.api.get("/v1.0/x", { nested: { a: 1 } }), InputError);
      await assert.rejects(r.api.get("/v1.0/x", [1, 2] as unknown as Record<string, unknown>), InputError);
      assert.equal(r.emu.stats.requests, 0);
    });

    it("refuses the token paths from callers; its own token calls still work", async () => {
      for (const path of ["/v1.0/token?grant_type=1", "/v1.0/token/somerefreshtoken"]) {
        const err = await rejection(r.api.get(path));
        assert.ok(err instanceof InputError, path);
        assert.doesNotMatch(err.message, /somerefreshtoken/);
      }
      assert.equal(r.emu.stats.requests, 0);
      await r.api.get(`/v1.0/iot-03/devices/${r.ids.plug}`);
      assert.equal(r.emu.stats.byPath["GET /v1.0/token"], 1, "the client fetched its own token");
    });
  });

  describe("timeouts", () => {
    it("a read that times out is retried; a command that times out is not (it may have run)", async () => {
      r = await rig({}, { timeoutMs: 100, retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 2 } });
      await r.api.connect();
      r.emu.faults.setLatency(300);
      const read = await rejection(r.api.get(`/v1.0/iot-03/devices/${r.ids.plug}/status`));
      assert.ok(read instanceof ApiError);
      assert.match(read.message, /timed out/);
      assert.equal(r.emu.stats.byPath["GET /v1.0/iot-03/devices/{device_id}/status"], 2);
      const cmd = await rejection(r.api.post(`/v1.0/iot-03/devices/${r.ids.plug}/commands`, { commands: [{ code: "switch_1", value: false }] }));
      assert.match(cmd.message, /timed out/);
      assert.equal(r.emu.stats.byPath["POST /v1.0/iot-03/devices/{device_id}/commands"], 1);
    });
  });

  describe("rate limit", () => {
    it("the client-side limit keeps the server's per-second throttle from answering 1199", async () => {
      r = await rig({ qps: 10 }, { requestsPerSecond: 10 });
      await r.api.connect();
      for (let i = 0; i < 12; i++) await r.api.get(`/v1.0/iot-03/devices/${r.ids.plug}/status`);
      assert.equal(r.emu.stats.errorsByCode["1199"], undefined);
      await r.close();
      // Without it the same number of calls at once is throttled.
      r = await rig({ qps: 10 }, { retry: { attempts: 1 } });
      await r.api.connect();
      const settled = await Promise.allSettled(Array.from({ length: 12 }, () => r.api.get(`/v1.0/iot-03/devices/${r.ids.plug}/status`)));
      const throttled = settled.filter((s) => s.status === "rejected" && (s.reason as ApiError).code === 1199);
      assert.equal(throttled.length, 2);
    });
  });

  describe("cancellation", () => {
    beforeEach(async () => {
      r = await rig();
      await r.api.connect();
    });

    it("an aborted signal rejects with AbortError", async () => {
      const ac = new AbortController();
      r.emu.faults.setLatency(200);
      const p = r.api.get(`/v1.0/iot-03/devices/${r.ids.plug}/status`, undefined, { signal: ac.signal });
      ac.abort();
      assert.ok((await rejection(p)) instanceof AbortError);
      await assert.rejects(r.api.get("/v1.0/x", undefined, { signal: AbortSignal.abort() }), AbortError);
    });

    it("close() rejects requests in flight with AbortError and later ones at once", async () => {
      r.emu.faults.setLatency(200);
      const p = r.api.get(`/v1.0/iot-03/devices/${r.ids.plug}/status`);
      const closing = r.api.close();
      assert.ok((await rejection(p)) instanceof AbortError);
      await closing;
      assert.deepEqual(r.log.states.at(-1), { state: "closed" });
      await assert.rejects(r.api.get("/v1.0/x"), AbortError);
    });
  });
});
