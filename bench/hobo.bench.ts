/**
 * HOBOlink lines of `npm run bench`: 10 loggers x 30 and x 90 days against the legacy emulator
 * (1 s answers), this pack (streamed) against a plain sequential client, each job in its own
 * process with the emulator in another, so the peak memory (VmHWM) is the client's alone. The
 * ideal is a client that knows the data and sends ceil(rows / 100,000) windows at once after
 * its token: two round trips.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { join } from "node:path";
import type { Line } from "./table";

const LATENCY_MS = 1000;
const tsx = ["--import", "tsx"];

interface Stats {
  dataRequests: number;
  byStatus: Record<string, number>;
}

async function firstLine(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [...tsx, ...args], { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, ...env } });
  const [line] = (await once(createInterface({ input: child.stdout! }), "line")) as [string];
  return { child, value: JSON.parse(line) as Record<string, unknown> };
}

export async function hoboLines(): Promise<{ lines: Line[]; notes: string[] }> {
  const emulator = await firstLine([join(__dirname, "hobo-emulator.ts"), String(LATENCY_MS)]);
  const url = emulator.value.url as string;
  const stats = async () => (await (await fetch(`${url}/_emulator/stats`)).json()) as Stats;
  const lines: Line[] = [];
  const notes: string[] = [];
  try {
    for (const days of [30, 90]) {
      const run = async (mode: string) => {
        await fetch(`${url}/_emulator/stats/reset`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
        const job = await firstLine([join(__dirname, "hobo-client.ts"), mode, String(days)], { HOBO_EMULATOR: JSON.stringify(emulator.value) });
        await once(job.child, "exit");
        const s = await stats();
        return { ...(job.value as { ms: number; rows: number; peakMB: number }), requests: s.dataRequests, refused: s.byStatus["429"] ?? 0 };
      };
      const ours = await run("pack");
      const plain = await run("plain");
      const ideal = Math.ceil(ours.rows / 100_000);
      const detail = (r: typeof ours) => `${r.rows} rows, ${r.requests} data req, ${r.refused} x 429, peak ${r.peakMB.toFixed(0)} MB`;
      lines.push({ job: `10 loggers x ${days} days`, ours: ours.ms, theirs: plain.ms, limit: 2 * LATENCY_MS, oursDetail: detail(ours), theirsDetail: detail(plain) });
      notes.push(`10 x ${days} days: this pack sent ${ours.requests} data requests for ${ours.rows} rows = ${(ours.requests / ideal).toFixed(2)}x ceil(rows/100,000) = ${ideal}; peak resident ${ours.peakMB.toFixed(0)} MB`);
    }
  } finally {
    emulator.child.kill("SIGTERM");
    await once(emulator.child, "exit");
  }
  return { lines, notes };
}
