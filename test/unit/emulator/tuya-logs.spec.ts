// Device logs (reference §4.3): deterministic history, cursors, retention, caps and filters.
import assert from "node:assert/strict";
import { TuyaEmulator, type TuyaEmulatorOptions } from "../../../src/emulator/tuya";
import { TestClient, type TuyaBody } from "./tuya-test-client";

const NOW = 1_700_000_000_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

interface Entry {
  code: string;
  value: string;
  event_time: number;
  event_id: number;
  event_from: string;
}

async function open(options: TuyaEmulatorOptions = {}): Promise<{ emu: TuyaEmulator; c: TestClient }> {
  const emu = new TuyaEmulator({ now: () => NOW, qps: 0, ...options });
  const c = new TestClient(await emu.start(), emu.accessId, emu.accessSecret);
  c.offsetMs = NOW - Date.now(); // sign with the emulator's frozen clock
  await c.connect();
  return { emu, c };
}

/** Walks Smart Home pages the bestlab way: start_row_key = next_row_key until has_next is false. */
async function walkSmartHome(c: TestClient, id: string, query: Record<string, string | number>): Promise<{ logs: Entry[]; pages: TuyaBody[] }> {
  const pages: TuyaBody[] = [];
  const logs: Entry[] = [];
  let key: string | undefined;
  for (let i = 0; i < 10_000; i++) {
    const r = await c.get(`/v1.0/devices/${id}/logs`, key ? { ...query, start_row_key: key } : query);
    assert.equal(r.success, true, JSON.stringify(r));
    pages.push(r);
    logs.push(...r.result.logs);
    if (!r.result.has_next) {
      assert.equal(r.result.next_row_key, null);
      break;
    }
    key = r.result.next_row_key;
  }
  return { logs, pages };
}

const id = (e: Entry) => `${e.event_time}|${e.event_id}|${e.code}|${e.value}`;

