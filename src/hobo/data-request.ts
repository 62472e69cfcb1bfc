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
import { RowBlock } from "./row-block";
import type { HoboDataAnswer } from "./types";

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
  rows?: RowBlock;
}

/** The answer's rows, read one by one as the body arrives and put into columns at once. */
async function readObservations(chunks: AsyncIterable<string>): Promise<Observations> {
  const rows = new RowBlock();
  const reader = new JsonItemReader(ROW_LISTS, (row) => rows.add(row));
  for await (const chunk of chunks) reader.write(chunk);
  const fields = reader.end();
  return { fields, rows: Array.isArray(fields.data) || Array.isArray(fields.observation_list) ? rows : undefined };
}
