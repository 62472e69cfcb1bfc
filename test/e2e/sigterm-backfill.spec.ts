/**
 * SIGTERM in the middle of a backfill, then a restart (issue 12 item 8): a real Node-RED 4.1 (the
 * CLI) with the persistent context store users are told to configure (localfilesystem as the
 * default store), a hobo-data and a tuya-log incremental backfill each writing every record it
 * sends to a file (core file node, append). The runtime is stopped with SIGTERM once the
 * emulators have served a few pages (their request counters, not a time), started again on the
 * same user dir, and the backfill run again: the records in the files are the emulators' data
 * for the whole window, each once. The emulators' data clocks are frozen.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { HoboEmulator } from "../../src/emulator/hobo";
import { TuyaEmulator } from "../../src/emulator/tuya";
import { TestClient } from "../unit/emulator/tuya-test-client";
import { logHistory, logKey, type LogEntry } from "../fault/tuya-history";
import { appendFileNode, inject, root, startStack, waitFor, type Stack } from "./support/stack";

const MIN = 60_000;
const NOW = Math.floor(Date.now() / MIN) * MIN;
/** The backfills' end (msg.end from the inject node); both look back from here. */
const END = NOW - 60 * MIN;
const HOBO_SERIALS = ["21309641", "21150777"];
const utc = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace("T", " ");
type Row = { logger_sn: string; sensor_sn: string; timestamp: string; data_type_id: string };

