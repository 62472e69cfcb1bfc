/**
 * The fault matrix for the Tuya flow nodes (matrix.ts): each fault of the Tuya emulator injected
 * into a node's operation (after a warm-up run, so it hits the node's own request; for tuya-log
 * at the second page of an incremental walk), then the next run. Reads: the answer is whole;
 * tuya-log: the entries of all runs together are the emulator's history, each once; commands:
 * executed at most once per run, as the emulator's execution count shows. The emulator's data
 * clock is frozen, so every history is fixed while the suite runs.
 */
import assert from "node:assert/strict";
import type { TuyaEmulator } from "../../src/emulator/tuya";
import { registerSecrets } from "../support/emissions";
import { helper, runtimeName } from "../support/node-red";
import { loadContextStores, usePersistentContext } from "../support/node-runs";
import { probeNodes } from "../support/probe";
import { useTuyaEmulator } from "../support/tuya-suite";
import { TestClient } from "../unit/emulator/tuya-test-client";
import { TUYA_FAULTS, type Expect } from "./matrix";
import { logHistory, logKey, type LogEntry } from "./tuya-history";
import { assertGreen, assertOutcome, repeated, runWithProbes, redeployWhen, trapUnhandledRejections, type Run } from "./support";
import tuyaConfig from "../../nodes/tuya-config";
import tuyaStatus from "../../nodes/tuya-status";
import tuyaInfo from "../../nodes/tuya-info";
import tuyaRequest from "../../nodes/tuya-request";
import tuyaCommand from "../../nodes/tuya-command";
import tuyaLog from "../../nodes/tuya-log";

type Flow = Parameters<typeof helper.load>[1];
type Modules = Parameters<typeof helper.load>[0];

const MIN = 60_000;
const HOUR = 60 * MIN;
/** The emulator's frozen data clock: a minute boundary when the suite was loaded. */
const NOW = Math.floor(Date.now() / MIN) * MIN;
const T0 = NOW - 2 * 24 * HOUR;

