// Device logs (reference §4.3) against the emulator's deterministic history: pages as an async
// iterator, time inputs, event types, codes, both cursor styles and answer shapes, guards,
// truncation, resume, parallel slices, and a long walk through token expiry.
import assert from "node:assert/strict";
import fc from "fast-check";
import { ApiError, InputError } from "../../../src/core/errors";
import { TuyaDevices, type TuyaApiFamily, type TuyaLogEntry, type TuyaLogPage } from "../../../src/tuya";
import { rejection, rig, type Rig } from "./helpers";

const T0 = Date.UTC(2025, 5, 1, 12, 0, 0);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const key = (e: TuyaLogEntry) => `${e.event_time}|${e.code}|${e.value}|${e.event_id}`;
const keys = (logs: TuyaLogEntry[]) => logs.map(key);

async function pages(it: AsyncIterable<TuyaLogPage>): Promise<TuyaLogPage[]> {
  const out: TuyaLogPage[] = [];
  for await (const p of it) out.push(p);
  return out;
}

for (const family of ["smart-home", "iot-03"] as TuyaApiFamily[]) {
  describe(`tuya logs (${family})`, () => {
    const logsPath = family === "iot-03" ? "GET /v1.0/iot-03/devices/{device_id}/logs" : "GET /v1.0/devices/{device_id}/logs";
    let r: Rig;
    let dev: TuyaDevices;
    const climateDay = () => ({ start: T0 - 6 * HOUR, end: T0, now: T0 });
    beforeEach(async () => {
      r = await rig({ now: () => T0 }, { family });
      dev = r.devices;
      await r.api.connect();
      r.emu.stats.reset();
    });
    afterEach(() => r.close());

    it("pages as an async iterator; collectLogs joins them; page sizes up to 100", async () => {
      const walked = await pages(dev.logs(r.ids.climate, { ...climateDay(), pageSize: 20 }));
      assert.ok(walked.length > 3);
      assert.deepEqual(
        walked.map((p) => p.page),
        walked.map((_, i) => i + 1),
      );
      assert.ok(walked.slice(0, -1).every((p) => p.logs.length === 20 && p.hasMore && p.cursor));
      assert.equal(walked.at(-1)!.hasMore, false);
      assert.equal(r.emu.stats.byPath[logsPath], walked.length);
      const all = await dev.collectLogs(r.ids.climate, { ...climateDay(), pageSize: 100 });
      assert.deepEqual(keys(all.logs), keys(walked.flatMap((p) => p.logs)), "the same entries whatever the page size");
      assert.equal(new Set(keys(all.logs)).size, all.logs.length, "nothing repeated");
      assert.equal(all.truncated, false);
      assert.equal(all.pages, Math.ceil(all.logs.length / 100));
      await assert.rejects(pages(dev.logs(r.ids.climate, { ...climateDay(), pageSize: 101 })), InputError);
    });

    it("accepts any time form: Date, ISO text, 10-digit seconds (sent as ms), 13-digit ms, relative", async () => {
      const want = keys((await dev.collectLogs(r.ids.climate, climateDay())).logs);
      assert.ok(want.length > 0);
      const forms: [unknown, unknown][] = [
        [new Date(T0 - 6 * HOUR), new Date(T0)],
        [new Date(T0 - 6 * HOUR).toISOString(), new Date(T0).toISOString()],
        [(T0 - 6 * HOUR) / 1000, T0 / 1000],
        [String((T0 - 6 * HOUR) / 1000), String(T0 / 1000)],
        [String(T0 - 6 * HOUR), String(T0)],
        ["-6h", "now"],
      ];
      for (const [start, end] of forms) {
        const got = await dev.collectLogs(r.ids.climate, { start, end, now: T0 });
        assert.deepEqual(keys(got.logs), want, JSON.stringify([start, end]));
      }
      assert.ok(want.every((k) => Number(k.split("|")[0]) >= T0 - 6 * HOUR));
      await assert.rejects(dev.collectLogs(r.ids.climate, { start: T0, end: T0 - HOUR, now: T0 }), InputError);
      await assert.rejects(dev.collectLogs(r.ids.climate, { start: "yesterday", now: T0 }), InputError);
    });

    it("event types: data reports (7) by default, any list on request", async () => {
      const window = { start: T0 - 3 * DAY, end: T0, now: T0 };
      const reports = await dev.collectLogs(r.ids.offline, window);
      assert.ok(reports.logs.every((e) => e.event_id === 7));
      const online = await dev.collectLogs(r.ids.offline, { ...window, eventTypes: [1, 2] });
      assert.ok(online.logs.length > 0);
      assert.ok(online.logs.every((e) => e.event_id === 1 || e.event_id === 2));
      // The offline device's last word is an offline event.
      assert.equal(online.logs[0].event_id, 2);
      const mixed = await dev.collectLogs(r.ids.climate, { ...window, eventTypes: [1, 2, 7] });
      assert.ok(mixed.logs.some((e) => e.event_id === 7) && mixed.logs.some((e) => e.event_id !== 7));
      for (const bad of [[], [0], [1.5], "7"]) {
        await assert.rejects(dev.collectLogs(r.ids.climate, { ...window, eventTypes: bad as number[] }), InputError, JSON.stringify(bad));
      }
    });

    it("filters by data-point codes", async () => {
      const got = await dev.collectLogs(r.ids.climate, { ...climateDay(), codes: ["va_humidity", "battery_percentage"] });
      assert.deepEqual([...new Set(got.logs.map((e) => e.code))].sort(), ["battery_percentage", "va_humidity"]);
      await assert.rejects(dev.collectLogs(r.ids.climate, { ...climateDay(), codes: [""] }), InputError);
    });

    it("a command shows up in the logs (event 5 and 7)", async () => {
      await dev.sendCommands(r.ids.plug, { switch_1: false });
      const got = await dev.collectLogs(r.ids.plug, { start: T0 - HOUR, end: T0, now: T0, eventTypes: [5, 7], codes: ["switch_1"] });
      assert.deepEqual(got.logs.map((e) => [e.event_id, e.value]).sort(), [
        [5, "false"],
        [7, "false"],
      ]);
    });

    it("a page cap stops with truncated: true and a cursor, and the walk resumes from it", async () => {
      const full = await dev.collectLogs(r.ids.climate, { ...climateDay(), pageSize: 10 });
      const first = await dev.collectLogs(r.ids.climate, { ...climateDay(), pageSize: 10, maxPages: 3 });
      assert.equal(first.pages, 3);
      assert.equal(first.truncated, true);
      assert.equal(typeof first.cursor, "string");
      assert.equal(first.logs.length, 30);
      const rest = await dev.collectLogs(r.ids.climate, { ...climateDay(), pageSize: 10, cursor: first.cursor });
      assert.equal(rest.truncated, false);
      assert.deepEqual(keys([...first.logs, ...rest.logs]), keys(full.logs), "nothing lost, nothing repeated across the resume");
    });

    it("a server that loses the cursor (repeats a page) stops the walk with an error, after the pages so far", async () => {
      r.emu.faults.failNext(1, { ignoreCursor: true, path: "row_key" });
      const seen: TuyaLogPage[] = [];
      const err = await rejection(
        (async () => {
          for await (const p of dev.logs(r.ids.climate, { ...climateDay(), pageSize: 10 })) seen.push(p);
        })(),
      );
      assert.ok(err instanceof ApiError);
      assert.equal(err.code, "CURSOR_REPEATED");
      assert.match(err.message, /endless/);
      assert.equal(seen.length, 1, "the first page was delivered");
      assert.equal(r.emu.stats.byPath[logsPath], 2);
    });

    it("warns (does not fail) when the window starts beyond the 7-day retention", async () => {
      const got = await dev.collectLogs(r.ids.climate, { start: T0 - 8 * DAY, end: T0 - 6 * DAY, now: T0 });
      assert.equal(got.warnings.length, 1);
      assert.match(got.warnings[0], /7 days/);
      assert.ok(got.logs.length > 0);
      assert.ok(got.logs.every((e) => e.event_time >= T0 - 7 * DAY));
      const recent = await dev.collectLogs(r.ids.climate, climateDay());
      assert.deepEqual(recent.warnings, []);
    });

    it("parallel time slices return the same entries in the same order as one walk", async () => {
      const query = { start: T0 - 2 * DAY, end: T0, now: T0, pageSize: 100 };
      const one = await dev.collectLogs(r.ids.climate, query);
      r.emu.stats.reset();
      // The first pages of the four slices are held until all four arrived: answered only if walked at the same time.
      r.emu.faults.barrier(4);
      const sliced = await dev.collectLogs(r.ids.climate, { ...query, slices: 4 });
      assert.deepEqual(keys(sliced.logs), keys(one.logs));
      assert.ok(sliced.pages >= 4, `${sliced.pages} pages`);
      assert.equal(r.emu.stats.peakInFlight, 4, "the slices were walked at the same time");
      await assert.rejects(dev.collectLogs(r.ids.climate, { ...query, slices: 2, cursor: "abc" }), InputError);
    });

    it("slices stream: the pages walked ahead of the one handed on stay within the look-ahead, in entries", async () => {
      const query = { start: T0 - 2 * DAY, end: T0, now: T0, pageSize: 20, slices: 4, lookahead: 60 };
      const whole = await dev.collectLogs(r.ids.climate, query);
      assert.ok(whole.pages > 4 * 6, `${whole.pages} pages`);
      r.emu.stats.reset();
      const it = dev.logs(r.ids.climate, query)[Symbol.asyncIterator]();
      const first = await it.next();
      assert.equal(first.done, false);
      // Nobody takes the next page: the walks stop once more than 60 entries (3 pages) wait.
      let requests = -1;
      while (requests !== r.emu.stats.requests || r.emu.stats.inFlight > 0) {
        requests = r.emu.stats.requests;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      // Each of the 4 slices holds its first page; beyond that at most 3 pages' worth plus the one that crossed the line.
      assert.ok(requests <= 4 + 3 + 1, `${requests} requests while the consumer waited`);
      await it.return?.(undefined);
    });

    it("a page cap on slices reports truncated: true with a warning for each cut slice", async () => {
      const got = await dev.collectLogs(r.ids.climate, { start: T0 - DAY, end: T0, now: T0, pageSize: 20, slices: 2, maxPages: 2 });
      assert.equal(got.truncated, true);
      assert.equal(got.logs.length, 80);
      assert.equal(got.warnings.filter((w) => /stopped after maxPages/.test(w)).length, 2);
    });
  });
}

describe("tuya logs: any window, page size and slicing (fast-check)", () => {
  let r: Rig;
  before(async () => {
    r = await rig({ now: () => T0 }, { family: "smart-home" });
  });
  after(() => r.close());

  it("collects the same entries as one big-page walk, none twice", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 6 * DAY }),
        fc.integer({ min: 60_000, max: 2 * HOUR }),
        fc.integer({ min: 3, max: 100 }),
        fc.integer({ min: 1, max: 4 }),
        async (endBack, span, pageSize, slices) => {
          const window = { start: T0 - endBack - span, end: T0 - endBack, now: T0 };
          const want = keys((await r.devices.collectLogs(r.ids.climate, { ...window, pageSize: 100 })).logs);
          const got = await r.devices.collectLogs(r.ids.climate, { ...window, pageSize, slices });
          assert.deepEqual(keys(got.logs), want);
          assert.equal(new Set(want).size, want.length);
        },
      ),
      // Found by this property: two slices of one instant each came back oldest first.
      { numRuns: 12, examples: [[0, 585_521, 3, 2]] },
    );
  });
});

