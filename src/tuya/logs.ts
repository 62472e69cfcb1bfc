/**
 * Device logs (reference §4.3) as an async iterator of pages: any time form the core parser
 * accepts (10-digit seconds become ms, the promise bestlab's docs made but its code did not keep),
 * both cursor styles (Smart Home next_row_key → start_row_key, iot-03 last_row_key), has_next or
 * has_more, logs or list. A repeated or missing cursor stops with an error instead of looping; a
 * page cap reports truncated: true and the cursor to resume from. Optionally the window is cut
 * into time slices walked in parallel and joined in time order.
 */
import { ApiError, InputError } from "../core/errors";
import { parseWindow, toTuyaMs } from "../core/time";
import { parseLogCodes } from "./log-query";
import type { TuyaLogEntry } from "./model";
import type { TuyaOpenApi } from "./openapi";
import type { FamilyPaths } from "./paths";
import { linkSignals } from "../core/signals";
import { Wakeup } from "../core/wakeup";
import { isRecord } from "../core/util";

export interface TuyaLogQuery {
  /** Any form parseTime accepts: Date, ISO text, 10- or 13-digit epoch, "-24h", "now". */
  start: unknown;
  /** Default now. */
  end?: unknown;
  /** Event types (default [7], data-point reports). */
  eventTypes?: number[];
  /** Only these data-point codes. */
  codes?: string[];
  /** Entries per page, at most 100 (default 100). */
  pageSize?: number;
  /** Stop after this many pages (per slice) and report truncated: true. */
  maxPages?: number;
  /** Resume from the cursor a previous (truncated) walk returned. */
  cursor?: string;
  /** Cut the window into this many slices fetched in parallel (default: one per 6 hours, up to 28, unless a cursor or maxPages is given). */
  slices?: number;
  /** Entries the parallel slices may fetch ahead of the page being handed on (default SLICE_LOOKAHEAD_ENTRIES). */
  lookahead?: number;
  signal?: AbortSignal;
  /** Reference time for relative inputs and the retention check (epoch ms). */
  now?: number;
}

export interface TuyaLogPage {
  deviceId: string;
  page: number;
  logs: TuyaLogEntry[];
  /** Cursor of the next page, for resuming. */
  cursor?: string;
  hasMore: boolean;
  truncated: boolean;
  warnings: string[];
}

export interface TuyaLogResult {
  deviceId: string;
  logs: TuyaLogEntry[];
  pages: number;
  truncated: boolean;
  cursor?: string;
  warnings: string[];
}

/** Tuya's free edition keeps 7 days of logs. */
export const LOG_RETENTION_MS = 7 * 86_400_000;
export const MAX_LOG_PAGE_SIZE = 100;
/**
 * Slices a long window gets by default: one per SLICE_MS, up to MAX_AUTO_SLICES. Each slice is a
 * chain of pages one round trip apart, so the chains must be short for the pace, not the round
 * trip, to be the limit: a busy sensor's day is about 30 pages, 3 s as one chain at 100 ms, while
 * Tuya may allow 40 a second; a quarter-day chain takes under a second.
 */
const SLICE_MS = 6 * 3_600_000;
const MAX_AUTO_SLICES = 28;

interface Plan {
  deviceId: string;
  start: number;
  end: number;
  types: string;
  codes?: string;
  pageSize: number;
  maxPages?: number;
  cursor?: string;
  slices: number;
  lookahead: number;
  signal?: AbortSignal;
  warnings: string[];
}

function positiveInt(value: unknown, name: string, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new InputError(`${name} must be a whole number from 1 to ${max}, got ${JSON.stringify(value)}`);
  return n;
}

const FIRST_13_DIGIT_MS = 1e12;

