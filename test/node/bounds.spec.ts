/**
 * A bounded footprint whatever the input (issue 12 item 1): a 50-year window sent to hobo-data and
 * to tuya-log. "All at once" output stops at the row cap (100,000 by default) with a clear error
 * before the next window or page is asked, nothing sent. Meanwhile a second node on the same
 * config keeps answering: the config's client serves its nodes in turn. The heap is measured after a full collection (the
 * live heap, what the process keeps) and must grow by less than HEAP_BOUND; a bound, not a timing.
 * The emulators run in a child process (bounds-emulators.ts), so their answers are not counted.
 */
import assert from "node:assert/strict";
import v8 from "node:v8";
import vm from "node:vm";
import type { Node, NodeMessage, NodeStatus } from "node-red";
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { recordEmissions, registerSecrets } from "../support/emissions";
import { helper } from "../support/node-red";
import { probe, probeNodes } from "../support/probe";
import hoboConfig from "../../nodes/hobo-config";
import hoboData from "../../nodes/hobo-data";
import tuyaConfig from "../../nodes/tuya-config";
import tuyaLog from "../../nodes/tuya-log";
import tuyaStatus from "../../nodes/tuya-status";

type Msg = NodeMessage & Record<string, unknown>;
type Flow = Parameters<typeof helper.load>[1];

/** Live heap growth allowed while a 50-year window is worked on. */
const HEAP_BOUND = 200 * 1024 * 1024;
const FIFTY_YEARS = "-18250d";
const HOUR = 3_600_000;

/** A full collection (the flag set at run time, the function taken from a fresh context). */
const collect: () => void = (() => {
  v8.setFlagsFromString("--expose-gc");
  return vm.runInNewContext("gc") as () => void;
})();

/** The live heap now, after a full collection. */
function liveHeap(): number {
  collect();
  return process.memoryUsage().heapUsed;
}

/** Calls fn on each status the node shows (it reports every window or page: a dot with rows, a ring for an empty window). */
function onStatus(node: Node, fn: (status: NodeStatus) => void): void {
  (node as unknown as { on(event: string, listener: (call: { args: [NodeStatus] }) => void): void }).on("call:status", (call) => fn(call.args[0]));
}

interface Emulators {
  hobo: { url: string; token: string; loggers: string[] };
  tuya: { url: string; accessId: string; accessSecret: string; climate: string };
}

