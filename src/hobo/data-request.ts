/**
 * The data call of each flavour: legacy GET /ws/data/file/JSON/user/{userId} answers
 * observation_list, LI-COR GET /v1/data answers data; both take loggers, start_date_time and
 * end_date_time (UTC "yyyy-MM-dd HH:mm:ss", both ends inclusive) and say max_results when cut.
 */
import { toHoboUtc } from "../core/time";
import { shapeError } from "./errors";
import type { HoboCredentials } from "./options";
import type { HoboTransport } from "./transport";
import type { HoboDataAnswer, HoboRow } from "./types";

export function dataPath(credentials: HoboCredentials): string {
  return credentials.flavour === "licor" ? "/v1/data" : `/ws/data/file/JSON/user/${encodeURIComponent(credentials.userId)}`;
}

/** Query parameters in bestlab's order. */
export function dataParams(loggers: readonly string[], start: Date, end: Date): Record<string, string> {
  return { loggers: loggers.join(","), start_date_time: toHoboUtc(start), end_date_time: toHoboUtc(end) };
}

export function fetchData(transport: HoboTransport, credentials: HoboCredentials, loggers: readonly string[], start: Date, end: Date, signal?: AbortSignal): Promise<HoboDataAnswer> {
  return transport.request({
    method: "GET",
    path: dataPath(credentials),
    params: dataParams(loggers, start, end),
    signal,
    parse: (body, res, ctx) => {
      const fields = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
      // LI-COR renamed observation_list to data; accept either so a mixed-up flavour still reads.
      const rows = fields.data ?? fields.observation_list;
      if (!Array.isArray(rows)) throw shapeError(credentials.flavour === "licor" ? "data list" : "observation_list", res, ctx);
      return { rows: compactRows(rows), maxResults: fields.max_results === true, message: typeof fields.message === "string" ? fields.message : "" };
    },
  });
}

/**
 * The rows as the answer's parser made them hold a copy of every string on every row: the
 * serials, units, types and timestamps repeat across 100,000 rows. One copy of each, shared,
 * makes a held window several times smaller (the parser's copies are dropped with the answer).
 */
function compactRows(rows: unknown[]): HoboRow[] {
  const pool = new Map<string, string>();
  const share = (v: unknown): unknown => {
    if (typeof v !== "string") return v;
    const seen = pool.get(v);
    if (seen !== undefined) return seen;
    pool.set(v, v);
    return v;
  };
  return rows.map((row) => {
    if (typeof row !== "object" || row === null) return row as HoboRow;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(row)) out[k] = share(v);
    return out as unknown as HoboRow;
  });
}
