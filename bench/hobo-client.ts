/**
 * One HOBOlink bench job in its own process, so VmHWM (the peak resident memory) is this job's:
 *   tsx bench/hobo-client.ts pack|plain|ideal DAYS   (the emulator's JSON line in env HOBO_EMULATOR)
 * "pack" streams the windows of this pack's client and drops each window's rows once counted;
 * "plain" is a plain sequential client: one request of a fixed 3-day window after another;
 * "ideal" gets its token, then sends the requests the pack made (env HOBO_WINDOWS, the pack
 * job's "windows": its windows, those of one answer joined) all at once with plain fetch, and
 * counts each answer's rows.
 * Prints one JSON line: ms, rows, peakMB (and for "pack" windows: [startSec, endSec, loggers][]).
 */
import { readFileSync } from "node:fs";
import { createHoboClient } from "../src/hobo";

export interface BenchEmulator {
  url: string;
  legacy: { clientId: string; clientSecret: string; userId: string };
  loggers: string[];
}

const DAY = 86_400_000;

/** HOBO_LOOKAHEAD_ROWS sets the client's look-ahead (default: the client's own). */
function lookaheadRows(): number | undefined {
  const n = Number(process.env.HOBO_LOOKAHEAD_ROWS);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

export function peakMB(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}

const utc = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace("T", " ");

/** A request as the pack sent it: start and end in whole seconds (both inclusive), the loggers. */
export type BenchWindow = [number, number, string[]];

async function pack(emu: BenchEmulator, start: number, end: number, windows: BenchWindow[]): Promise<number> {
  // The emulator is one process that writes the windows' 20 MB answers one after another; the
  // service answers in parallel. A longer timeout keeps a busy bench machine from timing out.
  const client = createHoboClient({
    flavour: "legacy",
    baseUrl: emu.url,
    ...emu.legacy,
    timeoutMs: 120_000,
    retry: { maxTotalMs: 600_000 },
    lookaheadRows: lookaheadRows(),
  });
  let rows = 0;
  for await (const w of client.windows({ loggers: emu.loggers, start: new Date(start), end: new Date(end), now: end })) {
    rows += w.rows.length;
    // A window that took no request is the rest of the answer before it (an answer goes on as windows of
    // at most 10,000 rows): the ideal client asks for that answer's span once.
    const last = windows.at(-1);
    if (w.requests === 0 && last) last[1] = w.end.getTime() / 1000;
    else windows.push([w.start.getTime() / 1000, w.end.getTime() / 1000, w.loggers]);
  }
  await client.close();
  return rows;
}

async function token(emu: BenchEmulator): Promise<string> {
  const form = new URLSearchParams({ grant_type: "client_credentials", client_id: emu.legacy.clientId, client_secret: emu.legacy.clientSecret });
  return ((await (await fetch(`${emu.url}/ws/auth/token`, { method: "POST", body: form })).json()) as { access_token: string }).access_token;
}

async function plain(emu: BenchEmulator, start: number, end: number): Promise<number> {
  const bearer = await token(emu);
  let rows = 0;
  for (let from = start; from <= end; from += 3 * DAY) {
    const to = Math.min(end, from + 3 * DAY - 1000);
    const q = new URLSearchParams({ loggers: emu.loggers.join(","), start_date_time: utc(from), end_date_time: utc(to) });
    const res = await fetch(`${emu.url}/ws/data/file/JSON/user/${emu.legacy.userId}?${q}`, { headers: { Authorization: `Bearer ${bearer}` } });
    const body = (await res.json()) as { observation_list?: unknown[] };
    rows += body.observation_list?.length ?? 0;
  }
  return rows;
}

/** The ideal client: its token, then every window at once; each answer parsed whole. */
async function ideal(emu: BenchEmulator, windows: BenchWindow[]): Promise<number> {
  const bearer = await token(emu);
  const counts = await Promise.all(
    windows.map(async ([from, to, loggers]) => {
      const q = new URLSearchParams({ loggers: loggers.join(","), start_date_time: utc(from * 1000), end_date_time: utc(to * 1000) });
      const res = await fetch(`${emu.url}/ws/data/file/JSON/user/${emu.legacy.userId}?${q}`, { headers: { Authorization: `Bearer ${bearer}` } });
      if (!res.ok) throw new Error(`ideal client: HTTP ${res.status} ${await res.text()}`);
      const body = (await res.json()) as { observation_list?: unknown[] };
      return body.observation_list?.length ?? 0;
    }),
  );
  return counts.reduce((a, b) => a + b, 0);
}

async function main(): Promise<void> {
  const [mode, days] = [process.argv[2], Number(process.argv[3])];
  const emu = JSON.parse(process.env.HOBO_EMULATOR ?? "{}") as BenchEmulator;
  const end = Math.floor(Date.now() / 60_000) * 60_000 - DAY;
  const start = end - days * DAY;
  const windows: BenchWindow[] = mode === "ideal" ? (JSON.parse(process.env.HOBO_WINDOWS ?? "[]") as BenchWindow[]) : [];
  const began = performance.now();
  const rows = mode === "plain" ? await plain(emu, start, end) : mode === "ideal" ? await ideal(emu, windows) : await pack(emu, start, end, windows);
  const ms = performance.now() - began;
  process.stdout.write(JSON.stringify({ ms, rows, peakMB: peakMB(), ...(mode === "pack" ? { windows } : {}) }) + "\n");
}

if (require.main === module) void main();
