/**
 * Tuya benchmarks against the local emulator with a fixed per-request latency (a stand-in for
 * the round trip to a data center). Each line compares two ways of doing the same job in one run
 * and reports the ratio of requests and of wall time, so results compare across machines.
 * Throttling is off on both sides (emulator qps 0, client requestsPerSecond 0) so the lines
 * measure batching and parallelism, not the rate limits.
 *
 *   npm run bench
 */
import { TuyaEmulator } from "../src/emulator/tuya";
import { TuyaDevices, TuyaOpenApi } from "../src/tuya";

const LATENCY_MS = 20;

interface Measured {
  ms: number;
  requests: number;
}

async function measure(emu: TuyaEmulator, job: () => Promise<unknown>): Promise<Measured> {
  const before = emu.stats.requests;
  const start = performance.now();
  await job();
  return { ms: performance.now() - start, requests: emu.stats.requests - before };
}

function report(title: string, ours: Measured, naive: Measured): void {
  const req = (naive.requests / ours.requests).toFixed(1);
  const time = (naive.ms / ours.ms).toFixed(1);
  console.log(`${title}: ${ours.requests} vs ${naive.requests} requests (${req}x fewer), ${ours.ms.toFixed(0)} vs ${naive.ms.toFixed(0)} ms (${time}x faster)`);
}

async function main(): Promise<void> {
  const emu = new TuyaEmulator({ extraSensors: 195, logIntervalSec: 60, qps: 0 });
  await emu.start();
  const api = new TuyaOpenApi({ endpoint: emu.url, accessId: emu.accessId, accessSecret: emu.accessSecret, requestsPerSecond: 0, maxConcurrent: 8 });
  const devices = new TuyaDevices(api, { concurrency: 4 });
  try {
    await api.connect();
    emu.faults.setLatency(LATENCY_MS);
    const ids = emu.devices.map((d) => d.id);

    // Status of 200 devices: batches of 20 in parallel vs one call per device in sequence (bestlab's way).
    const batched = await measure(emu, () => devices.statusMany(ids));
    const oneByOne = await measure(emu, async () => {
      for (const id of ids) await devices.status(id);
    });
    report(`status of ${ids.length} devices, batched vs one by one`, batched, oneByOne);

    // A day of one sensor's history: 4 parallel time slices vs one sequential walk.
    const climate = emu.devices.find((d) => d.category === "wsdcg")?.id ?? ids[0];
    const day = { start: "-24h", end: "now" };
    const sliced = await measure(emu, () => devices.collectLogs(climate, { ...day, slices: 4 }));
    const sequential = await measure(emu, () => devices.collectLogs(climate, day));
    report("24 h of logs, 4 parallel slices vs one walk", sliced, sequential);
  } finally {
    await api.close();
    await emu.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