describe("SIGTERM mid-backfill with a persistent context store, then a restart (Node-RED 4.1 CLI)", function () {
  this.timeout(180_000);
  let stack: Stack | undefined;
  let second: ChildProcess | undefined;
  const hobo = new HoboEmulator({ now: () => NOW, maxResults: 400, licorRateLimit: { requests: 100_000, windowMs: 60_000 } });
  const tuya = new TuyaEmulator({ now: () => NOW, qps: 0, logIntervalSec: 60 });
  let climate = "";

  before(async () => {
    await hobo.start();
    await tuya.start();
    climate = tuya.devices[2].id;
  });
  after(async () => {
    if (second && second.exitCode === null) {
      const exited = new Promise((r) => second!.once("exit", r));
      second.kill("SIGTERM");
      await exited;
    }
    await stack?.stop();
    await Promise.all([hobo.stop(), tuya.stop()]);
  });

  /** The flow: one inject (msg.end = END) into both backfills; each sends its records to a JSON-lines file; done and error markers. */
  function flows(): { flows: unknown[]; credentials: Record<string, unknown> } {
    const lines = (name: string, rows: string) => [
      {
        id: `f-${name}`,
        type: "function",
        z: "t1",
        func: `msg.payload = ${rows}.map((r) => JSON.stringify(r)).join("\\n"); return msg.payload ? msg : null;`,
        outputs: 1,
        wires: [[`w-${name}`]],
      },
      appendFileNode(`w-${name}`, "t1", `${name}.jsonl`),
      { id: `d-${name}`, type: "complete", z: "t1", scope: [name], uncaught: false, wires: [[`dw-${name}`]] },
      appendFileNode(`dw-${name}`, "t1", `${name}.done`),
    ];
    return {
      flows: [
        { id: "t1", type: "tab", label: "backfill" },
        { id: "hcfg", type: "hobo-config", flavour: "licor", endpoint: hobo.url, rpm: 100000, timeout: 10 },
        { id: "tcfg", type: "tuya-config", endpointMode: "custom", endpoint: tuya.url, rps: 1000, concurrency: 2 },
        {
          id: "go",
          type: "inject",
          z: "t1",
          props: [
            { p: "payload", v: "done", vt: "str" },
            { p: "end", v: String(END), vt: "num" },
          ],
          repeat: "",
          once: false,
          wires: [["hobo", "tlog"]],
        },
        {
          id: "hobo",
          type: "hobo-data",
          z: "t1",
          hobo: "hcfg",
          loggers: HOBO_SERIALS.map((serial) => ({ serial })),
          loggersFromType: "list",
          window: "incremental",
          lookback: "-3d",
          end: "end",
          endType: "msg",
          format: "raw",
          output: "window",
          wires: [["f-hobo"]],
        },
        {
          id: "tlog",
          type: "tuya-log",
          z: "t1",
          tuya: "tcfg",
          devices: climate,
          devicesType: "str",
          window: "incremental",
          lookback: "-12h",
          end: "end",
          endType: "msg",
          pageSize: 20,
          format: "raw",
          output: "page",
          wires: [["f-tlog"]],
        },
        ...lines("hobo", "msg.payload.data"),
        ...lines("tlog", "msg.payload"),
        { id: "c1", type: "catch", z: "t1", scope: null, uncaught: false, wires: [["cw"]] },
        appendFileNode("cw", "t1", "errors.log"),
      ],
      credentials: { hcfg: { token: hobo.licor.token }, tcfg: { accessId: tuya.accessId, accessSecret: tuya.accessSecret } },
    };
  }

  const readLines = (file: string): string[] =>
    existsSync(file)
      ? readFileSync(file, "utf8")
          .split("\n")
          .filter((l) => l.trim() !== "")
      : [];

  it("the records written before the SIGTERM and after the restart are the emulators' data for the window, each once", async () => {
    // File names are relative: Node-RED runs in the user dir.
    stack = await startStack({ settings: `contextStorage: { default: { module: "localfilesystem" } },`, flows: () => flows() });
    const dir = stack.userDir;
    // Slow answers, so the SIGTERM lands while both walks are under way.
    hobo.faults.setLatency(150);
    tuya.faults.setLatency(30);
    const logPath = "GET /v1.0/iot-03/devices/{device_id}/logs";
    await inject(stack, "go");
    await waitFor(
      () => hobo.stats.dataRequests >= 3 && (tuya.stats.byPath[logPath] ?? 0) >= 5,
      () => `pages served: HOBOlink ${hobo.stats.dataRequests}, Tuya ${tuya.stats.byPath[logPath] ?? 0}`,
    );
    const red = stack.red;
    const exited = new Promise((r) => red.once("exit", r));
    red.kill("SIGTERM");
    await exited;
    const before = { hobo: readLines(join(dir, "hobo.jsonl")).length, tlog: readLines(join(dir, "tlog.jsonl")).length };
    assert.ok(before.hobo > 0 && before.tlog > 0, `some records were written before the SIGTERM (${JSON.stringify(before)})`);
    assert.ok(!existsSync(join(dir, "hobo.done")) && !existsSync(join(dir, "tlog.done")), "the SIGTERM came before either backfill ended");
    hobo.faults.setLatency(0);
    tuya.faults.setLatency(0);

    // The same user dir, settings and flows: a restart.
    const log: string[] = [];
    second = spawn(process.execPath, [join(root, "node_modules", "node-red", "red.js"), "-u", dir, "-s", join(dir, "settings.js")], {
      cwd: dir,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const collect = (d: Buffer) => log.push(...d.toString().split("\n"));
    second.stdout?.on("data", collect);
    second.stderr?.on("data", collect);
    await waitFor(
      () => log.some((l) => /\[info\] Started flows/.test(l)),
      () => `the restarted Node-RED to start its flows:\n${log.join("\n")}`,
      60_000,
    );
    await inject(stack, "go");
    await waitFor(
      () => existsSync(join(dir, "hobo.done")) && existsSync(join(dir, "tlog.done")),
      () =>
        `both backfills to end after the restart (hobo done ${existsSync(join(dir, "hobo.done"))}, tuya-log done ${existsSync(join(dir, "tlog.done"))}); ` +
        `errors: ${readLines(join(dir, "errors.log")).join("\n")}\n${log.slice(-30).join("\n")}\nHOBO ${JSON.stringify(hobo.stats.byStatus)} ${hobo.stats.dataRequests}; Tuya ${JSON.stringify(tuya.stats)}; lines ${readLines(join(dir, "hobo.jsonl")).length} ${readLines(join(dir, "tlog.jsonl")).length}`,
      60_000,
    );
    assert.deepEqual(readLines(join(dir, "errors.log")), [], "no error");
    const truth = new TestClient(tuya.url, tuya.accessId, tuya.accessSecret);
    await truth.connect();

    const rows = readLines(join(dir, "hobo.jsonl")).map((l) => JSON.parse(l) as Row);
    const keys = rows.map((r) => `${r.logger_sn}|${r.sensor_sn}|${r.timestamp}|${r.data_type_id}`);
    assert.equal(new Set(keys).size, keys.length, "no HOBO reading written twice");
    for (const serial of HOBO_SERIALS) {
      assert.equal(
        rows.filter((r) => r.logger_sn === serial).length,
        hobo.expectedRows(serial, utc(END - 3 * 24 * 60 * MIN), utc(END)),
        `every reading of ${serial}`,
      );
    }
    const entries = readLines(join(dir, "tlog.jsonl")).map((l) => logKey(JSON.parse(l) as LogEntry));
    assert.equal(new Set(entries).size, entries.length, "no Tuya log entry written twice");
    assert.deepEqual([...entries].sort(), (await logHistory(truth, climate, END - 12 * 60 * MIN, END)).sort(), "every Tuya log entry of the window");
  });
});
