/**
 * The incremental harvest: one run of "everything new since last time" over a source that yields
 * timestamped, keyed readings, as an async iterator of batches. Each batch holds only readings not
 * emitted before; the caller sends them and then calls commit(), and marks() gives the marks to
 * store (after the loop, and also after a failure: what was committed counts, nothing else).
 * Together with the marks (marks.ts) this keeps the pack's promise: whatever way runs are cut,
 * whatever fails in between, whatever arrives late within the settle time, the union of what the
 * runs emitted is every reading of the window, none twice.
 *
 * A source is anything with a read(query) that yields batches (pages, windows) of readings of
 * some series in [start, end], and says for each reading its series, time and key. The Tuya logs
 * (src/tuya/harvest.ts), the HOBOlink windows (src/hobo/incremental.ts) and eGauge registers
 * plug in here; a script can plug in its own:
 *
 *   const run = new Harvest(source, ["dev1", "dev2"], { window, marks });
 *   for await (const batch of run) { await store(batch.readings); batch.commit(); }
 *   await saveMarks(run.marks());
 */
import { Emitted, idTime, readingId, settleMark, walksFor, type Marks, type Walk } from "./marks";

export interface HarvestQuery {
  /** Series asked together (one for gap walks and ungrouped sources). */
  series: string[];
  /** Inclusive epoch ms; start may equal end (a gap of one instant). */
  start: number;
  end: number;
  signal?: AbortSignal;
}

export interface HarvestSource<R, B> {
  /** Batches of readings of these series within [start, end], in the order the source lists them. */
  read(query: HarvestQuery): AsyncIterable<B>;
  readings(batch: B): readonly R[];
  /** The source stopped early (a page cap): the walk is not complete. */
  truncated?(batch: B): boolean;
  /** The series a reading belongs to (the batch may say it: a Tuya page is one device's). */
  series(reading: R, batch: B): string;
  time(reading: R): number;
  /** Tells readings of one series and instant apart. */
  key(reading: R): string;
  /**
   * "newest-first" (Tuya's logs): a walk cut short leaves a gap; "oldest-first" (windows): it does not.
   * Either way one series' readings come in time order across a query's batches (one instant may
   * repeat, at a page or window edge): the run forgets the ids of instants it has passed.
   */
  order: "newest-first" | "oldest-first";
}

export interface HarvestOptions {
  /** The first run's window (series without a mark start at window.start); every run ends at window.end. */
  window: { start: number; end: number };
  /** The stored marks (not changed; marks() returns the new ones). */
  marks?: Marks;
  /** Readings may arrive late by up to this much: each run reads that span before the mark again (default 0). */
  settleMs?: number;
  /** Group series whose new walks start within this of each other into one query; undefined: one query per series. */
  shareMs?: number;
  /** After a complete run, series that gave nothing and have no mark are marked at the window's start (so a late backlog is still asked for). */
  markSilent?: boolean;
  signal?: AbortSignal;
  /** The error for a walk a source cap cuts short before any fresh reading: runs would never get past it. */
  stuck?: (query: HarvestQueryState) => Error;
}

/** One query of the run and its progress so far. */
export interface HarvestQueryState {
  kind: "gap" | "new";
  series: string[];
  start: number;
  end: number;
  /** Batches read and fresh readings handed out. */
  batches: number;
  fresh: number;
  truncated: boolean;
  /** The query ran to its end (it may still be truncated). */
  finished: boolean;
}

export interface HarvestBatch<R, B> {
  query: HarvestQueryState;
  /** The source's batch as read (its own fields: page number, cursor, warnings, window bounds). */
  source: B;
  /** Readings of this batch not emitted before (by earlier runs or earlier batches of this run). */
  readings: R[];
  /** Call once the readings are safely handed on: only committed readings move the marks. */
  commit(): void;
}

interface WalkRun {
  walk: Walk;
  emitted: Emitted;
  fresh: number;
  query: HarvestQueryState;
  /** The first and the latest instant the walk has read (the direction it reads in follows from them). */
  first?: number;
  latest?: number;
}

