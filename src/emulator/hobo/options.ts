// What a HOBOlink emulator can be told at construction, and what it tells about itself.
import type { HoboEmulatorStation } from "./stations";

export interface HoboEmulatorOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /** Legacy V3 credentials; defaults "BESTLab_WS", a fixed 40-hex secret, "26954". */
  clientId?: string;
  clientSecret?: string;
  userId?: string;
  /** LI-COR v1 static token; default a fixed 48-character alphanumeric string. */
  licorToken?: string;
  /** Legacy token lifetime; default 600. */
  tokenLifetimeSec?: number;
  /** Whether a new token revokes the client's older ones; default false. */
  revokeOnNewToken?: boolean;
  /** Row cap per answer; default 100000. */
  maxResults?: number;
  /** Default 30 per 60000 ms per (client, path). */
  legacyRateLimit?: { requests: number; windowMs: number };
  /** Default 60 per 60000 ms per (token, path), reported in RateLimit-* headers. */
  licorRateLimit?: { requests: number; windowMs: number };
  /** Concurrent data requests above this get 509 SYS-001; default 75. */
  maxConcurrent?: number;
  /**
   * Send Retry-After with 429 (the seconds until the rate window frees) and 509 (1 s) answers.
   * The reference documents none for either service (LI-COR sends RateLimit-* headers instead),
   * so clients must cope without it: off by default [inference].
   */
  sendRetryAfter?: boolean;
  /** Clock for data ("now") and token expiry; default Date.now. */
  now?: () => number;
  /**
   * Clock for the rate-limit windows; default Date.now (wall time even when `now` is injected,
   * so a frozen data clock cannot leave a client stuck behind a window that never slides).
   */
  rateClock?: () => number;
  /** Rows only up to now − lag; default 0. */
  uploadLagSec?: number;
  /** Loggers not owned (or unknown): "empty" → 200 without their rows (default); "error" → 400 ATH-008. */
  unownedLoggers?: "empty" | "error";
  /** false (default): the format segment "json" is accepted in any case; true: only "JSON". */
  strictFormat?: boolean;
  /** Default: the three fixtures of stations.ts. */
  stations?: HoboEmulatorStation[];
  /** Add N generated weather stations (serials 22xxxxxx). */
  extraStations?: number;
}

export interface HoboEmulatorDescription {
  url: string;
  legacy: { clientId: string; clientSecret: string; userId: string };
  licor: { token: string };
  loggers: { serial: string; name: string; kind: string }[];
}

export const DEFAULT_CLIENT_ID = "BESTLab_WS";
export const DEFAULT_SECRET = "7c4a8d09ca3762af61e59520943dc26494f8941b";
export const DEFAULT_USER_ID = "26954";
export const DEFAULT_LICOR_TOKEN = "Lc7Hq2ZpW9sVb4NmXe6RtY8uKd3JfA5gQw1ZoP0iBn7CvMxS";
