/**
 * hobo-data through the test helper against the HOBOlink emulator: both services, every window
 * mode and output option, incremental polling over a day (with a failed poll and a restart on a
 * persistent context store; a logger silent for a week is asked its long range alone), a capped
 * backfill streamed with msg.parts, errors that reach a Catch node (bad input before any
 * request), and closing during a backfill.
 */
import assert from "node:assert/strict";
import type { Node } from "node-red";
import { HoboEmulator } from "../../src/emulator/hobo";
import { registerSecrets } from "../support/emissions";
import { useExtraHoboEmulator, useHoboEmulator } from "../support/hobo-suite";
import { helper } from "../support/node-red";
import { assertCloseStopsRequests, assertInputErrorBeforeSending, loadContextStores, usePersistentContext } from "../support/node-runs";
import { probe, probeNodes, type Msg } from "../support/probe";
import hoboConfig from "../../nodes/hobo-config";
import hoboData from "../../nodes/hobo-data";

type Flow = Parameters<typeof helper.load>[1];
/** Flow JSON as written in tests (the helper's type knows only NodeDef properties). */
const asFlow = (nodes: Record<string, unknown>[]): Flow => nodes as unknown as Flow;
type Row = { logger_sn: string; sensor_sn: string; timestamp: string; data_type_id: string; si_unit?: string; sensor_measurement_type: string };
type Rec = { time: Date; device: string; deviceName?: string; sensor: string; name: string; value: unknown; unit?: string };
type Flavour = "licor" | "legacy";

const WEATHER = "21092695";
const GREENHOUSE = "21309641";
const STREAM = "21150777";
const MIN = 60_000;

function utc(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace("T", " ");
}

function rowKey(r: Row): string {
  return `${r.logger_sn}|${r.sensor_sn}|${r.timestamp}|${r.data_type_id}`;
}