export class Harvest<R, B> implements AsyncIterable<HarvestBatch<R, B>> {
  private readonly runs: WalkRun[] = [];
  /**
   * Ids handed out in this run per series, with their instants: where windows or pages touch, or
   * a gap walk meets the new walk, none is handed out twice. Only instants a read can still
   * list are kept (see forget), so a 50-year backfill holds one batch's ids, not every reading's.
   */
  private readonly taken = new Map<string, Map<string, number>>();
  /** Ids committed in this run per series (newest-first sources only) inside another walk's span: a gap left behind must not owe them again. */
  private readonly committed = new Map<string, Set<string>>();
  /** Every walk of this run per series (their spans say which ids another walk may still meet). */
  private readonly walksOf = new Map<string, Walk[]>();
  private started = false;
  private completed = false;

  constructor(
    private readonly source: HarvestSource<R, B>,
    private readonly seriesList: readonly string[],
    private readonly o: HarvestOptions,
  ) {}

  /** The queries run so far, in order. */
  get queries(): HarvestQueryState[] {
    return [...new Set(this.runs.map((r) => r.query))];
  }

  async *[Symbol.asyncIterator](): AsyncIterator<HarvestBatch<R, B>> {
    this.started = true;
    const marks = this.o.marks ?? {};
    const walks = new Map(this.seriesList.map((s) => [s, walksFor(s, marks[s], this.o.window, this.o.settleMs)]));
    for (const [s, list] of walks) this.walksOf.set(s, list);
    if (this.o.shareMs === undefined) {
      // One series at a time: its gap first; a gap not closed comes first again next run, what is newer waits.
      for (const s of this.seriesList) {
        for (const w of walks.get(s) ?? []) {
          const q = yield* this.walk([w]);
          if (!q.finished || q.truncated) break;
        }
      }
    } else {
      const blocked = new Set<string>();
      for (const s of this.seriesList) {
        const gap = walks.get(s)?.find((w) => w.kind === "gap");
        if (!gap) continue;
        const q = yield* this.walk([gap]);
        if (q.truncated) blocked.add(s);
      }
      const news = this.seriesList.filter((s) => !blocked.has(s)).flatMap((s) => walks.get(s)?.filter((w) => w.kind === "new") ?? []);
      for (const group of groupByStart(news, this.o.shareMs)) yield* this.walk(group);
    }
    this.completed = true;
  }

  /** Ids held now to tell repeats apart (bounded by one batch and the instants where walks meet). */
  get heldIds(): number {
    let n = 0;
    for (const m of this.taken.values()) n += m.size;
    return n;
  }

  /** The marks after what was committed. */
  marks(): Marks {
    const next: Marks = { ...(this.o.marks ?? {}) };
    const options = { settleMs: this.o.settleMs, order: this.source.order };
    for (const r of this.runs) {
      const complete = r.query.finished && !r.query.truncated && r.emitted.count === r.fresh;
      // A gap walk may have sent readings of the range a later walk leaves as a gap: they count as seen there.
      const sent = this.committed.get(r.walk.series);
      const walk = sent ? { ...r.walk, seen: new Set([...r.walk.seen, ...sent]) } : r.walk;
      const mark = settleMark(next[r.walk.series], walk, r.emitted, complete, options);
      if (mark) next[r.walk.series] = mark;
    }
    // A run that did not finish: a series it gave no mark yet starts the next run where this one
    // started, not at the next run's own window start (a relative window moves on: its first
    // stretch would never be asked for).
    if ((this.o.markSilent && this.completed) || (this.started && !this.completed)) {
      for (const s of this.seriesList) next[s] ??= { ts: this.o.window.start, keys: [] };
    }
    return next;
  }

