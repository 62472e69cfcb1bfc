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
import type { TuyaLogEntry } from "./model";
import type { TuyaOpenApi } from "./openapi";
import type { FamilyPaths } from "./paths";
import { isRecord, mapLimit } from "../core/util";

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
  /** Cut the window into this many slices fetched in parallel (long histories). */
  slices?: number;
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
  signal?: AbortSignal;
  warnings: string[];
}

function positiveInt(value: unknown, name: string, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new InputError(`${name} must be a whole number from 1 to ${max}, got ${JSON.stringify(value)}`);
  return n;
}

function plan(deviceId: string, q: TuyaLogQuery): Plan {
  if (typeof deviceId !== "string" || deviceId.trim() === "") throw new InputError("A device id is required for device logs");
  if (!isRecord(q)) throw new InputError("A log query with at least a start time is required");
  const now = q.now ?? Date.now();
  const { start, end } = parseWindow(q.start, q.end, now);
  const types = q.eventTypes ?? [7];
  if (!Array.isArray(types) || types.length === 0 || !types.every((t) => Number.isInteger(t) && t >= 1)) {
    throw new InputError(`eventTypes must be a list of Tuya event types (1 online … 7 data report … 10), got ${JSON.stringify(q.eventTypes)}`);
  }
  const codeList: unknown[] | undefined = typeof q.codes === "string" ? (q.codes as string).split(",") : q.codes;
  if (codeList !== undefined && (!Array.isArray(codeList) || !codeList.every((c) => typeof c === "string" && c.trim() !== ""))) {
    throw new InputError(`codes must be a list of data-point codes, got ${JSON.stringify(q.codes)}`);
  }
  const slices = positiveInt(q.slices, "slices", 64) ?? 1;
  if (slices > 1 && q.cursor) throw new InputError("A cursor resumes one walk; it cannot be combined with slices");
  const warnings: string[] = [];
  const retainedFrom = now - LOG_RETENTION_MS;
  if (start.getTime() < retainedFrom) {
    warnings.push(
      `The window starts at ${start.toISOString()}, but Tuya keeps device logs for 7 days: ` +
        `nothing before ${new Date(retainedFrom).toISOString()} can be returned`,
    );
  }
  return {
    deviceId,
    start: toTuyaMs(start),
    end: toTuyaMs(end),
    types: types.join(","),
    codes: codeList?.length ? codeList.map((c) => String(c).trim()).join(",") : undefined,
    pageSize: positiveInt(q.pageSize, "pageSize", MAX_LOG_PAGE_SIZE) ?? MAX_LOG_PAGE_SIZE,
    maxPages: positiveInt(q.maxPages, "maxPages"),
    cursor: q.cursor || undefined,
    slices: Math.min(slices, toTuyaMs(end) - toTuyaMs(start) + 1),
    signal: q.signal,
    warnings,
  };
}

function cursorError(kind: "repeated" | "missing", path: string, page: number): ApiError {
  return new ApiError({
    platform: "tuya",
    code: kind === "repeated" ? "CURSOR_REPEATED" : "CURSOR_MISSING",
    serviceMessage:
      kind === "repeated" ? `page ${page} returned a cursor that was already used` : `page ${page} says more pages follow but gives no cursor`,
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

/** Walks the slices in parallel; yields one page per slice in the server's time order. */
async function* sliced(api: TuyaOpenApi, paths: FamilyPaths, p: Plan): AsyncGenerator<TuyaLogPage> {
  const windows = sliceWindow(p.start, p.end, p.slices);
  const done = await mapLimit(windows, p.slices, async ([s, e]) => {
    const logs: TuyaLogEntry[] = [];
    let truncated = false;
    for await (const page of walk(api, paths, p, s, e, [])) {
      logs.push(...page.logs);
      truncated ||= page.truncated;
    }
    return { logs, truncated, window: [s, e] as const };
  });
  // Keep whichever order the server used, across slices too: any slice whose entries are not all
  // at one instant shows it; without such evidence, Tuya's own order (newest first).
  const ordered = done.find(({ logs }) => logs.length > 1 && logs[0].event_time !== logs[logs.length - 1].event_time)?.logs;
  const descending = ordered ? ordered[0].event_time > ordered[ordered.length - 1].event_time : true;
  if (descending) done.reverse();
  for (let i = 0; i < done.length; i++) {
    const { logs, truncated, window } = done[i];
    const warnings = i === 0 ? [...p.warnings] : [];
    if (truncated) {
      warnings.push(`The slice ${new Date(window[0]).toISOString()} – ${new Date(window[1]).toISOString()} stopped after maxPages pages; entries are missing`);
    }
    yield { deviceId: p.deviceId, page: i + 1, logs, hasMore: i < done.length - 1, truncated, warnings };
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
