/**
 * Tuya's error codes (reference §5.2): a hint a person can act on per code, and which codes
 * mean "token rejected", "clock skew" or "throttled", which decide the client's recovery.
 */
import { ApiError } from "../core/errors";

/** The server rejected the access token (or found none: 1002) before executing anything: new token, retry once. */
export const TOKEN_CODES: ReadonlySet<number> = new Set([1002, 1010, 1011, 1012]);
/** The request's t is outside the server's window: learn the offset, retry once. */
export const CLOCK_CODE = 1013;
/** Throttling and transient server trouble: reads are backed off and retried. */
export const TRANSIENT_CODES: ReadonlySet<number> = new Set([500, 1110, 1111, 1112, 1199]);
/**
 * Throttling: a success:false answer with one of these means the gateway refused the request
 * before it ran, so even a command is safely backed off and retried.
 */
export const THROTTLE_CODES: ReadonlySet<number> = new Set([1110, 1111, 1199]);

const REGION = "the region (data center) is wrong for this project";
const HINTS: Readonly<Record<string, string>> = {
  "500": "Tuya had a temporary problem; reads are retried, try again later",
  "1000": "the requested data does not exist: check the device id or category",
  "1001": "the Access Secret is wrong: copy it again from the project's Overview page",
  "1002": "no access token was sent; a new token is fetched automatically",
  "1003": "the token grant type is wrong; this is a client bug",
  "1004": "the signature was rejected: check the Access ID and Access Secret; projects created before mid-2021 may need the legacy signing option",
  "1005": "the Access ID (client id) is wrong: copy it from the project's Overview page",
  "1010": "the access token expired or was replaced (another program using the same project refreshed it); a new token is fetched automatically",
  "1011": "the access token is invalid; a new token is fetched automatically",
  "1012": "the access token status is invalid; a new token is fetched automatically",
  "1013": "the computer's clock is too far from Tuya's; the offset is corrected automatically, but fix the system time (NTP)",
  "1100": "a required parameter is missing",
  "1101": "a parameter is out of range (for example more than 20 device ids or a page size above the limit)",
  "1102": "a parameter is null",
  "1103": "the device did not accept the commands",
  "1104": 'a command value has the wrong type (for example the text "100" for an Integer function); check the device\'s functions',
  "1105": "a required header is missing",
  "1106": `permission denied: the device is not linked to this cloud project (link the Smart Life/Tuya app account under Devices > Link App Account), ${REGION}, or the API family (iot-03 or Smart Home) is not allowed for this project`,
  "1107": "the code is invalid",
  "1108": "the API path is invalid for this method",
  "1109": "a parameter is invalid; check the values sent",
  "1110": "too many concurrent requests; backed off and retried",
  "1111": "Tuya is busy; backed off and retried",
  "1112": "the user is being synchronised in the background; retry later",
  "1113": "the same operation was repeated too quickly",
  "1114": `this IP address may not call this API: check the endpoint, Access ID and Access Secret; ${REGION}`,
  "1199": "requests are too frequent; backed off and retried (lower the request rate)",
  "1400": "the token is invalid; reconnect",
  "2001": "the device is offline",
  "2002": "the linked app account has no devices",
  "2003": "the device does not support this function",
  "2007": `the token or region is wrong (Tuya also answers 2007 to cross-region access): ${REGION}`,
  "2008": "the device does not support this command or value",
  "2009": "this API does not support this device (it may have no standard data points; try the other API family or DP Instruction mode)",
  "2010": "the device does not exist",
  "28841001": "IoT Core is not authorised for this project: subscribe to IoT Core and Authorization Token Management in the Tuya IoT platform",
  "28841002": "the cloud development plan (trial) has expired: renew the IoT Core trial in the Tuya IoT platform",
  "28841004": "the Trial Edition API-call quota is used up for this month: wait for the monthly reset, poll less often, or upgrade",
  "28841101": "this API is not subscribed: add the IoT Core service to the project",
  "28841105": "this project is not authorised to call this API: check the project's services and API groups",
  "28841106": "this API is not subscribed: add the IoT Core service to the project",
  "28841107": "the project's data center is suspended: check the project in the Tuya IoT platform, or the region",
};

/** What a person can do about a Tuya error code, or undefined for codes without a hint. */
export function tuyaErrorHint(code: number | string): string | undefined {
  return HINTS[String(code)];
}

/** The codes that have a hint (a user interface translating hints by code checks it covers them all). */
export function tuyaHintCodes(): string[] {
  return Object.keys(HINTS);
}

export interface TuyaErrorBody {
  success?: unknown;
  code?: unknown;
  msg?: unknown;
  tid?: unknown;
  t?: unknown;
}

export interface ErrorContext {
  status: number;
  method: string;
  path: string;
  retryAfterMs?: number;
  responseText?: string;
  secrets: Iterable<string>;
}

/** Turns a success:false body (or a non-2xx JSON answer) into an ApiError. */
export function tuyaApiError(body: TuyaErrorBody, ctx: ErrorContext): ApiError {
  const rawCode = body.code;
  const code: number | string =
    typeof rawCode === "number" || (typeof rawCode === "string" && rawCode !== "")
      ? Number.isFinite(Number(rawCode))
        ? Number(rawCode)
        : rawCode
      : `HTTP ${ctx.status}`;
  const numeric = typeof code === "number" ? code : undefined;
  const httpTransient = ctx.status === 429 || ctx.status >= 500;
  return new ApiError({
    platform: "tuya",
    status: ctx.status,
    code,
    serviceMessage: typeof body.msg === "string" ? body.msg : undefined,
    requestId: typeof body.tid === "string" ? body.tid : undefined,
    hint: tuyaErrorHint(code) ?? (httpTransient ? "the service is having trouble; reads are retried, try again later" : undefined),
    retryable: httpTransient || (numeric !== undefined && TRANSIENT_CODES.has(numeric)),
    notExecuted: numeric !== undefined && (TOKEN_CODES.has(numeric) || numeric === CLOCK_CODE || (body.success === false && THROTTLE_CODES.has(numeric))),
    retryAfterMs: ctx.retryAfterMs,
    responseText: ctx.responseText,
    method: ctx.method,
    path: ctx.path,
    secrets: ctx.secrets,
  });
}

export function hasCode(err: unknown, codes: ReadonlySet<number> | number): err is ApiError {
  if (!(err instanceof ApiError) || typeof err.code !== "number") return false;
  return typeof codes === "number" ? err.code === codes : codes.has(err.code);
}