function plan(deviceId: string, q: TuyaLogQuery): Plan {
  if (typeof deviceId !== "string" || deviceId.trim() === "") throw new InputError("A device id is required for device logs");
  if (!isRecord(q)) throw new InputError("A log query with at least a start time is required");
  const now = q.now ?? Date.now();
  const { start, end } = parseWindow(q.start, q.end, now);
  const types = q.eventTypes ?? [7];
  if (!Array.isArray(types) || types.length === 0 || !types.every((t) => Number.isInteger(t) && t >= 1)) {
    throw new InputError(`eventTypes must be a list of Tuya event types (1 online … 7 data report … 10), got ${JSON.stringify(q.eventTypes)}`);
  }
  // The same code rule as the tuya-log node and its dialog (resources/rules.js).
  const codeList = q.codes === undefined ? undefined : parseLogCodes(q.codes);
  // Long windows are sliced by default so the pages come as fast as Tuya's pace allows; a resumed
  // or page-capped walk keeps the one-walk meaning of its cursor and cap.
  const quarters = Math.ceil((end.getTime() - start.getTime()) / SLICE_MS);
  const slices = positiveInt(q.slices, "slices", 64) ?? (q.cursor || q.maxPages !== undefined ? 1 : Math.min(MAX_AUTO_SLICES, Math.max(1, quarters)));
  if (slices > 1 && q.cursor) throw new InputError("A cursor resumes one walk; it cannot be combined with slices");
  const warnings: string[] = [];
  const retainedFrom = now - LOG_RETENTION_MS;
  if (start.getTime() < retainedFrom) {
    warnings.push(
      `The window starts at ${start.toISOString()}, but Tuya keeps device logs for 7 days: ` +
        `nothing before ${new Date(retainedFrom).toISOString()} can be returned`,
    );
  }
  // Tuya reads 13-digit milliseconds only (1109 otherwise) and holds nothing from before the first of them (2001-09-09).
  const from = Math.max(toTuyaMs(start), Math.min(FIRST_13_DIGIT_MS, toTuyaMs(end) - 1));
  return {
    deviceId,
    start: from,
    end: toTuyaMs(end),
    types: types.join(","),
    codes: codeList?.length ? codeList.join(",") : undefined,
    pageSize: positiveInt(q.pageSize, "pageSize", MAX_LOG_PAGE_SIZE) ?? MAX_LOG_PAGE_SIZE,
    maxPages: positiveInt(q.maxPages, "maxPages"),
    cursor: q.cursor || undefined,
    slices: Math.min(slices, toTuyaMs(end) - from + 1),
    lookahead: positiveInt(q.lookahead, "lookahead") ?? SLICE_LOOKAHEAD_ENTRIES,
    signal: q.signal,
    warnings,
  };
}

function cursorError(kind: "repeated" | "missing", path: string, page: number): ApiError {
  return new ApiError({
    platform: "tuya",
    code: kind === "repeated" ? "CURSOR_REPEATED" : "CURSOR_MISSING",
    serviceMessage: kind === "repeated" ? `page ${page} returned a cursor that was already used` : `page ${page} says more pages follow but gives no cursor`,
    hint: "stopped to avoid an endless or incomplete walk; the pages before were delivered; try again later or use a shorter window",
    method: "GET",
    path,
  });
}

function toEntry(e: unknown): TuyaLogEntry {
  const r = isRecord(e) ? e : {};
  const entry: TuyaLogEntry = {
    ...r,
    code: String(r.code ?? ""),
    value: typeof r.value === "string" ? r.value : JSON.stringify(r.value ?? null),
    event_time: Number(r.event_time),
  };
  return entry;
}

/** Walks one window page by page. */
async function* walk(api: TuyaOpenApi, paths: FamilyPaths, p: Plan, start: number, end: number, warnings: string[]): AsyncGenerator<TuyaLogPage> {
  const path = paths.logs(p.deviceId);
  // Sent, and applied here too: the iot-03 logs endpoint does not document `codes`, so a server
  // that ignores it must not hand other data points to a caller who asked for some.
  const wanted = p.codes === undefined ? undefined : new Set(p.codes.split(","));
  let cursor = p.cursor;
  const seen = new Set<string>(cursor ? [cursor] : []);
  for (let page = 1; ; page++) {
    const query: Record<string, unknown> = {
      [paths.logTypeKey]: p.types,
      start_time: start,
      end_time: end,
      size: p.pageSize,
      codes: p.codes,
      [paths.logCursorKey]: cursor,
    };
    const res = await api.get(path, query, { signal: p.signal });
    const r = isRecord(res.result) ? res.result : {};
    const list: unknown[] = Array.isArray(r.logs) ? r.logs : Array.isArray(r.list) ? r.list : [];
    const hasMore = (r.has_next ?? r.has_more) === true;
    const raw = paths.logCursorKey === "start_row_key" ? (r.next_row_key ?? r.last_row_key) : (r.last_row_key ?? r.next_row_key);
    const next = typeof raw === "string" && raw !== "" ? raw : undefined;
    if (hasMore) {
      if (!next) throw cursorError("missing", path, page);
      if (seen.has(next)) throw cursorError("repeated", path, page);
      seen.add(next);
    }
    const truncated = hasMore && p.maxPages !== undefined && page >= p.maxPages;
    const logs = list.map(toEntry).filter((e) => !wanted || wanted.has(e.code));
    yield { deviceId: p.deviceId, page, logs, cursor: hasMore ? next : undefined, hasMore, truncated, warnings: page === 1 ? warnings : [] };
    if (!hasMore || truncated) return;
    cursor = next;
  }
}

