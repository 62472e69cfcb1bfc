/**
 * Realtime events benchmark: the emulator's message service publishes 1,000 status events per
 * second for 10 s; one tuya-events node (in a Node-RED runtime from the test helper) turns them
 * into messages. Reports events lost (must be 0), frames acked, throughput, the latency from
 * publish to the node's output message (p50/p95/p99/max), and the heap after a forced GC at the
 * start and the end of the run (flat = no growth with the number of events).
 *
 *   npm run bench:events
 */
import type { EventEmitter } from "node:events";
import helper from "node-red-node-test-helper";
import { TuyaEmulator } from "../src/emulator/tuya";
import tuyaConfig from "../nodes/tuya-config";
import tuyaEvents from "../nodes/tuya-events";

const RATE = 1000;
const SECONDS = 10;
const TICK_MS = 10;

helper.init(require.resolve("node-red"));

const gc = (globalThis as { gc?: () => void }).gc;
/** The helper spies on every node method and keeps each call; that history is the helper's memory, not the node's. */
const forgetSpyCalls = () => (helper as unknown as { _sandbox: { resetHistory(): void } })._sandbox.resetHistory();
function heapMb(): number {
  forgetSpyCalls();
  gc?.();
  return process.memoryUsage().heapUsed / 1048576;
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  // Only the production environment: a test channel nobody reads would retain every event in this process.
  const emu = new TuyaEmulator({ qps: 0, mq: { environments: { "event-test": false } } });
  await emu.start();
  await new Promise<void>((resolve) => helper.startServer(resolve));
  const flow = [
    { id: "t1", type: "tab" },
    { id: "cfg", type: "tuya-config", endpointMode: "custom", endpoint: emu.url },
    { id: "ev", z: "t1", type: "tuya-events", tuya: "cfg", types: "status", format: "messages", wires: [["out"]] },
    { id: "out", z: "t1", type: "helper" },
  ];
  await helper.load([tuyaConfig, tuyaEvents], flow as never, { cfg: { accessId: emu.accessId, accessSecret: emu.accessSecret } });
  const latencies: number[] = [];
  (helper.getNode("out") as unknown as EventEmitter).on("input", (m: { record: { extra?: { raw?: number } }; params: { $time: number } }) => {
    latencies.push(Date.now() - m.params.$time);
  });
  while (emu.mq.consumerCount() === 0) await sleep(10);
  const ids = emu.devices.map((d) => d.id);
  // Warm up: device names and specifications are fetched once per device.
  for (const id of ids) emu.mq.publish({ deviceId: id, protocol: 4, data: { devId: id, status: [{ code: "bench", value: 0, t: Date.now() }] } });
  while (latencies.length < ids.length) await sleep(10);
  latencies.length = 0;

  const heapStart = heapMb();
  const total = RATE * SECONDS;
  const perTick = (RATE * TICK_MS) / 1000;
  const start = performance.now();
  let sent = 0;
  let t = Date.now();
  let heapMid = 0;
  while (sent < total) {
    for (let i = 0; i < perTick && sent < total; i++, sent++) {
      const id = ids[sent % ids.length];
      // Each report has its own time, so none is a duplicate of another; t is the publish time (latency).
      t = Math.max(t + 1, Date.now());
      emu.mq.publish({ deviceId: id, protocol: 4, data: { devId: id, status: [{ code: "bench", value: sent, t }] } });
    }
    if (sent % RATE === 0) forgetSpyCalls();
    if (sent === total / 2) heapMid = heapMb();
    const due = start + (sent / RATE) * 1000;
    await sleep(Math.max(0, due - performance.now()));
  }
  const publishedIn = (performance.now() - start) / 1000;
  const deadline = Date.now() + 30_000;
  while (latencies.length < total && Date.now() < deadline) await sleep(20);
  const elapsed = (performance.now() - start) / 1000;
  const heapEnd = heapMb();
  // Latency = output time − report time; report times may run ahead of the clock by a few ms when many share one ms.
  const sorted = latencies.map((l) => Math.max(0, l)).sort((a, b) => a - b);
  const s = emu.mq.stats;
  console.log(`tuya-events: ${total} events at ${RATE}/s for ${SECONDS} s through one node`);
  console.log(
    `  delivered ${latencies.length} of ${total} (lost ${total - latencies.length}); frames ${s.frames}, acked ${s.acked}, redelivered ${s.redelivered}, backlog ${emu.mq.backlog("event")}`,
  );
  console.log(
    `  published at ${(total / publishedIn).toFixed(0)} events/s (${publishedIn.toFixed(1)} s; below ${RATE}/s only when this machine is short of CPU)`,
  );
  console.log(`  throughput ${(latencies.length / elapsed).toFixed(0)} events/s (${elapsed.toFixed(1)} s until the last one)`);
  console.log(
    `  latency publish → output message: p50 ${pct(sorted, 50)} ms, p95 ${pct(sorted, 95)} ms, p99 ${pct(sorted, 99)} ms, max ${sorted[sorted.length - 1]} ms`,
  );
  console.log(
    `  heap after GC: ${heapStart.toFixed(1)} MB at start, ${heapMid.toFixed(1)} MB half-way, ${heapEnd.toFixed(1)} MB at the end${gc ? "" : " (run with --expose-gc for exact figures)"}`,
  );
  await helper.unload();
  await new Promise<void>((resolve) => helper.stopServer(resolve));
  await emu.stop();
  if (latencies.length !== total) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
