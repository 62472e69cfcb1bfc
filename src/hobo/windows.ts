/**
 * A long query as a stream of windows, in time order per logger group, every row exactly once.
 *
 * The range is cut into spans of whole seconds that touch but do not overlap (the next starts one
 * second after the previous end; timestamps have whole seconds, and both ends are inclusive).
 * Each span is fetched for every logger group (at most 10 loggers per request). An answer that
 * still comes back cut (max_results) becomes a window of its own up to the second before its last
 * timestamp, and the span resumes at that timestamp, inclusive, because the cap may fall inside
 * one timestamp's rows (the partial timestamp is asked again; rows are de-duplicated). Spans are
 * fetched ahead as far as a budget of rows allows (RowBudget), so a year of data streams in
 * bounded memory while the first windows still go out together. An answer waits in columns
 * (RowBlock) and goes on as windows of at most windowRows rows, cut between timestamps, each made
 * objects when its turn comes: a reader holds one such window, not a whole answer of 80,000 rows,
 * and what it holds sets how far the collector lets the heap grow.
 */
import type { ClientLogger } from "../core/client";
import { ApiError } from "../core/errors";
import { parseHoboTimestamp, toHoboUtc } from "../core/time";
import { linkSignals } from "../core/signals";
import { Wakeup } from "../core/wakeup";
import { RowBudget } from "./row-budget";
import { SpanTask } from "./span-task";
import type { WindowSizer } from "./window-sizer";
import type { RowBlock } from "./row-block";
import type { HoboDataAnswer, HoboWindow } from "./types";

export type DataFetcher = (loggers: string[], start: Date, end: Date, signal: AbortSignal) => Promise<HoboDataAnswer>;

export interface WindowPlan {
  groups: string[][];
  /** Epoch seconds, both inclusive. */
  startSec: number;
  endSec: number;
  signal?: AbortSignal;
}

export interface WindowRunner {
  fetch: DataFetcher;
  sizer: WindowSizer;
  /** Rows that may be held ahead of the reader, counting a full answer per request in flight (see RowBudget). */
  lookaheadRows: number;
  /** Rows one answer may hold (the service's cap). */
  rowCap: number;
  /** Rows a window hands on at most, unless one timestamp alone has more. */
  windowRows: number;
  logger: ClientLogger;
}

/** A window as it waits for the reader: its rows still in columns. */
type Piece = Omit<HoboWindow, "index" | "rows"> & { rows: RowBlock };
type Emit = (piece: Piece) => void;

/** What a span's fetches need from the reader: the budget, and whether the reader waits for this span now. */
interface SpanContext {
  budget: RowBudget;
  urgent: () => boolean;
  /** The first request's answer was reserved when the span was started. */
  reserved: boolean;
}

export async function* iterateWindows(plan: WindowPlan, run: WindowRunner): AsyncGenerator<HoboWindow> {
  // Leaving the loop early (break, an error) cancels the spans fetched ahead.
  const linked = linkSignals(plan.signal);
  const changed = new Wakeup();
  const budget = new RowBudget(run.lookaheadRows, run.rowCap, changed);
  const queue: SpanTask<Piece>[] = [];
  const widest = Math.max(...plan.groups.map((g) => g.length));
  let cursor = plan.startSec;
  let index = 0;
  let head: SpanTask<Piece> | undefined;
  const startSpan = (group: string[], from: number, end: number) => {
    const ctx: SpanContext = { budget, urgent: () => task === head && task.buffered === 0, reserved: true };
    const emit = (emitPiece: Emit) => (p: Piece) => {
      budget.answered(p.rows.length);
      emitPiece(p);
    };
    const task: SpanTask<Piece> = new SpanTask<Piece>((push) => fetchSpan(group, from, end, linked.signal, run, ctx, emit(push)), changed);
    queue.push(task);
  };
  try {
    for (;;) {
      // Spans start as far ahead as the row budget allows (the first windows go out together; the
      // rate limiter spaces them as the service counts); the span the reader needs always starts.
      while (cursor <= plan.endSec && ((!head && queue.length === 0) || budget.fitsAhead(plan.groups.length))) {
        budget.reserve(plan.groups.length);
        const end = Math.min(plan.endSec, cursor + run.sizer.spanMs(widest) / 1000 - 1);
        for (const group of plan.groups) startSpan(group, cursor, end);
        cursor = end + 1;
      }
      if (!head) {
        head = queue.shift();
        if (!head) return;
        // A span waiting for the budget may now be the one the reader needs.
        changed.notify();
      }
      const taken = head.take();
      if (taken === "done") head = undefined;
      else if (taken === "pending") await changed.wait();
      else {
        for (const window of handOn(taken.piece, run.windowRows)) {
          budget.handedOn(window.rows.length);
          yield { index: index++, ...window };
        }
      }
    }
  } finally {
    linked.dispose();
    // Spans waiting for the budget see the cancellation.
    changed.notify();
  }
}

