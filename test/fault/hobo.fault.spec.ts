/**
 * The fault matrix for hobo-data (matrix.ts) on both services: each fault of the HOBOlink
 * emulator injected into an incremental backfill of two loggers (the service caps answers at
 * 500 rows, so the backfill is many requests, several in flight), then the next run, and a
 * redeploy in the middle of a backfill. The readings of all runs together are the emulator's,
 * each once. The emulator's data clock is frozen.
 */
import assert from "node:assert/strict";
import { HoboEmulator } from "../../src/emulator/hobo";
import { useHoboEmulator } from "../support/hobo-suite";
import { helper, runtimeName } from "../support/node-red";
import { loadContextStores, usePersistentContext } from "../support/node-runs";
import { probeNodes } from "../support/probe";
import { HOBO_FAULTS } from "./matrix";
import { assertGreen, assertOutcome, repeated, runWithProbes, redeployWhen, trapUnhandledRejections, type Run } from "./support";
import hoboConfig from "../../nodes/hobo-config";
import hoboData from "../../nodes/hobo-data";

type Flow = Parameters<typeof helper.load>[1];
type Row = { logger_sn: string; sensor_sn: string; timestamp: string; data_type_id: string };
type Flavour = "legacy" | "licor";

const GREENHOUSE = "21309641";
const STREAM = "21150777";
const MIN = 60_000;
const T0 = Math.floor(Date.now() / (10 * MIN)) * 10 * MIN - 86_400_000;
const utc = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace("T", " ");
const rowKey = (r: Row) => `${r.logger_sn}|${r.sensor_sn}|${r.timestamp}|${r.data_type_id}`;

describe(`fault suite: hobo-data on ${runtimeName}`, function () {
  this.timeout(60_000);
  let emu: HoboEmulator;
  const emulator = useHoboEmulator({
    now: () => T0 + 30 * MIN,
    maxResults: 500,
    legacyRateLimit: { requests: 100_000, windowMs: 60_000 },
    licorRateLimit: { requests: 100_000, windowMs: 60_000 },
  });
  trapUnhandledRejections();
  before(() => {
    emu = emulator();
  });
  const persistentContext = usePersistentContext("hobo-fault-ctx-");

  async function start(flavour: Flavour, output: "window" | "all" = "window", lookbackHours = 12): Promise<void> {
    helper.settings(persistentContext());
    const flow = [
      { id: "t1", type: "tab" },
      // A short timeout: the no-answer fault costs one second.
      { id: "cfg", type: "hobo-config", flavour, endpoint: emu.url, rpm: 100000, timeout: 1 },
      {
        id: "n1",
        type: "hobo-data",
        z: "t1",
        hobo: "cfg",
        loggers: [{ serial: GREENHOUSE }, { serial: STREAM }],
        loggersFromType: "list",
        window: "incremental",
        lookback: `-${lookbackHours}h`,
        store: "file",
        end: "end",
        endType: "msg",
        format: "raw",
        output,
        wires: [["h1"]],
      },
      ...probeNodes(),
    ];
    const creds =
      flavour === "licor" ? { token: emu.licor.token } : { clientId: emu.legacy.clientId, clientSecret: emu.legacy.clientSecret, userId: emu.legacy.userId };
    await helper.load([hoboConfig, hoboData], flow as unknown as Flow, { cfg: creds });
    await loadContextStores();
  }

  const rows = (runs: Run[]) =>
    runs.flatMap((r) =>
      r.out.flatMap((m) => (m.payload as { observation_list?: Row[]; data?: Row[] }).observation_list ?? (m.payload as { data: Row[] }).data),
    );

  /** Every reading of both loggers from the first run's look-back to `end`, once. */
  function assertWhole(runs: Run[], firstEnd: number, end: number, lookbackHours = 12): void {
    const got = rows(runs).map(rowKey);
    assert.deepEqual(repeated(got), [], "nothing repeated");
    for (const serial of [GREENHOUSE, STREAM]) {
      const n = got.filter((k) => k.startsWith(`${serial}|`)).length;
      assert.equal(n, emu.expectedRows(serial, utc(firstEnd - lookbackHours * 60 * MIN), utc(end)), `nothing lost: every reading of ${serial}`);
    }
  }

  for (const flavour of ["legacy", "licor"] as const) {
    describe(flavour === "legacy" ? "legacy Onset V3" : "LI-COR Cloud v1", () => {
      for (const fault of HOBO_FAULTS.filter((f) => !f.flavour || f.flavour === flavour)) {
        it(`${fault.name}: ${fault.expect === "recovers" ? "the backfill goes on" : "one clear error"}; with the next run every reading once`, async () => {
          await start(flavour);
          // A first run holds the token, so token faults meet a token in use.
          const warm = await runWithProbes({ end: T0 - 6 * 60 * MIN });
          assertOutcome(warm, "recovers", "warm-up");
          fault.inject(emu);
          const faulted = await runWithProbes({ end: T0 });
          assertOutcome(faulted, fault.expect, fault.name);
          emu.faults.clear();
          const next = await runWithProbes({ end: T0 + 30 * MIN });
          assertOutcome(next, "recovers", "the next run");
          assertWhole([warm, faulted, next], T0 - 6 * 60 * MIN, T0 + 30 * MIN);
        });
      }

      it("redeploy mid-backfill (after the first window was sent), then runs again: every reading once", async () => {
        await start(flavour);
        emu.faults.setLatency(5);
        const first = await redeployWhen((sent) => sent.length > 0, { end: T0 });
        emu.faults.clear();
        await start(flavour);
        const next = await runWithProbes({ end: T0 + 30 * MIN });
        assertGreen(next, "the run after the redeploy");
        assertWhole([{ out: first, errors: 0 }, next], T0, T0 + 30 * MIN);
      });

      // All at once: a failed backfill sends nothing and moves no mark; a redeploy after a few requests.
      for (const [name, fault] of [
        ["a lasting 500 outage", { status: 500 }],
        ["400 VAL-034", { status: 400, error: "VAL-034" }],
      ] as const) {
        it(`output "all", ${name}: one clear error, nothing sent; with the next run every reading once`, async () => {
          await start(flavour, "all");
          const warm = await runWithProbes({ end: T0 - 6 * 60 * MIN });
          assertOutcome(warm, "recovers", "warm-up");
          emu.faults.failNext(100, { ...fault, path: "data" });
          const faulted = await runWithProbes({ end: T0 });
          assertOutcome(faulted, "fails", name);
          assert.equal(faulted.out.length, 0, "nothing sent");
          emu.faults.clear();
          const next = await runWithProbes({ end: T0 + 30 * MIN });
          assertOutcome(next, "recovers", "the next run");
          assertWhole([warm, faulted, next], T0 - 6 * 60 * MIN, T0 + 30 * MIN);
        });
      }

      it(`output "all", redeploy after the second request of a backfill, then runs again: every reading once`, async () => {
        // Three days: a backfill of many requests.
        await start(flavour, "all", 72);
        emu.faults.setLatency(5);
        const served = emu.stats.dataRequests;
        const first = await redeployWhen(() => emu.stats.dataRequests >= served + 2, { end: T0 });
        emu.faults.clear();
        await start(flavour, "all", 72);
        // Nothing was sent, so no mark was set: the same poll again, then the next one.
        const again = await runWithProbes({ end: T0 });
        assertGreen(again, "the run after the redeploy");
        const next = await runWithProbes({ end: T0 + 30 * MIN });
        assertGreen(next, "the next run");
        assertWhole([{ out: first, errors: 0 }, again, next], T0, T0 + 30 * MIN, 72);
      });
    });
  }
});
