/**
 * The incremental marks of tuya-log: per device, what a run has already emitted (a high-water
 * mark plus the keys at its instant, and the gap a cut-short walk still owes), so that runs
 * neither lose nor repeat an entry, across restarts with a persistent context store.
 */
import type { TimeWindow } from "../src/core/time";
import type { TuyaLogEntry } from "../src/tuya";

/**
 * What an incremental run has emitted for one device: everything up to ts (at ts only the
 * entries whose keys are listed), except a gap a cut-short walk left behind. Tuya lists newest
 * first, so a walk stopped by the page cap or a failure has sent the newest entries and not the
 * oldest: the gap remembers them, and the next run fetches it before anything newer. (A server
 * listing oldest first leaves an empty gap, which costs one empty request.) With a persistent
 * context store a restart neither loses nor repeats an entry.
 */
export interface LogMark {
  ts: number;
  keys: string[];
  gap?: { start: number; end: number; keys: string[] };
}
export type LogMarks = Record<string, LogMark>;

/** One query of a run: [start, end] inclusive, minus the entries already emitted. */
export interface Walk {
  kind: "gap" | "new";
  start: number;
  end: number;
  seen: Set<string>;
}

export function entryKey(e: TuyaLogEntry): string {
  return `${e.event_time}|${e.event_id ?? ""}|${e.code}|${e.value}`;
}

function keysAt(keys: Iterable<string>, time: number): string[] {
  return [...keys].filter((k) => k.startsWith(`${time}|`));
}

function union(...lists: string[][]): string[] {
  return [...new Set(lists.flat())];
}

/** The oldest and newest entries of a walk that have really been sent. */
export class Coverage {
  count = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  minKeys: string[] = [];
  maxKeys: string[] = [];

  add(entries: readonly TuyaLogEntry[]): void {
    for (const e of entries) {
      const t = e.event_time;
      const key = entryKey(e);
      this.count += 1;
      if (t < this.min) [this.min, this.minKeys] = [t, [key]];
      else if (t === this.min) this.minKeys.push(key);
      if (t > this.max) [this.max, this.maxKeys] = [t, [key]];
      else if (t === this.max) this.maxKeys.push(key);
    }
  }
}

/** The walks of a run for one device: the gap first, then what is new since the mark. */
export function walksFor(mark: LogMark | undefined, first: TimeWindow): Walk[] {
  const end = first.end.getTime();
  if (!mark) return [{ kind: "new", start: first.start.getTime(), end, seen: new Set() }];
  const walks: Walk[] = [];
  if (mark.gap) walks.push({ kind: "gap", start: mark.gap.start, end: mark.gap.end, seen: new Set(mark.gap.keys) });
  if (mark.ts < end) walks.push({ kind: "new", start: mark.ts, end, seen: new Set(mark.keys) });
  return walks;
}

/** What a walk cut short still owes: from its start to the oldest entry it sent (minus what was sent there). */
function gapAfter(w: Walk, cov: Coverage): NonNullable<LogMark["gap"]> {
  return { start: w.start, end: cov.min, keys: union(cov.minKeys, keysAt(w.seen, w.start), keysAt(w.seen, cov.min)) };
}

/** The mark after a walk: complete means every entry of it was sent. */
export function settle(mark: LogMark | undefined, w: Walk, cov: Coverage, complete: boolean): LogMark | undefined {
  if (w.kind === "gap" && mark) {
    // A gap can end at the mark's own instant: what the gap walk sent there, the mark has sent too.
    const keys = cov.max === mark.ts ? union(mark.keys, cov.maxKeys) : mark.keys;
    if (complete) return { ts: mark.ts, keys };
    return cov.count === 0 ? mark : { ts: mark.ts, keys, gap: gapAfter(w, cov) };
  }
  if (cov.count === 0) return mark;
  const next: LogMark = { ts: cov.max, keys: mark && mark.ts === cov.max ? union(mark.keys, cov.maxKeys) : cov.maxKeys };
  if (!complete) next.gap = gapAfter(w, cov);
  return next;
}