  private async *walk(group: Walk[]): AsyncGenerator<HarvestBatch<R, B>, HarvestQueryState> {
    const start = Math.min(...group.map((w) => w.start));
    const end = Math.max(...group.map((w) => w.end));
    const query: HarvestQueryState = {
      kind: group[0].kind,
      series: group.map((w) => w.series),
      start,
      end,
      batches: 0,
      fresh: 0,
      truncated: false,
      finished: false,
    };
    const bySeries = new Map<string, WalkRun>();
    for (const walk of group) {
      const run: WalkRun = { walk, emitted: new Emitted(this.o.settleMs), fresh: 0, query };
      this.runs.push(run);
      bySeries.set(walk.series, run);
    }
    for await (const batch of this.source.read({ series: query.series, start, end, signal: this.o.signal })) {
      query.batches += 1;
      if (this.source.truncated?.(batch)) query.truncated = true;
      const readings: R[] = [];
      const ids: [WalkRun, string][] = [];
      const touched = new Set<WalkRun>();
      for (const r of this.source.readings(batch)) {
        const run = bySeries.get(this.source.series(r, batch));
        const t = this.source.time(r);
        if (!run || t < run.walk.start || t > run.walk.end) continue;
        run.first ??= t;
        run.latest = t;
        touched.add(run);
        const id = readingId(t, this.source.key(r));
        const taken = this.takenOf(run.walk.series);
        if (run.walk.seen.has(id) || taken.has(id)) continue;
        taken.set(id, t);
        readings.push(r);
        ids.push([run, id]);
        run.fresh += 1;
      }
      for (const run of touched) this.forget(run);
      query.fresh += readings.length;
      let committed = false;
      yield {
        query,
        source: batch,
        readings,
        commit: () => {
          if (committed) return;
          committed = true;
          for (const [run, id] of ids) {
            run.emitted.add([id]);
            if (this.source.order === "newest-first" && this.inOtherWalk(run.walk, idTime(id))) this.setOf(this.committed, run.walk.series).add(id);
          }
        },
      };
    }
    query.finished = true;
    // Cut short before anything fresh: what it must read again first (a gap's end, the settle span) fills the cap.
    if (query.truncated && query.fresh === 0 && this.o.stuck) throw this.o.stuck(query);
    return query;
  }

  private setOf(map: Map<string, Set<string>>, series: string): Set<string> {
    let set = map.get(series);
    if (!set) map.set(series, (set = new Set()));
    return set;
  }

  private takenOf(series: string): Map<string, number> {
    let map = this.taken.get(series);
    if (!map) this.taken.set(series, (map = new Map()));
    return map;
  }

  /** True when another walk of the series in this run spans the instant t. */
  private inOtherWalk(walk: Walk, t: number): boolean {
    return (this.walksOf.get(walk.series) ?? []).some((w) => w !== walk && t >= w.start && t <= w.end);
  }

  /**
   * Forgets the ids of instants this walk has passed (readings come in time order, whichever way
   * the source lists), except where another walk of the run spans them. Until the walk has read
   * two instants its direction is unknown, and nothing is forgotten.
   */
  private forget(run: WalkRun): void {
    const { first, latest } = run;
    if (first === undefined || latest === undefined || first === latest) return;
    const passed = latest > first ? (t: number) => t < latest : (t: number) => t > latest;
    const taken = this.takenOf(run.walk.series);
    for (const [id, t] of taken) if (passed(t) && !this.inOtherWalk(run.walk, t)) taken.delete(id);
  }
}

/**
 * Walks whose starts lie within shareMs of a group's oldest start join that group, oldest start
 * first; members keep the order they were given in.
 */
function groupByStart(walks: Walk[], shareMs: number): Walk[][] {
  const order = new Map(walks.map((w, i) => [w, i]));
  const sorted = [...walks].sort((a, b) => a.start - b.start || (order.get(a) ?? 0) - (order.get(b) ?? 0));
  const groups: { start: number; members: Walk[] }[] = [];
  for (const w of sorted) {
    const last = groups.at(-1);
    if (last && w.start - last.start <= shareMs) last.members.push(w);
    else groups.push({ start: w.start, members: [w] });
  }
  return groups.map((g) => g.members.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0)));
}
