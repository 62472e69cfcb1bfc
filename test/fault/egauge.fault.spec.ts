/**
 * The fault matrix for egauge-data (matrix.ts): each fault of the meter emulator injected into an
 * incremental history walk of two registers (three days at one minute: several pages), then the
 * next run, and a redeploy in the middle of a walk. The minutes of all runs together are every
 * minute of the period, each once. The meter's clock is frozen.
 */
import assert from "node:assert/strict";
import { useEgaugeEmulator } from "../support/egauge-suite";
import { helper, runtimeName } from "../support/node-red";
import { loadContextStores, usePersistentContext } from "../support/node-runs";
import { probeNodes } from "../support/probe";
import { EGAUGE_FAULTS } from "./matrix";
import { assertGreen, assertOutcome, repeated, runWithProbes, redeployWhen, trapUnhandledRejections, type Run } from "./support";
import egaugeConfig from "../../nodes/egauge-config";
import egaugeData from "../../nodes/egauge-data";

type Flow = Parameters<typeof helper.load>[1];
const MIN = 60_000;
const T0 = Math.floor(Date.now() / 3600_000) * 3600_000 - 86_400_000;
const LOOKBACK_MIN = 3 * 24 * 60;

describe(`fault suite: egauge-data on ${runtimeName}`, function () {
  this.timeout(60_000);
  let frozen = T0;
  const emulator = useEgaugeEmulator({ now: () => frozen });
  trapUnhandledRejections();
  const persistentContext = usePersistentContext("egauge-fault-ctx-");

  async function start(output: "page" | "all" = "page"): Promise<void> {
    helper.settings(persistentContext());
    const flow = [
      { id: "t1", type: "tab" },
      // A short timeout: the no-answer fault costs one second.
      { id: "cfg", type: "egauge-config", name: "Lab meter", meter: emulator().url, tls: "verify", timeout: 1 },
      {
        id: "n1",
        type: "egauge-data",
        z: "t1",
        egauge: "cfg",
        registers: ["Grid", "Solar"],
        mode: "history",
        resolution: "60",
        window: "incremental",
        lookback: "-3d",
        store: "file",
        end: "end",
        endType: "msg",
        format: "raw",
        output,
        wires: [["h1"]],
      },
      ...probeNodes(),
    ];
    await helper.load([egaugeConfig, egaugeData], flow as unknown as Flow, { cfg: { user: "owner", password: "owner-pass" } });
    await loadContextStores();
  }

  /** The end of the first run, two days before T0. */
  const warmEnd = T0 - 2 * 24 * 60 * MIN;

  /** A first run two days before T0: it holds a token and sets the marks, so the faulted run walks two days. */
  async function warmUp(): Promise<Run> {
    frozen = warmEnd;
    const warm = await runWithProbes({ end: warmEnd });
    frozen = T0;
    assertOutcome(warm, "recovers", "warm-up");
    return warm;
  }

  /** The run half an hour after T0, the meter's clock moved there for it. */
  async function nextRun(): Promise<Run> {
    frozen = T0 + 30 * MIN;
    try {
      return await runWithProbes({ end: T0 + 30 * MIN });
    } finally {
      frozen = T0;
    }
  }

  /** Every minute of both registers from the look-back before the first run's end to `end`, once. */
  function assertWhole(runs: Run[], firstEnd: number, end: number): void {
    const got = runs.flatMap((r) =>
      r.out.flatMap((m) => (m.payload as { register: string; time: Date }[]).map((x) => `${x.register}@${new Date(x.time).getTime()}`)),
    );
    assert.deepEqual(repeated(got), [], "nothing repeated");
    for (const reg of ["Grid", "Solar"]) {
      assert.equal(got.filter((k) => k.startsWith(`${reg}@`)).length, LOOKBACK_MIN + (end - firstEnd) / MIN, `nothing lost: every minute of ${reg}`);
    }
  }

  for (const fault of EGAUGE_FAULTS) {
    it(`${fault.name}: ${fault.expect === "recovers" ? "the walk goes on" : "one clear error"}; with the next run every minute once`, async () => {
      await start();
      const warm = await warmUp();
      fault.inject(emulator());
      const faulted = await runWithProbes({ end: T0 });
      assertOutcome(faulted, fault.expect, fault.name);
      emulator().clearFaults();
      const next = await nextRun();
      assertOutcome(next, "recovers", "the next run");
      assertWhole([warm, faulted, next], warmEnd, T0 + 30 * MIN);
    });
  }

  it("redeploy mid-walk (after the first page was sent), then runs again: every minute once", async () => {
    await start();
    const first = await redeployWhen((sent) => sent.length > 0, { end: T0 });
    await start();
    const next = await nextRun();
    assertGreen(next, "the run after the redeploy");
    assertWhole([{ out: first, errors: 0 }, next], T0, T0 + 30 * MIN);
  });

  // All at once: a failed walk sends nothing and moves no mark; a redeploy after the first page request.
  for (const [name, fault] of [
    ["a lasting 500 outage", { status: 500 }],
    ["400 bad request", { status: 400 }],
  ] as const) {
    it(`output "all", ${name}: one clear error, nothing sent; with the next run every minute once`, async () => {
      await start("all");
      const warm = await warmUp();
      emulator().failNext(100, { ...fault, path: "/api/register" });
      const faulted = await runWithProbes({ end: T0 });
      assertOutcome(faulted, "fails", name);
      assert.equal(faulted.out.length, 0, "nothing sent");
      emulator().clearFaults();
      const next = await nextRun();
      assertOutcome(next, "recovers", "the next run");
      assertWhole([warm, faulted, next], warmEnd, T0 + 30 * MIN);
    });
  }

  it(`output "all", redeploy after the first page request, then runs again: every minute once`, async () => {
    await start("all");
    const served = emulator().stats.requests;
    const first = await redeployWhen(() => (emulator().stats.byPath["/api/register"] ?? 0) > 0 && emulator().stats.requests > served, { end: T0 });
    await start("all");
    // Nothing was sent, so no mark was set: the same poll again, then the next one.
    const again = await runWithProbes({ end: T0 });
    assertGreen(again, "the run after the redeploy");
    const next = await nextRun();
    assertGreen(next, "the next run");
    assertWhole([{ out: first, errors: 0 }, again, next], T0, T0 + 30 * MIN);
  });
});