describe("tuya logs: answer shapes and order", () => {
  let r: Rig;
  afterEach(() => r.close());

  it("iot-03's documented table shape (has_more, list) walks like the example shape (has_next, logs)", async () => {
    const query = { start: T0 - 6 * HOUR, end: T0, now: T0, pageSize: 15 };
    r = await rig({ now: () => T0 }, { family: "iot-03" });
    const doc = await r.devices.collectLogs(r.ids.climate, query);
    await r.close();
    r = await rig({ now: () => T0, iot03LogShape: "table" }, { family: "iot-03" });
    const table = await r.devices.collectLogs(r.ids.climate, query);
    assert.ok(table.pages > 2);
    assert.deepEqual(keys(table.logs), keys(doc.logs));
  });

  it("slices keep an ascending server order too", async () => {
    r = await rig({ now: () => T0, logOrder: "asc" }, { family: "smart-home" });
    const query = { start: T0 - DAY, end: T0, now: T0 };
    const one = await r.devices.collectLogs(r.ids.climate, query);
    assert.ok(one.logs[0].event_time < one.logs.at(-1)!.event_time);
    const sliced = await r.devices.collectLogs(r.ids.climate, { ...query, slices: 3 });
    assert.deepEqual(keys(sliced.logs), keys(one.logs));
  });

  // bestlab's family walks 300 pages; iot-03 a shorter window with the same token churn.
  for (const [family, hours, minPages] of [
    ["smart-home", 25, 300],
    ["iot-03", 5, 60],
  ] as [TuyaApiFamily, number, number][]) {
    it(`${family}: a ${minPages}-page walk through token expiry loses and repeats nothing`, async function () {
      // Hundreds of requests one after the other: on a loaded machine they take longer than mocha's default.
      this.timeout(120_000);
      // Time moves 5 s per request; tokens live 120 s (refreshed 60 s early), so the walk refreshes
      // about every 12 calls, and the server kills the token outright twice on top.
      let now = T0;
      r = await rig({ now: () => now, tokenLifetimeSec: 120, logIntervalSec: 60 }, { family, now: () => now });
      // One walk (no slices), so exactly the requests in flight when the token dies are the walk's one.
      const query = { start: T0 - (hours + 1) * HOUR, end: T0 - HOUR, now: T0, pageSize: 10, slices: 1 };
      const reference = await new TuyaDevices(r.api).collectLogs(r.ids.climate, { ...query, pageSize: 100 });
      r.emu.stats.reset();
      let calls = 0;
      r.api.on("call", () => {
        now += 5000;
        calls++;
        if (calls === Math.floor(minPages / 3) || calls === Math.floor((2 * minPages) / 3)) r.emu.faults.expireTokens();
      });
      const got = await r.devices.collectLogs(r.ids.climate, query);
      assert.ok(got.pages >= minPages, `pages ${got.pages}`);
      assert.equal(got.logs.length, reference.logs.length);
      assert.equal(new Set(keys(got.logs)).size, got.logs.length);
      assert.deepEqual(keys(got.logs), keys(reference.logs));
      assert.equal(r.emu.stats.errorsByCode["1010"], 2);
      assert.ok(r.emu.stats.tokenRefreshes >= minPages / 12, `proactive refreshes as well as the two forced ones: ${r.emu.stats.tokenRefreshes}`);
    });
  }
});

