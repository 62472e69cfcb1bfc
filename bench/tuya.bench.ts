/**
 * Tuya lines of `npm run bench`: the same job through this pack, through the official Node SDK
 * (@tuya/tuya-connector-nodejs, written as its users write it: chunks of 20, their own page
 * loop) and as the service's limit allows, on one emulator with a 100 ms round trip and a
 * per-endpoint limit of 10/s and 40/s. Timing under CPU contention is noisy; ratios to the
 * limit are what to compare.
 */
import { TuyaContext } from "@tuya/tuya-connector-nodejs";
import { TuyaEmulator } from "../src/emulator/tuya";
import { TuyaDevices, TuyaOpenApi } from "../src/tuya";
import { join } from "node:path";
import { compiled, firstLine } from "./job";
import type { Line } from "./table";

const RTT_MS = 100;
const DAY = 86_400_000;

interface Run {
  ms: number;
  requests: number;
  throttled: number;
  tokens: number;
  note?: string;
}

function throttledOf(emu: TuyaEmulator): number {
  const e = emu.stats.errorsByCode;
  return (e["1199"] ?? 0) + (e["1110"] ?? 0) + (e["1111"] ?? 0);
}

async function measure(emu: TuyaEmulator, job: () => Promise<string | void>): Promise<Run> {
  emu.stats.reset();
  const start = performance.now();
  let note: string | undefined;
  try {
    note = (await job()) ?? undefined;
  } catch (err) {
    note = `failed: ${err instanceof Error ? err.message.slice(0, 60) : String(err)}`;
  }
  return { ms: performance.now() - start, requests: emu.stats.requests, throttled: throttledOf(emu), tokens: emu.stats.tokenGrants, note };
}

function sdk(emu: TuyaEmulator): TuyaContext {
  return new TuyaContext({ baseUrl: emu.url, accessKey: emu.accessId, secretKey: emu.accessSecret });
}

function line(job: string, qps: number, ours: Run, theirs: Run, limitMs: number): Line {
  const detail = (r: Run) => `${r.requests} req, ${((100 * r.throttled) / Math.max(1, r.requests)).toFixed(1)} % throttled${r.note ? `, ${r.note}` : ""}`;
  return { job: `Tuya ${job} @ ${qps}/s`, ours: ours.ms, theirs: theirs.ms, limit: limitMs, oursDetail: detail(ours), theirsDetail: `SDK: ${detail(theirs)}` };
}

async function atRate(qps: number): Promise<Line[]> {
  const emu = new TuyaEmulator({ extraSensors: 195, logIntervalSec: 60, qps });
  await emu.start();
  emu.faults.setLatency(RTT_MS);
  const lines: Line[] = [];
  const ids = emu.devices.map((d) => d.id);
  const climate = emu.devices.find((d) => d.category === "wsdcg")?.id ?? ids[0];
  try {
    // Status of every device (~200): this pack with default options vs the SDK's chunks of 20 in turn.
    {
      const api = new TuyaOpenApi({ endpoint: emu.url, accessId: emu.accessId, accessSecret: emu.accessSecret });
      await api.connect();
      const devices = new TuyaDevices(api);
      const ours = await measure(emu, async () => void (await devices.statusMany(ids)));
      await api.close();
      const ctx = sdk(emu);
      await ctx.request({ path: `/v1.0/iot-03/devices/${ids[0]}/status`, method: "GET" });
      const theirs = await measure(emu, async () => {
        for (let i = 0; i < ids.length; i += 20)
          await ctx.request({ path: "/v1.0/iot-03/devices/status", method: "GET", query: { device_ids: ids.slice(i, i + 20).join(",") } });
      });
      const requests = Math.ceil(ids.length / 20);
      lines.push(line(`status of ${ids.length} devices`, qps, ours, theirs, (requests / qps) * 1000 + RTT_MS));
    }
    // A 7-day log walk of one busy sensor.
    {
      const api = new TuyaOpenApi({ endpoint: emu.url, accessId: emu.accessId, accessSecret: emu.accessSecret });
      await api.connect();
      const devices = new TuyaDevices(api);
      const now = Date.now();
      let entries = 0;
      const ours = await measure(emu, async () => {
        const got = await devices.collectLogs(climate, { start: now - 7 * DAY + 60_000, end: now, now });
        entries = got.logs.length;
        return `${got.logs.length} entries`;
      });
      const pages = emu.stats.byPath["GET /v1.0/iot-03/devices/{device_id}/logs"] ?? ours.requests;
      await api.close();
      const ctx = sdk(emu);
      await ctx.request({ path: `/v1.0/iot-03/devices/${climate}/status`, method: "GET" });
      const theirs = await measure(emu, async () => {
        let last: string | undefined;
        let got = 0;
        for (;;) {
          const query: Record<string, string | number> = { event_types: "7", start_time: now - 7 * DAY + 60_000, end_time: now, size: 100 };
          if (last) query.last_row_key = last;
          const res = await ctx.request<{ logs?: unknown[]; has_next?: boolean; last_row_key?: string }>({
            path: `/v1.0/iot-03/devices/${climate}/logs`,
            method: "GET",
            query,
          });
          if (!res.success) return `stopped: ${String(res.code)} after ${got} of ${entries} entries`;
          got += res.result.logs?.length ?? 0;
          if (!res.result.has_next) return `${got} entries`;
          last = res.result.last_row_key;
        }
      });
      lines.push(line(`7-day log walk (${pages} pages)`, qps, ours, theirs, (pages / qps) * 1000 + RTT_MS));
    }
    // Cold start: 50 calls at once on a new connection; exactly one token is the goal.
    {
      const api = new TuyaOpenApi({ endpoint: emu.url, accessId: emu.accessId, accessSecret: emu.accessSecret });
      const path = (i: number) => `/v1.0/iot-03/devices/${ids[i % ids.length]}`;
      const ours = await measure(emu, async () => {
        const settled = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => api.get(path(i))));
        return `${emu.stats.tokenGrants} token(s), ${settled.filter((s) => s.status === "rejected").length} failed`;
      });
      await api.close();
      const ctx = sdk(emu);
      const theirs = await measure(emu, async () => {
        const settled = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => ctx.request({ path: path(i), method: "GET" })));
        const failed = settled.filter((s) => s.status === "rejected" || (s.value as { success?: boolean }).success !== true).length;
        return `${emu.stats.tokenGrants} token(s), ${failed} failed`;
      });
      lines.push(line("cold start, 50 calls", qps, ours, theirs, RTT_MS + (50 / qps) * 1000 + RTT_MS));
    }
  } finally {
    await emu.stop();
  }
  return lines;
}

/** The command flood (tuya-flood.ts), compiled, in its own process against the built pack. */
async function commandFlood(): Promise<Line> {
  const job = await firstLine([compiled(join(__dirname, "tuya-flood.ts"))], {}, true);
  return job.value as unknown as Line;
}

export async function tuyaLines(): Promise<Line[]> {
  return [...(await atRate(10)), ...(await atRate(40)), await commandFlood()];
}
