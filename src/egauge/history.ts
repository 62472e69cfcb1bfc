// History in bounded requests: a window is cut into segments by resolution (one fixed step, or
// for "auto" the finest level the meter keeps for each age, from /api/sys/db), and each segment
// into pages of at most `pageRows` rows, oldest first. Each page starts at the previous page's
// youngest row, so every interval is read exactly once: no gap, no duplicate.
import { throwIfAborted } from "../core";
import { readingsFromRows, type EgaugeReading } from "./readings";
import { replyRows, type CounterRow, type RegisterReply } from "./rows";
import type { EgaugeRegister } from "./types";

export interface DbLevelInfo {
  /** Seconds per row. */
  interval: number;
  /** Oldest time the level still holds (Unix s). */
  oldest: number;
}

export interface Segment {
  step: number;
  from: number;
  to: number;
}

/** The finest level for each age of [from, to], oldest segment first. */
export function planSegments(from: number, to: number, levels: DbLevelInfo[]): Segment[] {
  const sorted = [...levels].sort((a, b) => a.interval - b.interval);
  const out: Segment[] = [];
  let cursor = from;
  for (let i = sorted.length - 1; i >= 0 && cursor < to; i--) {
    const finerStart = i > 0 ? sorted[i - 1].oldest : Infinity;
    const segEnd = Math.min(to, Math.max(cursor, finerStart));
    if (segEnd > cursor || i === 0) out.push({ step: sorted[i].interval, from: cursor, to: i === 0 ? to : segEnd });
    cursor = segEnd;
  }
  return out.filter((s) => s.to > s.from);
}

export interface HistoryPage {
  readings: EgaugeReading[];
  /** The base row of the page (readings are for rows after it). */
  from: number;
  /** The youngest row read (the next page starts here). */
  to: number;
}

export type FetchRows = (time: string, maxRows: number) => Promise<{ reply: RegisterReply; regs: EgaugeRegister[] }>;

/**
 * Pages of readings for rows in (from, to], oldest first. `delta` asks for delta-encoded rows.
 */
export async function* pageHistory(fetch: FetchRows, segments: Segment[], pageRows: number, delta: boolean, signal?: AbortSignal): AsyncGenerator<HistoryPage> {
  let base: number | undefined;
  for (const seg of segments) {
    const R = seg.step;
    const last = Math.floor(seg.to / R) * R;
    let a = base ?? Math.ceil(seg.from / R) * R;
    while (a < last) {
      throwIfAborted(signal);
      const b = Math.min(a + pageRows * R, last);
      const { reply, regs } = await fetch(`${a}:${R}:${b}`, pageRows + 1);
      const rows: CounterRow[] = replyRows(reply, delta).reverse();
      const youngest = rows.length > 0 ? rows[rows.length - 1].t : a;
      const readings = readingsFromRows(regs, rows, a);
      if (readings.length > 0 || youngest > a) yield { readings, from: a, to: youngest };
      if (youngest <= a) break; // the meter has nothing newer (its clock is behind ours)
      a = youngest;
      base = a;
    }
    if (a >= last) base = a;
  }
}
