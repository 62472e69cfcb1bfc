/**
 * The HOBOlink example flows, imported as they ship (only the emulator URL, the credentials and
 * the CSV path are swapped in) and run with Node-RED's own core nodes against the emulator:
 * polling a station to CSV writes the header once and every reading once; the week's backfill
 * reaches the debug node (where an `influxdb batch` node goes) as InfluxDB batch points, window
 * by window; the threshold flow, with both clouds emulated, switches the Tuya plug when a HOBO
 * reading passes the threshold (the threshold and the command's value are changed so it shows).
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { NodeMessage } from "node-red";
import { HoboEmulator } from "../../src/emulator/hobo";
import { TuyaEmulator } from "../../src/emulator/tuya";
import { registerDeviceKeys, registerSecrets } from "../support/emissions";
import { useHoboEmulator } from "../support/hobo-suite";
import { helper, runtimeModule } from "../support/node-red";
import { probe } from "../support/probe";
import hoboConfig from "../../nodes/hobo-config";
import hoboData from "../../nodes/hobo-data";
import tuyaCommand from "../../nodes/tuya-command";
import tuyaConfig from "../../nodes/tuya-config";

type FlowNode = Record<string, unknown> & { id: string; type: string; z?: string; wires?: string[][] };
type Flow = Parameters<typeof helper.load>[1];

const root = resolve(__dirname, "../..");
const MIN = 60_000;

/** The example as shipped (no tab: Import puts it on the current flow), wrapped in a tab as the import does. */
function example(name: string): FlowNode[] {
  const flow = JSON.parse(readFileSync(join(root, "examples", name), "utf8")) as FlowNode[];
  assert.ok(!flow.some((n) => n.type === "tab"), `${name} carries a tab node`);
  for (const n of flow) if (n.x !== undefined) n.z = "example-tab";
  return [{ id: "example-tab", type: "tab", label: name }, ...flow];
}

/** A core node module of the runtime under test (inject, function, csv, file, debug, comment). */
const core = (path: string): unknown => runtimeModule(`@node-red/nodes/core/${path}`);

const CORE = [
  "common/20-inject.js",
  "common/21-debug.js",
  "common/90-comment.js",
  "function/10-function.js",
  "function/10-switch.js",
  "function/15-change.js",
  "parsers/70-CSV.js",
  "storage/10-file.js",
];