describe(`fault suite: Tuya nodes on ${runtimeName}`, function () {
  this.timeout(60_000);
  let emu: TuyaEmulator;
  let truth: TestClient;
  const id = (label: "plug" | "climate" | "light") => emu.devices[["plug", "pir", "climate", "light"].indexOf(label)].id;

  const emulator = useTuyaEmulator({ qps: 0, logIntervalSec: 60, now: () => NOW });
  trapUnhandledRejections();
  before(async () => {
    emu = emulator();
    truth = new TestClient(emu.url, emu.accessId, emu.accessSecret);
    await truth.connect();
  });
  afterEach(() => registerSecrets(truth.accessToken, truth.refreshToken));

  async function load(modules: Modules, n1: Record<string, unknown>): Promise<void> {
    const flow = [
      { id: "t1", type: "tab" },
      // A short timeout: the no-answer fault costs one second, not ten.
      { id: "cfg", type: "tuya-config", endpointMode: "custom", endpoint: emu.url, rps: 1000, concurrency: 4, timeout: 1 },
      { id: "n1", z: "t1", tuya: "cfg", ...n1, wires: [["h1"]] },
      ...probeNodes(),
    ];
    await helper.load(modules, flow as unknown as Flow, { cfg: { accessId: emu.accessId, accessSecret: emu.accessSecret } });
  }

  interface ReadNode {
    type: string;
    modules: () => Modules;
    props: () => Record<string, unknown>;
    msg: () => Record<string, unknown>;
    /** The URL part of the node's own request. */
    target: () => string;
    /** The answer is whole. */
    check(out: Run["out"]): void;
  }

  const readNodes: ReadNode[] = [
    {
      type: "tuya-status",
      modules: () => [tuyaConfig, tuyaStatus] as unknown as Modules,
      props: () => ({ type: "tuya-status", devices: `${id("plug")},${id("light")}`, devicesType: "str", format: "raw", output: "single" }),
      msg: () => ({ payload: 1 }),
      target: () => "/status",
      check: (out) => {
        assert.equal(out.length, 1);
        const entries = out[0].payload as { id: string; status: { code: string; value: unknown }[] }[];
        assert.deepEqual(
          entries.map((e) => e.id),
          [id("plug"), id("light")],
          "each device once",
        );
        for (const e of entries) assert.deepEqual(e.status, emu.status(e.id), "every data point");
      },
    },
    {
      type: "tuya-info",
      modules: () => [tuyaConfig, tuyaInfo] as unknown as Modules,
      props: () => ({ type: "tuya-info", what: "details", devices: "devices", devicesType: "msg" }),
      msg: () => ({ devices: id("plug") }),
      target: () => id("plug"),
      check: (out) => {
        assert.equal(out.length, 1);
        assert.equal((out[0].payload as { id: string }).id, id("plug"));
      },
    },
    {
      type: "tuya-request",
      modules: () => [tuyaConfig, tuyaRequest] as unknown as Modules,
      props: () => ({ type: "tuya-request", method: "GET", path: `/v1.0/iot-03/devices/${id("light")}` }),
      msg: () => ({ payload: 1 }),
      target: () => id("light"),
      check: (out) => {
        assert.equal(out.length, 1);
        assert.equal((out[0].payload as { id: string }).id, id("light"));
      },
    },
  ];

  for (const node of readNodes) {
    describe(node.type, () => {
      for (const fault of TUYA_FAULTS) {
        it(`${fault.name}: ${fault.read === "recovers" ? "recovers in the same run" : "one clear error"}, the next run is whole and green`, async () => {
          await load(node.modules(), node.props());
          const warm = await runWithProbes(node.msg());
          assertOutcome(warm, "recovers", "warm-up");
          fault.inject(emu, node.target());
          const faulted = await runWithProbes(node.msg());
          assert.equal(emu.faults.pending(), 0, "the fault was met");
          assertOutcome(faulted, fault.read, fault.name);
          if (fault.read === "recovers") node.check(faulted.out);
          emu.faults.clear();
          const next = await runWithProbes(node.msg());
          assertOutcome(next, "recovers", "the next run");
          node.check(next.out);
        });
      }
    });
  }

  describe("tuya-command", () => {
    type Result = { id: string; success: boolean; error?: { outcome: string } };
    const countdown = () => emu.status(id("plug")).find((s) => s.code === "countdown_1")?.value;

    for (const fault of TUYA_FAULTS) {
      const { expect, executed } = fault.write;
      it(`${fault.name}: ${expect === "recovers" ? "executed once in the same run" : `one clear error, executed ${executed === 1 ? "once, not repeated" : "never"}`}; the next command runs once`, async () => {
        await load([tuyaConfig, tuyaCommand] as unknown as Modules, {
          type: "tuya-command",
          devices: id("plug"),
          devicesType: "str",
          commands: "payload",
          commandsType: "msg",
        });
        // The token and the device's functions first, so the fault hits the command itself.
        assertOutcome(await runWithProbes({ payload: { countdown_1: 0 } }), "recovers", "warm-up");
        const before = emu.stats.commandsExecuted;
        fault.inject(emu, "/commands");
        const faulted = await runWithProbes({ payload: { countdown_1: 60 } });
        assert.equal(emu.faults.pending(), 0, "the fault was met");
        assertOutcome(faulted, expect, fault.name);
        assert.equal(emu.stats.commandsExecuted - before, executed, "executions in the faulted run");
        if (executed === 1) assert.equal(countdown(), 60);
        // A command that did run is never reported as not executed.
        if (expect === "fails" && executed === 1) assert.equal((faulted.caught?.payload as Result[] | undefined)?.[0]?.error?.outcome, "unknown");
        emu.faults.clear();
        const next = await runWithProbes({ payload: { countdown_1: 120 } });
        assertOutcome(next, "recovers", "the next command");
        assert.equal(emu.stats.commandsExecuted - before, executed + 1, "the next command ran exactly once");
        assert.equal(countdown(), 120);
        assert.equal((next.out[0].payload as Result[])[0].success, true);
      });
    }
  });

  describe("tuya-log (incremental walk on a persistent context store)", () => {
    const persistentContext = usePersistentContext("tuya-fault-ctx-");
    const logPath = "GET /v1.0/iot-03/devices/{device_id}/logs";
    interface Shape {
      output: "page" | "device" | "all";
      devices: ("climate" | "plug")[];
    }
    const PAGES: Shape = { output: "page", devices: ["climate"] };

    async function start(shape: Shape = PAGES): Promise<void> {
      helper.settings(persistentContext());
      const devices = shape.devices.map((d) => id(d)).join(",");
      await load([tuyaConfig, tuyaLog] as unknown as Modules, {
        type: "tuya-log",
        devices,
        devicesType: "str",
        window: "incremental",
        lookback: "-1h",
        store: "file",
        end: "end",
        endType: "msg",
        pageSize: 20,
        output: shape.output,
        format: "raw",
      });
      await loadContextStores();
    }

    /** Raw payloads: one device's entries, or (several devices in one message) a name -> entries map. */
    const entriesOf = (payload: unknown): LogEntry[] =>
      Array.isArray(payload) ? (payload as LogEntry[]) : Object.values(payload as Record<string, LogEntry[]>).flat();
    const entries = (runs: Run[]) => runs.flatMap((r) => r.out.flatMap((m) => entriesOf(m.payload))).map(logKey);

    /** `from`: the first run's end (its look-back reaches an hour before). */
    async function assertWhole(runs: Run[], end: number, shape: Shape = PAGES, from = T0): Promise<void> {
      const got = entries(runs);
      assert.deepEqual(repeated(got), [], "nothing repeated");
      const expected = (await Promise.all(shape.devices.map((d) => logHistory(truth, id(d), from - HOUR, end)))).flat();
      const missing = expected.filter((k) => !got.includes(k));
      const extra = got.filter((k) => !expected.includes(k));
      assert.deepEqual(
        { missing, extra },
        { missing: [], extra: [] },
        `nothing lost: every entry of the period (${got.length} sent, ${expected.length} in the history)`,
      );
    }

    const cases: { name: string; inject(): void; expect: Expect }[] = [
      ...TUYA_FAULTS.map((f) => ({ name: f.name, inject: () => f.inject(emu, "last_row_key"), expect: f.read })),
      // A server that lost the cursor answers the first page again: the walk must not send it twice.
      { name: "lost page cursor", inject: () => emu.faults.failNext(1, { ignoreCursor: true, path: "last_row_key" }), expect: "fails" as Expect },
    ];
    for (const c of cases) {
      it(`${c.name} at the second page: ${c.expect === "recovers" ? "the walk goes on" : "one clear error"}; with the next run every entry once`, async () => {
        await start();
        c.inject();
        const faulted = await runWithProbes({ end: T0 });
        assert.equal(emu.faults.pending(), 0, "the fault was met");
        assertOutcome(faulted, c.expect, c.name);
        emu.faults.clear();
        const next = await runWithProbes({ end: T0 + 20 * MIN });
        assertOutcome(next, "recovers", "the next run");
        await assertWhole([faulted, next], T0 + 20 * MIN);
      });
    }

    it("redeploy mid-walk (after the first page was sent), then runs again: every entry once", async () => {
      await start();
      emu.faults.setLatency(5);
      const first = await redeployWhen((sent) => sent.length > 0, { end: T0 });
      emu.faults.setLatency(0);
      await start();
      const next = await runWithProbes({ end: T0 + 20 * MIN });
      assertGreen(next, "the run after the redeploy");
      await assertWhole([{ out: first, errors: 0 }, next], T0 + 20 * MIN);
    });

    // The same faults where the walk sends per device or all at once, with two devices.
    for (const output of ["device", "all"] as const) {
      const shape: Shape = { output, devices: ["climate", "plug"] };
      const lasting: { name: string; inject(): void }[] = [
        { name: "1106 at the second page", inject: () => emu.faults.failNext(1, { code: 1106, path: "last_row_key" }) },
        { name: "a lasting 5xx outage from the second page on", inject: () => emu.faults.failNext(100, { httpStatus: 500, code: 500, path: "last_row_key" }) },
      ];
      for (const c of lasting) {
        it(`output "${output}", two devices, ${c.name}: one clear error; with the next run every entry once`, async () => {
          await start(shape);
          // A first run sets the marks (a first run that fails before sending anything leaves none, and the next run looks back from its own end).
          const warm = await runWithProbes({ end: T0 - 30 * MIN });
          assertOutcome(warm, "recovers", "warm-up");
          c.inject();
          const faulted = await runWithProbes({ end: T0 });
          assertOutcome(faulted, "fails", c.name);
          emu.faults.clear();
          const next = await runWithProbes({ end: T0 + 20 * MIN });
          assertOutcome(next, "recovers", "the next run");
          await assertWhole([warm, faulted, next], T0 + 20 * MIN, shape, T0 - 30 * MIN);
        });
      }

      it(`output "${output}", two devices, redeploy mid-walk (after the third page was served), then runs again: every entry once`, async () => {
        await start(shape);
        const warm = await runWithProbes({ end: T0 - 30 * MIN });
        assertOutcome(warm, "recovers", "warm-up");
        const served = emu.stats.byPath[logPath] ?? 0;
        emu.faults.setLatency(5);
        const first = await redeployWhen(() => (emu.stats.byPath[logPath] ?? 0) >= served + 3, { end: T0 });
        emu.faults.setLatency(0);
        await start(shape);
        const next = await runWithProbes({ end: T0 + 20 * MIN });
        assertGreen(next, "the run after the redeploy");
        await assertWhole([warm, { out: first, errors: 0 }, next], T0 + 20 * MIN, shape, T0 - 30 * MIN);
      });
    }
  });
});
