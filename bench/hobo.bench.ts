/**
 * HOBOlink lines of `npm run bench`: 10 loggers x 30 and x 90 days against the legacy emulator
 * (1 s answers), this pack (streamed) against a plain sequential client, each job in its own
 * process with the emulator in another, so the peak memory (VmHWM) is the client's alone; 10 x 90
 * days through a flow in a real Node-RED 4.1 (bench/hobo-node.ts, VmHWM of the Node-RED process);
 * and 10 x 30 days against an ideal client: its token, then the windows this pack fetched, all at
 * once (two round trips), the issue's yardstick (within 1.25x its time, in at most 1.25x
 * ceil(rows/100,000) data requests).
 */
import { once } from "node:events";
import { join } from "node:path";
import { compiled, firstLine } from "./job";
import type { Line } from "./table";

const LATENCY_MS = 1000;

interface Stats {
  dataRequests: number;
  byStatus: Record<string, number>;
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
  const run = async (script: string, args: string[], env: NodeJS.ProcessEnv = {}) => {
    await fetch(`${url}/_emulator/stats/reset`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    // The client jobs run compiled, as users run the pack (the node job's Node-RED runs the built pack anyway).
    const js = script === "hobo-client.ts";
    const job = await firstLine(
      [js ? compiled(join(__dirname, script)) : join(__dirname, script), ...args],
      { HOBO_EMULATOR: JSON.stringify(emulator.value), ...env },
      js,
    );
    if (job.child.exitCode === null) await once(job.child, "exit");
    lastEnd = Date.now();
    const s = await stats();
    return {
      ...(job.value as { ms: number; rows: number; peakMB: number; startMB?: number; windows?: unknown[] }),
      requests: s.dataRequests,
      refused: s.byStatus["429"] ?? 0,
    };
  };
  type Run = Awaited<ReturnType<typeof run>>;
  const detail = (r: Run) => `${r.rows} rows, ${r.requests} data req, ${r.refused} x 429, peak ${r.peakMB.toFixed(0)} MB`;
  const note = (what: string, r: Run) => {
    const ideal = Math.ceil(r.rows / 100_000);
    notes.push(
      `${what}: ${r.requests} data requests for ${r.rows} rows = ${(r.requests / ideal).toFixed(2)}x ceil(rows/100,000) = ${ideal}; ${r.refused} x 429; peak resident ${r.peakMB.toFixed(0)} MB`,
    );
  };
  try {
    for (const days of [30, 90]) {
      await quiet();
      const ours = await run("hobo-client.ts", ["pack", String(days)]);
      // The plain client does not wait out a 429: it too starts with the minute window empty.
      await quiet();
      const plain = await run("hobo-client.ts", ["plain", String(days)]);
      lines.push({
        job: `HOBOlink 10 loggers x ${days} days`,
        ours: ours.ms,
        theirs: plain.ms,
        limit: 2 * LATENCY_MS,
        oursDetail: detail(ours),
        theirsDetail: `plain: ${detail(plain)}`,
      });
      note(`10 x ${days} days, this pack`, ours);
      if (days === 30) {
        // The ideal client: the same windows, all at once after its token.
        await quiet();
        const ideal = await run("hobo-client.ts", ["ideal", String(days)], { HOBO_WINDOWS: JSON.stringify(ours.windows ?? []) });
        lines.push({
          job: `HOBOlink 10 x ${days} days: this pack vs an ideal client (same windows at once)`,
          ours: ours.ms,
          theirs: ideal.ms,
          limit: ideal.ms,
          oursDetail: detail(ours),
          theirsDetail: `ideal: ${detail(ideal)}`,
        });
        const need = Math.ceil(ours.rows / 100_000);
        notes.push(
          `10 x ${days} days against the ideal client (${ideal.requests} windows at once after its token): this pack took ${(ours.ms / ideal.ms).toFixed(2)}x its time (goal <= 1.25x) ` +
            `with ${ours.requests} data requests = ${(ours.requests / need).toFixed(2)}x ceil(rows/100,000) = ${need} (goal <= 1.25x); ` +
            `the ideal read ${ideal.rows} rows${ideal.rows === ours.rows ? " (the same)" : ` (this pack ${ours.rows})`}, ${ideal.refused} x 429, peak resident ${ideal.peakMB.toFixed(0)} MB`,
        );
      }
      if (days !== 90) continue;
      await quiet();
      const node = await run("hobo-node.ts", [String(days)]);
      lines.push({
        job: `HOBOlink 10 x ${days} days, Node-RED 4.1 flow: hobo-data → function → file`,
        ours: node.ms,
        theirs: plain.ms,
        limit: 2 * LATENCY_MS,
        oursDetail: detail(node),
        theirsDetail: `plain: ${detail(plain)}`,
      });
      note(
        `10 x ${days} days through a real Node-RED 4.1 (CLI) flow hobo-data → function → file (resident ${(node.startMB ?? NaN).toFixed(0)} MB with the flows started, before the inject)`,
        node,
      );
      // The same with Node-RED started as its docs advise for small devices: the collector keeps the
      // heap near what is live, so the peak shows what the flow holds rather than the collector's slack.
      await quiet();
      const small = await run("hobo-node.ts", [String(days)], { BENCH_RED_HEAP: "256" });
      lines.push({
        job: `the same flow, node --max-old-space-size=256`,
        ours: small.ms,
        theirs: plain.ms,
        limit: 2 * LATENCY_MS,
        oursDetail: detail(small),
        theirsDetail: `plain: ${detail(plain)}`,
      });
      note(`10 x ${days} days through the same flow, Node-RED started with --max-old-space-size=256`, small);
    }
  } finally {
    emulator.child.kill("SIGTERM");
    await once(emulator.child, "exit");
  }
  return { lines, notes };
}