/** Slice bounds [start, end] inclusive, without overlap: slice k ends 1 ms before slice k+1 starts. */
export function sliceWindow(start: number, end: number, n: number): [number, number][] {
  const bounds = Array.from({ length: n + 1 }, (_, k) => start + Math.round((k * (end - start)) / n));
  return Array.from({ length: n }, (_, k) => [bounds[k], k === n - 1 ? end : bounds[k + 1] - 1]);
}

/**
 * Entries the slices walked ahead may hold while an earlier slice is handed on: the look-ahead is
 * bounded in entries, so a long history streams in constant memory however it is sliced.
 */
export const SLICE_LOOKAHEAD_ENTRIES = 20_000;

interface SliceRun {
  window: readonly [number, number];
  pages: TuyaLogPage[];
  started: boolean;
  done: boolean;
}

/**
 * Walks the slices in parallel and hands pages on as they come, in the server's time order: the
 * slice being handed on streams, the others walk ahead until SLICE_LOOKAHEAD_ENTRIES entries
 * wait, then pause. Leaving early (break, an error) cancels every slice.
 */
async function* sliced(api: TuyaOpenApi, paths: FamilyPaths, p: Plan): AsyncGenerator<TuyaLogPage> {
  const linked = linkSignals(p.signal);
  const plan = { ...p, signal: linked.signal };
  const runs: SliceRun[] = sliceWindow(p.start, p.end, p.slices).map((w) => ({ window: w, pages: [], started: false, done: false }));
  const changed = new Wakeup();
  let failure: { error: unknown } | undefined;
  let current: SliceRun | undefined;
  let waiting = 0;
  const walkSlice = async (run: SliceRun) => {
    try {
      for await (const page of walk(api, paths, plan, run.window[0], run.window[1], [])) {
        run.pages.push(page);
        run.started = true;
        waiting += page.logs.length;
        changed.notify();
        // Held while too much waits; the slice being handed on goes on once its own pages are taken.
        while (waiting > p.lookahead && !(run === current && run.pages.length === 0) && !linked.signal.aborted) await changed.wait();
      }
    } catch (error) {
      failure ??= { error };
    } finally {
      run.done = true;
      changed.notify();
    }
  };
  const walks = runs.map(walkSlice);
  try {
    // The order is the server's: the first pages show it (any page spanning more than one
    // instant); without such evidence, Tuya's own order (newest first).
    while (!failure && !runs.every((r) => r.started || r.done)) await changed.wait();
    const evidence = runs.map((r) => r.pages[0]?.logs).find((logs) => logs && logs.length > 1 && logs[0].event_time !== logs[logs.length - 1].event_time);
    const descending = evidence ? evidence[0].event_time > evidence[evidence.length - 1].event_time : true;
    const order = descending ? [...runs].reverse() : runs;
    let number = 0;
    for (const [k, run] of order.entries()) {
      current = run;
      changed.notify();
      for (;;) {
        if (failure) throw failure.error;
        const page = run.pages.shift();
        if (!page) {
          if (run.done) break;
          await changed.wait();
          continue;
        }
        waiting -= page.logs.length;
        changed.notify();
        number++;
        const warnings = number === 1 ? [...p.warnings] : [];
        if (page.truncated) {
          warnings.push(
            `The slice ${new Date(run.window[0]).toISOString()} – ${new Date(run.window[1]).toISOString()} stopped after maxPages pages; entries are missing`,
          );
        }
        // A slice's walk ends on a page without more or a truncated one; after the last slice's, nothing follows.
        const sliceEnds = !page.hasMore || page.truncated;
        yield { deviceId: p.deviceId, page: number, logs: page.logs, hasMore: !(sliceEnds && k === order.length - 1), truncated: page.truncated, warnings };
      }
    }
  } finally {
    linked.dispose();
    changed.notify();
    await Promise.allSettled(walks);
  }
}

/** Device logs as pages (validation errors surface on the first iteration). */
export async function* logPages(api: TuyaOpenApi, paths: FamilyPaths, deviceId: string, query: TuyaLogQuery): AsyncGenerator<TuyaLogPage> {
  const p = plan(deviceId, query);
  if (p.slices > 1) yield* sliced(api, paths, p);
  else yield* walk(api, paths, p, p.start, p.end, p.warnings);
}

/** Every page joined; cursor is set when the walk was truncated, to resume from. */
export async function collectLogPages(pages: AsyncIterable<TuyaLogPage>, deviceId: string): Promise<TuyaLogResult> {
  const out: TuyaLogResult = { deviceId, logs: [], pages: 0, truncated: false, warnings: [] };
  for await (const page of pages) {
    out.logs.push(...page.logs);
    out.pages++;
    out.warnings.push(...page.warnings);
    if (page.truncated) {
      out.truncated = true;
      out.cursor ??= page.cursor;
    }
  }
  return out;
}
