// Device endpoints of both path families (reference §4.1/§4.2) and command validation.
import assert from "node:assert/strict";
import { TuyaEmulator } from "../../../src/emulator/tuya";
import { TestClient } from "./tuya-test-client";

describe("tuya emulator: devices and commands (reference §4)", () => {
  let emu: TuyaEmulator;
  let c: TestClient;
  let plug: string, pir: string, climate: string, light: string, offline: string;

  before(async () => {
    emu = new TuyaEmulator({ extraSensors: 30, qps: 0 });
    c = new TestClient(await emu.start(), emu.accessId, emu.accessSecret);
    await c.connect();
    [plug, pir, climate, light, offline] = emu.devices.map((d) => d.id);
  });
  after(() => emu.stop());

  it("has the documented fixtures with 22-char ids", () => {
    assert.deepEqual(
      emu.devices.slice(0, 5).map((d) => [d.name, d.category, d.online]),
      [
        ["Lab plug", "cz", true],
        ["PIR hallway", "pir", true],
        ["Lab climate", "wsdcg", true],
        ["Desk light", "dj", true],
        ["Garage switch", "kg", false],
      ],
    );
    assert.equal(emu.devices.length, 35);
    for (const d of emu.devices) assert.match(d.id, /^[a-z0-9]{22}$/);
    assert.equal(new Set(emu.devices.map((d) => d.id)).size, emu.devices.length);
    assert.equal(emu.describe().devices.length, 35);
  });

  it("iot-03 details have no status array; Smart Home details do, with uid/owner_id/icon/biz_type", async () => {
    const iot = await c.get(`/v1.0/iot-03/devices/${plug}`);
    assert.equal(iot.success, true);
    assert.equal(iot.result.id, plug);
    assert.equal(iot.result.status, undefined);
    assert.match(String(iot.result.active_time), /^\d{10}$/);
    for (const k of ["uuid", "local_key", "product_id", "product_name", "ip", "time_zone", "create_time", "update_time"]) assert.ok(k in iot.result, k);
    const sh = await c.get(`/v1.0/devices/${plug}`);
    assert.ok(Array.isArray(sh.result.status));
    for (const k of ["uid", "owner_id", "icon", "biz_type"]) assert.ok(k in sh.result, k);
  });

  it("status: single and batch; Smart Home batch with and without the trailing slash", async () => {
    const one = await c.get(`/v1.0/iot-03/devices/${climate}/status`);
    assert.deepEqual(
      one.result.map((s: { code: string }) => s.code),
      ["va_temperature", "va_humidity", "battery_percentage"],
    );
    assert.equal(typeof one.result[0].value, "number");
    const batch = await c.get("/v1.0/iot-03/devices/status", { device_ids: `${plug},${pir}` });
    assert.deepEqual(
      batch.result.map((x: { id: string }) => x.id),
      [plug, pir],
    );
    for (const path of ["/v1.0/devices/", "/v1.0/devices"]) {
      const r = await c.get(path, { device_ids: `${plug},${light}` });
      assert.equal(r.success, true, path);
      assert.equal(r.result.devices.length, 2);
      assert.ok(Array.isArray(r.result.devices[1].status));
      assert.equal(r.result.has_more, false);
    }
    const iotBatch = await c.get("/v1.0/iot-03/devices", { device_ids: `${plug},${light}` });
    assert.equal(iotBatch.result.devices.length, 2);
    assert.equal(iotBatch.result.total, 2);
  });

  it("more than 20 ids → 1101; a device outside the project → 1106 alone, left out of a batch; no ids → 1100", async () => {
    const ids = emu.devices
      .slice(0, 21)
      .map((d) => d.id)
      .join(",");
    for (const path of ["/v1.0/iot-03/devices/status", "/v1.0/iot-03/devices/factory-infos", "/v1.0/devices/", "/v1.0/iot-03/devices"]) {
      assert.equal((await c.get(path, { device_ids: ids })).code, 1101, path);
    }
    const batch = await c.get("/v1.0/iot-03/devices/status", { device_ids: `${plug},eb0000000000000000nope` });
    assert.deepEqual(
      (batch.result as { id: string }[]).map((d) => d.id),
      [plug],
    );
    const foreign = await c.get("/v1.0/iot-03/devices/eb0000000000000000nope");
    assert.equal(foreign.code, 1106);
    assert.equal(foreign.msg, "permission deny");
    assert.equal((await c.get("/v1.0/iot-03/devices/status", { device_ids: "" })).code, 1100);
  });

  it("batchForeignIds: 'deny' answers 1106 for a batch with any foreign id", async () => {
    const strict = new TuyaEmulator({ qps: 0, batchForeignIds: "deny" });
    try {
      const sc = new TestClient(await strict.start(), strict.accessId, strict.accessSecret);
      await sc.connect();
      const ids = `${strict.devices[0].id},eb0000000000000000nope`;
      for (const path of ["/v1.0/iot-03/devices/status", "/v1.0/iot-03/devices", "/v1.0/iot-03/devices/factory-infos"]) {
        assert.equal((await sc.get(path, { device_ids: ids })).code, 1106, path);
      }
      assert.equal((await sc.get("/v1.0/iot-03/devices/status", { device_ids: strict.devices[0].id })).success, true);
    } finally {
      await strict.stop();
    }
  });

  it("project device lists page with opaque last_row_key (v1.3 list, associated-users devices)", async () => {
    const seen: string[] = [];
    let last: string | undefined;
    for (;;) {
      const r = await c.get("/v1.3/iot-03/devices", last ? { page_size: 10, last_row_key: last } : { page_size: 10 });
      assert.equal(r.result.total, 35);
      seen.push(...r.result.list.map((d: { id: string }) => d.id));
      if (!r.result.has_more) break;
      last = r.result.last_row_key;
    }
    assert.deepEqual(
      seen,
      emu.devices.map((d) => d.id),
    );
    const a = await c.get("/v1.0/iot-01/associated-users/devices", { size: 20 });
    assert.equal(a.result.devices.length, 20);
    assert.equal(a.result.has_more, true);
    const b = await c.get("/v1.0/iot-01/associated-users/devices", { size: 20, last_row_key: a.result.last_row_key });
    assert.equal(b.result.devices.length, 15);
    assert.equal(b.result.has_more, false);
    assert.equal((await c.get("/v1.3/iot-03/devices", { last_row_key: "bogus==" })).code, 1109);
  });

  it("factory infos, functions, specification and category functions in both families", async () => {
    for (const path of ["/v1.0/iot-03/devices/factory-infos", "/v1.0/devices/factory-infos"]) {
      const r = await c.get(path, { device_ids: `${plug},${pir}` });
      assert.deepEqual(Object.keys(r.result[0]).sort(), ["id", "mac", "sn", "uuid"]);
    }
    for (const path of [`/v1.0/iot-03/devices/${plug}/functions`, `/v1.0/devices/${plug}/functions`]) {
      const r = await c.get(path);
      assert.equal(r.result.category, "cz");
      const countdown = r.result.functions.find((f: { code: string }) => f.code === "countdown_1");
      assert.equal(typeof countdown.values, "string");
      assert.deepEqual(JSON.parse(countdown.values), { min: 0, max: 86400, scale: 0, step: 1, unit: "s" });
    }
    for (const path of [`/v1.0/iot-03/devices/${plug}/specification`, `/v1.0/devices/${plug}/specifications`]) {
      const r = await c.get(path);
      const codes = r.result.status.map((s: { code: string }) => s.code);
      assert.ok(codes.includes("cur_power") && codes.includes("switch_1"), path);
      assert.equal(JSON.parse(r.result.status.find((s: { code: string }) => s.code === "cur_voltage").values).scale, 1);
    }
    assert.equal((await c.get("/v1.0/iot-03/categories/dj/functions")).result.functions.length, 5);
    assert.equal((await c.get("/v1.0/functions/kg")).result.category, "kg");
    assert.equal((await c.get("/v1.0/iot-03/categories/zzz/functions")).code, 1109);
  });

  it("unknown paths and GET on /commands answer 1108 uri path invalid", async () => {
    assert.equal((await c.get(`/v1.0/iot-03/devices/${plug}/commands`)).code, 1108);
    assert.equal((await c.get("/v9.9/nothing")).code, 1108);
  });

  describe("commands", () => {
    const send = (id: string, commands: unknown, family = "iot-03") =>
      c.post(family === "iot-03" ? `/v1.0/iot-03/devices/${id}/commands` : `/v1.0/devices/${id}/commands`, { commands });

    it("validates codes, types, ranges and emptiness", async () => {
      assert.equal((await send(plug, [{ code: "nope", value: true }])).code, 2008);
      assert.equal((await send(plug, [{ code: "countdown_1", value: "100" }])).code, 1104);
      assert.equal((await send(plug, [{ code: "switch_1", value: 1 }])).code, 1104);
      assert.equal((await send(plug, [{ code: "countdown_1", value: 86401 }])).code, 2008);
      assert.equal((await send(plug, [{ code: "countdown_1", value: 1.5 }])).code, 1104);
      assert.equal((await send(light, [{ code: "work_mode", value: "disco" }])).code, 2008);
      assert.equal((await send(light, [{ code: "bright_value_v2", value: 5 }])).code, 2008);
      assert.equal((await send(light, [{ code: "colour_data_v2", value: { h: 400, s: 0, v: 0 } }])).code, 2008);
      assert.equal((await send(light, [{ code: "colour_data_v2", value: 7 }])).code, 1104);
      assert.equal((await send(climate, [{ code: "va_temperature", value: 200 }])).code, 2008);
      assert.equal((await send(plug, [])).code, 1100);
      assert.equal((await c.post(`/v1.0/iot-03/devices/${plug}/commands`, {})).code, 1100);
      assert.equal((await send(offline, [{ code: "switch_1", value: true }])).code, 2001);
      assert.equal((await send(offline, [{ code: "switch_1", value: true }])).msg, "device is offline");
      assert.equal(emu.stats.commandsExecuted, 0);
    });

    it("a valid command returns true, changes the status and writes event 5 and 7 log entries", async () => {
      const before = Date.now() - 1000;
      const r = await send(light, [
        { code: "switch_led", value: false },
        { code: "colour_data_v2", value: { h: 120, s: 500, v: 800 } },
      ]);
      assert.equal(r.success, true, JSON.stringify(r));
      assert.equal(r.result, true);
      assert.equal(emu.stats.commandsExecuted, 1);
      const status = emu.status(light);
      assert.equal(status.find((s) => s.code === "switch_led")!.value, false);
      assert.deepEqual(JSON.parse(status.find((s) => s.code === "colour_data_v2")!.value as string), { h: 120, s: 500, v: 800 });
      const viaApi = await c.get(`/v1.0/iot-03/devices/${light}/status`);
      assert.equal(viaApi.result.find((s: { code: string }) => s.code === "switch_led").value, false);

      const logs = await c.get(`/v1.0/devices/${light}/logs`, { type: "5,7", start_time: before, end_time: Date.now() + 1000, codes: "switch_led" });
      const entries = logs.result.logs.map((l: { event_id: number; event_from: string; value: string }) => [l.event_id, l.event_from, l.value]);
      assert.deepEqual(entries, [
        [7, "1", "false"],
        [5, "3", "false"],
      ]);
      // Same value again: a command is logged, but no data report for an unchanged DP.
      await send(light, [{ code: "switch_led", value: false }]);
      const again = await c.get(`/v1.0/devices/${light}/logs`, { type: "5,7", start_time: before, end_time: Date.now() + 1000, codes: "switch_led" });
      assert.deepEqual(
        again.result.logs.map((l: { event_id: number }) => l.event_id),
        [5, 7, 5],
      );
    });

    it("switching the plug off zeroes its power reading; the Smart Home path works too", async () => {
      const r = await send(plug, [{ code: "switch_1", value: false }], "smart-home");
      assert.equal(r.success, true);
      const status = emu.status(plug);
      assert.equal(status.find((s) => s.code === "cur_power")!.value, 0);
    });
  });

  it("deniedFamilies answers 1106 for the denied family only", async () => {
    const e = new TuyaEmulator({ deniedFamilies: ["iot-03"] });
    try {
      const k = new TestClient(await e.start(), e.accessId, e.accessSecret);
      await k.connect();
      assert.equal((await k.get(`/v1.0/iot-03/devices/${plug}`)).code, 1106);
      assert.equal((await k.get(`/v1.0/devices/${plug}`)).success, true);
    } finally {
      await e.stop();
    }
  });
});
