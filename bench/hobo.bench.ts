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
  let lastEnd = 0;
  // The service counts 30 requests a minute per URL, whoever sent them: each paced run starts
  // with the previous runs' requests out of the window.
  const quiet = () => new Promise((resolve) => setTimeout(resolve, Math.max(0, lastEnd + 61_000 - Date.now())));
  const run = async (script: string, args: string[]) => {
    await fetch(`${url}/_emulator/stats/reset`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    const job = await firstLine([join(__dirname, script), ...args], { HOBO_EMULATOR: JSON.stringify(emulator.value) });
    await once(job.child, "exit");
    lastEnd = Date.now();
    const s = await stats();
    return { ...(job.value as { ms: number; rows: number; peakMB: number }), requests: s.dataRequests, refused: s.byStatus["429"] ?? 0 };
  };
  type Run = Awaited<ReturnType<typeof run>>;
  const detail = (r: Run) => `${r.rows} rows, ${r.requests} data req, ${r.refused} x 429, peak ${r.peakMB.toFixed(0)} MB`;
  const note = (what: string, r: Run) => {
    const ideal = Math.ceil(r.rows / 100_000);
    notes.push(`${what}: ${r.requests} data requests for ${r.rows} rows = ${(r.requests / ideal).toFixed(2)}x ceil(rows/100,000) = ${ideal}; ${r.refused} x 429; peak resident ${r.peakMB.toFixed(0)} MB`);
  };
  try {
    for (const days of [30, 90]) {
      await quiet();
      const ours = await run("hobo-client.ts", ["pack", String(days)]);
      const plain = await run("hobo-client.ts", ["plain", String(days)]);
      lines.push({ job: `HOBOlink 10 loggers x ${days} days`, ours: ours.ms, theirs: plain.ms, limit: 2 * LATENCY_MS, oursDetail: detail(ours), theirsDetail: `plain: ${detail(plain)}` });
      note(`10 x ${days} days, this pack`, ours);
      if (days !== 90) continue;
      await quiet();
      const node = await run("hobo-node.ts", [String(days)]);
      lines.push({ job: `HOBOlink 10 x ${days} days, hobo-data node → file`, ours: node.ms, theirs: plain.ms, limit: 2 * LATENCY_MS, oursDetail: detail(node), theirsDetail: `plain: ${detail(plain)}` });
      note(`10 x ${days} days through a hobo-data node writing a file`, node);
    }
  } finally {
    emulator.child.kill("SIGTERM");
    await once(emulator.child, "exit");
  }
  return { lines, notes };
}
