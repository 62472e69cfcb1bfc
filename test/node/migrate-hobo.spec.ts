/**
 * Old HOBOlink configs still deploy and mean the same: hobo-config and hobo-data configs of the
 * first wave (no version; the dialog's defaults of the time from git history, or written by hand
 * with properties left out) migrate to what today's dialog writes for the same meaning, and on
 * the test helper ask the emulator for the same windows, send the same and end on the same
 * status as those current configs.
 */
import assert from "node:assert/strict";
import { useHoboEmulator } from "../support/hobo-suite";
import { helper } from "../support/node-red";
import { probeNodes } from "../support/probe";
import hoboConfig from "../../nodes/hobo-config";
import hoboData from "../../nodes/hobo-data";
import { assertDone, assertSameBehaviour, assertSameNotConfigured, type RequestLog } from "./migrate-flows";
import { newNode } from "./migrate-editor";

type Config = Record<string, unknown>;
const GREENHOUSE = "21309641";
const T0 = Math.floor(Date.now() / 3600_000) * 3600_000 - 86_400_000;

describe("old HOBOlink configs deploy and mean the same (version 0 -> 1)", function () {
  this.timeout(60_000);
  // The emulator's data clock stands still and each run ends at that time, so two runs read the same rows.
  const emulator = useHoboEmulator({ now: () => T0 });
  const requests: RequestLog = {
    snapshot: () => emulator().stats.queries.length,
    since: (before) => emulator().stats.queries.slice(before as number),
  };
  const msg = { end: new Date(T0).toISOString() };

  const currentConfig = (): Config => ({ ...newNode("hobo-config"), endpoint: emulator().url, rpm: 100_000 });
  /** Today's hobo-data: a new node with one logger, ending at msg.end. */
  const currentData = (): Config => ({
    ...newNode("hobo-data"),
    hobo: "cfg",
    loggers: [{ serial: GREENHOUSE, name: "Greenhouse" }],
    end: "end",
    endType: "msg",
  });

  async function load(n1: Config, cfg: Config = currentConfig(), withCredentials = true): Promise<void> {
    const flow = [
      { id: "t1", type: "tab" },
      { id: "cfg", type: "hobo-config", ...cfg },
      { id: "n1", z: "t1", type: "hobo-data", ...n1, wires: [["h1"]] },
      ...probeNodes(),
    ];
    await helper.load([hoboConfig, hoboData], flow as never, withCredentials ? { cfg: { token: emulator().licor.token } } : {});
  }

  describe("hobo-config", () => {
    // Written by hand: a flavour and an endpoint, no rate, concurrency, timeout or total time.
    const old = (): Config => ({ flavour: "licor", endpoint: emulator().url, rpm: 100_000 });

    it("an account with only a flavour and an endpoint: its users ask for the same windows and send the same", async () => {
      const run = await assertSameBehaviour("hobo-config", { old: old(), current: currentConfig() }, (cfg) => load(currentData(), cfg), msg, requests);
      assertDone(run);
    });

    it("without credentials its users show the same grey 'not configured' ring", async () => {
      await assertSameNotConfigured({ old: old(), current: currentConfig() }, (cfg) => load(currentData(), cfg, false));
    });

    it("without a flavour it is refused as before (not taken for LI-COR Cloud): the same error, nothing asked", async () => {
      const { flavour: _, ...noFlavour } = old();
      const run = await assertSameBehaviour(
        "hobo-config",
        { old: noFlavour, current: { ...currentConfig(), flavour: "" } },
        (cfg) => load(currentData(), cfg),
        msg,
        requests,
      );
      assert.match(run.caught ?? "", /service .* is unknown/);
      assert.deepEqual(run.requests, []);
    });
  });

  describe("hobo-data", () => {
    // The first wave's dialog (no "time as" yet), the logger's serial given as a number as flows written by hand do.
    const firstDialog = (): Config => ({
      ...{ name: "", hobo: "cfg", loggers: [{ serial: Number(GREENHOUSE), name: "Greenhouse" }], loggersFrom: "", loggersFromType: "list" },
      ...{ window: "relative", span: "-1h", start: "", startType: "str", end: "end", endType: "msg", lookback: "-1h", store: "" },
      ...{ units: "si", types: "", sensors: "", format: "records", measurement: "", output: "all", warnEmpty: false },
    });

    it("the first dialog's defaults with a numeric serial: the same windows asked, the same records with ISO times", async () => {
      const run = await assertSameBehaviour("hobo-data", { old: firstDialog(), current: currentData() }, (n1) => load(n1), msg, requests);
      assertDone(run);
    });

    it("written by hand with only a config and loggers: the dialog's list, the last hour, records", async () => {
      const old = { hobo: "cfg", loggers: [{ serial: GREENHOUSE, name: "Greenhouse" }], end: "end", endType: "msg" };
      const run = await assertSameBehaviour("hobo-data", { old, current: currentData() }, (n1) => load(n1), msg, requests);
      assertDone(run);
    });
  });
});
