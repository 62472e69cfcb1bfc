/**
 * HOBOlink failures as the core ApiError: the service's {error, message, error_description}
 * bodies (VAL-006, ATH-001, SYS-002, ...) and OAuth token errors (invalid_client, ...) each get
 * a hint a person can act on; an unknown code still shows the code and the server's own text.
 */
import type { AxiosResponse } from "axios";
import { ApiError } from "../core/errors";
import { parseJsonBody } from "../core/http";
import { parseRetryAfter } from "../core/retry";

const HINTS: Readonly<Record<string, string>> = {
  "VAL-001": "the start time is missing",
  "VAL-002": "the start time is in the future: times are UTC, check the time zone and the clock",
  "VAL-004": "no logger serial numbers were sent",
  "VAL-006": 'a date is not "yyyy-MM-dd HH:mm:ss" UTC, or the end is not after the start',
  "VAL-008": "the end time is missing",
  "VAL-033": "the data format is not supported (only JSON is)",
  "VAL-034": "the request is invalid: check the user id (the number in your HOBOlink address) and send at most 10 loggers",
  "ATH-001": "the token was rejected: for LI-COR Cloud create a new API token (Data > API > Add Token); for legacy web services check the client id and secret",
  "ATH-002": "the user id does not belong to these web-services credentials",
  "ATH-008": "a logger is not owned by this account: check the serial numbers",
  "SYS-001": "HOBOlink is busy (too many requests at once); reads are retried after a pause",
  "SYS-002": "too many requests per minute; reads are retried after the server's wait",
  "CFG-003": "HOBOlink could not read a setting on its side; try again later",
  "DBM-004": "HOBOlink had a database error reading the user; try again later",
  "DBM-026": "HOBOlink had a database error reading data; reads are retried, try again later",
  "DBM-027": "HOBOlink had a database error saving data; try again later",
  "WCE-001": "HOBOlink's cache is unavailable; reads are retried, try again later",
  invalid_client: "the client id or secret is wrong: use the web-services credentials Onset support issued, not the hobolink.com login",
  invalid_request: "the token request was malformed: check that the client id and secret are filled in",
  invalid_grant: "the credentials were refused: ask Onset support whether they are still valid",
  unsupported_grant_type: "the server does not accept client credentials: check the endpoint URL",
  unauthorized_client: "these credentials may not use the web services: ask Onset support",
};

/** What a person can do about a HOBOlink or OAuth error code. */
export function hoboErrorHint(code: string): string | undefined {
  return HINTS[code];
}

/** The codes that have a hint (a user interface translating hints by code checks it covers them all). */
export function hoboHintCodes(): string[] {
  return Object.keys(HINTS);
}

/** Hints for statuses without a recognised code. */
function statusHint(status: number): string | undefined {
  if (status === 401 || status === 403) return HINTS["ATH-001"];
  if (status === 404) return "no such endpoint: check the base URL (and the user id for legacy web services)";
  if (status === 429) return HINTS["SYS-002"];
  if (status === 509) return HINTS["SYS-001"];
  if (status >= 500) return "HOBOlink is having trouble; reads are retried, try again later";
  return undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;
}

/** "message (error_description)", without repeating text the two share. */
function serviceText(message?: string, description?: string): string | undefined {
  if (!message) return description;
  if (!description || message.toLowerCase().includes(description.replace(/\.$/, "").toLowerCase())) return message;
  return `${message} (${description})`;
}

const OAUTH_CODES = new Set(["invalid_client", "invalid_request", "invalid_grant", "unsupported_grant_type", "unauthorized_client", "invalid_scope"]);

/**
 * A failure of the connection itself (network, rejected credentials or user, the token
 * endpoint's OAuth errors, 5xx), which every user of the account shares; not a failure of one
 * request's own values (VAL-xxx, a logger not owned, throttling).
 */
export function isConnectionError(err: unknown): boolean {
  if (!(err instanceof ApiError)) return false;
  if (err.status === undefined) return true;
  // 509 SYS-001 "System is busy" is throttling, not a broken connection.
  if (err.status === 401 || err.status === 403 || (err.status >= 500 && err.status !== 509)) return true;
  return typeof err.code === "string" && OAUTH_CODES.has(err.code);
}

/** Throttling, server trouble and 5xx may be repeated for a read. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 509 || (status >= 500 && status !== 501);
}

export interface ErrorContext {
  method: string;
  path: string;
  secrets: readonly string[];
}

/** The ApiError for an HTTP answer with status >= 400. */
export function errorFromResponse(res: AxiosResponse, ctx: ErrorContext): ApiError {
  let body: unknown;
  try {
    body = parseJsonBody(res, "hobolink", ctx.secrets);
  } catch (err) {
    // Not JSON (an HTML page from a proxy): the core already says so in an ApiError.
    if (err instanceof ApiError) return err;
    throw err;
  }
  const fields = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
  const status = res.status;
  const code = str(fields.error);
  const text = typeof res.data === "string" ? res.data : JSON.stringify(res.data ?? "");
  const notExecuted = status === 401 || status === 403 || status === 429 || status === 509;
  return new ApiError({
    platform: "hobolink",
    status,
    code: code ?? `HTTP ${status}`,
    serviceMessage: serviceText(str(fields.message), str(fields.error_description)),
    hint: (code && hoboErrorHint(code)) ?? statusHint(status),
    retryable: isRetryableStatus(status),
    notExecuted,
    retryAfterMs: parseRetryAfter(headerText(res, "retry-after")),
    responseText: text,
    method: ctx.method,
    path: ctx.path,
    secrets: ctx.secrets,
  });
}

/** A 2xx answer whose JSON is not the shape the API documents. */
export function shapeError(what: string, res: AxiosResponse, ctx: ErrorContext): ApiError {
  return new ApiError({
    platform: "hobolink",
    status: res.status,
    code: "BAD_RESPONSE",
    serviceMessage: `the answer has no ${what}`,
    hint: "check the base URL and the flavour (LI-COR Cloud or legacy web services)",
    responseText: typeof res.data === "string" ? res.data : "",
    method: ctx.method,
    path: ctx.path,
    secrets: ctx.secrets,
  });
}

/** A response header as text (axios may hand arrays or numbers). */
export function headerText(res: AxiosResponse, name: string): string | undefined {
  const v: unknown = res.headers[name];
  if (v === undefined || v === null) return undefined;
  return Array.isArray(v) ? String(v[0]) : String(v);
}
