// TuyaDeviceManager (bestlab's batch helper): over a name → id map, a list, or both, each batch
// method works (bestlab's map-built manager failed on its misspelled device_idsL).
import assert from "node:assert/strict";
import { ApiError, InputError } from "../../../src/core/errors";
import { TuyaDeviceManager, type TuyaApiFamily } from "../../../src/tuya";
import { rig, type Rig } from "./helpers";

const T0 = Date.UTC(2025, 5, 1, 12, 0, 0);

for (const family of ["iot-03", "smart-home"] as TuyaApiFamily[]) {
  describe(`tuya device manager (${family})`, () => {
    let r: Rig;
    let map: Record<string, string>;
    beforeEach(async () => {
      r = await rig({ extraSensors: 25, now: () => T0 }, { family });
      map = Object.fromEntries(r.emu.devices.map((d) => [d.name, d.id]));
      await r.api.connect();
      r.emu.stats.reset();
    });
    afterEach(() => r.close());

    it("built from a map: status of all 30 devices in 2 batch calls, keyed by name", async () => {
      const m = new TuyaDeviceManager(r.api, { deviceMap: map });
      assert.equal(m.deviceIds.length, 30);
      const status = await m.statusInBatch();
      assert.deepEqual(Object.keys(status), Object.keys(map));
      assert.deepEqual(status["Lab plug"], r.emu.status(r.ids.plug));
      assert.equal(r.emu.stats.requests, 2);
    });

    it("built from a list: keyed by id; a map and a list together, without repeats", async () => {
      const byList = new TuyaDeviceManager(r.api, { deviceList: [r.ids.light, r.ids.pir] });
      assert.deepEqual(Object.keys(await byList.statusInBatch()), [r.ids.light, r.ids.pir]);
      const both = new TuyaDeviceManager(r.api, { deviceMap: { plug: r.ids.plug }, deviceList: [r.ids.plug, r.ids.climate] });
      assert.deepEqual(both.deviceIds, [r.ids.plug, r.ids.climate]);
      assert.deepEqual(Object.keys(await both.factoryInfoInBatch()), ["plug", r.ids.climate]);
    });

    it("details with their status (as bestlab returns them), or without", async () => {
      const m = new TuyaDeviceManager(r.api, { deviceMap: { plug: r.ids.plug, light: r.ids.light } });
      const info = await m.infoInBatch();
      assert.equal(info.plug.id, r.ids.plug);
      assert.deepEqual(info.plug.status, r.emu.status(r.ids.plug));
      const bare = await m.infoInBatch(false);
      assert.equal("status" in bare.light, false);
    });

    it("factory infos keyed by name", async () => {
      const m = new TuyaDeviceManager(r.api, { deviceMap: map });
      const rows = await m.factoryInfoInBatch();
      assert.equal(Object.keys(rows).length, 30);
      assert.equal(rows["Desk light"].id, r.ids.light);
      assert.equal(r.emu.stats.requests, 2);
    });

    it("one command to every device: each gets its own outcome, an offline one does not stop the rest", async () => {
      const m = new TuyaDeviceManager(r.api, { deviceMap: { plug: r.ids.plug, garage: r.ids.offline } });
      const out = await m.sendCommandInBatch({ switch_1: false });
      assert.equal(out.plug.success, true);
      assert.equal(out.garage.success, false);
      assert.ok(out.garage.error instanceof ApiError);
      assert.equal(out.garage.error.code, 2001);
      assert.equal(r.emu.stats.commandsExecuted, 1);
    });

    it("logs of every device for a window, keyed by name", async () => {
      const m = new TuyaDeviceManager(r.api, { deviceMap: { climate: r.ids.climate, plug: r.ids.plug } });
      const logs = await m.logsInBatch({ start: T0 - 3_600_000, end: T0, now: T0 });
      assert.deepEqual(Object.keys(logs), ["climate", "plug"]);
      assert.ok(logs.climate.some((e) => e.code === "va_temperature"));
      assert.ok(logs.plug.some((e) => e.code === "cur_power"));
      assert.ok(logs.climate.every((e) => e.event_time >= T0 - 3_600_000 && e.event_time <= T0));
    });

    it("needs at least one device, and an id for every map entry", () => {
      assert.throws(() => new TuyaDeviceManager(r.api, {}), InputError);
      assert.throws(() => new TuyaDeviceManager(r.api, { deviceMap: { plug: "" } }), InputError);
    });
  });
}