describe("hobo-data node", function () {
  this.timeout(60_000);
  let emu: HoboEmulator;
  /** The emulator's data clock: real time unless a test freezes it. */
  let frozen: number | undefined;

  const emulator = useHoboEmulator({
    now: () => frozen ?? Date.now(),
    legacyRateLimit: { requests: 100_000, windowMs: 60_000 },
    licorRateLimit: { requests: 100_000, windowMs: 60_000 },
  });
  before(() => {
    emu = emulator();
  });
  afterEach(() => {
    frozen = undefined;
  });

  function credentialsFor(flavour: Flavour, target = emu): Record<string, string> {
    return flavour === "licor"
      ? { token: target.licor.token }
      : { clientId: target.legacy.clientId, clientSecret: target.legacy.clientSecret, userId: target.legacy.userId };
  }

  /** The flow: n1 (hobo-data) with the probe's nodes for the nodes `probed` (default n1), and `extra` nodes. */
  function flowWith(
    props: Record<string, unknown>,
    options: { flavour?: string; withConfig?: boolean; url?: string; extra?: Record<string, unknown>[]; probed?: string[] } = {},
  ): Flow {
    return asFlow([
      { id: "t1", type: "tab" },
      { id: "cfg", type: "hobo-config", flavour: options.flavour ?? "licor", endpoint: options.url ?? emu.url, rpm: 100000, timeout: 10 },
      {
        id: "n1",
        type: "hobo-data",
        z: "t1",
        hobo: options.withConfig === false ? "" : "cfg",
        loggers: [{ serial: GREENHOUSE, name: "Greenhouse" }],
        loggersFromType: "list",
        window: "relative",
        span: "-1h",
        end: "now",
        endType: "str",
        format: "raw",
        output: "all",
        ...props,
        wires: [["h1"]],
      },
      ...probeNodes(options.probed ?? ["n1"]),
      ...(options.extra ?? []),
    ]);
  }

  async function load(
    props: Record<string, unknown>,
    options: { flavour?: string; withConfig?: boolean; url?: string; credentials?: Record<string, string> } = {},
  ): Promise<void> {
    const flavour = (options.flavour ?? "licor") as Flavour;
    await helper.load([hoboConfig, hoboData], flowWith(props, options), { cfg: options.credentials ?? credentialsFor(flavour) });
  }

  const n1 = probe("n1");
  /** Sends msg to n1 and collects what reaches the output until the run ends (Complete or Catch). */
  const run = <M = Msg>(msg?: Record<string, unknown>) => n1.run<M>(msg);
  const statuses = () => n1.statuses();
  const warnings = () => n1.warnings();

  describe("services and formats", () => {
    for (const flavour of ["licor", "legacy"] as const) {
      it(`${flavour}: raw keeps bestlab's JSON shape with every row of the window`, async () => {
        await load({ window: "absolute", start: "-3h", end: "-1h" }, { flavour });
        const before = Date.now();
        const { out, caught } = await run();
        const after = Date.now();
        assert.equal(caught, undefined);
        assert.equal(out.length, 1);
        const payload = out[0].payload as Record<string, unknown>;
        const list = (flavour === "legacy" ? payload.observation_list : payload.data) as Row[];
        assert.deepEqual(Object.keys(payload), flavour === "legacy" ? ["observation_list", "message", "max_results"] : ["data", "message", "max_results"]);
        assert.equal(payload.max_results, false);
        assert.equal(payload.message, `OK: Found: ${list.length} results.`);
        const hobo = out[0].hobo as { start: string; end: string };
        const expected = emu.expectedRows(GREENHOUSE, utc(Date.parse(hobo.start)), utc(Date.parse(hobo.end)));
        assert.ok(expected > 30, "the window should hold rows");
        assert.equal(list.length, expected);
        assert.equal(new Set(list.map(rowKey)).size, list.length, "no duplicates");
        const end = Date.parse(hobo.end);
        assert.ok(end >= before - 60 * MIN && end <= after - 60 * MIN, "the window ends an hour before the run");
        if (flavour === "legacy") assert.ok("si_value" in list[0] && "us_value" in list[0]);
        else assert.ok("value" in list[0]);
        assert.equal(out[0].topic, "Greenhouse");
      });
    }

    it("records carry friendly names and the chosen unit system (legacy US)", async () => {
      await load({ format: "records", units: "us" }, { flavour: "legacy" });
      const { out } = await run();
      const recs = out[0].payload as Rec[];
      assert.ok(recs.length > 0);
      const temp = recs.find((r) => r.name === "Temperature");
      assert.ok(temp, "a temperature record");
      assert.equal(temp.unit, "°F");
      assert.equal(temp.deviceName, "Greenhouse");
      assert.equal(temp.device, GREENHOUSE);
      assert.ok(
        recs.every((r) => typeof r.time === "string" && new Date(r.time).toISOString() === (r.time as unknown)),
        "times are ISO text by default",
      );
    });

    for (const [timeAs, check] of [
      ["iso", (t: unknown) => typeof t === "string" && new Date(t).toISOString() === t],
      ["epoch", (t: unknown) => typeof t === "number" && Number.isInteger(t)],
      ["date", (t: unknown) => t instanceof Date],
    ] as const) {
      it(`time as ${timeAs}: records and msg.record carry it so; msg.timestamp stays epoch ms`, async () => {
        await load({ format: "records", timeAs }, { flavour: "legacy" });
        const recs = (await run()).out[0].payload as Rec[];
        assert.ok(recs.length > 0 && recs.every((r) => check(r.time)), `records: ${JSON.stringify(recs[0])}`);
        await helper.unload();
        await load({ format: "messages", timeAs }, { flavour: "legacy" });
        const msgs = (await run<{ timestamp: number; record: Rec }>()).out;
        assert.ok(msgs.length > 0 && msgs.every((m) => check(m.record.time) && new Date(m.record.time).getTime() === m.timestamp));
      });
    }

    it("records in SI units by default", async () => {
      await load({ format: "records" }, { flavour: "legacy" });
      const { out } = await run();
      const temp = (out[0].payload as Rec[]).find((r) => r.name === "Temperature");
      assert.equal(temp?.unit, "°C");
    });

    it("records in the scaled unit system: a scaled channel's scaled value, SI for the others (legacy)", async () => {
      const scaled = new HoboEmulator({
        stations: [
          {
            serial: STREAM,
            name: "Scaled stream gauge",
            kind: "water-level",
            intervalSec: 900,
            unitSystem: "SI",
            channels: [
              { sensorSn: "20958112-2", sensorKey: 2104411, type: "Water Temperature", siUnit: "°C", usUnit: "°F" },
              { sensorSn: "20958112-3", sensorKey: 2104412, type: "Water Level", siUnit: "meters", usUnit: "feet", scaled: { unit: "cm", factor: 100 } },
            ],
          },
        ],
      });
      await scaled.start();
      try {
        await helper.load(
          [hoboConfig, hoboData],
          flowWith({ loggers: [{ serial: STREAM }], format: "records", units: "scaled", span: "-2h" }, { flavour: "legacy", url: scaled.url }),
          {
            cfg: credentialsFor("legacy", scaled),
          },
        );
        const { out, caught } = await run();
        registerSecrets(scaled.legacy.clientSecret, ...scaled.issuedTokens());
        assert.equal(caught, undefined);
        const recs = out[0].payload as (Rec & { extra: { siValue: number } })[];
        const level = recs.filter((r) => r.name === "Water Level");
        const temp = recs.filter((r) => r.name === "Water Temperature");
        assert.ok(level.length >= 7 && temp.length === level.length);
        assert.ok(level.every((r) => r.unit === "cm" && Math.abs((r.value as number) - r.extra.siValue * 100) < 1e-9));
        assert.ok(temp.every((r) => r.unit === "°C" && r.value === r.extra.siValue));
      } finally {
        await scaled.stop();
      }
    });

    it("InfluxDB batch points with a custom measurement", async () => {
      await load({ format: "influx", measurement: "lab" });
      const { out } = await run();
      const points = out[0].payload as { measurement: string; tags: Record<string, string>; fields: Record<string, unknown>; timestamp: Date }[];
      assert.ok(points.length > 0);
      assert.ok(
        points.every(
          (p) =>
            p.measurement === "lab" &&
            p.tags.device === GREENHOUSE &&
            p.tags.device_name === "Greenhouse" &&
            "value" in p.fields &&
            p.timestamp instanceof Date,
        ),
      );
    });

    it("one message per reading with series topics and sqlite params", async () => {
      await load({ format: "messages", span: "-30m" });
      const { out } = await run({ payload: "go", custom: 42 });
      assert.ok(out.length >= 6);
      assert.ok(out.some((m) => m.topic === "Greenhouse/Temperature"));
      assert.ok(out.every((m) => typeof m.timestamp === "number" && (m.params as Record<string, unknown>).$device === GREENHOUSE && m.custom === 42));
    });

    it("filters by measurement type and by sensor serial", async () => {
      await load({ format: "records", types: "temperature, RH" });
      const byType = (await run()).out[0].payload as Rec[];
      assert.deepEqual([...new Set(byType.map((r) => r.name))].sort(), ["RH", "Temperature"]);
      await helper.unload();
      await load({ format: "records", sensors: `${GREENHOUSE}-3` });
      const bySensor = (await run()).out[0].payload as Rec[];
      assert.ok(bySensor.length > 0);
      assert.ok(bySensor.every((r) => r.sensor === `${GREENHOUSE}-3`));
    });
  });

  describe("loggers and windows from the message", () => {
    const shapes: [string, unknown][] = [
      ["a comma string", `${GREENHOUSE},${STREAM}`],
      ["an array with a number", [Number(GREENHOUSE), STREAM]],
    ];
    for (const [label, loggers] of shapes) {
      it(`takes ${label}`, async () => {
        await load({ loggersFrom: "loggers", loggersFromType: "msg", format: "records", span: "-2h" });
        const { out, caught } = await run({ loggers, topic: "keep" });
        assert.equal(caught, undefined);
        const devices = new Set((out[0].payload as Rec[]).map((r) => r.device));
        assert.deepEqual([...devices].sort(), [STREAM, GREENHOUSE].sort());
        assert.equal(out[0].topic, "keep", "several loggers keep msg.topic");
        assert.ok(
          (out[0].payload as Rec[]).some((r) => r.deviceName === "Greenhouse"),
          "names from the dialog list apply",
        );
      });
    }

    it("takes a single number and absolute start/end from the message", async () => {
      await load({ loggersFrom: "loggers", loggersFromType: "msg", window: "absolute", start: "start", startType: "msg", end: "end", endType: "msg" });
      const end = Date.now() - 2 * 60 * MIN;
      const start = end - 60 * MIN;
      const { out } = await run({ loggers: Number(STREAM), start: utc(start), end: new Date(end).toISOString() });
      const rows = (out[0].payload as { data: Row[] }).data;
      assert.equal(rows.length, emu.expectedRows(STREAM, utc(start), utc(end)));
      assert.ok(rows.every((r) => r.logger_sn === STREAM));
      assert.equal(out[0].topic, STREAM);
    });
  });

  describe("errors", () => {
    const bad: [string, Record<string, unknown>, Record<string, unknown>, RegExp][] = [
      ["bad loggers", { loggersFrom: "loggers", loggersFromType: "msg" }, { loggers: "not a serial!" }, /logger|serial/i],
      [
        "a logger 'abc' from the message (the dialog's rule: 6-10 digits)",
        { loggersFrom: "loggers", loggersFromType: "msg" },
        { loggers: "abc" },
        /"abc" is not a logger serial/,
      ],
      ["no loggers", { loggersFrom: "loggers", loggersFromType: "msg" }, {}, /No logger given/],
      ["a bad time", { window: "absolute", start: "start", startType: "msg" }, { start: "yesterday-ish" }, /Cannot read "yesterday-ish"/],
      ["reversed times", { window: "absolute", start: "-1h", end: "-2h" }, {}, /must be after the start/],
    ];
    for (const [label, props, msg, pattern] of bad) {
      it(`${label}: a clear error before any request`, async () => {
        await load(props);
        const requests = emu.stats.requests;
        assertInputErrorBeforeSending(await run({ payload: 1, ...msg }), pattern);
        assert.equal(emu.stats.requests, requests, "no request was made");
      });
    }

    it("an unknown service flavour fails before any request", async () => {
      await load({}, { flavour: "soap" });
      const requests = emu.stats.requests;
      const { caught } = await run();
      assert.match(String(caught?.error.message), /service "soap" is unknown/);
      assert.equal(emu.stats.requests, requests);
    });

    it("missing credentials fail before any request", async () => {
      await load({}, { flavour: "legacy", credentials: { clientId: "x" } });
      const requests = emu.stats.requests;
      const { caught } = await run();
      assert.match(String(caught?.error.message), /client id, client secret or user id/);
      assert.equal(emu.stats.requests, requests);
    });

    it("a missing config node: red ring and an error for each message", async () => {
      await load({}, { withConfig: false });
      const requests = emu.stats.requests;
      assert.ok(statuses().some((s) => s.text === "no config node" && s.fill === "red"));
      const { caught } = await run();
      assert.match(String(caught?.error.message), /No hobo-config node is selected/);
      assert.equal(emu.stats.requests, requests);
    });

    it("a rejected token: ATH-001 with a hint, nothing sent, status shows the code", async () => {
      await load({}, { credentials: { token: "WrongToken0123456789" } });
      const { out, caught } = await run();
      assert.ok(caught);
      const details = caught.errorDetails;
      assert.equal(details.code, "ATH-001");
      assert.equal(details.status, 401);
      assert.ok(details.hint, "a hint a person can act on");
      assert.equal(out.length, 0);
      assert.ok(statuses().some((s) => s.fill === "red" && /ATH-001/.test(String(s.text))));
    });

    it("a legacy OAuth error (wrong secret) names the OAuth code", async () => {
      await load({}, { flavour: "legacy", credentials: { ...credentialsFor("legacy"), clientSecret: "0000000000wrongsecret" } });
      const { caught } = await run();
      assert.match(String(caught?.errorDetails.code), /invalid_client|unauthorized_client|ATH/);
    });

    it("a validation error (VAL-xxx) from the service reaches the Catch node with its code", async () => {
      emu.faults.failNext(1, { status: 400, error: "VAL-006", message: "Invalid time range", path: "/v1/data" });
      await load({});
      const { out, caught } = await run();
      assert.equal(caught?.errorDetails.code, "VAL-006");
      assert.equal(out.length, 0);
    });
  });

  describe("empty windows", () => {
    it("status 'no data' and, with the checkbox, a warning like bestlab's warn_on_empty_data", async () => {
      await load({ loggers: [{ serial: "99999999" }], warnEmpty: true, format: "records" });
      const { out, caught } = await run();
      assert.equal(caught, undefined);
      assert.equal(out.length, 0, "records: nothing is sent when there is no data");
      assert.ok(statuses().some((s) => s.text === "no data" && s.fill === "yellow" && s.shape === "ring"));
      assert.ok(warnings().some((w) => /The data seems to be empty/.test(w) && w.includes("99999999")));
    });

    it("without the checkbox no warning; raw still answers like bestlab", async () => {
      await load({ loggers: [{ serial: "99999999" }] });
      const { out } = await run();
      assert.equal(out.length, 1);
      assert.deepEqual((out[0].payload as { data: unknown[] }).data, []);
      assert.equal(warnings().length, 0);
    });
  });

  describe("incremental polling", () => {
    const persistentContext = usePersistentContext("hobo-data-ctx-");

    async function start(props: Record<string, unknown>): Promise<void> {
      helper.settings(persistentContext());
      await load({ window: "incremental", lookback: "-1h", store: "file", end: "end", endType: "msg", format: "raw", ...props }, { flavour: "legacy" });
      await loadContextStores();
    }

    /** The second poll (ending t0 + 30 min) sent every reading from the first poll's start (t0 - 1 h), each once. */
    function assertFromFirstPollStart(out: Msg[], t0: number): void {
      const rows = out.flatMap((m) => (m.payload as { observation_list: Row[] }).observation_list);
      const times = rows.map((r) => Date.parse(`${r.timestamp.replace(" ", "T").replace(/Z?$/, "Z")}`));
      assert.equal(Math.min(...times), t0 - 60 * MIN, "from the first poll's start");
      assert.equal(rows.length, emu.expectedRows(GREENHOUSE, utc(t0 - 60 * MIN), utc(t0 + 30 * MIN)));
    }

    async function restart(props: Record<string, unknown>): Promise<void> {
      await helper.unload();
      await start(props);
    }

    it("a day of polls every 5 minutes emits every reading exactly once, across a failed poll and a restart", async function () {
      // 288 runs one after the other: on a loaded machine they take longer than the suite's minute.
      this.timeout(300_000);
      const t0 = Math.floor(Date.now() / (5 * MIN)) * 5 * MIN - 2 * 86_400_000;
      frozen = t0;
      const props = { loggers: [{ serial: GREENHOUSE }, { serial: STREAM }] };
      await start(props);
      const seen = new Map<string, number>();
      let failed = 0;
      for (let i = 0; i <= 288; i++) {
        frozen = t0 + i * 5 * MIN;
        if (i === 100) emu.faults.failNext(1, { status: 400, error: "VAL-034", path: "/ws/data" });
        if (i === 150) await restart(props);
        const { out, caught } = await run({ end: frozen });
        if (caught) {
          failed += 1;
          assert.equal(out.length, 0, "nothing sent for a failed poll");
          continue;
        }
        for (const m of out) for (const r of (m.payload as { observation_list: Row[] }).observation_list) seen.set(rowKey(r), (seen.get(rowKey(r)) ?? 0) + 1);
      }
      assert.equal(failed, 1);
      const repeated = [...seen].filter(([, n]) => n > 1);
      assert.deepEqual(repeated, [], "no reading twice");
      for (const serial of [GREENHOUSE, STREAM]) {
        const got = [...seen.keys()].filter((k) => k.startsWith(`${serial}|`)).length;
        assert.equal(got, emu.expectedRows(serial, utc(t0 - 60 * MIN), utc(t0 + 288 * 5 * MIN)), `every reading of ${serial}`);
      }
    });

    it("readings uploaded late are still picked up (marks follow the rows, not the query end)", async () => {
      const t0 = Math.floor(Date.now() / (10 * MIN)) * 10 * MIN - 86_400_000;
      frozen = t0;
      await start({ format: "records" });
      const first = await run({ end: t0 });
      const firstCount = (first.out[0].payload as Rec[]).length;
      assert.ok(firstCount > 0);
      // The next poll asks up to t0 + 30 min while the station has only uploaded up to t0 + 10 min.
      const second = await run({ end: t0 + 30 * MIN });
      frozen = t0 + 30 * MIN;
      const third = await run({ end: t0 + 30 * MIN });
      const times = [second, third].flatMap((r) => r.out.flatMap((m) => (m.payload as Rec[]).map((x) => new Date(x.time).getTime())));
      assert.ok(times.every((t) => t > t0));
      assert.equal(times.length, 3 * 3, "three 10-minute readings of three channels, once each");
    });

    it("two polls sent back to back run one after the other: every reading exactly once", async () => {
      const t0 = Math.floor(Date.now() / (10 * MIN)) * 10 * MIN - 86_400_000;
      frozen = t0 + 10 * MIN;
      await start({ format: "raw" });
      // Slow answers: without the queue the second poll reads the marks before the first has saved them.
      emu.faults.setLatency(50);
      const { out, caught, ended } = await n1.runAll([{ end: t0 }, { end: t0 + 10 * MIN }]);
      assert.deepEqual([ended, caught], [2, undefined]);
      const rows = out.flatMap((m) => (m.payload as { observation_list: Row[] }).observation_list);
      assert.deepEqual(rows.filter((r, i) => rows.findIndex((x) => rowKey(x) === rowKey(r)) !== i).map(rowKey), [], "no reading twice");
      assert.equal(rows.length, emu.expectedRows(GREENHOUSE, utc(t0 - 60 * MIN), utc(t0 + 10 * MIN)), "every reading of both windows");
    });

    it("a logger with no reading yet is marked at the poll's start: a backlog uploaded later is fetched from there", async () => {
      const t0 = Math.floor(Date.now() / (10 * MIN)) * 10 * MIN - 86_400_000;
      frozen = t0;
      // The station is 3 h behind: the first poll (t0 - 1 h to t0) finds nothing.
      emu.faults.setUploadLag(3 * 3600);
      await start({ format: "raw" });
      const first = await run({ end: t0 });
      assert.equal(first.caught, undefined);
      assert.deepEqual(
        first.out.flatMap((m) => (m.payload as { observation_list: Row[] }).observation_list),
        [],
      );
      // The backlog arrives; the next poll ends 30 min later, so its own look-back would start at t0 - 30 min.
      emu.faults.setUploadLag(0);
      frozen = t0 + 30 * MIN;
      const second = await run({ end: t0 + 30 * MIN });
      assert.equal(second.caught, undefined);
      assertFromFirstPollStart(second.out, t0);
    });

    it("a first poll that fails before anything is sent: the next poll starts where the first one started, not at its own look-back", async () => {
      const t0 = Math.floor(Date.now() / (10 * MIN)) * 10 * MIN - 86_400_000;
      frozen = t0 + 30 * MIN;
      await start({ format: "raw" });
      emu.faults.failNext(1, { status: 400, error: "VAL-034", path: "/ws/data" });
      const first = await run({ end: t0 });
      assert.ok(first.caught, "the first poll fails");
      assert.equal(first.out.length, 0);
      const second = await run({ end: t0 + 30 * MIN });
      assert.equal(second.caught, undefined);
      // Its own look-back would start at t0 - 30 min: the first poll's first half hour would never be asked for.
      assertFromFirstPollStart(second.out, t0);
    });

    describe("a logger gone silent for a week", () => {
      const LIVE = "24000001";
      const SILENT = "24000002";
      const T0 = Date.UTC(2025, 5, 1);
      const HOUR = 60 * MIN;
      const SILENT_FROM = T0 - 7 * 24 * HOUR;
      let clock = T0;
      let silent: HoboEmulator;
      const channel = (serial: string, key: number) => [{ sensorSn: `${serial}-1`, sensorKey: key, type: "Temperature", siUnit: "°C", usUnit: "°F" }];
      const silentEmulator = useExtraHoboEmulator({
        now: () => clock,
        maxResults: 500,
        licorRateLimit: { requests: 100_000, windowMs: 60_000 },
        stations: [
          {
            serial: LIVE,
            name: "Live",
            kind: "mx-temp-rh",
            intervalSec: 300,
            unitSystem: "SI",
            since: "2025-01-01 00:00:00",
            channels: channel(LIVE, 4000001),
          },
          // Offline from a week before T0 until 20 minutes after it, then logging again.
          {
            serial: SILENT,
            name: "Silent",
            kind: "mx-temp-rh",
            intervalSec: 300,
            unitSystem: "SI",
            since: "2025-01-01 00:00:00",
            channels: channel(SILENT, 4000002),
            gaps: [{ start: utc(SILENT_FROM), end: utc(T0 + 20 * MIN) }],
          },
        ],
      });
      before(() => {
        silent = silentEmulator();
      });

      it("only the logger far behind is asked the long range; the others from their own marks; every reading once", async () => {
        const props = {
          loggers: [{ serial: LIVE }, { serial: SILENT }],
          window: "incremental",
          lookback: "-8d",
          end: "end",
          endType: "msg",
          output: "window",
          format: "raw",
        };
        await helper.load([hoboConfig, hoboData], flowWith(props, { url: silent.url }), { cfg: credentialsFor("licor", silent) });
        const queryStart = (q: { start: string }) => Date.parse(`${q.start.replace(" ", "T")}Z`);
        const seen = new Map<string, number>();
        const polls: { end: number; queries: typeof silent.stats.queries; out: Msg[] }[] = [];
        for (let i = 0; i <= 8; i++) {
          clock = T0 + i * 5 * MIN;
          const asked = silent.stats.queries.length;
          const { out, caught } = await run({ end: clock });
          assert.equal(caught, undefined);
          polls.push({ end: clock, queries: silent.stats.queries.slice(asked), out });
          for (const m of out) for (const r of (m.payload as { data: Row[] }).data) seen.set(rowKey(r), (seen.get(rowKey(r)) ?? 0) + 1);
          // Every poll's windows form one sequence: indexes 0..n-1, the last carries count.
          const parts = out.map((m) => m.parts as { id: string; index: number; count?: number });
          assert.deepEqual(
            parts.map((p) => p.index),
            out.map((_, k) => k),
            `poll ${i}: parts in order`,
          );
          assert.ok(
            parts.every((p) => p.id === parts[0].id && (p.count === undefined) === (p !== parts.at(-1))),
            `poll ${i}: only the last carries count`,
          );
          assert.equal(parts.at(-1)?.count, out.length > 0 ? out.length : undefined);
        }

        // The first poll: both loggers look back 8 days together, in several windows under the cap.
        const first = polls[0].queries;
        assert.ok(first.length > 1 && first.every((q) => q.loggers.join() === `${LIVE},${SILENT}`), JSON.stringify(first));
        assert.equal(queryStart(first[0]), T0 - 8 * 24 * HOUR);
        // While the silent logger's mark is a week behind, only it is asked from there.
        for (const { end, queries } of polls.slice(1, 5)) {
          const live = queries.filter((q) => q.loggers.includes(LIVE));
          const back = queries.filter((q) => queryStart(q) < end - HOUR);
          assert.deepEqual(
            live.map((q) => [q.loggers, queryStart(q)]),
            [[[LIVE], end - 5 * MIN]],
            `poll to ${utc(end)}: the live logger only since its mark`,
          );
          assert.ok(back.length >= 1 && back.every((q) => q.loggers.join() === SILENT), `poll to ${utc(end)}: the long range for the silent logger alone`);
          assert.equal(queryStart(back[0]), SILENT_FROM - 5 * MIN, "from the silent logger's last reading (inclusive)");
        }
        // When it logs again, that poll's readings are one sequence of two windows (the oldest query first)...
        assert.deepEqual(
          polls[4].out.map((m) => (m.payload as { data: Row[] }).data.map((r) => r.logger_sn)),
          [[SILENT], [LIVE]],
        );
        // ...and from then on their marks are close: one shared query per poll, since the marks.
        for (const { end, queries } of polls.slice(5)) {
          assert.deepEqual(
            queries.map((q) => [q.loggers, queryStart(q)]),
            [[[LIVE, SILENT], end - 5 * MIN]],
            `poll to ${utc(end)}: one shared query`,
          );
        }

        assert.deepEqual(
          [...seen].filter(([, n]) => n > 1),
          [],
          "no reading twice",
        );
        for (const serial of [LIVE, SILENT]) {
          const got = [...seen.keys()].filter((k) => k.startsWith(`${serial}|`)).length;
          assert.equal(got, silent.expectedRows(serial, utc(T0 - 8 * 24 * HOUR), utc(T0 + 40 * MIN)), `every reading of ${serial}`);
        }
        assert.ok(seen.size > 2000);
      });
    });
  });

  describe("window mode", () => {
    let capped: HoboEmulator;
    const cappedEmulator = useExtraHoboEmulator({
      maxResults: 500,
      legacyRateLimit: { requests: 100_000, windowMs: 60_000 },
      licorRateLimit: { requests: 100_000, windowMs: 60_000 },
    });
    before(() => {
      capped = cappedEmulator();
    });
    /** n1 on the capped emulator (LI-COR). */
    const loadCapped = (props: Record<string, unknown>) =>
      helper.load([hoboConfig, hoboData], flowWith(props, { url: capped.url }), { cfg: credentialsFor("licor", capped) });

    it("streams a backfill under a 500-row cap as windows with msg.parts, nothing lost or repeated", async () => {
      const end = Math.floor(Date.now() / MIN) * MIN - 60 * MIN;
      const start = end - 86_400_000;
      await loadCapped({ loggers: [{ serial: WEATHER, name: "Roof" }], window: "absolute", start: utc(start), end: utc(end), output: "window" });
      const { out, caught } = await run();
      assert.equal(caught, undefined);
      assert.ok(out.length >= 6, `a day of a 10-channel station needs several windows (got ${out.length})`);
      const parts = out.map((m) => m.parts as { id: string; index: number; count?: number });
      assert.deepEqual(
        parts.map((p) => p.index),
        out.map((_, i) => i),
      );
      assert.ok(parts.every((p) => p.id === parts[0].id));
      assert.equal(parts.at(-1)?.count, out.length, "the last message carries count");
      assert.ok(parts.slice(0, -1).every((p) => p.count === undefined));
      const rows = out.flatMap((m) => (m.payload as { data: Row[] }).data);
      assert.ok(out.every((m) => (m.payload as { data: Row[] }).data.length <= 500));
      assert.equal(new Set(rows.map(rowKey)).size, rows.length, "no duplicates");
      assert.equal(rows.length, capped.expectedRows(WEATHER, utc(start), utc(end)));
      assert.ok(
        statuses().some((s) => /windows · \d+ rows/.test(String(s.text))),
        "progress in the status",
      );
    });

    it("empty windows (before the station logged) show a yellow ring and, with the checkbox, a warning each; nothing is sent for them", async () => {
      // The fixtures log from midnight UTC 400 days ago: a backfill from 40 days earlier starts
      // with an empty window (the first is sized for 80% of the real service's 100,000 rows).
      const since = Math.floor(Date.now() / 86_400_000) * 86_400_000 - 400 * 86_400_000;
      const start = since - 40 * 86_400_000;
      const end = since + 6 * 3_600_000;
      await loadCapped({ loggers: [{ serial: WEATHER }], window: "absolute", start: utc(start), end: utc(end), output: "window", warnEmpty: true });
      const { out, caught } = await run();
      assert.equal(caught, undefined);
      const empty = statuses().filter((s) => s.fill === "yellow" && s.shape === "ring" && /window empty/.test(String(s.text)));
      assert.ok(empty.length >= 1, "an empty window shows as a warning");
      const lines = warnings().filter((w) => /^The data seems to be empty: no readings from 21092695 between /.test(w));
      assert.equal(lines.length, empty.length, "one warning line per empty window");
      const rows = out.flatMap((m) => (m.payload as { data: Row[] }).data);
      assert.ok(
        out.every((m) => (m.payload as { data: Row[] }).data.length > 0),
        "nothing is sent for an empty window",
      );
      assert.equal(rows.length, capped.expectedRows(WEATHER, utc(start), utc(end)));
      assert.ok(rows.length > 0);
      const last = statuses().at(-1)!;
      assert.equal(last.fill, "green", "the run ends green once rows arrived");
    });

    it("one message per window: windows are cut between timestamps at Max rows, numbered on, every row once, msg.hobo names each", async () => {
      const end = Math.floor(Date.now() / MIN) * MIN - 60 * MIN;
      const start = end - 86_400_000;
      await loadCapped({ loggers: [{ serial: WEATHER }], window: "absolute", start: utc(start), end: utc(end), output: "window", maxRows: "120" });
      const { out, caught } = await run();
      assert.equal(caught, undefined);
      const data = (m: Msg) => (m.payload as { data: Row[] }).data;
      assert.ok(
        out.every((m) => data(m).length <= 120),
        "no message over Max rows",
      );
      assert.ok(out.length >= Math.ceil(capped.expectedRows(WEATHER, utc(start), utc(end)) / 120), "answers of up to 500 rows went as several windows");
      assert.deepEqual(
        out.map((m) => (m.parts as { index: number }).index),
        out.map((_, i) => i),
      );
      assert.equal((out.at(-1)!.parts as { count?: number }).count, out.length);
      // Each window is one message holding whole timestamps within its own span.
      const messageOf = new Map<string, number>();
      out.forEach((m, i) => {
        const info = m.hobo as { start: string; end: string; windowRows: number; rows: number };
        assert.equal(info.rows, data(m).length);
        assert.equal(info.windowRows, info.rows);
        for (const r of data(m)) {
          const at = Date.parse(r.timestamp.replace(" ", "T"));
          assert.ok(at >= Date.parse(info.start) && at <= Date.parse(info.end), `${r.timestamp} within ${info.start}..${info.end}`);
          assert.ok((messageOf.get(r.timestamp) ?? i) === i, `${r.timestamp} split over two messages`);
          messageOf.set(r.timestamp, i);
        }
        if (i > 0) assert.equal(Date.parse(info.start), Date.parse((out[i - 1].hobo as { end: string }).end) + 1000, "windows touch");
      });
      const rows = out.flatMap(data);
      assert.equal(new Set(rows.map(rowKey)).size, rows.length, "no duplicates");
      assert.equal(rows.length, capped.expectedRows(WEATHER, utc(start), utc(end)));
    });

    it("a timestamp with more rows than Max rows goes as several messages of at most that many, adding up to msg.hobo.windowRows", async () => {
      const end = Math.floor(Date.now() / MIN) * MIN - 60 * MIN;
      const start = end - 3_600_000;
      await loadCapped({ loggers: [{ serial: WEATHER }], window: "absolute", start: utc(start), end: utc(end), output: "window", maxRows: "5" });
      const { out, caught } = await run();
      assert.equal(caught, undefined);
      const data = (m: Msg) => (m.payload as { data: Row[] }).data;
      assert.ok(
        out.every((m) => data(m).length <= 5),
        "no message over Max rows",
      );
      assert.ok(
        out.some((m) => data(m).length === 5),
        "windows of one timestamp were split",
      );
      assert.deepEqual(
        out.map((m) => (m.parts as { index: number }).index),
        out.map((_, i) => i),
      );
      const byWindow = new Map<string, { windowRows: number; rows: number }>();
      for (const m of out) {
        const info = m.hobo as { start: string; windowRows: number; rows: number };
        assert.equal(info.rows, data(m).length);
        const seen = byWindow.get(info.start) ?? { windowRows: info.windowRows, rows: 0 };
        seen.rows += info.rows;
        byWindow.set(info.start, seen);
      }
      assert.ok(byWindow.size < out.length, "several messages per window");
      for (const w of byWindow.values()) assert.equal(w.rows, w.windowRows);
      const rows = out.flatMap(data);
      assert.equal(new Set(rows.map(rowKey)).size, rows.length, "no duplicates");
      assert.equal(rows.length, capped.expectedRows(WEATHER, utc(start), utc(end)));
    });

    it("split windows still move the incremental marks: the next poll sends only what is new", async () => {
      const t0 = Math.floor(Date.now() / MIN) * MIN - 2 * 86_400_000;
      await loadCapped({
        loggers: [{ serial: WEATHER }],
        window: "incremental",
        lookback: "-6h",
        end: "end",
        endType: "msg",
        output: "window",
        maxRows: "100",
      });
      const first = await run({ end: t0 });
      const second = await run({ end: t0 + 30 * MIN });
      assert.equal(first.caught ?? second.caught, undefined);
      const rows = [...first.out, ...second.out].flatMap((m) => (m.payload as { data: Row[] }).data);
      assert.ok(first.out.length > 1);
      assert.equal(new Set(rows.map(rowKey)).size, rows.length, "nothing sent twice");
      assert.equal(rows.length, capped.expectedRows(WEATHER, utc(t0 - 6 * 3_600_000), utc(t0 + 30 * MIN)), "nothing lost");
    });

    it("one message per window holds at most 10,000 rows when Max rows is empty", async () => {
      const end = Math.floor(Date.now() / MIN) * MIN - 60 * MIN;
      const start = end - 5 * 86_400_000;
      await load({ loggers: [{ serial: WEATHER }], window: "absolute", start: utc(start), end: utc(end), output: "window" });
      const expected = emu.expectedRows(WEATHER, utc(start), utc(end));
      assert.ok(expected > 10_000, `five days of the station hold more than one message (${expected} rows)`);
      const { out, caught } = await run();
      assert.equal(caught, undefined);
      const sizes = out.map((m) => (m.payload as { data: Row[] }).data.length);
      assert.ok(Math.max(...sizes) === 10_000, `split at 10,000 (${sizes.join(", ")})`);
      assert.equal(
        sizes.reduce((a, b) => a + b, 0),
        expected,
      );
    });

    it("all at once over the cap: one message, every row", async () => {
      const end = Math.floor(Date.now() / MIN) * MIN - 60 * MIN;
      const start = end - 6 * 3_600_000;
      await loadCapped({ loggers: [{ serial: WEATHER }], window: "absolute", start: utc(start), end: utc(end), format: "records" });
      const { out } = await run();
      assert.equal(out.length, 1);
      assert.equal((out[0].payload as Rec[]).length, capped.expectedRows(WEATHER, utc(start), utc(end)));
      assert.ok((out[0].hobo as { windows: number }).windows > 1);
    });

    it("a failure mid-backfill: windows before it were sent, the marks move only that far", async () => {
      const t0 = Math.floor(Date.now() / MIN) * MIN - 2 * 86_400_000;
      await loadCapped({
        loggers: [{ serial: WEATHER }],
        window: "incremental",
        lookback: "-12h",
        end: "end",
        endType: "msg",
        output: "window",
        format: "raw",
      });
      // Once the first window has been sent, fail every further request (retries included).
      let armed = true;
      helper.getNode("h1").on("input", () => {
        if (armed) capped.faults.failNext(50, { status: 400, error: "VAL-034", path: "/v1/data" });
        armed = false;
      });
      const first = await run({ end: t0 });
      capped.faults.clear();
      assert.ok(first.caught, "the failure reaches the Catch node");
      assert.ok(first.out.length >= 1, "windows before the failure were sent");
      const sent = first.out.flatMap((m) => (m.payload as { data: Row[] }).data);
      const second = await run({ end: t0 });
      assert.equal(second.caught, undefined);
      const resent = second.out.flatMap((m) => (m.payload as { data: Row[] }).data);
      const all = [...sent, ...resent];
      assert.equal(new Set(all.map(rowKey)).size, all.length, "nothing repeated after the failure");
      assert.equal(all.length, capped.expectedRows(WEATHER, utc(t0 - 12 * 3_600_000), utc(t0)), "nothing lost");
    });

    it("closing during a backfill stops further requests without an unhandled rejection", async () => {
      capped.faults.setLatency(100);
      const end = Math.floor(Date.now() / MIN) * MIN;
      await loadCapped({ loggers: [{ serial: WEATHER }], window: "absolute", start: utc(end - 30 * 86_400_000), end: utc(end), output: "window" });
      await assertCloseStopsRequests(() => capped.stats.requests, 400);
      await load({});
    });
  });

  describe("a 90-day backfill of 10 loggers", () => {
    let station: HoboEmulator;
    const serials = Array.from({ length: 10 }, (_, i) => String(23100000 + i * 101));
    // One channel per logger at 30 minutes keeps 90 days quick; a 1,000-row cap forces ~50
    // windows. The service counts 1,200 requests a minute, as the config is told; the client's
    // sliding window lets the first windows out together and never more than that in a minute.
    const stationEmulator = useExtraHoboEmulator({
      maxResults: 1000,
      legacyRateLimit: { requests: 1200, windowMs: 60_000 },
      stations: serials.map((serial, i) => ({
        serial,
        name: `Station ${i + 1}`,
        kind: "weather",
        intervalSec: 1800,
        unitSystem: "SI" as const,
        since: "2024-01-01 00:00:00",
        channels: [{ sensorSn: `${serial}-1`, sensorKey: 3000000 + i, type: "Temperature", siUnit: "°C", usUnit: "°F" }],
      })),
    });
    before(() => {
      station = stationEmulator();
    });

    it("streams window by window within the config's requests per minute: every reading once, no gap, no 429", async () => {
      const start = Date.UTC(2025, 2, 1);
      const end = Date.UTC(2025, 4, 30); // 90 days
      const flow = flowWith(
        { loggers: serials.map((serial) => ({ serial })), window: "absolute", start: utc(start), end: utc(end), output: "window", format: "raw" },
        { flavour: "legacy", url: station.url },
      ) as unknown as Record<string, unknown>[];
      Object.assign(flow[1], { rpm: 1200 });
      await helper.load([hoboConfig, hoboData], asFlow(flow), { cfg: credentialsFor("legacy", station) });
      const { out, caught } = await run();
      assert.equal(caught, undefined);
      const perLogger = (end - start) / (30 * MIN) + 1;
      assert.ok(out.length >= 44, `${out.length} windows: 43,210 readings need at least 44 answers of 1,000`);
      assert.ok(out.every((m) => (m.payload as { observation_list: Row[] }).observation_list.length <= 1000));
      const parts = out.map((m) => m.parts as { index: number; count?: number });
      assert.deepEqual(
        parts.map((p) => p.index),
        out.map((_, i) => i),
      );
      assert.equal(parts.at(-1)?.count, out.length);
      const seen = new Set<string>();
      const times = new Map<string, number[]>(serials.map((s) => [s, []]));
      for (const m of out) {
        for (const r of (m.payload as { observation_list: Row[] }).observation_list) {
          assert.ok(!seen.has(rowKey(r)), `twice: ${rowKey(r)}`);
          seen.add(rowKey(r));
          times.get(r.logger_sn)!.push(Date.parse(r.timestamp.replace(" ", "T")));
        }
      }
      for (const [serial, list] of times) {
        assert.equal(list.length, perLogger, serial);
        list.sort((a, b) => a - b).forEach((t, i) => assert.equal(t, start + i * 30 * MIN, `${serial} reading ${i}`));
      }
      assert.equal(station.stats.byStatus["429"], undefined, "the service never had to refuse a request");
      assert.equal(station.stats.byStatus["400"], undefined);
      assert.ok(
        statuses().some((s) => new RegExp(`${out.length} windows · `).test(String(s.text))),
        "progress counts every window",
      );
    });
  });

  describe("one client per config", () => {
    it("a poll overlapping a backfill shares the config's client: one queue, one limit", async () => {
      const extra = [
        {
          id: "n2",
          type: "hobo-data",
          z: "t1",
          hobo: "cfg",
          loggers: [{ serial: STREAM }],
          window: "relative",
          span: "-1h",
          format: "records",
          wires: [["h4"]],
        },
        { id: "h4", type: "helper", z: "t1" },
      ];
      const flow = flowWith({ loggers: [{ serial: WEATHER }], span: "-4d", output: "window" }, { extra, probed: ["n1", "n2"] }) as unknown as Record<
        string,
        unknown
      >[];
      Object.assign(flow[1], { concurrency: 1 });
      await helper.load([hoboConfig, hoboData], asFlow(flow), { cfg: credentialsFor("licor") });
      const cfg = (helper.getNode("cfg") as Node & { connection: { client: unknown; users: { size: number } } }).connection;
      assert.equal(cfg.client, cfg.client, "created once, then reused");
      assert.equal(cfg.users.size, 2, "both flow nodes registered");
      emu.faults.setLatency(30);
      emu.stats.reset();
      const [{ out, caught }, poll] = await Promise.all([run(), probe("n2", { out: "h4" }).one()]);
      assert.deepEqual([caught, poll.caught], [undefined, undefined]);
      assert.ok(out.length >= 1);
      assert.ok((poll.out?.payload as Rec[]).length > 0);
      assert.ok(emu.stats.dataRequests >= 2);
      assert.equal(emu.stats.maxInFlight, 1, "the config's concurrency 1 holds across both nodes");
      assert.equal(emu.stats.byStatus["429"] ?? 0, 0);
    });
  });
});
