/**
 * A tuya-command flood through the node (a flow in node-red-node-test-helper) against the same
 * commands as raw signed calls of the client, at zero latency and without a server limit: what
 * the node itself costs. A job in its own process, compiled (job.ts), with the node, the client
 * and the emulator from the built pack (dist/), as users run them: no TypeScript loader, whose
 * wrappers around every closure would weigh on the node's side. Both use the client's default
 * options, and each first sends a warm-up flood, so both paces have grown past what the machine
 * can send and the code is optimised; then rounds of each in turn, the median of each compared.
 *   npm run build && node bench/.build/tuya-flood.js   (npm run bench builds and runs it)
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import type HelperType from "node-red-node-test-helper";
import type { Line } from "./table";

const WARM_UP = 2000;
const COMMANDS = 2000;
const ROUNDS = 9;
/** Between rounds: the previous round's starts leave the pace's window (1.1 s), so no round waits on another's. */
const PAUSE_MS = 1200;

/** The checkout (npm run bench runs at the package root), whose dist/ holds the built pack. */
const root = process.cwd();
const load = createRequire(join(root, "package.json"));
const dist = <T>(path: string): T => load(join(root, "dist", path)) as T;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

type Node = { receive(msg: unknown): void; on(event: string, fn: (msg: unknown) => void): void; send: unknown };

async function flood(): Promise<Line> {
  const { TuyaEmulator } = dist<typeof import("../src/emulator/tuya")>("src/emulator/tuya/index.js");
  const { TuyaOpenApi } = dist<typeof import("../src/tuya")>("src/tuya/index.js");
  const helper = load("node-red-node-test-helper") as typeof HelperType;
  helper.init(load.resolve("node-red"));
  const emu = new TuyaEmulator({ qps: 0 });
  await emu.start();
  const plug = emu.devices[0].id;
  const body = (i: number) => ({ commands: [{ code: "switch_1", value: i % 2 === 0 }] });
  try {
    // A flood queues its commands behind the pace: no total time bound cuts the ones waiting longest.
    const api = new TuyaOpenApi({ endpoint: emu.url, accessId: emu.accessId, accessSecret: emu.accessSecret, retry: { maxTotalMs: 3_600_000 } });
    await api.connect();
    const rawFlood = (n: number) => Promise.all(Array.from({ length: n }, (_, i) => api.post(`/v1.0/iot-03/devices/${plug}/commands`, body(i))));

    // Node-RED's default logging (info).
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
    const nodes = [dist("nodes/tuya-config.js"), dist("nodes/tuya-command.js")];
    await helper.load(nodes as never, flow, { cfg: { accessId: emu.accessId, accessSecret: emu.accessSecret } });
    // The helper wraps Node's methods (send, status, log, ...) and the runtime's log in spies that
    // keep every call (Node-RED logs a metric record per message) and emit an event for each: the
    // helper's cost, not the node's. Its sandbox gives the originals back, and the wired node gets
    // the send Node-RED gave it at start (a node keeps its own reference to the method).
    const { _sandbox: sandbox, _NodePrototype: proto } = helper as unknown as { _sandbox: { restore(): void }; _NodePrototype: { send: unknown } };
    sandbox.restore();
    const n1 = helper.getNode("n1") as unknown as Node;
    n1.send = proto.send;
    const h1 = helper.getNode("h1") as unknown as Node;
    let received = 0;
    h1.on("input", () => void received++);
    const nodeFlood = async (n: number) => {
      const until = received + n;
      for (let i = 0; i < n; i++) n1.receive({ payload: body(i) });
      while (received < until) await new Promise((r) => setTimeout(r, 2));
    };
    const timed = async (run: (n: number) => Promise<unknown>) => {
      await new Promise((r) => setTimeout(r, PAUSE_MS));
      const start = performance.now();
      await run(COMMANDS);
      return performance.now() - start;
    };
    await rawFlood(WARM_UP);
    await nodeFlood(WARM_UP);
    // Rounds taken in turn, a raw one and a node one: the machine's drift (its other jobs, the
    // collector) falls on both of a pair, and the median of the pairs' ratios is the node's share.
    const raw: number[] = [];
    const node: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      raw.push(await timed(rawFlood));
      node.push(await timed(nodeFlood));
    }
    const share = median(raw.map((ms, i) => ms / node[i]));
    const rawMs = median(raw);
    const nodeMs = rawMs / share;
    await api.close();
    await helper.unload();
    await new Promise<void>((resolve) => helper.stopServer(resolve));
    // The raw call is the limit here: what the node costs is the ratio (goal: at least 0.8x the raw throughput, x limit ≤ 1.25).
    const perSec = (ms: number) => `${((COMMANDS * 1000) / ms).toFixed(0)}/s`;
    return {
      job: `tuya-command flood, ${COMMANDS} commands, zero latency: node vs raw signed call (median of ${ROUNDS} paired rounds)`,
      ours: nodeMs,
      theirs: rawMs,
      limit: rawMs,
      oursDetail: `node ${perSec(nodeMs)} = ${share.toFixed(2)}x raw`,
      theirsDetail: `raw signed call ${perSec(rawMs)}`,
    };
  } finally {
    await emu.stop();
  }
}

flood().then(
  (line) => {
    console.log(JSON.stringify(line));
    process.exit(0);
  },
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
