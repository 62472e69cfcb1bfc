/**
 * Client options with their defaults filled in and the credentials checked up front, so a
 * missing token or secret is an InputError at construction rather than a 401 later.
 */
import type { ClientLogger, ClientRetryOptions } from "../core/client";
import { InputError } from "../core/errors";
import type { HoboClientOptions, HoboFlavour } from "./types";

export const DEFAULT_BASE_URL: Readonly<Record<HoboFlavour, string>> = {
  licor: "https://api.licor.cloud",
  legacy: "https://webservice.hobolink.com",
};

/** Published limits: 30 requests a minute per URL and 75 concurrent requests (legacy), 60 a minute (LI-COR). */
export const DEFAULT_REQUESTS_PER_MINUTE: Readonly<Record<HoboFlavour, number>> = { licor: 60, legacy: 30 };
export const MAX_CONCURRENT = 75;
export const DEFAULT_ROW_CAP = 100_000;
/**
 * Rows a streamed query may hold ahead of its reader (a full answer counted per request in
 * flight): six answers, so five requests are out beyond the one the reader waits for. Rows ahead
 * wait in columns (48 bytes a row, src/core/row-columns.ts) and the reader gets windows of
 * windowRows: measured on 10 loggers x 90 days (bench/), 600,000 rows peak at 184 MB resident
 * (300,000: 153 MB), and a month of ten loggers finishes in 1.16x the time of a client sending
 * every request at once (300,000: 1.23x). Held as objects, 300,000 rows had peaked at 278-309 MB.
 */
export const DEFAULT_LOOKAHEAD_ROWS = 600_000;
/**
 * Rows a window hands on at most where timestamps allow: an answer of 80,000 rows goes as several
 * windows, so a reader holds a tenth of an answer as objects at a time, not all of it (the rest
 * waits in columns); 10,000 is also what a hobo-data message holds by default.
 */
export const DEFAULT_WINDOW_ROWS = 10_000;

export type HoboCredentials = { flavour: "licor"; token: string } | { flavour: "legacy"; clientId: string; clientSecret: string; userId: string };

export interface ResolvedHoboOptions {
  flavour: HoboFlavour;
  baseUrl: string;
  credentials: HoboCredentials;
  timeoutMs: number;
  requestsPerWindow: number;
  windowMs: number;
  maxConcurrent: number;
  lookaheadRows: number;
  windowRows: number;
  tokenMarginMs: number;
  retry: ClientRetryOptions;
  rowCap: number;
  targetFill: number;
  logger: ClientLogger;
}

const quietLogger: ClientLogger = { debug: () => undefined, warn: (msg) => console.warn(`[hobolink] ${msg}`) };

function text(value: unknown): string {
  return typeof value === "string" ? value.trim() : typeof value === "number" && Number.isFinite(value) ? String(value) : "";
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new InputError(`The HOBOlink option ${name} must be a positive number, got ${String(value)}`);
  return value;
}

function credentialsOf(o: HoboClientOptions): HoboCredentials {
  if (o.flavour === "licor") {
    const token = text(o.token);
    if (!token) throw new InputError("LI-COR Cloud needs an API token: create one in LI-COR Cloud (Data > API > Add Token)");
    return { flavour: "licor", token };
  }
  const clientId = text(o.clientId);
  const clientSecret = text(o.clientSecret);
  const userId = text(o.userId);
  if (!clientId || !clientSecret || !userId) {
    const missing = [!clientId && "client id", !clientSecret && "client secret", !userId && "user id"].filter(Boolean).join(", ");
    throw new InputError(`Legacy HOBOlink web services need a client id, a client secret (issued by Onset) and the numeric user id; missing: ${missing}`);
  }
  return { flavour: "legacy", clientId, clientSecret, userId };
}

export function resolveOptions(o: HoboClientOptions): ResolvedHoboOptions {
  if (o.flavour !== "licor" && o.flavour !== "legacy") {
    throw new InputError(`Unknown HOBOlink flavour ${JSON.stringify(o.flavour)}: use "licor" (LI-COR Cloud v1) or "legacy" (Onset web services V3)`);
  }
  const targetFill = positive(o.targetFill, 0.8, "targetFill");
  if (targetFill > 1) throw new InputError(`The HOBOlink option targetFill must be at most 1, got ${targetFill}`);
  return {
    flavour: o.flavour,
    baseUrl: (text(o.baseUrl) || DEFAULT_BASE_URL[o.flavour]).replace(/\/+$/, ""),
    credentials: credentialsOf(o),
    timeoutMs: positive(o.timeoutMs, 30_000, "timeoutMs"),
    requestsPerWindow: positive(o.requestsPerMinute, DEFAULT_REQUESTS_PER_MINUTE[o.flavour], "requestsPerMinute"),
    windowMs: positive(o.windowMs, 60_000, "windowMs"),
    // The rate window is the real limit: up to N requests (and never more than the service's 75) may be in flight.
    maxConcurrent: Math.min(MAX_CONCURRENT, Math.max(1, Math.floor(positive(o.maxConcurrent, MAX_CONCURRENT, "maxConcurrent")))),
    lookaheadRows: Math.floor(positive(o.lookaheadRows, DEFAULT_LOOKAHEAD_ROWS, "lookaheadRows")),
    windowRows: Math.floor(positive(o.windowRows, DEFAULT_WINDOW_ROWS, "windowRows")),
    tokenMarginMs: o.tokenMarginMs === undefined ? 60_000 : Math.max(0, o.tokenMarginMs),
    retry: { ...o.retry },
    rowCap: Math.floor(positive(o.rowCap, DEFAULT_ROW_CAP, "rowCap")),
    targetFill,
    logger: o.logger ?? quietLogger,
  };
}

/** Every string that must never reach a log line, an error or a message. */
export function secretsOf(credentials: HoboCredentials): string[] {
  return credentials.flavour === "licor" ? [credentials.token] : [credentials.clientSecret];
}