describe("tuya logs: a server that ignores codes on iot-03 logs (the reference does not list the parameter)", () => {
  let strict: Rig;
  let loose: Rig;
  const day = { start: T0 - 6 * HOUR, end: T0, now: T0 };
  before(async () => {
    strict = await rig({ now: () => T0 }, { family: "iot-03" });
    loose = await rig({ now: () => T0, iot03LogCodes: "ignore" }, { family: "iot-03" });
  });
  after(async () => {
    await strict.close();
    await loose.close();
  });

  it("the client still returns only the codes asked for, the same entries a filtering server gives", async () => {
    const path = `/v1.0/iot-03/devices/${loose.ids.climate}/logs`;
    const raw = await loose.api.get<{ logs: TuyaLogEntry[] }>(path, {
      event_types: 7,
      start_time: day.start,
      end_time: day.end,
      size: 100,
      codes: "va_humidity",
    });
    assert.ok(
      raw.result.logs.some((e) => e.code !== "va_humidity"),
      "the loose server sends other codes",
    );
    const got = await loose.devices.collectLogs(loose.ids.climate, { ...day, codes: ["va_humidity"] });
    assert.ok(got.logs.length > 0);
    assert.ok(got.logs.every((e) => e.code === "va_humidity"));
    const want = await strict.devices.collectLogs(strict.ids.climate, { ...day, codes: ["va_humidity"] });
    assert.deepEqual(keys(got.logs), keys(want.logs));
  });
});
