/**
 * Incremental HOBOlink polling: "every reading since the last poll" for many loggers, with the
 * marks of src/core/marks.ts (a mark per logger serial). HOBOlink windows are inclusive at both
 * ends and come oldest first, so a poll cut short has emitted everything older than its newest
 * reading and leaves no gap. Marks follow the rows' own timestamps, not the query's end, so
 * readings a logger uploads late are still picked up; a logger that sent nothing is marked at
 * the poll's start, so a backlog it uploads later is still asked for.
 *
 * Marks stored by earlier versions of hobo-data listed keys "<sensor_sn>|<data_type_id>" at the
 * mark's instant; readHoboMarks() turns them into ids ("<ms>|<sensor_sn>|<data_type_id>").
 */
import { Harvest, type HarvestOptions, type HarvestSource } from "../core/harvest";
import type { Marks } from "../core/marks";
import { isRecord } from "../core/util";
import { parseHoboTimestamp } from "../core/time";
import type { HoboClient, HoboQuery, HoboRow, HoboWindow } from "./types";

/**
 * Loggers whose starts lie within this of the oldest of them share one query from that oldest
 * start. An hour: loggers polled together keep marks a logging interval or two apart (HOBO
 * loggers log every 1 to 60 minutes and upload together), so a normal poll stays one request per
 * ten loggers; sharing costs at most an hour of readings fetched again and dropped as seen (120
 * rows for a 10-channel logger at 5 minutes, far below one answer's cap). A logger further behind
 * (offline, its connection down, new to the list) gets a query of its own and no longer drags
 * every other logger's query back to its mark.
 */
export const SHARED_START_MS = 60 * 60_000;

export type HoboHarvestOptions = Omit<HarvestOptions, "stuck"> & {
  /** Rows a window holds at most (HoboQuery.windowRows). */
  windowRows?: number;
};

/** A row's key among its logger's rows of one instant. */
export function hoboRowKey(row: HoboRow): string {
  return `${row.sensor_sn}|${row.data_type_id}`;
}

/** Stored marks, older versions' included (their keys had no time: they were at the mark's ts). */
export function readHoboMarks(stored: unknown): Marks {
  const marks: Marks = {};
  if (!isRecord(stored)) return marks;
  for (const [sn, m] of Object.entries(stored)) {
    if (!isRecord(m) || typeof m.ts !== "number" || !Array.isArray(m.keys)) continue;
    const keys = m.keys.map((k) => String(k)).map((k) => (k.split("|").length === 2 ? `${m.ts as number}|${k}` : k));
    marks[sn] = { ts: m.ts, keys };
  }
  return marks;
}

/** The client's windows as a harvest source: loggers asked together, windows oldest first. */
export function hoboSource(client: HoboClient, windowRows?: number): HarvestSource<HoboRow, HoboWindow> {
  return {
    order: "oldest-first",
    read: (q) => windowsOf(client, { loggers: q.series, start: new Date(q.start), end: new Date(q.end), signal: q.signal, now: q.end, windowRows }),
    readings: (w) => w.rows,
    series: (row) => String(row.logger_sn),
    time: (row) => parseHoboTimestamp(String(row.timestamp)).getTime(),
    key: hoboRowKey,
  };
}

async function* windowsOf(client: HoboClient, query: HoboQuery & { start: Date; end: Date }): AsyncGenerator<HoboWindow> {
  // Nothing to ask when the marks already reach the end (a window needs end > start).
  if (query.start >= query.end) return;
  yield* client.windows(query);
}

/** One incremental poll of the loggers: each group from its own marks, oldest group first. */
export function harvestHobo(client: HoboClient, loggers: readonly string[], o: HoboHarvestOptions): Harvest<HoboRow, HoboWindow> {
  const { windowRows, ...options } = o;
  return new Harvest(hoboSource(client, windowRows), loggers, { shareMs: SHARED_START_MS, markSilent: true, ...options });
}
