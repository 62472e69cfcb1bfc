/**
 * tuya-log through the test helper against the Tuya emulator: device inputs, every window mode,
 * event types and codes, walks over many pages (compared entry for entry with an independent
 * walk of the emulator), every output mode and format (pages reassembled by a core Join node),
 * the retention warning, page-cap truncation, incremental runs across a failure, a cut-short walk
 * and a restart on a persistent context store, errors that reach a Catch node (bad input before
 * any request), and closing during a long walk.
 */
import assert from "node:assert/strict";
import { TuyaEmulator } from "../../src/emulator/tuya";
import { registerSecrets } from "../support/emissions";
import { loadTuyaFlow, useTuyaEmulator } from "../support/tuya-suite";
import { helper, runtimeModule } from "../support/node-red";
import { probe, probeNodes, type Msg } from "../support/probe";
import { editorDefaults } from "./tuya-editor-defaults";
import { assertCloseStopsRequests, assertInputErrorBeforeSending, loadContextStores, usePersistentContext } from "../support/node-runs";
import { TestClient } from "../unit/emulator/tuya-test-client";
import tuyaConfig from "../../nodes/tuya-config";
import tuyaLog from "../../nodes/tuya-log";

type Flow = Parameters<typeof helper.load>[1];
type Entry = { code: string; value: string; event_time: number; event_id: number; event_from?: string };
type Rec = { time: Date; device: string; deviceName?: string; sensor: string; value: unknown; unit?: string; extra?: Record<string, unknown> };
type Info = {
  devices: { id: string; entries: number; pages: number; truncated: boolean; cursor?: string }[];
  entries: number;
  pages: number;
  truncated: boolean;
  warnings: string[];
};

const MIN = 60_000;
const HOUR = 60 * MIN;
const key = (e: Entry) => `${e.event_time}|${e.event_id}|${e.code}|${e.value}`;