describe("hobo example flows", function () {
  this.timeout(30_000);
  let emu: HoboEmulator;
  let frozen: number | undefined;
  let dir: string;

  const emulator = useHoboEmulator({ now: () => frozen ?? Date.now() });
  before(() => {
    emu = emulator();
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "hobo-examples-"));
  });
  /** Emulators a test started, stopped after it (and after the flow's unload) even when it failed or timed out. */
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    frozen = undefined;
    for (const stop of cleanups.splice(0)) await stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The example with the emulator's URL, no timers on its inject nodes, and `patch` applied. */
  async function loadExample(name: string, patch: (n: FlowNode) => void = () => undefined, watched?: (flow: FlowNode[]) => FlowNode): Promise<FlowNode[]> {
    // The influxdb nodes are third-party: the browser suite runs them (test/e2e/examples.spec.ts); here the debug node beside them listens.
    const thirdParty = new Set(["influxdb batch", "influxdb"]);
    const flow = example(name).filter((n) => !thirdParty.has(n.type));
    const kept = new Set(flow.map((n) => n.id));
    for (const n of flow) if (n.wires) n.wires = n.wires.map((port) => port.filter((id) => kept.has(id)));
    const watch = watched?.(flow);
    // Node-RED keeps input listeners until the flow stops: one Complete node and listener per load.
    if (watch) {
      flow.push(
        { id: "watch-complete", type: "complete", z: watch.z, scope: [watch.id], uncaught: false, wires: [["watch-helper"]] },
        { id: "watch-helper", type: "helper", z: watch.z },
      );
    }
    for (const n of flow) {
      if (n.type === "hobo-config") n.endpoint = emu.url;
      if (n.type === "inject") Object.assign(n, { once: false, repeat: "" });
      patch(n);
    }
    const cfg = flow.find((n) => n.type === "hobo-config")!;
    const modules = [hoboConfig, hoboData, ...CORE.map(core)] as Parameters<typeof helper.load>[0];
    await helper.load(modules, flow as unknown as Flow, { [cfg.id]: { token: emu.licor.token } });
    if (watch) helper.getNode("watch-helper").on("input", () => onFinished?.());
    return flow;
  }

  /** What the Complete node beside the example heard last: re-pointed by each trigger(). */
  let onFinished: (() => void) | undefined;

  /**
   * Triggers `id` and resolves once the node the load watches is done with the message (a
   * Complete node added beside the example hears it; the file node is done once its write is on
   * disk), or rejects with what reached the Catch path.
   */
  function trigger(id: string, catchDebug: string): Promise<void> {
    return new Promise((resolvePromise, reject) => {
      onFinished = resolvePromise;
      helper.getNode(catchDebug).once("input", (m: { error?: { message?: string } }) => reject(new Error(`caught: ${m.error?.message ?? "?"}`)));
      helper.getNode(id).receive({ payload: Date.now() } as NodeMessage);
    });
  }

  function readLines(file: string): string[] {
    return readFileSync(file, "utf8").trim().split("\n");
  }

  it("poll to CSV: two polls append every new reading once, under a header written once", async () => {
    const file = join(dir, "hobo-readings.csv");
    const flow = await loadExample(
      "HOBO poll to CSV file.json",
      (n) => {
        if (n.type === "file") n.filename = file;
      },
      (nodes) => nodes.find((n) => n.type === "file")!,
    );
    const data = flow.find((n) => n.type === "hobo-data")!;
    const errors = flow.find((n) => n.type === "debug")!;
    assert.equal(flow.find((n) => n.type === "csv")?.hdrout, "once");
    assert.equal(data.window, "incremental");

    // The example asks up to "now": the first poll finds the service 30 minutes behind (its data
    // clock lags), the second finds the half hour since.
    frozen = Date.now() - 30 * MIN;
    const before = Date.now();
    await trigger(data.id, errors.id);
    const after = Date.now();
    const firstLines = readLines(file);
    frozen = undefined;
    const second = Date.now();
    await trigger(data.id, errors.id);
    const end = Date.now();
    const lines = readLines(file);
    const header = "time,deviceName,sensor,name,value,unit";
    assert.equal(lines[0], header);
    assert.equal(lines.filter((l) => l === header).length, 1, "the header once");
    assert.ok(lines.length > firstLines.length, "the second poll appended new readings");
    assert.deepEqual(lines.slice(0, firstLines.length), firstLines);
    const rows = lines.slice(1).map((l) => l.split(","));
    assert.equal(new Set(lines.slice(1)).size, rows.length, "no reading twice");
    // Every reading from the first poll's look-back (one hour before it) to the second poll.
    const utc = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace("T", " ");
    const count = (from: number, to: number) => ["21092695", "21309641"].reduce((n, l) => n + emu.expectedRows(l, utc(from), utc(to)), 0);
    // The outer edges depend on when each run read its clock: the least is counted 10 min inside them.
    const least = count(after - 50 * MIN, second - 10 * MIN);
    const most = count(before - 60 * MIN, end);
    assert.ok(rows.length >= least && rows.length <= most, `${rows.length} rows, expected ${least}..${most}`);
    assert.ok(rows.some((r) => r[1] === "Rooftop weather") && rows.some((r) => r[1] === "Greenhouse"), "friendly names from the list");
  });

  it("backfill to InfluxDB: a week arrives at the debug node as batch points, window by window", async () => {
    const flow = await loadExample("HOBO backfill to InfluxDB.json");
    const data = flow.find((n) => n.type === "hobo-data")!;
    const debug = flow.find((n) => n.type === "debug" && (data.wires ?? [])[0]?.includes(n.id))!;
    assert.ok(
      example("HOBO backfill to InfluxDB.json").some((n) => n.type === "influxdb batch" && n.id !== data.id),
      "the example has an influxdb batch node",
    );
    const errors = flow.find((n) => n.type === "debug" && n.id !== debug.id)!;
    assert.match(String(flow.find((n) => n.type === "comment")?.info), /influxdb batch/);
    assert.equal(data.span, "-7d");

    const got: (NodeMessage & Record<string, unknown>)[] = [];
    const done = new Promise<void>((resolvePromise, reject) => {
      helper.getNode(debug.id).on("input", (m: NodeMessage & Record<string, unknown>) => {
        got.push(m);
        if ((m.parts as { count?: number } | undefined)?.count !== undefined) resolvePromise();
      });
      helper.getNode(errors.id).once("input", (m: { error?: { message?: string } }) => reject(new Error(`caught: ${m.error?.message ?? "?"}`)));
    });
    helper.getNode(data.id).receive({ payload: Date.now() } as NodeMessage);
    await done;
    const points = got.flatMap((m) => m.payload as { measurement: string; tags: Record<string, string>; fields: Record<string, unknown>; timestamp: Date }[]);
    assert.equal((got.at(-1)!.parts as { count: number }).count, got.length);
    assert.ok(points.length > 7 * 288 * 10, `${points.length} points`);
    assert.ok(points.every((p) => p.measurement === "hobolink" && p.tags.device && "value" in p.fields && p.timestamp instanceof Date));
    const days = (Math.max(...points.map((p) => p.timestamp.getTime())) - Math.min(...points.map((p) => p.timestamp.getTime()))) / 86_400_000;
    assert.ok(days > 6.9 && days <= 7, `${days} days`);
  });

  it("threshold to a Tuya plug: a HOBO reading past the threshold switches the plug through the Tuya cloud", async () => {
    // The Tuya emulator's clock stands still, as in the Tuya node specs (tuya-suite.ts).
    const tuyaNow = Date.now();
    const tuya = new TuyaEmulator({ now: () => tuyaNow });
    cleanups.push(() => tuya.stop());
    await tuya.start();
    const flow = example("HOBO temperature switches a Tuya plug.json");
    const command = flow.find((n) => n.type === "tuya-command")!;
    // The plug in the dialog is the emulator's "Lab plug"; it starts switched on.
    const [plug] = Object.values(JSON.parse(String(command.devices)) as Record<string, string>);
    assert.equal(tuya.describe().devices.find((d) => d.id === plug)?.name, "Lab plug");
    assert.deepEqual(tuya.status(plug).find((s) => s.code === "switch_1")?.value, true);
    for (const n of flow) {
      if (n.type === "hobo-config") n.endpoint = emu.url;
      if (n.type === "tuya-config") n.endpoint = tuya.url;
      if (n.type === "inject") Object.assign(n, { once: false, repeat: "" });
      // Every greenhouse reading passes the threshold, and the command switches the plug off, so the effect shows.
      if (n.type === "switch") (n.rules as { v: string }[])[0].v = "-100";
      if (n.type === "change") (n.rules as { to: string }[])[0].to = JSON.stringify([{ code: "switch_1", value: false }]);
    }
    const ids = (type: string) => flow.find((n) => n.type === type)!.id;
    const modules = [hoboConfig, hoboData, tuyaConfig, tuyaCommand, ...CORE.map(core)] as Parameters<typeof helper.load>[0];
    await helper.load(modules, flow as unknown as Flow, {
      [ids("hobo-config")]: { token: emu.licor.token },
      [ids("tuya-config")]: { accessId: tuya.accessId, accessSecret: tuya.accessSecret },
    });
    registerSecrets(tuya.accessSecret, ...tuya.issuedTokens());
    registerDeviceKeys(...tuya.localKeys());
    // tuya-command's status ends green once the plug took the command, red when it failed.
    const answered = probe(command.id).status((s) => (s.fill === "green" && s.shape === "dot") || s.fill === "red");
    helper.getNode(ids("hobo-data")).receive({ payload: Date.now() } as NodeMessage);
    const status = await answered;
    assert.equal(status.fill, "green", `tuya-command failed: ${String(status.text)}`);
    assert.equal(tuya.status(plug).find((s) => s.code === "switch_1")?.value, false, "the plug was switched");
    assert.ok(tuya.stats.commandsExecuted >= 1);
    registerSecrets(...tuya.issuedTokens());
  });
});