describe("bounded footprint: a 50-year window (hobo-data, tuya-log)", function () {
  this.timeout(180_000);
  let child: ChildProcess;
  let emu: Emulators;

  before(async () => {
    const frozen = Math.floor(Date.now() / HOUR) * HOUR;
    child = spawn(process.execPath, ["--import", "tsx", join(__dirname, "bounds-emulators.ts"), String(frozen)], { stdio: ["pipe", "pipe", "inherit"] });
    const [line] = (await once(createInterface({ input: child.stdout! }), "line")) as [string];
    emu = JSON.parse(line) as Emulators;
    registerSecrets(emu.hobo.token, emu.tuya.accessSecret);
    await helper.startServer();
  });
  after(async () => {
    await helper.stopServer();
    child.stdin?.end();
    if (child.exitCode === null) await once(child, "exit");
  });
  afterEach(async () => {
    recordEmissions(helper);
    await helper.unload();
  });

  describe("hobo-data", () => {
    function flow(n1: Record<string, unknown>): Flow {
      const loggers = emu.hobo.loggers.map((serial) => ({ serial }));
      return [
        { id: "t1", type: "tab" },
        { id: "cfg", type: "hobo-config", flavour: "licor", endpoint: emu.hobo.url, rpm: 100_000 },
        {
          id: "n1",
          type: "hobo-data",
          z: "t1",
          hobo: "cfg",
          loggers,
          loggersFromType: "list",
          window: "relative",
          span: FIFTY_YEARS,
          format: "records",
          ...n1,
          wires: [["h1"]],
        },
        {
          id: "n2",
          type: "hobo-data",
          z: "t1",
          hobo: "cfg",
          loggers: [loggers[0]],
          loggersFromType: "list",
          window: "relative",
          span: "-1h",
          format: "records",
          output: "all",
          wires: [["h4"]],
        },
        { id: "h4", type: "helper", z: "t1" },
        ...probeNodes("n1"),
      ] as unknown as Flow;
    }

    async function load(n1: Record<string, unknown>): Promise<void> {
      await helper.load([hoboConfig, hoboData], flow(n1), { cfg: { token: emu.hobo.token } });
    }

    it("all at once: stops at 100,000 rows with a clear error before the next window, nothing sent, the heap bounded, while another node on the config answers", async () => {
      await load({ output: "all" });
      const base = liveHeap();
      let peak = base;
      let statuses = 0;
      let n1Done = false;
      let n2: { msg: Msg; n1Done: boolean } | undefined;
      helper.getNode("h4").once("input", (msg: Msg) => (n2 = { msg, n1Done }));
      onStatus(helper.getNode("n1"), (status) => {
        // The backfill is under way: the other node asks now.
        if (++statuses === 2) helper.getNode("n2").receive({ payload: "poll" } as never);
        // Rows are held after each window with rows (a dot; empty windows show a ring).
        if (status.shape === "dot") peak = Math.max(peak, liveHeap());
      });
      const { out, caught } = await probe("n1", { quietMs: 120_000 }).run();
      n1Done = true;
      assert.ok(caught, "the Catch node gets the error");
      assert.match(
        String((caught.error as { message: string }).message),
        /More than 100000 rows for one message: the window is too long for "all at once" output/,
      );
      assert.equal((caught.errorDetails as { name: string }).name, "InputError");
      assert.equal(out.length, 0, "nothing sent");
      assert.ok(peak - base < HEAP_BOUND, `the live heap grew by ${Math.round((peak - base) / 2 ** 20)} MB`);
      assert.ok(n2, "the other node answered");
      assert.equal(n2.n1Done, false, "while the 50-year window was still being fetched");
      assert.ok((n2.msg.payload as unknown[]).length > 0, "with its readings");
    });
  });

  describe("tuya-log", () => {
    it("all at once: stops at 100,000 entries with a clear error, nothing sent, the heap bounded, while another node on the config answers", async () => {
      const climate = emu.tuya.climate;
      const flow = [
        { id: "t1", type: "tab" },
        { id: "cfg", type: "tuya-config", endpointMode: "custom", endpoint: emu.tuya.url, rps: 1000, concurrency: 4 },
        {
          id: "n1",
          type: "tuya-log",
          z: "t1",
          tuya: "cfg",
          devices: climate,
          devicesType: "str",
          window: "relative",
          span: FIFTY_YEARS,
          output: "all",
          format: "records",
          wires: [["h1"]],
        },
        { id: "n2", type: "tuya-status", z: "t1", tuya: "cfg", devices: climate, devicesType: "str", format: "raw", output: "single", wires: [["h4"]] },
        { id: "h4", type: "helper", z: "t1" },
        ...probeNodes("n1"),
      ] as unknown as Flow;
      await helper.load([tuyaConfig, tuyaLog, tuyaStatus], flow, { cfg: { accessId: emu.tuya.accessId, accessSecret: emu.tuya.accessSecret } });
      const base = liveHeap();
      let peak = base;
      let pages = 0;
      let n1Done = false;
      let n2: { msg: Msg; n1Done: boolean; pages: number } | undefined;
      helper.getNode("h4").once("input", (msg: Msg) => (n2 = { msg, n1Done, pages }));
      onStatus(helper.getNode("n1"), () => {
        pages += 1;
        if (pages === 5) helper.getNode("n2").receive({ payload: "poll" } as never);
        if (pages % 100 === 0) peak = Math.max(peak, liveHeap());
      });
      const { out, caught } = await probe("n1", { quietMs: 120_000 }).run();
      n1Done = true;
      peak = Math.max(peak, liveHeap());
      assert.ok(caught, "the Catch node gets the error");
      assert.match(String((caught.error as { message: string }).message), /More than 100000 log entries for one message/);
      assert.equal(out.length, 0, "nothing sent");
      assert.ok(n2, "the other node answered");
      assert.equal(n2.n1Done, false, "while the long walk was still running");
      assert.ok(Array.isArray(n2.msg.payload) || typeof n2.msg.payload === "object");
      assert.ok(pages > 900, `the walk read ${pages} pages before the cap`);
      assert.ok(peak - base < HEAP_BOUND, `the live heap grew by ${Math.round((peak - base) / 2 ** 20)} MB`);
    });
  });
});
