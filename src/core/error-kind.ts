/**
 * One category per failure, shared by every cloud, so one Catch -> Switch on msg.errorDetails.kind
 * handles Tuya, HOBOlink and eGauge alike. A service code decides first (the tables below follow
 * the references' code lists), then the HTTP status, then the transport code; what none of them
 * names is "server" (the service, or something between, misbehaved).
 *
 *   auth        credentials or token rejected (wrong secret, expired token, bad signature)
 *   permission  authenticated, but not allowed (device not linked, API not subscribed, no privilege)
 *   throttled   too many requests or calls (rate limits, busy, quota used up): call less, later
 *   network     no usable answer: timeout, refused or reset connection, unknown host, device offline
 *   not-found   the thing asked for does not exist (device, data, endpoint)
 *   invalid     bad input or settings, found by the pack before sending or refused by the service
 *   server      the service failed or answered something unreadable
 */
import type { Platform } from "./errors";

export const ERROR_KINDS = ["auth", "permission", "throttled", "network", "not-found", "invalid", "server"] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

function table(entries: Record<ErrorKind, readonly (string | number)[]>): ReadonlyMap<string, ErrorKind> {
  const map = new Map<string, ErrorKind>();
  for (const kind of ERROR_KINDS) for (const code of entries[kind]) map.set(String(code), kind);
  return map;
}

/** Tuya's codes (tuya-cloud-api reference §5.2) and the client's own. */
const TUYA = table({
  // 1013 (request time outside the window) is a signature check; 2007 is a token or cross-region refusal.
  auth: [1001, 1002, 1003, 1004, 1005, 1010, 1011, 1012, 1013, 1400, 2007, 2401],
  permission: [1008, 1106, 1114, 28841001, 28841002, 28841101, 28841105, 28841106, 28841107],
  // 28841004: the trial's monthly call quota is used up.
  throttled: [1110, 1111, 1113, 1199, 28841004],
  network: [2001],
  "not-found": [1000, 2002, 2009, 2010],
  invalid: [1006, 1007, 1100, 1101, 1102, 1103, 1104, 1105, 1107, 1108, 1109, 2003, 2008, 2406],
  server: [500, 1112, "BAD_TOKEN", "CURSOR_REPEATED", "CURSOR_MISSING"],
});

/** HOBOlink's codes (hobolink-api reference §1.3, §3.2, §8.3), OAuth's and the client's own. */
const HOBOLINK = table({
  auth: ["ATH-001", "ATH-002", "invalid_client", "invalid_grant", "invalid_request"],
  permission: ["ATH-008", "unauthorized_client", "invalid_scope"],
  throttled: ["SYS-001", "SYS-002"],
  network: [],
  "not-found": ["DBM-024"],
  invalid: ["VAL-001", "VAL-002", "VAL-003", "VAL-004", "VAL-006", "VAL-008", "VAL-030", "VAL-033", "VAL-034", "unsupported_grant_type"],
  server: ["CFG-003", "DBM-004", "DBM-026", "DBM-027", "WCE-001", "BAD_RESPONSE", "TRUNCATED"],
});

/** The eGauge client's codes (egauge-api reference §2). */
const EGAUGE = table({
  auth: ["AUTH", "NONCE"],
  permission: ["PRIVILEGE"],
  throttled: [],
  network: [],
  "not-found": [],
  invalid: [],
  server: ["FORMAT"],
});

const BY_PLATFORM: Record<Platform, ReadonlyMap<string, ErrorKind>> = { tuya: TUYA, hobolink: HOBOLINK, egauge: EGAUGE };

/** Transport codes (Node's and axios's) that mean no usable answer came. */
const NETWORK_CODE = /^(E[A-Z_]+|ERR_(NETWORK|SOCKET\w*|TLS\w*|CANCELED))$/;

export function isErrorKind(value: unknown): value is ErrorKind {
  return typeof value === "string" && (ERROR_KINDS as readonly string[]).includes(value);
}

/** The kind an HTTP status says, or undefined for a success status. */
export function kindOfStatus(status: number): ErrorKind | undefined {
  if (status === 401) return "auth";
  if (status === 403) return "permission";
  if (status === 404 || status === 410) return "not-found";
  if (status === 408) return "network";
  if (status === 429 || status === 509) return "throttled";
  if (status >= 500) return "server";
  if (status >= 400) return "invalid";
  return undefined;
}

/** The kind of a service failure: its code in the platform's table, else its HTTP status, else its transport code. */
export function kindOfFailure(platform: Platform, status: number | undefined, code: number | string | undefined): ErrorKind {
  const byCode = code === undefined ? undefined : BY_PLATFORM[platform].get(String(code));
  if (byCode) return byCode;
  const byStatus = status === undefined ? undefined : kindOfStatus(status);
  if (byStatus) return byStatus;
  if (status === undefined && typeof code === "string" && NETWORK_CODE.test(code)) return "network";
  return "server";
}

/** The codes each platform's table names (a spec checks them against the hint tables). */
export function classifiedCodes(platform: Platform): string[] {
  return [...BY_PLATFORM[platform].keys()];
}