/**
 * A piece as windows of at most `max` rows (made objects one window at a time), cut between two
 * timestamps: each window's time range touches the next one's, and holds every row of its
 * seconds. One timestamp with more rows than `max` stays whole.
 */
function* handOn(piece: Piece, max: number): Generator<Omit<HoboWindow, "index">> {
  const { rows, ...window } = piece;
  const n = rows.length;
  let from = 0;
  let start = window.start;
  do {
    let to = Math.min(n, from + max);
    const at = to < n ? rows.timestampAt(to) : undefined;
    if (typeof at !== "string") to = n;
    else {
      // Back to where the timestamp the cut falls in begins; past its end when it alone fills the window.
      let back = to;
      while (back > from && rows.timestampAt(back - 1) === at) back--;
      if (back > from) to = back;
      else while (to < n && rows.timestampAt(to) === at) to++;
    }
    const next = to < n ? rows.timestampAt(to) : undefined;
    const end = typeof next === "string" ? new Date(parseHoboTimestamp(next).getTime() - 1000) : window.end;
    yield { ...window, start, end, rows: rows.rows(from, to), requests: from === 0 ? window.requests : 0, empty: to === from };
    start = new Date(end.getTime() + 1000);
    from = to;
  } while (from < n);
}

function piece(loggers: string[], startSec: number, endSec: number, rows: RowBlock, requests: number): Piece {
  rows.sortUnique();
  return { start: new Date(startSec * 1000), end: new Date(endSec * 1000), loggers, rows, requests, empty: rows.length === 0 };
}

/**
 * Fetches [startSec, endSec] for one group, emitting a window per answer. After an answer was cut,
 * the rest of the span goes in pieces sized by what that answer taught (rate and real cap).
 */
async function fetchSpan(
  loggers: string[],
  startSec: number,
  endSec: number,
  signal: AbortSignal,
  run: WindowRunner,
  ctx: SpanContext,
  emit: Emit,
): Promise<void> {
  let from = startSec;
  let resized = false;
  while (from <= endSec) {
    const to = resized ? Math.min(endSec, from + run.sizer.spanMs(loggers.length) / 1000 - 1) : endSec;
    const toStamp = `${toHoboUtc(new Date(to * 1000))}Z`;
    // The service refuses (or hangs on) end == start; ask for one second more and drop it.
    const requestEnd = Math.max(to, from + 1);
    if (ctx.reserved) ctx.reserved = false;
    else await ctx.budget.take(ctx.urgent, signal);
    let answer: HoboDataAnswer;
    try {
      answer = await run.fetch(loggers, new Date(from * 1000), new Date(requestEnd * 1000), signal);
    } catch (err) {
      ctx.budget.answered(0);
      throw err;
    }
    if (!answer.maxResults) {
      run.sizer.observe(loggers.length, (requestEnd - from + 1) * 1000, answer.rows.length);
      emit(piece(loggers, from, to, requestEnd === to ? answer.rows : answer.rows.keep((t) => t <= toStamp), 1));
      from = to + 1;
      continue;
    }
    // A cut answer holds exactly the service's cap: size the next requests by it.
    run.sizer.observeCap(answer.rows.length);
    resized = true;
    const last = answer.rows.latestTimestamp();
    const lastSec = last === undefined ? from : Math.floor(parseHoboTimestamp(last).getTime() / 1000);
    if (lastSec <= from) {
      // One timestamp alone fills the cap: only fewer loggers per request can get past it.
      ctx.budget.answered(0);
      if (loggers.length === 1) throw truncated(loggers[0], last ?? new Date(from * 1000).toISOString());
      const half = Math.ceil(loggers.length / 2);
      await fetchSpan(loggers.slice(0, half), from, endSec, signal, run, ctx, emit);
      return fetchSpan(loggers.slice(half), from, endSec, signal, run, ctx, emit);
    }
    // Keep the whole timestamps before the cut; the last one may be partial and is asked again.
    const kept = answer.rows.keep((t) => t < last! && t <= toStamp);
    run.sizer.observe(loggers.length, (lastSec - from) * 1000, kept.length);
    // Cut only in the extra second asked for past the end: this piece itself is complete.
    const pieceEnd = Math.min(lastSec - 1, to);
    emit(piece(loggers, from, pieceEnd, kept, 1));
    if (pieceEnd < to) run.logger.debug(`HOBOlink: answer for ${loggers.join(",")} was cut at the row cap (max_results); resuming at ${last}`);
    from = pieceEnd + 1;
  }
}

function truncated(logger: string, at: string): ApiError {
  return new ApiError({
    platform: "hobolink",
    code: "TRUNCATED",
    serviceMessage: `logger ${logger} has more readings at ${at} than one answer may hold`,
    hint: "the service's row cap is smaller than one timestamp's readings; nothing can be fetched past it without losing data",
  });
}
