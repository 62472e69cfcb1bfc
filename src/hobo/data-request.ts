/**
 * The data call of each flavour: legacy GET /ws/data/file/JSON/user/{userId} answers
 * observation_list, LI-COR GET /v1/data answers data; both take loggers, start_date_time and
 * end_date_time (UTC "yyyy-MM-dd HH:mm:ss", both ends inclusive) and say max_results when cut.
 */
import { JsonItemReader } from "../core/json-items";
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

export function fetchData(
  transport: HoboTransport,
  credentials: HoboCredentials,
  loggers: readonly string[],
  start: Date,
  end: Date,
  signal?: AbortSignal,
): Promise<HoboDataAnswer> {
  return transport.request({
    method: "GET",
    path: dataPath(credentials),
    params: dataParams(loggers, start, end),
    signal,
    read: readObservations,
    parse: (body, res, ctx) => {
      const { fields, rows } = body as Observations;
      if (!rows) throw shapeError(credentials.flavour === "licor" ? "data list" : "observation_list", res, ctx);
      return { rows, maxResults: fields.max_results === true, message: typeof fields.message === "string" ? fields.message : "" };
    },
  });
}

/** LI-COR renamed observation_list to data; either is read, so a mixed-up flavour still reads. */
const ROW_LISTS: ReadonlySet<string> = new Set(["observation_list", "data"]);

interface Observations {
  fields: Record<string, unknown>;
  /** Undefined when the answer had no row list. */
  rows?: HoboRow[];
}

/** The answer's rows, read one by one as the body arrives and made compact at once. */
async function readObservations(chunks: AsyncIterable<string>): Promise<Observations> {
  const rows: HoboRow[] = [];
  const compact = rowCompactor();
  const reader = new JsonItemReader(ROW_LISTS, (row) => rows.push(compact(row)));
  for await (const chunk of chunks) reader.write(chunk);
  const fields = reader.end();
  return { fields, rows: Array.isArray(fields.data) || Array.isArray(fields.observation_list) ? rows : undefined };
}

/**
 * A parsed row holds a copy of every string: the serials, units, types and timestamps repeat
 * across 100,000 rows. One copy of each, shared (put into the parsed row itself, so no second
 * object is made), makes a held window several times smaller.
 */
function rowCompactor(): (row: unknown) => HoboRow {
  const pool = new Map<string, string>();
  return (row) => {
    if (typeof row !== "object" || row === null) return row as HoboRow;
    const fields = row as Record<string, unknown>;
    for (const k in fields) {
      const v = fields[k];
      if (typeof v !== "string") continue;
      const seen = pool.get(v);
      if (seen === undefined) pool.set(v, v);
      else fields[k] = seen;
    }
    return fields as unknown as HoboRow;
  };
}
