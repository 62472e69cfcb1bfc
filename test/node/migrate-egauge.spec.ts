/**
 * Old eGauge configs still deploy and mean the same: egauge-config and egauge-data configs of the
 * first eGauge release (no version; written by hand with properties left out, or without a
 * resolution) migrate to what today's dialog writes for the same meaning, and on the test helper
 * ask the meter emulator the same, send the same and end on the same status as those current
 * configs.
 */
import { useEgaugeEmulator } from "../support/egauge-suite";
import { helper } from "../support/node-red";
import { probeNodes } from "../support/probe";
import egaugeConfig from "../../nodes/egauge-config";
import egaugeData from "../../nodes/egauge-data";
import { assertDone, assertSameBehaviour, assertSameNotConfigured, countsSince, type RequestLog } from "./migrate-flows";
import { newNode } from "./migrate-editor";

type Config = Record<string, unknown>;
const T0 = Math.floor(Date.now() / 3600_000) * 3600_000 - 86_400_000;

describe("old eGauge configs deploy and mean the same (version 0 -> 1)", function () {
  this.timeout(60_000);
  // The meter's clock stands still and each run ends at that time, so two runs read the same rows.
  const emulator = useEgaugeEmulator({ now: () => T0 });
  const requests: RequestLog = {
    snapshot: () => ({ paths: { ...emulator().stats.byPath }, queries: emulator().stats.registerQueries.length }),
    since: (before) => {
      const b = before as { paths: Record<string, number>; queries: number };
      return { paths: countsSince(b.paths, emulator().stats.byPath), queries: emulator().stats.registerQueries.slice(b.queries) };
    },
  };
  const msg = { end: T0 };

  const currentConfig = (): Config => ({ ...newNode("egauge-config"), meter: emulator().url });
  const currentData = (): Config => ({ ...newNode("egauge-data"), egauge: "cfg", registers: ["Grid", "Solar"], end: "end", endType: "msg" });

  async function load(n1: Config, cfg: Config = currentConfig(), withCredentials = true): Promise<void> {
    const flow = [
      { id: "t1", type: "tab" },
      { id: "cfg", type: "egauge-config", ...cfg },
      { id: "n1", z: "t1", type: "egauge-data", ...n1, wires: [["h1"]] },
      ...probeNodes(),
    ];
    await helper.load([egaugeConfig, egaugeData], flow as never, withCredentials ? { cfg: { user: "owner", password: "owner-pass" } } : {});
  }

  describe("egauge-config", () => {
    // Written by hand: the meter only (TLS, plain http, timeouts left out).
    const old = (): Config => ({ meter: emulator().url });

    it("a meter only: its users ask the same and send the same current rates", async () => {
      const run = await assertSameBehaviour("egauge-config", { old: old(), current: currentConfig() }, (cfg) => load(currentData(), cfg), msg, requests);
      assertDone(run);
    });

    it("without an account its users show the same grey 'not configured' ring", async () => {
      await assertSameNotConfigured({ old: old(), current: currentConfig() }, (cfg) => load(currentData(), cfg, false));
    });
  });

  describe("egauge-data", () => {
    it("history without a resolution is the automatic one: the same rows asked, the same readings sent", async () => {
      const old = { egauge: "cfg", registers: ["Grid"], mode: "history", span: "-2h", end: "end", endType: "msg", format: "raw" };
      const current = { ...currentData(), registers: ["Grid"], mode: "history", span: "-2h", resolution: "auto", format: "raw" };
      const run = await assertSameBehaviour("egauge-data", { old, current }, (n1) => load(n1), msg, requests);
      assertDone(run);
    });

    it("written by hand with only a config and registers: the current rates as records", async () => {
      const run = await assertSameBehaviour(
        "egauge-data",
        { old: { egauge: "cfg", registers: ["Grid", "Solar"], end: "end", endType: "msg" }, current: { ...currentData(), resolution: "auto" } },
        (n1) => load(n1),
        msg,
        requests,
      );
      assertDone(run);
    });
  });
});
