// Clock skew (reference §5.2 code 1013): the client learns the offset from the server's t, retries
// once, and signs every later request with the corrected time.
import assert from "node:assert/strict";
import { ApiError } from "../../../src/core/errors";
import { rejection, rig, type Rig } from "./helpers";

const T0 = Date.UTC(2025, 5, 1, 12, 0, 0);

describe("tuya clock skew", () => {
  let r: Rig;
  afterEach(() => r.close());

  for (const skewMin of [40, -90]) {
    it(`a server clock ${skewMin} min off: one 1013, then every request uses the learned offset`, async () => {
      // Both clocks are fake: the server runs skewMin minutes off the client.
      let now = T0;
      r = await rig({ now: () => now, clockOffsetMs: skewMin * 60_000, timeWindowMs: 5 * 60_000 }, { now: () => now });
      const res = await r.api.get(`/v1.0/iot-03/devices/${r.ids.plug}/status`);
      assert.equal(res.success, true);
      assert.equal(r.emu.stats.errorsByCode["1013"], 1, "only the very first request (the token grant) was refused");
      assert.equal(r.log.warnings.length, 1);
      assert.match(r.log.warnings[0], /1013.*NTP/);
      now += 3_600_000; // an hour later the offset still holds
      await r.api.get(`/v1.0/iot-03/devices/${r.ids.plug}/status`);
      await r.api.post(`/v1.0/iot-03/devices/${r.ids.plug}/commands`, { commands: [{ code: "switch_1", value: false }] });
      assert.equal(r.emu.stats.errorsByCode["1013"], 1);
      assert.equal(r.emu.stats.commandsExecuted, 1);
    });
  }

  it("a command refused with 1013 was not executed: it is retried once with the corrected time", async () => {
    r = await rig({ timeWindowMs: 60_000 });
    await r.api.connect();
    // The server clock jumps: the next request is outside its window.
    r.emu.faults.failNext(1, { code: 1013, path: "/commands" });
    assert.equal((await r.api.post(`/v1.0/iot-03/devices/${r.ids.plug}/commands`, { commands: [{ code: "switch_1", value: false }] })).result, true);
    assert.equal(r.emu.stats.commandsExecuted, 1);
    assert.equal(r.emu.stats.byPath["POST /v1.0/iot-03/devices/{device_id}/commands"], 2);
  });

  it("a second 1013 in a row is the caller's error, with the hint to fix the system time", async () => {
    r = await rig();
    await r.api.connect();
    r.emu.faults.failNext(2, { code: 1013, path: "/status" });
    const err = await rejection(r.api.get(`/v1.0/iot-03/devices/${r.ids.plug}/status`));
    assert.ok(err instanceof ApiError);
    assert.equal(err.code, 1013);
    assert.match(err.message, /clock/);
    assert.equal(r.emu.stats.byPath["GET /v1.0/iot-03/devices/{device_id}/status"], 2, "one retry, not the read backoff on top");
  });
});