describe("tuya emulator: device logs (reference §4.3)", () => {
  let emu: TuyaEmulator;
  let c: TestClient;
  let climate: string;
  let pir: string;
  before(async () => {
    ({ emu, c } = await open({ logIntervalSec: 30 }));
    climate = emu.devices[2].id;
    pir = emu.devices[1].id;
  });
  after(() => emu.stop());

  it("walks a dense 3-day history page by page with no duplicates, newest first, cursors holding + / =", async () => {
    const start = NOW - 3 * DAY;
    const { logs, pages } = await walkSmartHome(c, climate, { type: 7, start_time: start, end_time: NOW, size: 100 });
    assert.ok(pages.length > 170, `pages: ${pages.length}`);
    assert.equal(new Set(logs.map(id)).size, logs.length, "no duplicates");
    // 30 s grid x 2 codes, plus hourly battery readings
    assert.ok(logs.length >= 3 * 2880 * 2, `entries: ${logs.length}`);
    for (let i = 1; i < logs.length; i++) assert.ok(logs[i - 1].event_time >= logs[i].event_time, "descending");
    assert.ok(logs.every((e) => e.event_time >= start && e.event_time <= NOW && typeof e.value === "string" && e.event_id === 7));
    for (const p of pages.slice(0, -1)) {
      assert.match(p.result.next_row_key, /\+/);
      assert.match(p.result.next_row_key, /\//);
      assert.match(p.result.next_row_key, /=$/);
      assert.equal(p.result.logs.length, 100);
    }
    // The iot-03 path walks the same history with last_row_key.
    const iot: Entry[] = [];
    let last: string | undefined;
    for (;;) {
      const q: Record<string, string | number> = { event_types: 7, start_time: start, end_time: NOW, size: 100 };
      if (last) q.last_row_key = last;
      const r = await c.get(`/v1.0/iot-03/devices/${climate}/logs`, q);
      iot.push(...r.result.logs);
      if (!r.result.has_next) break;
      last = r.result.last_row_key;
    }
    assert.deepEqual(iot.map(id), logs.map(id));
  });

  it("is deterministic: the same query gives the same entries, also from a fresh emulator with the same seed", async () => {
    const q = { type: "1,2,7", start_time: NOW - 2 * DAY, end_time: NOW - DAY, size: 100 };
    const a = await c.get(`/v1.0/devices/${pir}/logs`, q);
    const b = await c.get(`/v1.0/devices/${pir}/logs`, q);
    assert.deepEqual(a.result, b.result);
    const other = await open({ logIntervalSec: 30 });
    try {
      const d = await other.c.get(`/v1.0/devices/${pir}/logs`, q);
      assert.deepEqual(d.result, a.result);
    } finally {
      await other.emu.stop();
    }
    const seeded = await open({ logIntervalSec: 30, seed: 2 });
    try {
      const e = await seeded.c.get(`/v1.0/devices/${pir}/logs`, q);
      assert.notDeepEqual(e.result.logs, a.result.logs);
    } finally {
      await seeded.emu.stop();
    }
  });

  it("keeps 7 days only", async () => {
    const old = await c.get(`/v1.0/devices/${climate}/logs`, { type: 7, start_time: NOW - 10 * DAY, end_time: NOW - 8 * DAY, size: 100 });
    assert.equal(old.success, true);
    assert.deepEqual(old.result.logs, []);
    assert.equal(old.result.has_next, false);
    const edge = await c.get(`/v1.0/devices/${climate}/logs`, { type: 7, start_time: NOW - 10 * DAY, end_time: NOW - 7 * DAY + HOUR, size: 100 });
    assert.ok(edge.result.logs.length > 0);
    assert.ok(edge.result.logs.every((e: Entry) => e.event_time >= NOW - 7 * DAY));
  });

  it("rejects bad parameters: missing → 1100, 10-digit times → 1109, unknown or foreign cursor → 1109", async () => {
    const base = { type: 7, start_time: NOW - DAY, end_time: NOW };
    assert.equal((await c.get(`/v1.0/devices/${climate}/logs`, { start_time: NOW - DAY, end_time: NOW })).code, 1100);
    assert.equal((await c.get(`/v1.0/devices/${climate}/logs`, { type: 7, end_time: NOW })).code, 1100);
    assert.equal((await c.get(`/v1.0/iot-03/devices/${climate}/logs`, { start_time: NOW - DAY, end_time: NOW })).code, 1100);
    assert.equal((await c.get(`/v1.0/devices/${climate}/logs`, { ...base, start_time: (NOW - DAY) / 1000, end_time: NOW / 1000 })).code, 1109);
    assert.equal((await c.get(`/v1.0/devices/${climate}/logs`, { ...base, start_row_key: "abc+/==" })).code, 1109);
    const page = await c.get(`/v1.0/devices/${climate}/logs`, base);
    const key = page.result.next_row_key;
    assert.equal((await c.get(`/v1.0/devices/${climate}/logs`, { ...base, start_row_key: key })).success, true);
    assert.equal((await c.get(`/v1.0/devices/${pir}/logs`, { ...base, start_row_key: key })).code, 1109);
  });

  it("caps pages at 100 (clamp by default, 1101 when configured) and defaults to 20", async () => {
    const q = { type: 7, start_time: NOW - DAY, end_time: NOW };
    assert.equal((await c.get(`/v1.0/devices/${climate}/logs`, q)).result.logs.length, 20);
    assert.equal((await c.get(`/v1.0/devices/${climate}/logs`, { ...q, size: 500 })).result.logs.length, 100);
    const strict = await open({ oversizePage: "error" });
    try {
      assert.equal((await strict.c.get(`/v1.0/devices/${climate}/logs`, { ...q, size: 101 })).code, 1101);
    } finally {
      await strict.emu.stop();
    }
  });

  it("filters by codes and event types", async () => {
    const q = { start_time: NOW - 7 * DAY, end_time: NOW, size: 100 };
    const battery = await walkSmartHome(c, climate, { ...q, type: 7, codes: "battery_percentage" });
    assert.ok(battery.logs.length >= 7 * 24 - 1);
    assert.ok(battery.logs.every((e) => e.code === "battery_percentage"));
    const online = await c.get(`/v1.0/devices/${climate}/logs`, { ...q, type: "1,2" });
    assert.ok(online.result.logs.every((e: Entry) => e.event_id === 1 || e.event_id === 2));
    assert.equal((await c.get(`/v1.0/devices/${climate}/logs`, { ...q, type: 11 })).code, 1109);
  });

  it("the offline device ends its history with an offline event", async () => {
    const off = emu.devices[4];
    const r = await c.get(`/v1.0/devices/${off.id}/logs`, { type: "1,2,7", start_time: NOW - 7 * DAY, end_time: NOW, size: 1 });
    assert.equal(r.result.logs[0].event_id, 2);
    assert.ok(r.result.logs[0].event_time <= NOW - 36 * HOUR);
  });

  it("supports the iot-03 table shape and ascending order", async () => {
    const t = await open({ iot03LogShape: "table", logOrder: "asc" });
    try {
      const r = await t.c.get(`/v1.0/iot-03/devices/${climate}/logs`, { event_types: 7, start_time: NOW - DAY, end_time: NOW, size: 50 });
      assert.deepEqual(Object.keys(r.result).sort(), ["device_id", "has_more", "last_row_key", "list", "total"]);
      assert.equal(r.result.list.length, 50);
      assert.ok(r.result.total > 50);
      assert.ok(r.result.list[0].event_time < r.result.list[49].event_time);
      assert.ok(r.result.list[0].event_time >= NOW - DAY);
    } finally {
      await t.emu.stop();
    }
  });
});
