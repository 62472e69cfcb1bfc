/**
 * Incremental marks: per series (a Tuya device, a HOBO logger, an eGauge register), what earlier
 * runs have already emitted, so that runs neither lose nor repeat a reading, across restarts (the
 * marks are plain JSON for a persistent store) and failed runs.
 *
 * A reading is known by its id, "<epoch ms>|<key>", where the key tells readings of one instant
 * apart. A mark says: everything of the series up to ts has been emitted, except that within
 * the settle time before ts only the readings whose ids are listed have (late uploads may still
 * arrive there, so the next run reads that span again and drops what it lists), and except a gap a
 * cut-short walk still owes. With no settle time the ids are those at exactly ts.
 *
 * Why a gap: a source that lists newest first (Tuya's logs) and is cut short (a page cap, a
 * failure) has emitted the newest readings and not the oldest. The gap remembers them, and the
 * next run walks it before anything newer. A source listing oldest first never leaves one.
 */

export interface Mark {
  /** Epoch ms of the newest reading emitted. */
  ts: number;
  /** Ids of the readings emitted within the settle time before ts (with none: at exactly ts). */
  keys: string[];
  /** What a walk cut short still owes: [start, end], minus the readings listed (at its ends). */
  gap?: { start: number; end: number; keys: string[] };
}

/** Marks by series id, as stored in context. */
export type Marks = Record<string, Mark>;

/** The id of a reading: its time and its key, so ids carry their time (the settle span is pruned by it). */
export function readingId(time: number, key: string): string {
  return `${time}|${key}`;
}

/** The time an id carries. */
export function idTime(id: string): number {
  return Number(id.slice(0, id.indexOf("|")));
}

/** One query of a run for one series: [start, end] inclusive, minus the readings already emitted. */
export interface Walk {
  series: string;
  kind: "gap" | "new";
  start: number;
  end: number;
  seen: ReadonlySet<string>;
}

/**
 * The walks of a run for one series: the gap first, then what is new since the mark (from the
 * settle time before it). Without a mark, the first run's window.
 */
export function walksFor(series: string, mark: Mark | undefined, window: { start: number; end: number }, settleMs = 0): Walk[] {
  const end = window.end;
  if (!mark) return [{ series, kind: "new", start: window.start, end, seen: new Set() }];
  const walks: Walk[] = [];
  if (mark.gap) walks.push({ series, kind: "gap", start: mark.gap.start, end: mark.gap.end, seen: new Set(mark.gap.keys) });
  if (mark.ts - settleMs < end) walks.push({ series, kind: "new", start: mark.ts - settleMs, end, seen: new Set(mark.keys) });
  return walks;
}

/** What a walk has really emitted: how many, the oldest (with its ids) and the newest span. */
export class Emitted {
  count = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  minIds: string[] = [];
  /** Ids within the settle time before max (pruned as max grows). */
  private recent = new Map<string, number>();

  constructor(private readonly settleMs = 0) {}

  add(ids: Iterable<string>): void {
    for (const id of ids) {
      const t = idTime(id);
      this.count += 1;
      if (t < this.min) [this.min, this.minIds] = [t, [id]];
      else if (t === this.min) this.minIds.push(id);
      if (t > this.max) {
        this.max = t;
        for (const [k, kt] of this.recent) if (kt < t - this.settleMs) this.recent.delete(k);
      }
      if (t >= this.max - this.settleMs) this.recent.set(id, t);
    }
  }

  /** Ids emitted within the settle time before max. */
  recentIds(): string[] {
    return [...this.recent.keys()];
  }
}

function unique(...lists: Iterable<string>[]): string[] {
  return [...new Set(lists.flatMap((l) => [...l]))];
}

/** The ids among `ids` inside the settle span that ends at ts. */
function inSpan(ids: Iterable<string>, ts: number, settleMs: number): string[] {
  return [...ids].filter((id) => {
    const t = idTime(id);
    return t <= ts && t >= ts - settleMs;
  });
}

/** What a walk cut short still owes: from its start to the oldest reading it emitted (minus what was emitted there). */
function gapAfter(w: Walk, em: Emitted): NonNullable<Mark["gap"]> {
  const seenInside = [...w.seen].filter((id) => idTime(id) >= w.start && idTime(id) <= em.min);
  return { start: w.start, end: em.min, keys: unique(em.minIds, seenInside) };
}

export interface SettleOptions {
  /** Late readings may still arrive this long before the newest one (default 0). */
  settleMs?: number;
  /** "newest-first" sources leave a gap when cut short; "oldest-first" ones have emitted everything older. */
  order?: "newest-first" | "oldest-first";
}

/** The mark after a walk; `complete` means the walk reached its end and every reading of it was emitted. */
export function settleMark(mark: Mark | undefined, w: Walk, em: Emitted, complete: boolean, options: SettleOptions = {}): Mark | undefined {
  const settleMs = options.settleMs ?? 0;
  const leavesGap = (options.order ?? "newest-first") === "newest-first";
  if (w.kind === "gap" && mark) {
    // A gap can reach into the mark's settle span: what the gap walk emitted there, the mark lists too.
    const keys = unique(mark.keys, inSpan(em.recentIds(), mark.ts, settleMs));
    if (complete) return { ts: mark.ts, keys };
    return em.count === 0 ? mark : { ts: mark.ts, keys, gap: gapAfter(w, em) };
  }
  if (em.count === 0) return mark;
  // Late readings inside the settle span can all be older than the mark: it never moves back.
  const ts = Math.max(em.max, mark?.ts ?? Number.NEGATIVE_INFINITY);
  const next: Mark = { ts, keys: inSpan(unique(mark?.keys ?? [], em.recentIds()), ts, settleMs) };
  if (!complete && leavesGap) next.gap = gapAfter(w, em);
  return next;
}
