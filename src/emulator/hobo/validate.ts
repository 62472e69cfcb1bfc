// Error codes and query validation for the data endpoints, in the order of reference §12.
// Error bodies are {error, message, error_description}: `message` says what went wrong with this
// request, `error_description` is the code's generic description (reference §3.2).

/** Descriptions from the V3 guide's table, plus the V2-era ATH codes and one inferred VAL-008. */
export const ERROR_DESCRIPTIONS: Readonly<Record<string, string>> = {
  "ATH-001": "Invalid token.",
  "ATH-002": "Invalid user.",
  "ATH-008": "Device not owned by respective user.",
  "CFG-003": "Error retrieving property.",
  "DBM-004": "Database error retrieving the user.",
  "DBM-026": "Database error retrieving data.",
  "DBM-027": "Database error saving data.",
  "SYS-001": "System is busy.",
  "SYS-002": "Too many requests.",
  "VAL-001": "Time period start time is null.",
  "VAL-002": "Time period start time is in the future.",
  "VAL-004": "Device serial number or user name is required.",
  "VAL-006": "Bad query date format.",
  // [inference] v1 documents "VAL-001 - VAL-008"; the text of VAL-008 is not published.
  "VAL-008": "Time period end time is null.",
  "VAL-033": "Invalid format.",
  "VAL-034": "Invalid request.",
  "WCE-001": "WebCache connection not available.",
};

export interface ErrorBody {
  error: string;
  message: string;
  error_description: string;
}

/** An error the emulated server answers with (status, code, message); unrelated to the client's ApiError. */
export class HoboErrorReply extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message?: string,
  ) {
    super(message ?? ERROR_DESCRIPTIONS[code] ?? code);
  }

  body(): ErrorBody {
    return { error: this.code, message: this.message, error_description: ERROR_DESCRIPTIONS[this.code] ?? this.message };
  }
}

export const MAX_LOGGERS = 10;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/** Strict `yyyy-MM-dd HH:mm:ss` (UTC) → epoch seconds, or undefined (also for 2021-02-30 etc.). */
export function parseQueryDate(text: string): number | undefined {
  const m = DATE_RE.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return undefined;
  return ms / 1000;
}

export interface DataQuery {
  /** Distinct serials, in request order. */
  loggers: string[];
  startSec: number;
  endSec: number;
}

function parseLoggers(params: URLSearchParams): string[] {
  const raw = params.getAll("loggers").join(",");
  const list = raw
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  if (list.length === 0) throw new HoboErrorReply(400, "VAL-004", "Device serial number or user name is required.");
  const distinct = [...new Set(list)];
  if (distinct.length > MAX_LOGGERS) throw new HoboErrorReply(400, "VAL-034", `Too many loggers (max ${MAX_LOGGERS})`);
  return distinct;
}

function parseDate(params: URLSearchParams, name: string): number {
  const text = params.get(name) ?? "";
  const sec = parseQueryDate(text);
  if (sec === undefined) throw new HoboErrorReply(400, "VAL-006", `Bad query date format: ${name}=${text}. Expected yyyy-MM-dd HH:mm:ss (UTC).`);
  return sec;
}

/** Steps after the loggers: start (missing/format/future), end (format, after start). */
function parseWindow(params: URLSearchParams, nowSec: number, endRequired: boolean): { startSec: number; endSec: number } {
  if (!params.get("start_date_time")) throw new HoboErrorReply(400, "VAL-001", "Time period start time is null.");
  const startSec = parseDate(params, "start_date_time");
  let endSec: number;
  if (params.get("end_date_time")) endSec = parseDate(params, "end_date_time");
  else if (endRequired) throw new HoboErrorReply(400, "VAL-008", "Time period end time is null.");
  // [inference] Legacy time frame without an end: everything up to now.
  else endSec = Math.max(nowSec, startSec + 1);
  if (startSec > nowSec) throw new HoboErrorReply(400, "VAL-002", "Time period start time is in the future.");
  // The real server reportedly hangs here (reference §3.4); an error is kinder and testable.
  if (endSec <= startSec) throw new HoboErrorReply(400, "VAL-006", "End time must be after start time.");
  return { startSec, endSec };
}

export interface LegacyRequest {
  format: string;
  /** The path segment after /user/, undefined when absent. */
  userId: string | undefined;
  /** The user the token's client belongs to. */
  tokenUserId: string;
  params: URLSearchParams;
  nowSec: number;
  strictFormat: boolean;
}

/** Legacy V3 validation after the token check: format, user id, loggers, dates. Throws HoboErrorReply. */
export function validateLegacy(req: LegacyRequest): DataQuery {
  const formatOk = req.strictFormat ? req.format === "JSON" : req.format.toUpperCase() === "JSON";
  if (!formatOk) throw new HoboErrorReply(400, "VAL-033", `Invalid format: ${req.format}. Currently only JSON is supported.`);
  if (req.userId === undefined || req.userId === "") throw new HoboErrorReply(400, "VAL-034", "No user ID provided.");
  if (!/^\d+$/.test(req.userId)) throw new HoboErrorReply(400, "VAL-034", `Invalid user ID: ${req.userId}.`);
  if (req.userId !== req.tokenUserId) throw new HoboErrorReply(403, "ATH-002", "Invalid user.");
  if (req.params.get("only_new_data")?.toLowerCase() === "true") {
    throw new HoboErrorReply(400, "VAL-034", "Managed data tracking (only_new_data=true) is not supported by the emulator.");
  }
  const loggers = parseLoggers(req.params);
  return { loggers, ...parseWindow(req.params, req.nowSec, false) };
}

/** LI-COR v1 validation after the token check: all three parameters are required. */
export function validateV1(params: URLSearchParams, nowSec: number): DataQuery {
  const loggers = parseLoggers(params);
  return { loggers, ...parseWindow(params, nowSec, true) };
}
