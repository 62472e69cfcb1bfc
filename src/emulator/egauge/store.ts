// The meter's database levels (GET /api/sys/db) and how a requested time finds its stored row:
// the finest level that still holds it, rounded down to that level's grid (up with a leading "+").
// Rows of one reply run young → old and are grouped into ranges of equal spacing, so a request
// at 1 s that reaches past the volatile 1 s level comes back as a delta-1 range then a delta-60 one.
import type { TimeRange } from "./timespec";
import { addUnits } from "./zone";

export interface DbLevel {
  /** Row interval in seconds. */
  interval: number;
  rowCount: number;
  /** Lost on reboot (the 1 s level). */
  volatile: boolean;
}

/** Reference §3.1 (spec example): 1 s × 32768, 60 s × 527040, 900 s × 350640, 86400 s × 21914. */
export const DEFAULT_LEVELS: DbLevel[] = [
  { interval: 1, rowCount: 32768, volatile: true },
  { interval: 60, rowCount: 527040, volatile: false },
  { interval: 900, rowCount: 350640, volatile: false },
  { interval: 86400, rowCount: 21914, volatile: false },
];

export interface StoreState {
  now: number;
  /** The database's first row (no rows before it). */
  created: number;
  /** The last (re)boot: volatile levels hold nothing older. */
  boot: number;
  tz: string;
}

export interface RowRange {
  ts: number;
  delta: number;
  times: number[];
}

export class Store {
  constructor(readonly levels: DbLevel[]) {}

  private oldest(level: DbLevel, st: StoreState): number {
    const newest = Math.floor(st.now / level.interval) * level.interval;
    const floor = level.volatile ? Math.max(st.created, st.boot) : st.created;
    return Math.max(Math.ceil(floor / level.interval) * level.interval, newest - (level.rowCount - 1) * level.interval);
  }

  /** The stored row a requested time maps to, or undefined when none holds it. */
  rowFor(t: number, roundUp: boolean, st: StoreState): number | undefined {
    if (t > st.now) t = st.now;
    for (const level of this.levels) {
      const oldest = this.oldest(level, st);
      const newest = Math.floor(st.now / level.interval) * level.interval;
      const row = roundUp ? Math.min(newest, Math.ceil(t / level.interval) * level.interval) : Math.floor(t / level.interval) * level.interval;
      if (row >= oldest && row <= newest) return row;
    }
    return undefined;
  }

  /**
   * The row times of one time range, youngest first, at most `limit` of them. Several requested
   * times that fall on one stored row give that row once.
   */
  rows(range: TimeRange, st: StoreState, limit: number): number[] {
    const out: number[] = [];
    const push = (t: number | undefined) => {
      if (t !== undefined && out.length < limit && (out.length === 0 || t < out[out.length - 1])) out.push(t);
    };
    const { start, stop, step } = range;
    if (!step || step.kind === "ends") {
      push(this.rowFor(stop.t, stop.roundUp, st));
      if (step) push(this.rowFor(start.t, start.roundUp, st));
      return out;
    }
    if (step.kind === "calendar") {
      for (let k = 0, t = stop.t; t >= start.t && out.length < limit; k++, t = addUnits(stop.t, -k * step.n, step.unit, st.tz)) {
        push(this.rowFor(t, k === 0 && stop.roundUp, st));
      }
      return out;
    }
    // Fixed steps: after a row r, skip straight to the youngest grid time older than r.
    let t = stop.t;
    let first = true;
    while (t >= start.t && out.length < limit) {
      const row = this.rowFor(t, first && stop.roundUp, st);
      first = false;
      if (row === undefined) break;
      push(row);
      const k = Math.floor((stop.t - Math.min(row, t)) / step.seconds) + 1;
      t = stop.t - k * step.seconds;
    }
    return out;
  }
}

/** Groups youngest-first row times into runs of equal spacing. */
export function groupRanges(times: number[], fallbackDelta: number): RowRange[] {
  const out: RowRange[] = [];
  let i = 0;
  while (i < times.length) {
    const run = [times[i]];
    const delta = i + 1 < times.length ? times[i] - times[i + 1] : fallbackDelta;
    let j = i + 1;
    while (j < times.length && times[j - 1] - times[j] === delta) run.push(times[j++]);
    out.push({ ts: run[0], delta, times: run });
    i = j;
  }
  return out;
}