describe("tuya-log node", function () {
  this.timeout(30_000);
  let emu: TuyaEmulator;
  let truth: TestClient;
  const id = (label: "plug" | "pir" | "climate" | "light" | "offline") => emu.devices[["plug", "pir", "climate", "light", "offline"].indexOf(label)].id;
  /** A minute boundary two days before the emulator's frozen clock: the windows most specs read. */
  let T0 = 0;

  // One climate report a minute (2 codes) makes dense histories from short windows.
  const emulator = useTuyaEmulator({ qps: 0, logIntervalSec: 60 });
  before(async () => {
    emu = emulator();
    T0 = emu.now() - 2 * 24 * HOUR;
    truth = new TestClient(emu.url, emu.accessId, emu.accessSecret);
    await truth.connect();
  });
  afterEach(() => registerSecrets(truth.accessToken, truth.refreshToken));

  /** The emulator's history of a window, walked by the independent test client (pages of 100). */
  async function history(device: string, start: number, end: number, types = "7", codes?: string): Promise<Entry[]> {
    const out: Entry[] = [];
    let last: string | undefined;
    for (;;) {
      const query: Record<string, string | number> = { event_types: types, start_time: start, end_time: end, size: 100 };
      if (codes) query.codes = codes;
      if (last) query.last_row_key = last;
      const r = await truth.get(`/v1.0/iot-03/devices/${device}/logs`, query);
      assert.equal(r.success, true, JSON.stringify(r));
      out.push(...(r.result.logs as Entry[]));
      if (!r.result.has_next) return out;
      last = r.result.last_row_key as string;
    }
  }

  function flow(
    props: Record<string, unknown>,
    options: { withConfig?: boolean; extra?: Record<string, unknown>[]; wires?: string[]; config?: Record<string, unknown> } = {},
  ): Flow {
    return [
      { id: "t1", type: "tab" },
      { id: "cfg", type: "tuya-config", endpointMode: "custom", endpoint: emu.url, rps: 1000, concurrency: 4, ...options.config },
      {
        id: "n1",
        type: "tuya-log",
        z: "t1",
        tuya: options.withConfig === false ? "" : "cfg",
        devices: id("climate"),
        devicesType: "str",
        window: "absolute",
        start: String(T0 - HOUR),
        startType: "str",
        end: String(T0),
        endType: "str",
        format: "raw",
        output: "all",
        ...props,
        wires: [options.wires ?? ["h1"]],
      },
      ...probeNodes(),
      ...(options.extra ?? []),
    ] as unknown as Flow;
  }

  async function load(props: Record<string, unknown>, options: Parameters<typeof flow>[1] & { modules?: unknown[] } = {}): Promise<void> {
    const modules = [tuyaConfig, tuyaLog, ...(options.modules ?? [])] as Parameters<typeof helper.load>[0];
    await helper.load(modules, flow(props, options), { cfg: { accessId: emu.accessId, accessSecret: emu.accessSecret } });
  }

  const n1 = probe("n1");
  /** Sends msg to n1 and collects what reaches the output until the run ends (Complete or Catch). */
  const run = (msg?: Record<string, unknown>) => n1.run(msg);
  const lastStatus = () => n1.lastStatus();
  const warnings = () => n1.warnings();
  const entriesOf = (out: Msg[]) => out.flatMap((m) => m.payload as Entry[]);

  it("with only a type and a config it behaves as the editor's defaults say (msg.devices, last 24 h of reports, one message of spec-scaled records)", async () => {
    const d = editorDefaults("tuya-log");
    assert.deepEqual(
      [d.devicesType, d.window, d.span, d.end, d.eventTypes, d.format, d.applySpec, d.output],
      ["msg", "relative", "-24h", "now", "7", "records", true, "all"],
    );
    await loadTuyaFlow(emu, [tuyaConfig, tuyaLog], { type: "tuya-log" }, { configProps: { rps: 1000, concurrency: 4 } });
    const { out, caught } = await run({ [String(d.devices)]: id("climate") });
    assert.equal(caught, undefined, caught?.error.message);
    assert.equal(out.length, 1);
    const recs = out[0].payload as Rec[];
    const { start, end } = out[0].tuyaLog as { start: string; end: string };
    assert.equal(Date.parse(end) - Date.parse(start), 24 * HOUR, "the last 24 hours");
    const expected = await history(id("climate"), Date.parse(start), Date.parse(end));
    assert.deepEqual(
      recs.map((r) => `${new Date(r.time).getTime()}|${r.sensor}`),
      expected.map((e) => `${e.event_time}|${e.code}`),
      "every report of the window",
    );
    assert.ok(recs.length > 24 * 60, `entries: ${recs.length}`);
    assert.ok(
      recs.every((r) => r.extra?.event_id === 7),
      "data reports only",
    );
    assert.equal(recs.find((r) => r.sensor === "va_temperature")?.unit, "℃", "the specification applied");
  });

  describe("devices", () => {
    it("takes a picked name -> id map: raw is bestlab's name -> log map, one request chain per device", async () => {
      await load({ devices: JSON.stringify({ Climate: id("climate"), Plug: id("plug") }), devicesType: "json" });
      const { out, caught } = await run({ payload: 1, topic: "in", keep: "me" });
      assert.equal(caught, undefined);
      assert.equal(out.length, 1);
      const map = out[0].payload as Record<string, Entry[]>;
      assert.deepEqual(Object.keys(map), ["Climate", "Plug"]);
      assert.deepEqual(map.Climate.map(key), (await history(id("climate"), T0 - HOUR, T0)).map(key));
      assert.deepEqual(map.Plug.map(key), (await history(id("plug"), T0 - HOUR, T0)).map(key));
      assert.equal(out[0].topic, "in", "several devices keep msg.topic");
      assert.equal(out[0].keep, "me");
      assert.equal(out[0]._msgid !== undefined, true);
    });

    it("raw output with two devices of the same name: keyed by id, neither overwrites the other", async () => {
      await load({ devices: "devices", devicesType: "msg" });
      const { out } = await run({
        devices: [
          { id: id("climate"), name: "Sensor" },
          { id: id("pir"), name: "Sensor" },
          { id: id("plug"), name: "Plug" },
        ],
      });
      const map = out[0].payload as Record<string, Entry[]>;
      assert.deepEqual(Object.keys(map), [id("climate"), id("pir"), "Plug"]);
      assert.deepEqual(map[id("climate")].map(key), (await history(id("climate"), T0 - HOUR, T0)).map(key));
      assert.deepEqual(map[id("pir")].map(key), (await history(id("pir"), T0 - HOUR, T0)).map(key));
    });

    it("takes msg.devices as an id (msg.topic = the id) or a list of {id, name} (topic = the name)", async () => {
      await load({ devices: "devices", devicesType: "msg" });
      const one = await run({ devices: id("pir") });
      assert.equal(one.out[0].topic, id("pir"));
      assert.deepEqual(entriesOf(one.out).map(key), (await history(id("pir"), T0 - HOUR, T0)).map(key));
      const named = await run({ devices: [{ id: id("pir"), name: "Hall PIR" }] });
      assert.equal(named.out[0].topic, "Hall PIR");
    });
  });

  describe("windows", () => {
    it("relative: the span before the end", async () => {
      await load({ window: "relative", span: "-90m", end: "end", endType: "msg" });
      const { out } = await run({ end: new Date(T0).toISOString() });
      const got = entriesOf(out);
      assert.ok(got.length > 150, `entries: ${got.length}`);
      assert.deepEqual(got.map(key), (await history(id("climate"), T0 - 90 * MIN, T0)).map(key));
      assert.equal((out[0].tuyaLog as { start: string }).start, new Date(T0 - 90 * MIN).toISOString());
    });

    it("absolute: start and end from the message in any form the time parser takes", async () => {
      await load({ start: "start", startType: "msg", end: "end", endType: "msg" });
      const start = T0 - 3 * HOUR;
      const end = T0 - 2 * HOUR;
      const { out } = await run({ start: String(start / 1000), end: new Date(end).toISOString().replace("T", " ").slice(0, 19) });
      assert.deepEqual(entriesOf(out).map(key), (await history(id("climate"), start, end)).map(key));
    });

    it("event types and codes: a device's online/offline events only; climate humidity only; all types", async () => {
      const start = T0 - 4 * 24 * HOUR;
      // Blips come in about one of seven 6-hour slots, so a 4-day window of one device may hold
      // none: take the first device whose window (from the independent walk) has some.
      let blipping = id("pir");
      for (const label of ["pir", "climate", "plug", "light"] as const) {
        if ((await history(id(label), start, T0, "1,2")).length > 0) {
          blipping = id(label);
          break;
        }
      }
      // The dialog's named choices (online, offline) are stored as "1,2" with the type "types".
      await load({ devices: blipping, eventTypes: "1,2", eventTypesType: "types", start: String(start) });
      const events = entriesOf((await run()).out);
      assert.ok(events.length > 0, "the window holds connectivity blips");
      assert.ok(events.every((e) => e.event_id === 1 || e.event_id === 2));
      assert.deepEqual(events.map(key), (await history(blipping, start, T0, "1,2")).map(key));
      await helper.unload();

      await load({ codes: "va_humidity", codesType: "str", eventTypes: "[7]", eventTypesType: "json" });
      const humidity = entriesOf((await run()).out);
      assert.ok(humidity.length > 50 && humidity.every((e) => e.code === "va_humidity"));
      assert.deepEqual(humidity.map(key), (await history(id("climate"), T0 - HOUR, T0, "7", "va_humidity")).map(key));
      await helper.unload();

      await load({ devices: id("pir"), eventTypes: "all", start: String(start) });
      const everything = entriesOf((await run()).out);
      assert.deepEqual(everything.map(key), (await history(id("pir"), start, T0, "1,2,3,4,5,6,7,8,9,10")).map(key));
      assert.ok(everything.length > events.length, "all: reports and connectivity events");
    });
  });

  describe("pagination and output", () => {
    it("walks every page to the end: nothing lost, nothing repeated, progress in the status", async () => {
      await load({ pageSize: 7, start: String(T0 - 3 * HOUR) });
      const { out, caught } = await run();
      assert.equal(caught, undefined);
      const expected = await history(id("climate"), T0 - 3 * HOUR, T0);
      const got = entriesOf(out);
      assert.equal(got.length, expected.length);
      assert.equal(new Set(got.map(key)).size, got.length, "no entry twice");
      assert.deepEqual(got.map(key), expected.map(key));
      const info = out[0].tuyaLog as Info;
      assert.equal(info.pages, Math.ceil(expected.length / 7));
      assert.ok(info.pages > 50);
      assert.equal(info.truncated, false);
      assert.ok(
        n1.statuses().some((s) => /^30 pages · 210 entries$/.test(String(s.text))),
        "progress shown page by page",
      );
      assert.deepEqual(lastStatus() && { fill: lastStatus()?.fill, shape: lastStatus()?.shape }, { fill: "green", shape: "dot" });
      assert.match(String(lastStatus()?.text), new RegExp(`^${expected.length} entries ·`));
    });

    it("walks the Smart Home family's pages too (start_row_key cursors, inclusive)", async () => {
      await load({ pageSize: 9 }, { config: { family: "smart-home" } });
      const before = emu.stats.byPath["GET /v1.0/devices/{device_id}/logs"] ?? 0;
      const { out } = await run();
      const expected = await history(id("climate"), T0 - HOUR, T0);
      assert.deepEqual(entriesOf(out).map(key), expected.map(key));
      assert.equal((emu.stats.byPath["GET /v1.0/devices/{device_id}/logs"] ?? 0) - before, Math.ceil(expected.length / 9));
    });

    it("one message per page with msg.parts, reassembled by a core Join node", async () => {
      const joinNode = runtimeModule("@node-red/nodes/core/sequence/17-split.js");
      const extra = [
        { id: "j1", type: "join", z: "t1", mode: "auto", wires: [["h4"]] },
        { id: "h4", type: "helper", z: "t1" },
      ];
      await load({ pageSize: 25, output: "page", format: "records" }, { extra, wires: ["h1", "j1"], modules: [joinNode] });
      const joined = new Promise<Msg>((resolve) => helper.getNode("h4").once("input", resolve));
      const { out } = await run();
      const expected = await history(id("climate"), T0 - HOUR, T0);
      assert.equal(out.length, Math.ceil(expected.length / 25));
      assert.deepEqual(
        out.map((m) => (m.parts as { index: number }).index),
        out.map((_, i) => i),
      );
      assert.equal((out.at(-1)?.parts as { count?: number }).count, out.length, "the last page carries count");
      assert.ok(out.slice(0, -1).every((m) => (m.parts as { count?: number }).count === undefined));
      assert.ok(out.every((m) => (m.payload as Rec[]).length <= 25 && m.topic === id("climate")));
      const whole = (await joined).payload as Rec[][];
      const times = whole.flat().map((r) => `${new Date(r.time).getTime()}|${r.sensor}`);
      assert.deepEqual(
        times,
        expected.map((e) => `${e.event_time}|${e.code}`),
      );
    });

    it("one message per device with msg.parts and each device's summary", async () => {
      await load({ devices: JSON.stringify({ Climate: id("climate"), PIR: id("pir") }), devicesType: "json", output: "device" });
      const { out } = await run();
      assert.deepEqual(
        out.map((m) => m.topic),
        ["Climate", "PIR"],
      );
      assert.deepEqual(
        out.map((m) => m.parts),
        [
          { id: out[0]._msgid, index: 0, type: "array", len: 1 },
          { id: out[0]._msgid, index: 1, count: 2, type: "array", len: 1 },
        ],
      );
      assert.deepEqual(entriesOf([out[1]]).map(key), (await history(id("pir"), T0 - HOUR, T0)).map(key));
      assert.equal((out[1].tuyaLog as { entries: number }).entries, (out[1].payload as Entry[]).length);
    });

    it("records with the specification applied (tenths of a degree become ℃, event details kept), or without", async () => {
      await load({ format: "records", applySpec: true });
      const recs = (await run()).out[0].payload as Rec[];
      const raw = (await history(id("climate"), T0 - HOUR, T0)).find((e) => e.code === "va_temperature");
      const temp = recs.find((r) => r.sensor === "va_temperature" && new Date(r.time).getTime() === raw?.event_time);
      assert.ok(raw && temp);
      assert.equal(temp.value, Number(raw.value) / 10);
      assert.equal(temp.unit, "℃");
      assert.equal(temp.extra?.event_id, 7);
      await helper.unload();

      await load({ format: "records", applySpec: false });
      const plain = ((await run()).out[0].payload as Rec[]).find((r) => r.sensor === "va_temperature" && new Date(r.time).getTime() === raw.event_time);
      assert.deepEqual([plain?.value, plain?.unit], [Number(raw.value), undefined], "without the specification the raw integer, no unit");
    });

    it("a device whose specification Tuya refuses (2009): its records are unscaled, with a warning, and the run goes on", async () => {
      await load({ format: "records", applySpec: true, devices: "devices", devicesType: "msg" });
      emu.faults.failNext(1, { code: 2009, msg: "not support this device", path: `/devices/${id("climate")}/specification` });
      const { out, caught } = await run({ devices: { Climate: id("climate"), Light: id("light") } });
      assert.equal(caught, undefined);
      const recs = out[0].payload as Rec[];
      const raw = (await history(id("climate"), T0 - HOUR, T0)).find((e) => e.code === "va_temperature");
      const temp = recs.find((r) => r.device === id("climate") && r.sensor === "va_temperature" && new Date(r.time).getTime() === raw?.event_time);
      assert.ok(raw && temp);
      assert.deepEqual([temp.value, temp.unit], [Number(raw.value), undefined], "no spec: the raw integer");
      const info = out[0].tuyaLog as Info;
      assert.equal(info.warnings.length, 1);
      assert.match(info.warnings[0], /^Climate: no specification .*2009/);
      assert.ok(warnings().some((w) => /Climate: no specification/.test(w)));
      assert.deepEqual(lastStatus()?.fill, "yellow");
      assert.match(String(lastStatus()?.text), /1 without spec/);
    });

    it("InfluxDB points and one message per entry (topic <device>/<code>, event time as timestamp)", async () => {
      await load({ devices: JSON.stringify({ PIR: id("pir") }), devicesType: "json", format: "influx", measurement: "motion" });
      const expected = await history(id("pir"), T0 - HOUR, T0);
      const points = (await run()).out[0].payload as { measurement: string; tags: Record<string, string>; timestamp: Date }[];
      assert.equal(points.length, expected.length);
      assert.ok(points.every((p) => p.measurement === "motion" && p.tags.device === id("pir") && p.tags.device_name === "PIR" && p.timestamp instanceof Date));
      await helper.unload();

      await load({ devices: JSON.stringify({ PIR: id("pir") }), devicesType: "json", format: "messages", output: "page", pageSize: 2 });
      const { out } = await run({ payload: 1, keep: 7 });
      assert.deepEqual(
        out.map((m) => m.timestamp),
        expected.map((e) => e.event_time),
      );
      assert.ok(out.every((m) => typeof m.topic === "string" && m.topic.startsWith("PIR/") && m.keep === 7 && m.parts === undefined));
    });
  });

  describe("warnings", () => {
    it("a window reaching past the 7-day retention: yellow status and a warning", async () => {
      await load({ devices: id("pir"), eventTypes: "1,2", window: "relative", span: "-8d", end: "now" });
      const { out, caught } = await run();
      assert.equal(caught, undefined);
      assert.equal(out.length, 1, "what Tuya still keeps is sent");
      assert.deepEqual({ fill: lastStatus()?.fill, shape: lastStatus()?.shape }, { fill: "yellow", shape: "ring" });
      assert.match(String(lastStatus()?.text), /past 7 days/);
      assert.ok(
        warnings().some((w) => w.startsWith(id("pir")) && /keeps device logs for 7 days/.test(w)),
        warnings().join(" | "),
      );
      assert.ok((out[0].tuyaLog as Info).warnings.some((w) => /7 days/.test(w)));
    });

    it("a page cap that cuts the walk short is reported: msg.tuyaLog.truncated, a cursor, a warning, a yellow status", async () => {
      await load({ pageSize: 10, maxPages: 3 });
      const logPath = "GET /v1.0/iot-03/devices/{device_id}/logs";
      const before = emu.stats.byPath[logPath] ?? 0;
      const { out } = await run();
      assert.equal((emu.stats.byPath[logPath] ?? 0) - before, 3, "three log pages, then it stops");
      assert.equal((out[0].payload as Entry[]).length, 30);
      const info = out[0].tuyaLog as Info;
      assert.equal(info.truncated, true);
      assert.equal(info.devices[0].truncated, true);
      assert.equal(typeof info.devices[0].cursor, "string");
      assert.ok(warnings().some((w) => /stopped after 3 pages \(the page cap\)/.test(w)));
      assert.deepEqual(
        { fill: lastStatus()?.fill, shape: lastStatus()?.shape, text: lastStatus()?.text },
        { fill: "yellow", shape: "ring", text: "30 entries · truncated" },
      );
    });
  });

  describe("since the last successful run (incremental)", () => {
    const persistentContext = usePersistentContext("tuya-log-ctx-");

    async function start(props: Record<string, unknown>): Promise<void> {
      helper.settings(persistentContext());
      await load({ window: "incremental", lookback: "-1h", store: "file", end: "end", endType: "msg", ...props });
      await loadContextStores();
    }

    async function restart(props: Record<string, unknown>): Promise<void> {
      await helper.unload();
      await start(props);
    }

    /** Counts every entry the runs emitted. */
    function tally(seen: Map<string, number>, entries: Entry[]): void {
      for (const e of entries) seen.set(key(e), (seen.get(key(e)) ?? 0) + 1);
    }

    /** Runs every 20 minutes (then catching up at the last end) against the current emulator. */
    async function everyEntryOnce(): Promise<void> {
      const props = { devices: JSON.stringify({ Climate: id("climate"), PIR: id("pir") }), devicesType: "json", pageSize: 20, maxPages: 2 };
      await start(props);
      const seen = new Map<string, number>();
      let failed = 0;
      let truncated = 0;
      const ends = [...Array.from({ length: 9 }, (_, i) => T0 + i * 20 * MIN), ...Array.from({ length: 10 }, () => T0 + 8 * 20 * MIN)];
      for (const [i, end] of ends.entries()) {
        if (i === 3) emu.faults.failNext(1, { code: 1106, path: `/devices/${id("pir")}/logs` });
        if (i === 5) await restart(props);
        const { out, caught } = await run({ end });
        if (caught) {
          failed += 1;
          assert.equal(out.length, 0, "nothing sent for a failed run");
          continue;
        }
        if ((out[0]?.tuyaLog as Info | undefined)?.truncated) truncated += 1;
        tally(
          seen,
          out.flatMap((m) => Object.values(m.payload as Record<string, Entry[]>).flat()),
        );
      }
      assert.equal(failed, 1);
      assert.ok(truncated >= 3, `the cap cut several runs short (${truncated})`);
      assert.deepEqual(
        [...seen].filter(([, n]) => n > 1),
        [],
        "no entry twice",
      );
      const expected = [...(await history(id("climate"), T0 - HOUR, ends.at(-1)!)), ...(await history(id("pir"), T0 - HOUR, ends.at(-1)!))];
      assert.deepEqual([...seen.keys()].sort(), expected.map(key).sort(), "every entry of the whole period");
    }

    it("runs every 20 minutes emit every entry exactly once, across a failed run, page-cap cuts and a restart", everyEntryOnce);

    describe("against a server that lists the oldest entries first", () => {
      let saved: [TuyaEmulator, TestClient];
      before(async () => {
        saved = [emu, truth];
        const frozen = emu.now();
        emu = new TuyaEmulator({ qps: 0, logIntervalSec: 60, logOrder: "asc", now: () => frozen });
        truth = new TestClient(await emu.start(), emu.accessId, emu.accessSecret);
        await truth.connect();
      });
      after(async () => {
        await emu.stop();
        [emu, truth] = saved;
      });

      it("the same runs still emit every entry exactly once", everyEntryOnce);
    });

    it("a walk cut inside one instant (three plug readings at the same ms): the rest of that instant comes once", async () => {
      // Pages of 2 entries: the first page holds 2 of the newest instant's 3 readings; the next page fails.
      await start({ devices: id("plug"), output: "page", pageSize: 2, lookback: "-10m" });
      emu.faults.failNext(1, { code: 1106, path: "last_row_key" });
      const first = await run({ end: T0 });
      assert.ok(first.caught);
      assert.deepEqual(
        first.out.map((m) => (m.payload as Entry[]).length),
        [2],
        "the page before the failure was sent",
      );
      const sent = entriesOf(first.out);
      assert.equal(sent[0].event_time, sent[1].event_time);
      const second = await run({ end: T0 });
      assert.equal(second.caught, undefined);
      const all = [...sent, ...entriesOf(second.out)];
      assert.equal(new Set(all.map(key)).size, all.length, "nothing repeated");
      assert.deepEqual(all.map(key).sort(), (await history(id("plug"), T0 - 10 * MIN, T0)).map(key).sort(), "nothing lost");
    });

    it("a first run that fails before anything is sent: the next run starts where the first one started, not at its own look-back", async () => {
      await start({ devices: id("climate") });
      emu.faults.failNext(1, { code: 1106, path: `/devices/${id("climate")}/logs` });
      const first = await run({ end: T0 });
      assert.ok(first.caught, "the first run fails");
      assert.equal(first.out.length, 0);
      // Its own look-back would start at T0 - 30 min: the first run's first half hour would never be asked for.
      const second = await run({ end: T0 + 30 * MIN });
      assert.equal(second.caught, undefined);
      const all = entriesOf(second.out);
      assert.deepEqual(all.map(key).sort(), (await history(id("climate"), T0 - HOUR, T0 + 30 * MIN)).map(key).sort(), "from the first run's start");
    });

    it("a page cap too small to get past the entries already sent is an error that says so", async () => {
      await start({ devices: id("plug"), pageSize: 2, maxPages: 1, lookback: "-10m" });
      const first = await run({ end: T0 });
      assert.equal((first.out[0].tuyaLog as Info).truncated, true);
      const second = await run({ end: T0 });
      assert.ok(second.caught);
      assert.match(second.caught.error.message, /page cap .* used up by entries already sent/);
    });

    it("two messages at once are run one after the other: nothing sent twice", async () => {
      await start({ pageSize: 10 });
      emu.faults.setLatency(5);
      const { out, caught, ended } = await n1.runAll([{ end: T0 }, { end: T0 + 5 * MIN }]);
      assert.deepEqual([ended, caught], [2, undefined]);
      const all = entriesOf(out);
      assert.equal(new Set(all.map(key)).size, all.length, "no entry twice");
      assert.deepEqual(all.map(key).sort(), (await history(id("climate"), T0 - HOUR, T0 + 5 * MIN)).map(key).sort());
    });

    it("one message per page: pages sent before a failure count, the rest comes next run", async () => {
      await start({ output: "page", pageSize: 15 });
      let armed = true;
      // Once the first page has reached the output, every further log request fails.
      helper.getNode("h1").on("input", () => {
        if (armed) emu.faults.failNext(1, { code: 1106, path: "/logs" });
        armed = false;
      });
      const first = await run({ end: T0 });
      assert.ok(first.caught, "the failure reaches the Catch node");
      assert.ok(first.out.length >= 1, "pages before the failure were sent");
      const second = await run({ end: T0 });
      assert.equal(second.caught, undefined);
      const third = await run({ end: T0 + 10 * MIN });
      const all = [...first.out, ...second.out, ...third.out].flatMap((m) => m.payload as Entry[]);
      assert.equal(new Set(all.map(key)).size, all.length, "nothing repeated after the failure");
      assert.deepEqual(all.map(key).sort(), (await history(id("climate"), T0 - HOUR, T0 + 10 * MIN)).map(key).sort(), "nothing lost");
    });
  });

  describe("errors", () => {
    const bad: [string, Record<string, unknown>, Record<string, unknown>, RegExp][] = [
      ["reversed times", { start: "1700003600000", end: "1700000000000" }, {}, /must be after the start/],
      ["an unreadable time", { start: "start", startType: "msg" }, { start: "yesterday-ish" }, /Cannot read "yesterday-ish"/],
      ["a bad device", { devices: "devices", devicesType: "msg" }, { devices: "not a device!" }, /not a Tuya device id/],
      ["no device", { devices: "devices", devicesType: "msg" }, {}, /no device given/],
      ["a bad event type", { eventTypes: "types", eventTypesType: "msg" }, { types: "motion" }, /"motion" is not a Tuya event type/],
      ["a bad code", { codes: "codes", codesType: "msg" }, { codes: ["pir", 5] }, /5 is not a data-point code/],
      ["a bad page size", { pageSize: 500 }, {}, /Page size must be a whole number from 1 to 100/],
    ];
    for (const [label, props, msg, pattern] of bad) {
      it(`${label}: one clear error before any request, nothing sent`, async () => {
        await load(props);
        const requests = emu.stats.requests;
        assertInputErrorBeforeSending(await run({ payload: 1, ...msg }), pattern);
        assert.equal(emu.stats.requests, requests, "no request was made");
        assert.equal(n1.errors().length, 1, "exactly one error");
      });
    }

    it("a Tuya error (1106) reaches the Catch node with msg.errorDetails; nothing sent; red status", async () => {
      await load({ devices: `${id("climate")},${id("pir")}`, pageSize: 50 });
      emu.faults.failNext(1, { code: 1106, path: `/devices/${id("pir")}/logs` });
      const { out, caught } = await run();
      assert.equal(out.length, 0, "the first device's entries are not sent alone");
      assert.ok(caught);
      assert.match(caught.error.message, /1106/);
      assert.equal(caught.errorDetails.code, 1106);
      assert.deepEqual(lastStatus(), { fill: "red", shape: "ring", text: "Tuya 1106: permission deny" });
    });

    it("without a config node: red ring and an error for each message", async () => {
      await load({}, { withConfig: false });
      assert.ok(n1.statuses().some((s) => s.fill === "red" && s.shape === "ring" && s.text === "no config node"));
      const { caught } = await run();
      assert.match(String(caught?.error.message), /No tuya-config node is selected/);
    });

    it("closing during a long walk stops further requests, without an unhandled rejection", async () => {
      emu.faults.setLatency(40);
      await load({ pageSize: 5, output: "page", start: String(T0 - 24 * HOUR) });
      // The config lets 4 requests run at once (flow(): concurrency 4).
      await assertCloseStopsRequests(() => emu.stats.requests, 200, 4);
      await load({});
    });
  });
});
