/**
 * A tuya-command flood through the node (a flow in node-red-node-test-helper) against the same
 * commands as raw signed calls of the client, at zero latency and without a server limit: what
 * the node itself costs. Both use the client's default options, and each first sends a warm-up
 * flood, so both paces have grown past what the machine can send and the measured floods compare
 * the work per command rather than two paces ramping up; then five rounds of each in turn.
 */
import { TuyaEmulator } from "../src/emulator/tuya";
import { TuyaOpenApi } from "../src/tuya";
import { helper } from "../test/support/node-red";
import tuyaConfig from "../nodes/tuya-config";
import tuyaCommand from "../nodes/tuya-command";
import type { Line } from "./table";

const WARM_UP = 400;
const COMMANDS = 1000;
const ROUNDS = 5;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

type Node = { receive(msg: unknown): void; on(event: string, fn: (msg: unknown) => void): void };

export async function commandFlood(): Promise<Line> {
  const emu = new TuyaEmulator({ qps: 0 });
  await emu.start();
  const plug = emu.devices[0].id;
  const body = (i: number) => ({ commands: [{ code: "switch_1", value: i % 2 === 0 }] });
  try {
    // A flood queues its commands behind the pace: no total time bound cuts the ones waiting longest.
    const api = new TuyaOpenApi({ endpoint: emu.url, accessId: emu.accessId, accessSecret: emu.accessSecret, retry: { maxTotalMs: 3_600_000 } });
    await api.connect();
    const rawFlood = (n: number) => Promise.all(Array.from({ length: n }, (_, i) => api.post(`/v1.0/iot-03/devices/${plug}/commands`, body(i))));

    // Node-RED's default logging (info): the test support's settings log at debug level for the secret scan.
    helper.settings({ logging: { console: { level: "info", metrics: false, audit: false } } });
    await new Promise<void>((resolve) => helper.startServer(resolve));
    const flow = [
      { id: "t1", type: "tab" },
      { id: "cfg", type: "tuya-config", endpointMode: "custom", endpoint: emu.url, totalTime: 3600 },
      {
        id: "n1",
        z: "t1",
        type: "tuya-command",
        tuya: "cfg",
        devices: plug,
        devicesType: "str",
        commands: "payload",
        commandsType: "msg",
        validate: false,
        wires: [["h1"]],
      },
      { id: "h1", z: "t1", type: "helper" },
    ];
    // The helper wraps Node's methods (send, receive, status, ...) in spies that keep every call and
    // emit an event for each: the helper's cost, not the node's. Node's own methods go back after the load.
    const proto = (helper as unknown as { _NodePrototype: Record<string, unknown> })._NodePrototype;
    const own = Object.fromEntries(Object.getOwnPropertyNames(proto).map((name) => [name, proto[name]]));
    await helper.load([tuyaConfig, tuyaCommand] as never, flow, { cfg: { accessId: emu.accessId, accessSecret: emu.accessSecret } });
    Object.assign(proto, own);
    const n1 = helper.getNode("n1") as unknown as Node;
    const h1 = helper.getNode("h1") as unknown as Node;
    let received = 0;
    h1.on("input", () => void received++);
    const nodeFlood = async (n: number) => {
      const until = received + n;
      for (let i = 0; i < n; i++) n1.receive({ payload: body(i) });
      while (received < until) await new Promise((r) => setTimeout(r, 2));
    };
    const timed = async (flood: (n: number) => Promise<unknown>) => {
      const start = performance.now();
      await flood(COMMANDS);
      return performance.now() - start;
    };
    await rawFlood(WARM_UP);
    await nodeFlood(WARM_UP);
    // Rounds taken in turn, the median of each: the machine's drift (its other jobs, the collector) falls on both.
    const raw: number[] = [];
    const node: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      raw.push(await timed(rawFlood));
      node.push(await timed(nodeFlood));
    }
    const rawMs = median(raw);
    const nodeMs = median(node);
    await api.close();
    await helper.unload();
    await new Promise<void>((resolve) => helper.stopServer(resolve));
    // The raw call is the limit here: what the node costs is the ratio (goal: at least 0.8x the raw throughput, x limit ≤ 1.25).
    const perSec = (ms: number) => `${((COMMANDS * 1000) / ms).toFixed(0)}/s`;
    return {
      job: `tuya-command flood, ${COMMANDS} commands, zero latency: node vs raw signed call (median of ${ROUNDS} rounds each)`,
      ours: nodeMs,
      theirs: rawMs,
      limit: rawMs,
      oursDetail: `node ${perSec(nodeMs)} = ${(rawMs / nodeMs).toFixed(2)}x raw`,
      theirsDetail: `raw signed call ${perSec(rawMs)}`,
    };
  } finally {
    await emu.stop();
  }
}
