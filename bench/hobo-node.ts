/**
 * The HOBOlink backfill through a flow, in its own process so VmHWM is the flow's:
 *   tsx bench/hobo-node.ts DAYS   (the emulator's JSON line in env HOBO_EMULATOR)
 * A Node-RED runtime (node-red-node-test-helper) runs hobo-config, a hobo-data node streaming
 * one message per window, and a node that appends each window's rows to a file as JSON lines and
 * drops them. Prints one JSON line: ms, rows, peakMB.
 */
import { createWriteStream, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { NodeAPI, Node, NodeDef } from "node-red";
import helper from "node-red-node-test-helper";
import hoboConfig from "../nodes/hobo-config";
import hoboData from "../nodes/hobo-data";
import { peakMB, type BenchEmulator } from "./hobo-client";

helper.init(require.resolve("node-red"));

const DAY = 86_400_000;
const utc = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace("T", " ");

async function main(): Promise<void> {
  const days = Number(process.argv[2]);
  const emu = JSON.parse(process.env.HOBO_EMULATOR ?? "{}") as BenchEmulator;
  const end = Math.floor(Date.now() / 60_000) * 60_000 - DAY;
  const start = end - days * DAY;
  const dir = mkdtempSync(join(tmpdir(), "hobo-bench-"));
  const out = createWriteStream(join(dir, "rows.jsonl"));
  let rows = 0;
  let finished: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finished = resolve));
  // A file-writing node: each window's rows as JSON lines, then the message is dropped.
  const fileWriter = (RED: NodeAPI) => {
    RED.nodes.registerType("bench-file", function (this: Node, def: NodeDef) {
      RED.nodes.createNode(this, def);
      this.on("input", (input: object, _send: unknown, nodeDone: () => void) => {
        const msg = input as { payload?: { data?: unknown[]; observation_list?: unknown[] }; parts?: { index: number; count?: number } };
        const data = msg.payload?.data ?? msg.payload?.observation_list ?? [];
        rows += data.length;
        let text = "";
        for (const r of data) text += `${JSON.stringify(r)}\n`;
        out.write(text, () => nodeDone());
        if (msg.parts?.count !== undefined && msg.parts.index === msg.parts.count - 1) finished();
      });
    });
  };
  await new Promise<void>((resolve) => helper.startServer(resolve));
  const flow = [
    { id: "t1", type: "tab" },
    { id: "cfg", type: "hobo-config", flavour: "legacy", endpoint: emu.url, timeout: 120, totalTime: 600 },
    {
      id: "n1", z: "t1", type: "hobo-data", hobo: "cfg", loggers: emu.loggers.map((serial) => ({ serial })), loggersFromType: "list",
      window: "absolute", start: utc(start), end: utc(end), format: "raw", output: "window", wires: [["w1"]],
    },
    { id: "w1", z: "t1", type: "bench-file" },
  ];
  await helper.load([hoboConfig, hoboData, fileWriter] as never, flow as never, { cfg: { ...emu.legacy } } as never);
  // The helper spies on every node method and keeps each call (and its message): that is the
  // helper's memory, not the flow's, so the spies go before the run.
  (helper as unknown as { _sandbox: { restore(): void } })._sandbox.restore();
  const began = performance.now();
  (helper.getNode("n1") as unknown as { receive(msg: object): void }).receive({});
  await done;
  const ms = performance.now() - began;
  await new Promise((resolve) => out.end(resolve));
  rmSync(dir, { recursive: true, force: true });
  process.stdout.write(JSON.stringify({ ms, rows, peakMB: peakMB() }) + "\n");
  process.exit(0);
}

void main();
